"""Registers on disk: round trips keep everything, refusals leave the file untouched, writes
keep a backup, formula-like text is stored as text, and the ``kkz katalog/liderzy`` commands."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.drawing.image import Image
from PIL import Image as PILImage
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.errors import DataError
from kkz_xl.registers import preserve
from kkz_xl.registers.reading import read_register
from kkz_xl.registers.samples import build_shipped_workbooks, sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from kkz_xl.registers.text import Formula
from kkz_xl.registers.workbook import build_workbook
from kkz_xl.registers.writing import save_register

H = CATALOGUE.header
EVIL = ['=HYPERLINK("http://zlo.example","klik")', "+48 600 000 000", "-2+3", "@SUM(A1:A9)"]


@pytest.fixture
def decorated(tmp_path: Path) -> Path:
    """A sample catalogue a gmina has worked on: an own column in the table, an own formula,
    a note beside the table, an own sheet with an image."""
    path = tmp_path / "katalog.xlsx"
    build_workbook(sample_register(CATALOGUE)).save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Katalog"]
    table = ws.tables["TabKatalog"]
    last = ws.max_column + 1
    ws.cell(1, last, "Uwagi wewnętrzne")
    ws.cell(2, last, "sprawdzić w 2026")
    ws.cell(3, last, '=CONCATENATE("K","-",A3)')  # the user's own formula
    from kkz_xl.registers.workbook import add_table_column
    add_table_column(table, "Uwagi wewnętrzne")
    letter = openpyxl.utils.get_column_letter(last)
    table.ref = f"A1:{letter}11"
    table.autoFilter.ref = table.ref
    ws.cell(1, last + 2, "Notatka obok tabeli")
    notes = wb.create_sheet("Moje notatki")
    notes["A1"] = "Spotkanie z PCPR 12 maja"
    buf = io.BytesIO()
    PILImage.new("RGB", (20, 10), "red").save(buf, "PNG")
    notes.add_image(Image(io.BytesIO(buf.getvalue())), "C3")
    wb.save(path)
    return path


def test_round_trip_keeps_rows_unknown_columns_formulas_sheets_and_images(decorated: Path) -> None:
    reg = read_register(decorated, CATALOGUE)
    assert len(reg.rows) == 10 and reg.unknown_headers == ["Uwagi wewnętrzne"]
    assert isinstance(reg.rows[1]["Uwagi wewnętrzne"], Formula)
    reg.add_rows([{H("nazwa"): "Nowy program", H("jst"): "Radom", H("kwestie"): "ubostwo",
                   "Uwagi wewnętrzne": "dopisany"}])
    backup = save_register(reg, decorated)
    assert backup is not None and backup.parent.name == ".kopie" and backup.exists()
    back = read_register(decorated, CATALOGUE)
    assert len(back.rows) == 11
    for before, after in zip(reg.rows[:10], back.rows[:10], strict=True):
        assert before == after  # every cell value, typed as the cell held it
    assert back.rows[-1]["Uwagi wewnętrzne"] == "dopisany"
    wb = openpyxl.load_workbook(decorated)
    assert "Moje notatki" in wb.sheetnames
    assert wb["Moje notatki"]["A1"].value == "Spotkanie z PCPR 12 maja"
    assert len(wb["Moje notatki"]._images) == 1
    ws = wb["Katalog"]
    own = openpyxl.utils.get_column_letter(len(CATALOGUE.headers) + 1)  # the user's column
    note = openpyxl.utils.get_column_letter(len(CATALOGUE.headers) + 3)
    assert ws[f"{note}1"].value == "Notatka obok tabeli"
    assert ws[f"{own}3"].value == '=CONCATENATE("K","-",A3)' and ws[f"{own}3"].data_type == "f"
    assert ws.tables["TabKatalog"].ref == f"A1:{own}12"


def test_data_under_the_table_makes_the_save_refuse_and_the_file_stays(decorated: Path) -> None:
    wb = openpyxl.load_workbook(decorated)
    wb["Katalog"]["B13"] = "Podpis kierownika"
    wb.save(decorated)
    before = decorated.read_bytes()
    reg = read_register(decorated, CATALOGUE)
    reg.add_rows([{H("nazwa"): f"P{i}", H("jst"): "Radom"} for i in range(3)])
    with pytest.raises(DataError, match="komórka B13"):
        save_register(reg, decorated)
    assert decorated.read_bytes() == before
    assert not list(decorated.parent.glob(".katalog*"))  # no temporary file left behind


def test_images_without_pillow_make_the_save_refuse(decorated: Path, monkeypatch) -> None:
    monkeypatch.setattr(preserve, "pillow_available", lambda: False)
    before = decorated.read_bytes()
    with pytest.raises(DataError, match="Pillow"):
        save_register(read_register(decorated, CATALOGUE), decorated)
    assert decorated.read_bytes() == before


def test_formula_like_text_is_stored_as_text(tmp_path: Path) -> None:
    reg = sample_register(CATALOGUE)
    for row, text in zip(reg.rows, EVIL, strict=False):
        row[H("opis")] = text
    path = tmp_path / "k.xlsx"
    save_register(reg, path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # not one formula in the register sheet
    ws = openpyxl.load_workbook(path)["Katalog"]
    col = reg.headers.index(H("opis")) + 1
    for i, text in enumerate(EVIL, start=2):
        cell = ws.cell(i, col)
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    back = read_register(path, CATALOGUE)
    assert [r[H("opis")] for r in back.rows[:4]] == EVIL


def test_every_save_keeps_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "k.xlsx"
    reg = sample_register(CATALOGUE)
    assert save_register(reg, path) is None
    first = path.read_bytes()
    reg.rows[0][H("status")] = "zawieszony"
    backup = save_register(reg, path)
    assert backup is not None and backup.read_bytes() == first
    assert read_register(path, CATALOGUE).rows[0][H("status")] == "zawieszony"


def test_shipped_workbooks_have_tables_dropdowns_and_instructions(tmp_path: Path) -> None:
    paths = build_shipped_workbooks(tmp_path)
    assert [p.name for p in paths] == ["Katalog_Innowacji.xlsx",
                                       "Katalog_Innowacji_przyklad.xlsx",
                                       "Siec_Liderow.xlsx", "Siec_Liderow_przyklad.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "Katalog_Innowacji.xlsx")
    assert wb.sheetnames == ["Instrukcja", "Katalog", "Słowniki"]
    ws = wb["Katalog"]
    assert ws.tables["TabKatalog"].tableStyleInfo.name == "TableStyleMedium2"
    rules = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
             for dv in ws.data_validations.dataValidation}
    kwestie = rules["D"]
    assert kwestie.formula1 == "=Lista_Kwestii" and kwestie.errorStyle == "warning"
    assert not kwestie.showDropDown  # True would hide the arrow (inverted in the file format)
    assert "średnikiem" in kwestie.error
    assert rules["N"].formula1 == '"1,2,3,4,5"'  # Poziom dowodów
    assert "Lista_JST" in wb.defined_names
    assert len(read_register(tmp_path / "Siec_Liderow_przyklad.xlsx", LEADERS).rows) == 8
    assert read_register(tmp_path / "Siec_Liderow.xlsx", LEADERS).rows == []


# ---------------------------------------------------------------- the commands

runner = CliRunner()


def write_gmina(path: Path, rows: list[dict[str, object]]) -> None:
    from kkz_xl.registers.register import Register
    build_workbook(Register(CATALOGUE, CATALOGUE.headers, rows)).save(path)


def test_cli_merge_of_three_gminas_writes_conflicts_sheet(tmp_path: Path) -> None:
    base = {H("kwestie"): "bezrobocie"}
    write_gmina(tmp_path / "bodzanow.xlsx", [
        {**base, H("nazwa"): "Klub Integracji Społecznej", H("jst"): "Bodzanów",
         H("koszt_uczestnika"): 4800}])
    write_gmina(tmp_path / "chlewiska.xlsx", [
        {**base, H("nazwa"): "Usługi opiekuńcze", H("jst"): "Chlewiska"}])
    write_gmina(tmp_path / "powiat.xlsx", [
        {**base, H("nazwa"): "KLUB INTEGRACJI SPOLECZNEJ", H("jst"): "bodzanow",
         H("koszt_uczestnika"): 5100},
        {**base, H("nazwa"): "Usługi  opiekuńcze", H("jst"): "Chlewiska"}])
    out = tmp_path / "region.xlsx"
    files = [str(tmp_path / n) for n in ("bodzanow.xlsx", "chlewiska.xlsx", "powiat.xlsx")]
    res = runner.invoke(app, ["katalog", "scal", *files, "--wynik", str(out)])
    assert res.exit_code == 0, res.output
    assert "połączone powtórzenia" in res.output
    region = read_register(out, CATALOGUE)
    assert len(region.rows) == 2
    assert {c.value for c in region.conflicts} == {"4800", "5100"}
    wb = openpyxl.load_workbook(out)
    assert wb["Konflikty"]["D2"].value == "Koszt na uczestnika [zł]"
    # Merging the regional register again changes nothing.
    again = tmp_path / "region2.xlsx"
    assert runner.invoke(app, ["katalog", "scal", str(out), "--wynik", str(again)]).exit_code == 0
    second = read_register(again, CATALOGUE)
    assert second.rows == region.rows and second.conflicts == region.conflicts


def test_cli_check_import_export_search(tmp_path: Path) -> None:
    reg = tmp_path / "lid.xlsx"
    assert runner.invoke(app, ["liderzy", "utworz", str(reg), "--przyklad"]).exit_code == 0
    assert runner.invoke(app, ["liderzy", "utworz", str(reg)]).exit_code == 2  # exists
    src = tmp_path / "nowi.csv"
    src.write_text("Osoba;Gmina;Mail;Uwagi\n"
                   "Jan Nowak;Radom;jan@mops.example;=1+1\n"
                   "Ewa Lis;Płock;;\n", encoding="cp1250")
    res = runner.invoke(app, ["liderzy", "importuj", str(src), "--do", str(reg),
                              "-k", "Osoba=Imię i nazwisko", "-k", "Gmina=JST",
                              "-k", "Mail=E-mail", "--nadawca", "MOPS Radom"])
    assert res.exit_code == 0, res.output
    assert "Usunięto dane kontaktowe z 1" in res.output  # no consent for Jan Nowak's e-mail
    back = read_register(reg, LEADERS)
    assert len(back.rows) == 10
    jan = back.rows[8]
    assert jan["E-mail"] is None and jan["Uwagi"] == "=1+1"
    assert jan["Przesłał(a)"] == "MOPS Radom"
    check = runner.invoke(app, ["liderzy", "sprawdz", str(reg)])
    assert check.exit_code == 0, check.output
    bad = tmp_path / "bad.csv"
    bad.write_text("Imię i nazwisko;JST;Telefon\n;Radom;12\n", encoding="utf-8")
    res = runner.invoke(app, ["liderzy", "sprawdz", str(bad)])
    assert res.exit_code == 1 and "Imię i nazwisko" in res.output and "Telefon" in res.output
    out = tmp_path / "anon.csv"
    assert runner.invoke(app, ["liderzy", "eksportuj", str(reg), str(out),
                               "--anonimowo"]).exit_code == 0
    assert "Nowak" not in out.read_text(encoding="utf-8-sig")
    res = runner.invoke(app, ["liderzy", "szukaj", str(reg), "--jst", "radom"],
                        env={"COLUMNS": "250"})
    assert res.exit_code == 0 and "Znaleziono 2 z 10" in res.output
    assert "Wiśniewski" in res.output and "Nowak" in res.output
    res = runner.invoke(app, ["katalog", "szukaj", str(tmp_path / "brak.xlsx")])
    assert res.exit_code == 2 and "nie znaleziono pliku" in res.output
