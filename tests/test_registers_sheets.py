"""The read-only register commands (``eksportuj``, ``szukaj``, ``do-scenariusza``, ``kkz
strategia --katalog/--liderzy``) read every register sheet, as ``sprawdz`` and ``scal`` do, and
keep the consent rules; the Katalog keeps an institution's contact and never a person's."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.registers.consent import EMAIL_RE, PHONE_RE, is_institutional
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from kkz_xl.registers.sheets import read_every_sheet
from tests.messy_registers import make_submissions
from tests.test_catalogue_to_scenario import SAMPLE
from tests.test_registers_messy import scan

runner = CliRunner()
PAST = (dt.date.today() - dt.timedelta(days=40)).isoformat()
EARLIER = (dt.date.today() - dt.timedelta(days=400)).isoformat()


def catalogue_file(path: Path) -> Path:
    """A Katalog as a gmina sends it: a blank first sheet, a title row and header typos on the
    first register sheet, a second sheet holding more rows, and a notes sheet."""
    wb = openpyxl.Workbook()
    wb.active.title = "Arkusz1"  # left blank in front
    ws = wb.create_sheet("Katalog")
    ws.append(["Katalog programów Gminy Chlewiska – stan na 2025"])
    ws.append([])
    ws.append(["ID", "Nazwa progrmau", "Kwestie", "JST", "Koszt na uczestnika (zł)",
               "Skutecznosc", "Kontakt"])
    ws.append(["K-1", "Klub Integracji Społecznej", "bezrobocie", "Chlewiska", "4 800 zł",
               "31%", "sekretariat@gops-chlewiska.example, tel. 48 628 10 10"])
    ws.append([])
    ws.append(["K-2", "Asystent rodziny", "ubostwo", "Chlewiska", 3200, 0.2,
               "jan.kowalski@gops-chlewiska.example, 601 202 303"])
    ws2 = wb.create_sheet("Katalog 2025")
    ws2.append(["Id", "Nazwa programu", "kwestie", "Jst", "koszt_uczestnika", "Skuteczność",
                "Opis"])
    ws2.append(["K-3", "Centrum Integracji Społecznej", "bezrobocie", "Szydłowiec", 36000,
                "0,35", "Zapisy: anna.nowak@cis.example lub 22 615 00 00"])
    notes = wb.create_sheet("Notatki")
    notes.append(["Do zrobienia: zadzwonić do p. Zięby 600 700 800 w sprawie KIS"])
    wb.save(path)
    return path


def leaders_file(path: Path) -> Path:
    """A Sieć Liderów file with leaders on two sheets; one person on both sheets withdrew
    consent later on the second sheet; contacts also typed into „Uwagi”."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Liderzy"
    head = ["Imię i nazwisko", "JST", "Instytucja", "Email", "Tel.", "Zgoda – data",
            "Zgoda – zakres", "Uwagi"]
    ws.append(head)
    ws.append(["Anna Kowalczyk", "Chlewiska", "GOPS", "anna.k@example.org", "601 111 111",
               PAST, "udostępnianie w sieci", ""])
    ws.append(["Piotr Wiśniewski", "Chlewiska", "GOPS", "piotr.w@example.org", "602 222 222",
               EARLIER, "udostępnianie w sieci", "prywatnie 603 333 333"])
    ws.append(["Ewa Łęcka", "Chlewiska", "PUP", "ewa.l@example.org", "", "", "",
               "pisać na ewa.prywatna@example.org"])
    ws2 = wb.create_sheet("Liderzy 2025")
    ws2.append(["Imie i nazwisko", "jst", "Instytucja", "E-mail", "Telefon", "Zgoda - data",
                "Zgoda - zakres"])
    ws2.append(["PIOTR WIŚNIEWSKI", "Chlewiska", "GOPS", "", "", PAST, "wycofana"])
    ws2.append(["Marek Nowak", "Chlewiska", "NGO", "marek.n@example.org", "604 444 444",
                PAST, "udostępnianie w sieci"])
    wb.save(path)
    return path


def test_every_register_sheet_is_read_and_each_sheet_is_reported(tmp_path: Path) -> None:
    read = read_every_sheet(catalogue_file(tmp_path / "k.xlsx"), CATALOGUE)
    assert [r.sheet for r in read.sheets] == ["Katalog", "Katalog 2025"]
    names = [r[CATALOGUE.header("nazwa")] for r in read.register.rows]
    assert names == ["Klub Integracji Społecznej", "Asystent rodziny",
                     "Centrum Integracji Społecznej"]
    assert read.where(2) == ("Katalog 2025", 2)
    report = "\n".join(read.report())
    assert "arkusz „Katalog”: wczytano 2 wiersze" in report
    assert "arkusz „Katalog 2025”: wczytano 1 wiersz" in report
    assert "„Arkusz1” jest pusty" in report and "„Notatki” nie ma wiersza nagłówków" in report
    assert "Nazwa progrmau" in report  # the header typo mapped, and said
    assert "pominięto wiersz tytułowy" in report


