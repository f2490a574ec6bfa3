"""Registers: parsing messy cells, checking, the Dyfuzor merge, consent, exports, search, the
Excel functions 12 and 13 and the programme → calculator bridge."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kkz_xl.errors import InputError
from kkz_xl.excel.registers import catalogue_for_issue, leaders_matching
from kkz_xl.registers.check import Level, check_register
from kkz_xl.registers.export import Privacy, export_headers, export_register, export_rows
from kkz_xl.registers.merge import merge_registers
from kkz_xl.registers.programme import programme_inputs
from kkz_xl.registers.reading import read_register
from kkz_xl.registers.register import Register
from kkz_xl.registers.samples import sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from kkz_xl.registers.search import search
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import parse_date, parse_money, parse_share

H = CATALOGUE.header
L = LEADERS.header


def programme(name: str, jst: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {H("nazwa"): name, H("jst"): jst, H("kwestie"): "bezrobocie"}
    row.update({H(k): v for k, v in extra.items()})
    return row


def catalogue(rows: list[dict[str, object]], source: str = "gmina.xlsx") -> Register:
    headers = list(CATALOGUE.headers)
    for row in rows:
        headers += [h for h in row if h not in headers]
    return Register(CATALOGUE, headers, rows, source=source, received=dt.date(2025, 3, 1))


# ---------------------------------------------------------------- cells as staff type them

def test_excel_date_serials_and_text_dates_give_the_same_day() -> None:
    # 45292 is 2024-01-01 in Excel's 1900 system; 74 days later is 15 March (2024 is leap).
    assert parse_date(45292) == dt.date(2024, 1, 1)
    assert parse_date(45366.0) == parse_date("45366") == dt.date(2024, 3, 15)
    assert parse_date("2024-03-15") == parse_date("15.03.2024") == dt.date(2024, 3, 15)
    assert parse_date(dt.datetime(2024, 3, 15, 0, 0)) == dt.date(2024, 3, 15)
    with pytest.raises(ValueError, match="oczekiwano daty"):
        parse_date("wczoraj")
    with pytest.raises(ValueError, match="oczekiwano daty"):
        parse_date(45366.5)


def test_shares_and_money_in_polish_spellings() -> None:
    assert parse_share("35%") == pytest.approx(0.35)
    assert parse_share("35 %") == pytest.approx(0.35)
    assert parse_share("0,35") == pytest.approx(0.35)
    with pytest.raises(ValueError, match="od 0 do 1"):
        parse_share(35)
    assert parse_money("1 200,50 zł") == pytest.approx(1200.5)
    assert parse_money("1\u00a0200") == 1200
    with pytest.raises(ValueError, match="kwoty"):
        parse_money(-5)


def test_fold_ignores_case_spaces_and_polish_letters() -> None:
    assert fold("  Klub  Integracji SPOŁECZNEJ ") == fold("klub integracji spolecznej")
    assert fold("Łódź – „Start”") == fold("lodz - start")
    assert fold("Klub A") != fold("Klub B")


# ---------------------------------------------------------------- checking

def test_check_lists_every_problem_with_row_and_column_in_polish() -> None:
    reg = catalogue([
        programme("Klub Integracji Społecznej", "Bodzanów", skutecznosc="35%",
                  data_aktualizacji=45366),  # fine
        {H("nazwa"): None, H("jst"): "Bodzanów", H("kwestie"): "bezrobocie"},  # no name
        programme("CIS", "Radom", uczestnicy="dużo", skutecznosc=1.5, poziom_dowodow=7),
        programme("Asystent", "Wyszków", kwestie="bezrobocie; przemoc"),  # unknown issue
        programme("klub  integracji spolecznej ", "BODZANÓW"),  # a variant of row 1
        programme("Mieszkanie", "Płock", data_aktualizacji="2024-13-45"),
    ])
    problems = check_register(reg)
    found = {(p.row, p.column, p.level) for p in problems}
    assert (3, "Nazwa programu", Level.ERROR) in found
    assert (4, "Liczba uczestników", Level.ERROR) in found
    assert (4, "Skuteczność", Level.ERROR) in found
    assert (4, "Poziom dowodów", Level.ERROR) in found
    assert (5, "Kwestie", Level.ERROR) in found
    assert (6, "Nazwa programu", Level.WARNING) in found  # duplicate of row 2
    assert (7, "Data aktualizacji", Level.ERROR) in found
    assert not [p for p in problems if p.row == 2]
    dup = next(p for p in problems if p.row == 6)
    assert "wierszu 2" in dup.message
    text = str(next(p for p in problems if p.column == "Skuteczność"))
    assert "arkusz „Katalog”" in text and "wiersz 4" in text and "1,5" in text
    assert "przemoc" in next(p.message for p in problems if p.column == "Kwestie")


def test_contacts_without_consent_are_errors() -> None:
    rows = [
        {L("osoba"): "Jan Nowak", L("jst"): "Radom", L("email"): "jan@mops.example"},
        {L("osoba"): "Ewa Lis", L("jst"): "Radom", L("telefon"): "+48 600 000 000",
         L("zgoda_data"): "2025-01-02", L("zgoda_zakres"): "wycofana"},
        {L("osoba"): "Ola Kot", L("jst"): "Radom", L("email"): "ola@ops.example",
         L("zgoda_data"): 45658, L("zgoda_zakres"): "Udostępnianie w sieci"},
    ]
    problems = check_register(Register(LEADERS, LEADERS.headers, rows))
    assert {(p.row, p.column) for p in problems} == {(2, "E-mail"), (3, "Telefon")}
    assert "wycofana" in next(p.message for p in problems if p.row == 3)


def test_samples_are_clean() -> None:
    for schema in (CATALOGUE, LEADERS):
        assert check_register(sample_register(schema)) == []


# ---------------------------------------------------------------- the Dyfuzor

def three_gminas() -> list[Register]:
    bodzanow = catalogue([
        programme("Klub Integracji Społecznej", "Bodzanów", koszt_uczestnika=4800,
                  skutecznosc=0.31, poziom_dowodow=3, data_aktualizacji="2024-01-10"),
        programme("Asystent rodziny plus", "Bodzanów", kwestie="bezradnosc"),
    ], "bodzanow.xlsx")
    chlewiska = catalogue([
        programme("Usługi opiekuńcze w domu", "Chlewiska", kwestie="niepelnosprawnosc"),
        programme("Asystent rodziny plus", "Chlewiska", kwestie="bezradnosc"),  # other JST
    ], "chlewiska.xlsx")
    powiat = catalogue([  # the powiat reports Bodzanów's club again, spelled its own way
        programme("klub integracji  spolecznej", "BODZANOW", kwestie="ubóstwo",
                  koszt_uczestnika="5 100 zł", skutecznosc="31%", poziom_dowodow="3",
                  data_aktualizacji=45500),
        programme("Usługi opiekuńcze w domu", "Chlewiska", kwestie="niepelnosprawnosc"),
    ], "powiat.xlsx")
    return [bodzanow, chlewiska, powiat]


def test_merge_of_three_gminas_joins_variants_keeps_provenance_and_records_conflicts() -> None:
    result = merge_registers(three_gminas())
    reg = result.register
    assert result.input_rows == 6
    assert len(reg.rows) == 4  # the club and the care service were sent twice
    club = next(r for r in reg.rows if fold(r[H("nazwa")]) == fold("klub integracji spolecznej"))
    # The spelling with Polish letters is shown; both sources are named.
    assert club[H("nazwa")] == "Klub Integracji Społecznej"
    assert club[H("pochodzenie")] == "bodzanow.xlsx:Katalog:2; powiat.xlsx:Katalog:2"
    assert club[H("kwestie")] == ["bezrobocie", "ubostwo"]  # lists are united
    assert club[H("skutecznosc")] == pytest.approx(0.31)  # 31% and 0.31 agree
    assert club[H("data_aktualizacji")] == dt.date(2024, 7, 27)  # 45500 = 1 Jan + 208 d
    # 4800 against 5100: nobody's value wins silently.
    assert club[H("koszt_uczestnika")] is None
    assert club[H("konflikty")] == "Koszt na uczestnika [zł]"
    values = {(c.value, c.source) for c in reg.conflicts}
    assert values == {("4800", "bodzanow.xlsx:Katalog:2"), ("5100", "powiat.xlsx:Katalog:2")}
    assert club[H("przeslal")] == "bodzanow; powiat"
    assert {r[H("jst")] for r in reg.rows if r[H("nazwa")] == "Asystent rodziny plus"} == \
        {"Bodzanów", "Chlewiska"}
    assert len({r[H("id")] for r in reg.rows}) == 4


def test_merge_never_turns_a_sent_formula_into_a_formula() -> None:
    from kkz_xl.registers.text import Formula
    reg = catalogue([programme("Klub", "Radom", opis=Formula("=HYPERLINK(\"http://x\")"))])
    merged = merge_registers([reg]).register.rows[0][H("opis")]
    assert merged == '=HYPERLINK("http://x")' and not isinstance(merged, Formula)


def test_merge_refuses_mixed_registers() -> None:
    with pytest.raises(InputError, match="liderów"):
        merge_registers([catalogue([]), Register.empty(LEADERS)])


def test_merge_drops_contacts_without_consent_and_says_so() -> None:
    rows = [{L("osoba"): "Jan Nowak", L("jst"): "Radom", L("email"): "jan@mops.example"},
            {L("osoba"): "Ola Kot", L("jst"): "Radom", L("email"): "ola@ops.example",
             L("zgoda_data"): "2025-01-02", L("zgoda_zakres"): "tylko centrum regionalne"}]
    result = merge_registers([Register(LEADERS, LEADERS.headers, rows, source="radom.xlsx")])
    emails = {r[L("osoba")]: r[L("email")] for r in result.register.rows}
    assert emails == {"Jan Nowak": None, "Ola Kot": "ola@ops.example"}
    assert result.contacts_removed == 1


# ---------------------------------------------------------------- exports and personal data

def test_exports_leave_contacts_out_unless_asked_and_consented(tmp_path) -> None:
    reg = sample_register(LEADERS)
    assert L("email") not in export_headers(reg, Privacy.NO_CONTACTS)
    _, rows = export_rows(reg, Privacy.CONTACTS)
    by_name = {r[L("osoba")]: r for r in rows}
    assert by_name["Anna Kowalczyk"][L("email")] == "anna.kowalczyk@gops-bodzanow.example"
    # Consent only for the regional centre: not shared even when contacts are asked for.
    assert by_name["Piotr Wiśniewski"][L("email")] is None
    out = tmp_path / "anon.json"
    export_register(reg, out, Privacy.ANONYMOUS)
    data = json.loads(out.read_text(encoding="utf-8"))
    text = out.read_text(encoding="utf-8")
    assert data["kolumny"] == ["JST", "TERYT", "Kwestie", "Kompetencje", "Ukończone szkolenia",
                               "Data aktualizacji"]
    for person in ("Kowalczyk", "Wiśniewski", "@", "GOPS", "kierownik"):
        assert person not in text
    assert len(data["wiersze"]) == 8


def test_csv_export_neutralises_formula_text_and_reads_back(tmp_path) -> None:
    evil = ['=HYPERLINK("http://zlo.example","klik")', "+48 22 600 00 00", "-2+3", "@SUM(A1)"]
    reg = catalogue([programme(f"Program {i}", "Radom", opis=text)
                     for i, text in enumerate(evil)])
    out = tmp_path / "k.csv"
    # With contacts: the landline "+48 22 600 00 00" (an institution's) is kept; without, it
    # is masked, and a mobile number (a person's) would be masked in both.
    export_register(reg, out, Privacy.CONTACTS)
    raw = out.read_text(encoding="utf-8-sig")
    for text in evil:
        assert "'" + text.replace('"', '""') in raw
    back = read_register(out, CATALOGUE)
    assert [r[H("opis")] for r in back.rows] == evil


# ---------------------------------------------------------------- search, Excel, calculator

def test_search_by_issue_jst_and_text_ignores_diacritics() -> None:
    reg = sample_register(CATALOGUE)
    names = lambda idx: {reg.rows[i][H("nazwa")] for i in idx}  # noqa: E731
    assert names(search(reg, kwestia="bezdomnosc")) == {"Mieszkanie treningowe „Krok dalej”"}
    assert names(search(reg, kwestia="Bezdomność")) == names(search(reg, kwestia="bezdomnosc"))
    assert len(search(reg, jst="wyszkow")) == 2
    assert names(search(reg, tekst="SPOLDZIELNIA")) == {"Spółdzielnia socjalna absolwentów CIS"}
    with pytest.raises(InputError, match="kwestia"):
        search(reg, kwestia="nieznana")


def table_of(reg: Register) -> list[list[object]]:
    return [reg.headers] + [[r.get(h) for h in reg.headers] for r in reg.rows]


def test_kkz_katalog_orders_by_evidence_then_success_and_limits() -> None:
    reg = catalogue([
        programme("Opinia", "A", poziom_dowodow=5, skutecznosc=0.9),
        programme("Bez poziomu", "A"),
        programme("Quasi słabszy", "A", poziom_dowodow=2, skutecznosc=0.2),
        programme("Quasi lepszy", "A", poziom_dowodow="2 – quasi-eksperyment", skutecznosc=0.4),
        programme("Inna kwestia", "A", kwestie="bezdomnosc", poziom_dowodow=1),
    ])
    out = catalogue_for_issue(table_of(reg), "bezrobocie")
    assert out[0] == reg.headers
    assert [r[1] for r in out[1:]] == ["Quasi lepszy", "Quasi słabszy", "Opinia", "Bez poziomu"]
    assert [r[1] for r in catalogue_for_issue(table_of(reg), "bezrobocie", 2.0)[1:]] == \
        ["Quasi lepszy", "Quasi słabszy"]
    assert catalogue_for_issue(table_of(reg), "choroba") == [reg.headers]


def test_kkz_katalog_errors_are_polish_and_name_the_argument() -> None:
    table = table_of(sample_register(CATALOGUE))
    with pytest.raises(InputError, match=r"^limit: .*otrzymano 1,5"):
        catalogue_for_issue(table, "bezrobocie", 1.5)
    with pytest.raises(InputError, match=r"^kwestia: nieznana kwestia"):
        catalogue_for_issue(table, "xyz")
    with pytest.raises(InputError, match=r"^tabela: brak kolumny „Kwestie”"):
        catalogue_for_issue([["a", "b"], [1, 2]], "bezrobocie")
    with pytest.raises(InputError, match=r"^tabela:"):
        catalogue_for_issue(5.0, "bezrobocie")


def test_kkz_liderzy_filters_and_hides_unconsented_contacts() -> None:
    reg = sample_register(LEADERS)
    rows = [dict(r) for r in reg.rows]
    rows[2][L("email")] = "k.zielinska@ops.example"  # no consent recorded for this person
    table = table_of(Register(LEADERS, reg.headers, rows))
    out = leaders_matching(table, "bezradnosc")
    assert [r[1] for r in out[1:]] == ["Katarzyna Zielińska"]
    assert out[1][reg.headers.index(L("email"))] is None
    siedlce = leaders_matching(table, None, "SIEDLCE")
    assert siedlce[1][reg.headers.index(L("email"))] == "p.szymanski@mopr-siedlce.example"
    assert len(leaders_matching(table)) == 9


def test_programme_inputs_for_the_calculator() -> None:
    row = sample_register(CATALOGUE).rows[1]
    assert programme_inputs(row) == {"nazwa": "Centrum Integracji Społecznej „Warsztat”",
                                     "koszt_uczestnika": 14500.0, "skutecznosc": 0.42}
    model = CATALOGUE.model.model_validate(row)
    assert programme_inputs(model) == programme_inputs(row)
    with pytest.raises(InputError, match=r"^Skuteczność: brak wartości"):
        programme_inputs({H("nazwa"): "X", H("koszt_uczestnika"): 100})
    with pytest.raises(InputError, match=r"^Koszt na uczestnika \[zł\]: oczekiwano kwoty"):
        programme_inputs({H("nazwa"): "X", H("koszt_uczestnika"): "tanio",
                          H("skutecznosc"): 0.3})
