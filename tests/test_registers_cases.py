"""The centre's reproductions of issue 11, one by one: what was lost, leaked or run as a
formula is now read, reported or refused with a reason."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.errors import DataError
from kkz_xl.registers.consent import MASK, may_share_contacts
from kkz_xl.registers.export import Privacy, export_rows
from kkz_xl.registers.merge import merge_registers
from kkz_xl.registers.reading import detect_encoding, read_register, read_registers
from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from kkz_xl.registers.workbook import build_workbook

H, L = CATALOGUE.header, LEADERS.header
runner = CliRunner()
TODAY = dt.date.today()


def leaders(rows: list[dict], source: str = "g.xlsx") -> Register:
    headers = list(LEADERS.headers)
    for row in rows:
        headers += [h for h in row if h not in headers]
    return Register(LEADERS, headers, rows, source=source)


def person(email: str, day: object, scope: object, **extra: object) -> dict:
    return {L("osoba"): "Anna Kowalczyk", L("jst"): "Radom", L("email"): email,
            L("zgoda_data"): day, L("zgoda_zakres"): scope, **extra}


# ---------------------------------------------------------------- consent (RODO)

def test_a_later_withdrawal_removes_the_contacts() -> None:
    given = leaders([person("anna@ops.example", "2024-03-01", "udostępnianie w sieci")], "a.xlsx")
    withdrawn = leaders([person(None, "2025-02-01", "wycofana")], "b.xlsx")
    result = merge_registers([given, withdrawn])
    (row,) = result.register.rows
    assert row[L("email")] is None and row[L("zgoda_zakres")] == "wycofana"
    assert result.refused and all("wycofana" in r for r in result.refused.values())
    assert not any("anna@" in c.value for c in result.register.conflicts)


def test_two_statements_of_one_day_are_a_conflict_and_no_consent() -> None:
    a = leaders([person("anna@ops.example", "2025-02-01", "udostępnianie w sieci")], "a.xlsx")
    b = leaders([person(None, "2025-02-01", "wycofana")], "b.xlsx")
    reg = merge_registers([a, b]).register
    (row,) = reg.rows
    assert row[L("email")] is None and L("zgoda_zakres") in row[L("konflikty")]
    assert {c.column for c in reg.conflicts} == {L("zgoda_data"), L("zgoda_zakres")}
    assert not any("@" in c.value for c in reg.conflicts)  # no contact on the sheet either


def test_a_decision_on_consent_is_applied() -> None:
    a = leaders([person("anna@ops.example", "2025-02-01", "udostępnianie w sieci")], "a.xlsx")
    b = leaders([person(None, "2025-02-01", "wycofana")], "b.xlsx")
    first = merge_registers([a, b]).register
    picked = [c.__class__(c.key, c.column, c.value, c.source, c.name, c.jst,
                          "tak" if c.source == "a.xlsx:Liderzy:2" else "") for c in first.conflicts]
    first.conflicts = picked
    (row,) = merge_registers([first, a, b]).register.rows
    assert row[L("zgoda_zakres")] == "udostępnianie w sieci"
    assert row[L("email")] == "anna@ops.example"


def test_a_consent_dated_in_the_future_is_not_valid_anywhere() -> None:
    future = (TODAY + dt.timedelta(days=20)).isoformat()
    row = person("anna@ops.example", future, "udostępnianie w sieci")
    assert not may_share_contacts(LEADERS, row)  # the Word strategy and exports ask this
    _, rows = export_rows(leaders([dict(row)]), Privacy.CONTACTS)
    assert rows[0][L("email")] is None
    merged = merge_registers([leaders([dict(row)])]).register.rows[0]
    assert merged[L("email")] is None


def test_contacts_are_found_by_header_synonyms_and_in_notes(tmp_path: Path) -> None:
    src = tmp_path / "nowi.csv"
    src.write_text("Imię i nazwisko;JST;Email;Tel.;Uwagi\n"
                   "Jan Nowak;Radom;jan@mops.example;600 100 200;"
                   "dzwonić po 15: +48 601 200 300, jan.prywatny@example.org\n",
                   encoding="utf-8")
    reg = tmp_path / "lid.xlsx"
    res = runner.invoke(app, ["liderzy", "importuj", str(src), "--do", str(reg)])
    assert res.exit_code == 0, res.output
    assert "Uzgodnienie (importuj)" in res.output
    assert "odrzucono 3 komórki – dane kontaktowe usunięte" in " ".join(res.output.split())
    assert "Uzgodnienie" in openpyxl.load_workbook(reg).sheetnames
    row = read_register(reg, LEADERS).rows[0]
    assert row[L("email")] is None and row[L("telefon")] is None
    assert row["Uwagi"] == f"dzwonić po 15: {MASK}, {MASK}"
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook(reg).worksheets
                    for r in ws.iter_rows() for c in r if c.value is not None)
    assert "601 200 300" not in text and "jan@mops" not in text


def test_kkz_liderzy_hides_email_and_tel_columns_without_consent() -> None:
    from kkz_xl.excel.registers import leaders_matching

    table = [["Imię i nazwisko", "JST", "Email", "Tel.", "Uwagi"],
             ["Jan Nowak", "Radom", "jan@mops.example", "600 100 200", "tel. 601 200 300"]]
    out = leaders_matching(table, None, "Radom")
    assert out[1][2] is None and out[1][3] is None and "601" not in out[1][4]


# ---------------------------------------------------------------- reading what staff send

def _plain(path: Path, rows: list[list[object]], sheet: str = "Katalog") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_title_rows_blank_rows_headerless_columns_and_header_variants(tmp_path: Path) -> None:
    path = tmp_path / "g.xlsx"
    _plain(path, [["Katalog programów gminy Bodzanów"], [],
                  ["Nazwa programu", "JST", "Kwestie", "Koszt na uczestnika (zł)"],
                  ["Klub", "Bodzanów", "bezrobocie", "4 800 zł", "bez nagłówka"],
                  [], [],
                  ["Asystent", "Bodzanów", "ubostwo", 1200]])
    (reg,) = read_registers(path, CATALOGUE)
    assert [r[H("nazwa")] for r in reg.rows] == ["Klub", "Asystent"]
    assert [r[H("koszt_uczestnika")] for r in reg.rows] == ["4 800 zł", 1200]
    assert reg.rows[0]["Kolumna 5"] == "bez nagłówka"
    kinds = {n.kind: n.message for n in reg.notes}
    assert "Koszt na uczestnika [zł]" in kinds["nagłówek"]
    assert {"wiersz nad nagłówkiem", "kolumna bez nagłówka", "puste wiersze"} <= set(kinds)
    assert reg.cells_in == 9


def test_every_register_sheet_is_read_and_instructions_are_not(tmp_path: Path) -> None:
    path = tmp_path / "g.xlsx"
    build_workbook(Register(CATALOGUE, CATALOGUE.headers,
                            [{H("nazwa"): "Klub", H("jst"): "Radom"}])).save(path)
    wb = openpyxl.load_workbook(path)
    extra = wb.create_sheet("Katalog 2025")
    extra.append(["Nazwa programu", "JST"])
    extra.append(["Świetlica", "Radom"])
    wb.save(path)
    regs = read_registers(path, CATALOGUE)
    assert [(r.sheet, len(r.rows)) for r in regs] == [("Katalog", 1), ("Katalog 2025", 1)]


def test_rows_typed_under_an_excel_table_are_read(tmp_path: Path) -> None:
    path = tmp_path / "g.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Katalog"
    for r in (["Nazwa programu", "JST"], ["Klub", "Radom"], ["Asystent", "Radom"],
              ["Świetlica", "Radom"]):
        ws.append(r)
    table = Table(displayName="TabKatalog", ref="A1:B2")
    table._initialise_columns()
    ws.add_table(table)
    wb.save(path)
    reg = read_register(path, CATALOGUE)
    assert [r[H("nazwa")] for r in reg.rows] == ["Klub", "Asystent", "Świetlica"]
    assert any(n.kind == "pod tabelą" for n in reg.notes)


def test_a_wrong_sheet_dimension_does_not_hide_rows(tmp_path: Path) -> None:
    import io
    import re
    import zipfile

    path, bad = tmp_path / "g.xlsx", tmp_path / "zly_wymiar.xlsx"
    _plain(path, [["Nazwa programu", "JST", None, "Uwagi"], ["Klub", "Radom", None, "a"],
                  ["Asystent", "Radom"]])
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zin, \
            zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):  # as some programs write it
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            zout.writestr(info, data)
    reg = read_register(bad, CATALOGUE)
    assert [(r[H("nazwa")], r["Uwagi"]) for r in reg.rows] == [("Klub", "a"), ("Asystent", None)]


def test_json_with_snake_case_keys(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps([{"nazwa_programu": "Klub", "jst": "Radom",
                                 "koszt_uczestnika": 100}]), encoding="utf-8")
    row = read_register(path, CATALOGUE).rows[0]
    assert (row[H("nazwa")], row[H("koszt_uczestnika")]) == ("Klub", 100)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "cp852"])
def test_csv_encoding_sep_line_and_a_long_first_row(tmp_path: Path, encoding: str) -> None:
    long = "Zajęcia, warsztaty, spotkania, " * 150  # ≈ 4 KB of commas in the first row
    text = ("sep=;\r\nNazwa programu;JST;Opis\r\n"
            f"Świetlica „Źródło”;Łosice;{long}\r\nŻłobek;Żabia Wola;\r\n")
    if encoding in ("iso-8859-2", "cp852"):
        text = text.replace("„", '"').replace("”", '"')
    path = tmp_path / "g.csv"
    path.write_bytes(text.encode(encoding))
    assert detect_encoding(path.read_bytes()) == encoding
    reg = read_register(path, CATALOGUE)
    assert [r[H("jst")] for r in reg.rows] == ["Łosice", "Żabia Wola"]
    assert reg.rows[0][H("opis")] == long
    assert any("sep=" in n.message for n in reg.notes)


def test_bad_files_are_refused_with_a_reason_and_do_not_stop_the_others(tmp_path: Path) -> None:
    good = tmp_path / "dobry.xlsx"
    build_workbook(Register(CATALOGUE, CATALOGUE.headers,
                            [{H("nazwa"): "Klub", H("jst"): "Radom",
                              H("opis"): "pierwszy\x0bdrugi".replace("\x0b", "")}])).save(good)
    damaged = tmp_path / "uszkodzony.xlsx"
    damaged.write_bytes(good.read_bytes()[:400])
    protected = tmp_path / "haslo.xlsx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200
                          + "EncryptedPackage".encode("utf-16-le"))
    fake = tmp_path / "stary.xls"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600)
    vt = tmp_path / "word.csv"
    vt.write_text("Nazwa programu;JST;Opis\nKlub2;Radom;z Worda:\x0bdruga linia\n"
                  f"Długi;Radom;{'x' * 40_000}\n", encoding="utf-8")
    out = tmp_path / "region.xlsx"
    res = runner.invoke(app, ["katalog", "scal", str(good), str(damaged), str(protected),
                              str(fake), str(vt), "--wynik", str(out),
                              "--uzgodnienie", str(tmp_path / "u.json")],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 1, res.output
    data = json.loads((tmp_path / "u.json").read_text(encoding="utf-8"))
    status = {f["plik"]: (f["status"], f["powod"]) for f in data["pliki"]}
    assert status["dobry.xlsx"][0] == status["word.csv"][0] == "przyjęty"
    assert "hasłem" in status["haslo.xlsx"][1]
    assert all(status[n][0] == "odrzucony" and status[n][1]
               for n in ("uszkodzony.xlsx", "haslo.xlsx", "stary.xls"))
    assert data["razem"]["komorki_utracone"] == 0
    rows = {r[H("nazwa")]: r for r in read_register(out, CATALOGUE).rows}
    assert rows["Klub2"][H("opis")] == "z Worda:\ndruga linia"
    side = list((tmp_path / "region_dlugie_teksty").glob("*.txt"))
    assert len(side) == 1 and side[0].read_text(encoding="utf-8") == "x" * 40_000
    assert "32 767" in res.output and "znaki sterujące" in res.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice converts to .xls")
def test_an_xls_file_is_read(tmp_path: Path) -> None:
    src = tmp_path / "g.xlsx"
    build_workbook(Register(CATALOGUE, CATALOGUE.headers,
                            [{H("nazwa"): "Klub", H("jst"): "Radom",
                              H("data_aktualizacji"): dt.date(2025, 3, 1)}])).save(src)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    row = read_register(tmp_path / "g.xls", CATALOGUE).rows[0]
    assert (row[H("nazwa")], row[H("jst")]) == ("Klub", "Radom")
    assert CATALOGUE.by_key["data_aktualizacji"].parse(row[H("data_aktualizacji")]) == \
        dt.date(2025, 3, 1)


def test_a_file_without_a_register_sheet_is_refused() -> None:
    with pytest.raises(DataError, match="nie znaleziono tabeli rejestru"):
        read_registers(Path(__file__).parent.parent / "workbooks" / "Katalog_Innowacji.xlsx",
                       LEADERS)


# ---------------------------------------------------------------- text stays text

def test_formula_like_headers_and_jst_names_stay_text(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://zlo.example","klik")'
    src = tmp_path / "g.csv"
    src.write_text(f'Nazwa programu;JST;{evil.replace(chr(34), chr(34) * 2)!s}\n'
                   f'Klub;"{evil.replace(chr(34), chr(34) * 2)}";tak\n', encoding="utf-8")
    src.write_text('Nazwa programu;JST;"=HYPERLINK(""http://zlo.example"",""klik"")"\n'
                   'Klub;"=HYPERLINK(""http://zlo.example"",""klik"")";tak\n', encoding="utf-8")
    out = tmp_path / "region.xlsx"
    assert runner.invoke(app, ["katalog", "scal", str(src), "--wynik", str(out)]).exit_code == 0
    for target in ("e.xlsx", "e.csv"):
        assert runner.invoke(app, ["katalog", "eksportuj", str(out),
                                   str(tmp_path / target)]).exit_code == 0
    for path in (out, tmp_path / "e.xlsx"):
        for ws in openpyxl.load_workbook(path).worksheets:
            assert all(c.data_type != "f" for r in ws.iter_rows() for c in r), ws.title
    raw = (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    header, row = raw.splitlines()[:2]
    assert "'=HYPERLINK" in header and "'=HYPERLINK" in row


def test_kkz_oblicz_exports_keep_a_formula_like_jst_name_as_text(tmp_path: Path) -> None:
    from kkz_xl.engine.run import run_scenario
    from kkz_xl.model.scenario import Scenario
    from kkz_xl.reporting.export import write, write_many
    from tests.test_documents import scenario_data

    evil = '=HYPERLINK("http://zlo.example","klik")'
    result = run_scenario(Scenario.model_validate(scenario_data(name=evil)),
                          monte_carlo_draws=0, with_tornado=False)
    for name in ("jst.xlsx", "jst.csv"):
        write_many([result], tmp_path / name)
    write(result, tmp_path / "one.xlsx")
    for path in (tmp_path / "jst.xlsx", tmp_path / "one.xlsx"):
        for ws in openpyxl.load_workbook(path).worksheets:
            assert all(c.data_type != "f" for r in ws.iter_rows() for c in r), ws.title
    assert "'=HYPERLINK" in (tmp_path / "jst.csv").read_text(encoding="utf-8-sig")


# ---------------------------------------------------------------- rounds

def _catalogue_file(path: Path, rows: list[dict]) -> None:
    build_workbook(Register(CATALOGUE, CATALOGUE.headers, rows)).save(path)


def test_rounds_keep_decisions_typed_values_and_credit_senders(tmp_path: Path) -> None:
    g1, g2, out = tmp_path / "g1.xlsx", tmp_path / "g2.xlsx", tmp_path / "region.xlsx"
    _catalogue_file(g1, [{H("nazwa"): "Klub", H("jst"): "Bodzanów", H("koszt_uczestnika"): 4800,
                          H("id"): "K-1"}])
    _catalogue_file(g2, [{H("nazwa"): "KLUB", H("jst"): "BODZANÓW", H("koszt_uczestnika"): 5100},
                         {H("nazwa"): "Asystent", H("jst"): "Radom", H("koszt_uczestnika"): 100}])

    def scal(*files: Path) -> None:
        res = runner.invoke(app, ["katalog", "scal", *map(str, files), "--wynik", str(out)])
        assert res.exit_code == 0, res.output

    scal(g1, g2)
    rows = {r[H("nazwa")]: r for r in read_register(out, CATALOGUE).rows}
    assert rows["Klub"][H("jst")] == "Bodzanów"  # not the ALL CAPS spelling
    assert rows["Klub"][H("id_zgloszenia")] == "K-1"
    wb = openpyxl.load_workbook(out)
    conflicts = wb["Konflikty"]
    for r in range(2, conflicts.max_row + 1):
        if conflicts.cell(r, 5).value == "5100":
            conflicts.cell(r, 7).value = "tak"
    table = wb["Katalog"]
    heads = [c.value for c in table[1]]
    for r in range(2, table.max_row + 1):
        if table.cell(r, heads.index(H("nazwa")) + 1).value == "Asystent":
            table.cell(r, heads.index(H("koszt_uczestnika")) + 1).value = 150
    wb.save(out)
    for _ in range(2):  # the next round, and the one after it
        scal(g1, g2)
        rows = {r[H("nazwa")]: r for r in read_register(out, CATALOGUE).rows}
        assert rows["Klub"][H("koszt_uczestnika")] == 5100 and not rows["Klub"][H("konflikty")]
        assert rows["Asystent"][H("koszt_uczestnika")] == 150
    before = read_register(out, CATALOGUE)
    scal(out)  # the regional file alone: nothing changes
    assert read_register(out, CATALOGUE).rows == before.rows
    # A gmina sends the regional file back with a correction: credited to it.
    back = tmp_path / "radom_poprawki.xlsx"
    shutil.copy(out, back)
    wb = openpyxl.load_workbook(back)
    table = wb["Katalog"]
    for r in range(2, table.max_row + 1):
        if table.cell(r, heads.index(H("nazwa")) + 1).value == "Asystent":
            table.cell(r, heads.index(H("grupa_docelowa")) + 1).value = "rodziny z dziećmi"
    wb.save(back)
    scal(back)
    rows = {r[H("nazwa")]: r for r in read_register(out, CATALOGUE).rows}
    assert rows["Asystent"][H("grupa_docelowa")] == "rodziny z dziećmi"
    assert "radom_poprawki.xlsx" in rows["Asystent"][H("pochodzenie")]
    assert "radom_poprawki" in rows["Asystent"][H("przeslal")]
    assert "radom_poprawki" not in (rows["Klub"][H("przeslal")] or "")


def test_an_old_regional_file_sent_back_unchanged_does_not_undo_a_correction(
        tmp_path: Path) -> None:
    g1, out = tmp_path / "g1.xlsx", tmp_path / "region.xlsx"
    _catalogue_file(g1, [{H("nazwa"): "Klub", H("jst"): "Radom", H("koszt_uczestnika"): 1000}])
    assert runner.invoke(app, ["katalog", "scal", str(g1), "--wynik", str(out)]).exit_code == 0
    old = tmp_path / "radom_stary.xlsx"
    shutil.copy(out, old)  # round 1, kept by a gmina
    _catalogue_file(g1, [{H("nazwa"): "Klub", H("jst"): "Radom", H("koszt_uczestnika"): 1200}])
    for files in ([g1], [old], [old, g1]):
        res = runner.invoke(app, ["katalog", "scal", *map(str, files), "--wynik", str(out)])
        assert res.exit_code == 0, res.output
        (row,) = read_register(out, CATALOGUE).rows
        assert row[H("koszt_uczestnika")] == 1200 and not row[H("konflikty")], files