def test_eksportuj_takes_every_sheet_and_keeps_only_an_institutions_contact(
        tmp_path: Path) -> None:
    src = catalogue_file(tmp_path / "k.xlsx")
    out = tmp_path / "k.json"
    res = runner.invoke(app, ["katalog", "eksportuj", str(src), str(out), "--z-kontaktami"])
    assert res.exit_code == 0, res.output
    assert "3 wiersze z 2 arkuszy" in res.output and "Notatki" in res.output
    rows = json.loads(out.read_text(encoding="utf-8"))["wiersze"]
    assert [r["ID"] for r in rows] == ["K-1", "K-2", "K-3"]
    text = out.read_text(encoding="utf-8")
    # The secretariat's mailbox and the office's landline go out; a person's never.
    assert "sekretariat@gops-chlewiska.example" in text and "48 628 10 10" in text
    assert "22 615 00 00" in text
    for personal in ("jan.kowalski@", "601 202 303", "anna.nowak@", "600 700 800"):
        assert personal not in text
    plain = tmp_path / "bez.csv"
    res = runner.invoke(app, ["katalog", "eksportuj", str(src), str(plain)])
    assert res.exit_code == 0, res.output
    assert not EMAIL_RE.findall(plain.read_text(encoding="utf-8-sig"))


def test_scal_withholds_a_persons_contact_in_the_katalog_with_a_reason(tmp_path: Path) -> None:
    src = catalogue_file(tmp_path / "k.xlsx")
    region, js = tmp_path / "region.xlsx", tmp_path / "u.json"
    res = runner.invoke(app, ["katalog", "scal", str(src), "--wynik", str(region),
                              "--uzgodnienie", str(js)])
    assert res.exit_code == 0, res.output
    data = json.loads(js.read_text(encoding="utf-8"))
    (f,) = data["pliki"]
    assert f["komorki_utracone"] == 0 and f["komorki_odrzucone"] == 2  # K-2's Kontakt, K-3's Opis
    assert "kontakt osoby, a nie instytucji" in res.output
    text = json.dumps([[c.value for c in row] for ws in openpyxl.load_workbook(region)
                       for row in ws.iter_rows()], ensure_ascii=False, default=str)
    assert "sekretariat@gops-chlewiska.example" in text
    assert "jan.kowalski@" not in text and "anna.nowak@" not in text


def test_szukaj_finds_rows_of_the_second_sheet_and_masks_contacts(tmp_path: Path) -> None:
    src = leaders_file(tmp_path / "l.xlsx")
    res = runner.invoke(app, ["liderzy", "szukaj", str(src), "--jst", "chlewiska"],
                        env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert "Znaleziono 5 z 5" in res.output and "Liderzy 2025" in res.output
    assert "Marek Nowak" in res.output
    assert not EMAIL_RE.findall(res.output) and not PHONE_RE.findall(res.output)


def test_exports_and_the_strategy_apply_a_persons_latest_statement_across_sheets(
        tmp_path: Path) -> None:
    from kkz_xl.cli.documents_cmd import _register_rows

    src = leaders_file(tmp_path / "l.xlsx")
    out = tmp_path / "l.json"
    res = runner.invoke(app, ["liderzy", "eksportuj", str(src), str(out), "--z-kontaktami"])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    # Anna and Marek (second sheet) share; Piotr withdrew later on the second sheet; Ewa never
    # consented: none of their contacts, from any column, leaves.
    for kept in ("anna.k@example.org", "601 111 111", "marek.n@example.org", "604 444 444"):
        assert kept in text
    for gone in ("piotr.w@", "602 222 222", "603 333 333", "ewa.l@", "ewa.prywatna@"):
        assert gone not in text
    rows = _register_rows(src, "liderzy")
    names = [r[LEADERS.header("osoba")] for r in rows]
    assert names == ["Anna Kowalczyk", "Marek Nowak"]  # the strategy names nobody else


def test_do_scenariusza_finds_a_programme_on_the_second_sheet(tmp_path: Path) -> None:
    scen = Path(shutil.copy(SAMPLE, tmp_path / "s.yaml"))
    src = catalogue_file(tmp_path / "k.xlsx")
    res = runner.invoke(app, ["katalog", "do-scenariusza", str(src), "K-3", str(scen)])
    assert res.exit_code == 0, res.output
    assert "arkusz „Katalog 2025”, wiersz 2" in res.output
    issue = next(i for i in yaml.safe_load(scen.read_text(encoding="utf-8"))["kwestie"]
                 if i["kod"] == "bezrobocie")
    assert issue["koszt_uczestnika"] == 36000 and issue["skutecznosc"] == 0.35


def test_do_scenariusza_refuses_an_id_that_names_two_programmes(tmp_path: Path) -> None:
    scen = Path(shutil.copy(SAMPLE, tmp_path / "s.yaml"))
    src = catalogue_file(tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Katalog 2025"]["A2"] = "K-1"
    wb.save(src)
    before = scen.read_text(encoding="utf-8")
    res = runner.invoke(app, ["katalog", "do-scenariusza", str(src), "K-1", str(scen)])
    assert res.exit_code != 0
    assert "różne programy" in res.output and "Katalog 2025" in res.output
    assert scen.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("contact", "institutional"), [
    ("sekretariat@ops.example.pl", True), ("gops.chlewiska@example.pl", True),
    ("ops@um.example.pl", True), ("jan.kowalski@ops.example.pl", False),
    ("kowalska@example.pl", False), ("48 628 10 10", True), ("+48 22 615 00 00", True),
    ("601 202 303", False), ("+48 512 345 678", False), ("0048 600 100 200", False),
])
def test_an_institutions_contact_is_told_from_a_persons(contact: str,
                                                        institutional: bool) -> None:
    assert is_institutional(contact) is institutional


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_no_contact_without_consent_leaks_from_messy_files_not_merged(
        tmp_path: Path, seed: int) -> None:
    """Each sent file read on its own (several sheets, header variants, contacts in notes):
    every row is exported, and no output holds a contact its person did not allow."""
    from kkz_xl.cli.documents_cmd import _register_rows

    sent, gen = make_submissions(tmp_path, LEADERS, seed)
    known = set(gen.contacts)
    checked = passed = 0
    for s in (s for s in sent if not s.refused):
        # A person's consent within this one file (the generator's rule on its statements).
        read = read_every_sheet(s.path, LEADERS)
        assert len(read.register.rows) == s.rows, s.path.name
        outputs: list[tuple[str, set[str]]] = []
        for flag in ("", "--anonimowo"):
            out = tmp_path / f"{s.path.stem}{flag}.json"
            res = runner.invoke(app, ["liderzy", "eksportuj", str(s.path), str(out),
                                      *([flag] if flag else [])])
            assert res.exit_code == 0, res.output
            assert len(json.loads(out.read_text(encoding="utf-8"))["wiersze"]) == s.rows
            outputs.append((out.read_text(encoding="utf-8"), set()))
        res = runner.invoke(app, ["liderzy", "szukaj", str(s.path)], env={"COLUMNS": "300"})
        assert res.exit_code == 0, res.output
        outputs.append((res.output, set()))
        for text, allowed in outputs:
            note = tmp_path / "scan.txt"
            note.write_text(text, encoding="utf-8")
            assert scan(note, allowed, known) == [], s.path.name
        # With contacts and in the strategy: only contacts of people whose every statement in
        # this file leaves a consent to sharing.
        rows = _register_rows(s.path, "liderzy")
        with_contacts = tmp_path / f"{s.path.stem}_kontakty.json"
        res = runner.invoke(app, ["liderzy", "eksportuj", str(s.path), str(with_contacts),
                                  "--z-kontaktami"])
        assert res.exit_code == 0, res.output
        shared = _shared_in_file(read.register.rows, gen)
        for text in (with_contacts.read_text(encoding="utf-8"),
                     json.dumps(rows, ensure_ascii=False, default=str)):
            note = tmp_path / "scan.txt"
            note.write_text(text, encoding="utf-8")
            assert scan(note, shared, known) == [], s.path.name
            passed += sum(c in text for c in shared)
        checked += 1
    assert checked and passed  # the scan is not vacuous: allowed contacts do go out


def _shared_in_file(rows: list[dict], gen: object) -> set[str]:
    """Contacts whose person, by the statements in these rows alone, allows sharing (the
    generator's rule: the latest dated statement wins; a future, incomplete or same-day
    differing one leaves no consent)."""
    from kkz_xl.registers.text import fold

    dh, sh = LEADERS.header("zgoda_data"), LEADERS.header("zgoda_zakres")
    people: dict[tuple[str, str], list[tuple[dt.date | None, str | None]]] = {}
    for row in rows:
        key = (fold(str(row.get(LEADERS.header("osoba")) or "")),
               fold(str(row.get(LEADERS.header("jst")) or "")))
        if row.get(dh) in (None, "") and row.get(sh) in (None, ""):
            people.setdefault(key, [])
            continue
        people.setdefault(key, []).append((LEADERS.by_key["zgoda_data"].parse(row.get(dh)),
                                           LEADERS.by_key["zgoda_zakres"].parse(row.get(sh))))
    ok = set()
    today = dt.date.today()
    for key, stmts in people.items():
        if not stmts or any(d is None or s is None or d > today for d, s in stmts):
            continue
        latest = max(d for d, _ in stmts)
        if {s for d, s in stmts if d == latest} == {"udostępnianie w sieci"}:
            ok.add(key)
    return {c for c, key in gen.contacts.items() if key in ok}


def test_sprawdz_and_kkz_katalog_treat_a_persons_contact_as_the_others_do(
        tmp_path: Path) -> None:
    from kkz_xl.excel.registers import catalogue_for_issue
    from kkz_xl.registers.check import Level, check_register
    from tests.test_registers import table_of

    read = read_every_sheet(catalogue_file(tmp_path / "k.xlsx"), CATALOGUE)
    problems = [p for reg in read.sheets for p in check_register(reg)
                if "kontakt osoby" in p.message]
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("Katalog", 6, CATALOGUE.header("kontakt")), ("Katalog 2025", 2, "Opis")}
    assert all(p.level == Level.ERROR for p in problems)
    answer = json.dumps(catalogue_for_issue(table_of(read.register), "bezrobocie"),
                        ensure_ascii=False, default=str)
    assert "sekretariat@gops-chlewiska.example" in answer and "22 615 00 00" in answer
    assert "anna.nowak@" not in answer


def test_kkz_strategia_names_leaders_of_every_sheet_who_consented(tmp_path: Path) -> None:
    """``kkz strategia --liderzy`` as a user runs it: a leader from the second sheet is named
    with their contact; a leader who withdrew on the second sheet and one who never consented
    are not named, and none of their contacts is in the document."""
    import docx

    from tests.test_documents_tools import write_scenario

    scenario = write_scenario(tmp_path / "a.yaml", "Gmina Chlewiska")
    leaders = leaders_file(tmp_path / "l.xlsx")
    out = tmp_path / "out"
    res = runner.invoke(app, ["strategia", str(scenario), "--liderzy", str(leaders), "-o",
                              str(out), "--losowania", "0"])
    assert res.exit_code == 0, res.output
    assert "arkusz „Liderzy 2025”: wczytano 2 wiersze" in res.output
    (doc,) = out.glob("*.docx")
    document = docx.Document(str(doc))
    text = "\n".join([p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Marek Nowak" in text and "marek.n@example.org" in text
    assert "Anna Kowalczyk" in text
    for gone in ("Wiśniewski", "WIŚNIEWSKI", "Łęcka", "piotr.w@", "602 222 222", "ewa.l@",
                 "603 333 333", "ewa.prywatna@"):
        assert gone not in text


def test_training_knows_leaders_of_every_sheet(tmp_path: Path) -> None:
    from kkz_xl.training.leaders import leader_names

    path = leaders_file(tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws, lid in ((wb["Liderzy"], "L-1"), (wb["Liderzy 2025"], "L-2")):
        ws.cell(row=1, column=ws.max_column + 1, value="ID")
        ws.cell(row=2, column=ws.max_column, value=lid)
    wb.save(path)
    assert leader_names(path) == {"L-1": "Anna Kowalczyk", "L-2": "PIOTR WIŚNIEWSKI"}


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_no_persons_contact_leaks_from_the_katalog(tmp_path: Path, seed: int) -> None:
    """Messy Katalog submissions merged and exported, and each read on its own: an
    institution's mailbox or landline goes out with ``--z-kontaktami``, a person's never."""
    from tests.test_registers_messy import check_balance, merge

    sent, gen, region, data, res = merge(tmp_path, "katalog", seed)
    check_balance(sent, data, res)
    known, office = set(gen.contacts), gen.institutional
    assert known - office and office  # the files hold both kinds
    outputs: dict[str, tuple[str, set[str]]] = {}
    sources = [region] + [s.path for s in sent if not s.refused]
    for src in sources:
        for flag, allowed in (([], set()), (["--z-kontaktami"], office),
                              (["--anonimowo"], set())):
            out = tmp_path / f"{src.stem}{'_'.join(flag)}.json"
            res = runner.invoke(app, ["katalog", "eksportuj", str(src), str(out), *flag])
            assert res.exit_code == 0, res.output
            outputs[out.name] = (out.read_text(encoding="utf-8"), allowed)
    leaks, passed = {}, 0
    for name, (text, allowed) in outputs.items():
        note = tmp_path / "scan.txt"
        note.write_text(text, encoding="utf-8")
        if found := scan(note, allowed, known):
            leaks[name] = found
        passed += sum(c in text for c in allowed)
    region_text = tmp_path / "region.txt"
    region_text.write_text(json.dumps([[c.value for c in row] for ws in openpyxl.load_workbook(
        region) for row in ws.iter_rows()], ensure_ascii=False, default=str), encoding="utf-8")
    assert leaks == {} and scan(region_text, office, known) == []
    assert passed  # institutional contacts do go out: the rule is not "drop everything"
