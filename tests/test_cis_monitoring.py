"""CIS monitoring that closes the loop: a filled workbook read back, graduates added later
carried into Monitoring, nothing staff entered lost on regeneration, outcomes counted by hand,
the observed success rate handed to the calculator with its source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from typer.testing import CliRunner

from kkz_xl.cis.labels import GRADUATE_SITUATIONS, SHEET_OUTCOMES
from kkz_xl.cis.monitoring import Graduate, monitoring_plan, standard_2011
from kkz_xl.cis.outcomes import (
    ContactEntry,
    outcomes,
    read_monitoring_workbook,
    success_rate,
)
from kkz_xl.cis.plan_file import sample_plan
from kkz_xl.cis.programme import cis_programme, scenario_fragment
from kkz_xl.cis.workbook import write_cis_workbook
from kkz_xl.cli.main import app
from kkz_xl.errors import InputError
from kkz_xl.model.scenario import IssueScenario
from kkz_xl.polish import fmt_date

TODAY = dt.date(2026, 12, 3)
runner = CliRunner()


def _fill(path: Path, entries: dict[tuple[str, int], tuple[object, str | None]]) -> None:
    """Type into the Monitoring sheet as staff do (dates as dates or text)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Monitoring"]
    for row in ws.iter_rows(min_row=4):
        key = (row[0].value, row[4].value)
        if key in entries:
            day, situation = entries[key]
            row[6].value, row[7].value, row[8].value = day, "telefon", situation
    wb.save(path)


def _add_graduate(path: Path, gid: str, name: str, day: dt.date) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Absolwenci"]
    r = next(r for r in range(4, 200) if ws.cell(row=r, column=1).value in (None, ""))
    ws.cell(row=r, column=1, value=gid)
    ws.cell(row=r, column=2, value=name)
    ws.cell(row=r, column=3, value=dt.datetime.combine(day, dt.time()))
    wb.save(path)


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    plan = sample_plan()
    path = write_cis_workbook(tmp_path / "CIS.xlsx", plan.kalkulator, plan.absolwenci,
                              plan.harmonogram, today=TODAY)
    _fill(path, {
        ("CIS-2025-01", 3): (dt.datetime(2025, 12, 1), "zatrudniony – umowa o pracę"),
        ("CIS-2025-02", 3): ("02.12.2025", "bezrobotny"),
        ("CIS-2025-03", 3): ("2026-03-02", "Brak kontaktu"),
        ("CIS-2025-01", 12): (dt.datetime(2026, 9, 1), "własna działalność"),
        ("CIS-2025-02", 12): (dt.datetime(2026, 9, 2), "brak kontaktu"),
        ("CIS-2025-03", 12): (dt.datetime(2026, 12, 1), "zatrudniony – inna umowa"),
    })
    _add_graduate(path, "CIS-2026-02", "Łucja Żak", dt.date(2026, 3, 31))
    return path


def test_filled_workbook_read_back_with_graduate_added_later(filled: Path) -> None:
    data = read_monitoring_workbook(filled, TODAY)
    assert [g.id for g in data.absolwenci][-1] == "CIS-2026-02"
    assert data.nowi == ["CIS-2026-02"]
    entries = data.entries_by_key()
    assert len(entries) == 6
    assert entries[("CIS-2025-02", 3)].data_kontaktu == dt.date(2025, 12, 2)  # DD.MM.RRRR text
    assert entries[("CIS-2025-03", 3)].sytuacja == "brak kontaktu"  # case and spaces folded
    assert data.kalkulator == sample_plan().kalkulator
    assert data.problemy == []


def test_outcomes_counted_by_hand(filled: Path) -> None:
    data = read_monitoring_workbook(filled, TODAY)
    rows = {(r.rocznik, r.miesiac): r for r in
            outcomes(data.absolwenci, data.entries_by_key(), standard_2011(), TODAY)}
    m12 = rows[(2025, 12)]
    # Cohort 2025: 4 graduates; month 12 due for 01, 02 (Aug 2025) and 03 (30 Nov 2025), not
    # for 04 (31 Dec 2025 + 12 = 31 Dec 2026). Entered 3: own business, lost, other contract.
    assert (m12.absolwenci, m12.termin_minal, m12.wpisane) == (4, 3, 3)
    assert (m12.zatrudnieni, m12.usamodzielnieni, m12.brak_kontaktu) == (1, 2, 1)
    assert m12.udzial == pytest.approx(2 / 3)
    m3 = rows[(2025, 3)]
    assert (m3.termin_minal, m3.wpisane, m3.niewpisane, m3.brak_kontaktu) == (4, 3, 1, 1)
    assert rows[(2025, 36)].termin_minal == 0
    assert rows[(0, 3)].absolwenci == 6  # ogółem: both cohorts


def test_success_rate_is_sourced_dated_and_graded(filled: Path) -> None:
    data = read_monitoring_workbook(filled, TODAY)
    rows = outcomes(data.absolwenci, data.entries_by_key(), standard_2011(), TODAY)
    rate = success_rate(rows, "Przykładowo", TODAY)
    assert rate.wartosc == pytest.approx(2 / 3) and rate.n == 3 and rate.stopien == 4
    assert rate.zrodlo.startswith("monitoring CIS Przykładowo, 2026-12-03: 2 z 3 absolwentów")
    assert "mała próba" in rate.zrodlo
    prog = cis_programme(wynik_monitoringu=rate)
    # Net of the issue's spontaneous exit q (base: bezrobocie), as the base treats NIK's 38,2 %.
    from kkz_xl.params.base import default_base

    q = default_base().issue("bezrobocie").odplyw.wartosc
    assert prog["skutecznosc_brutto"] == pytest.approx(2 / 3)
    assert prog["skutecznosc"] == pytest.approx((2 / 3 - q) / (1 - q))
    assert "netto s = (g − q)/(1 − q)" in prog["zrodlo_skutecznosci"]
    assert prog["data_skutecznosci"] == "2026-12-03"
    fragment = scenario_fragment(prog)
    assert "# Skuteczność – źródło: monitoring CIS Przykładowo, 2026-12-03" in fragment
    issue = yaml.safe_load(fragment)["kwestie"][0]
    parsed = IssueScenario.model_validate({**issue, "osoby": 40})  # a valid scenario entry
    assert parsed.success == pytest.approx((2 / 3 - q) / (1 - q), abs=1e-4)
    with pytest.raises(InputError, match="miesiącu 7"):
        success_rate(rows, "X", TODAY, month=7)


def test_regeneration_keeps_every_entry_and_adds_new_graduates(filled: Path,
                                                                tmp_path: Path) -> None:
    before = read_monitoring_workbook(filled, TODAY)
    result = runner.invoke(app, ["cis", "monitoring", str(filled)])
    assert result.exit_code == 0, result.output
    assert "Nowi absolwenci w planie kontaktów: CIS-2026-02" in result.output
    after = read_monitoring_workbook(filled, TODAY)
    assert after.entries_by_key() == before.entries_by_key()
    assert after.nowi == []
    wb = openpyxl.load_workbook(filled)
    rows = [r for r in wb["Monitoring"].iter_rows(min_row=4, values_only=True)
            if r[0] == "CIS-2026-02"]
    assert [r[4] for r in rows] == standard_2011().contact_months()
    assert SHEET_OUTCOMES in wb.sheetnames and "Kalkulator" in wb.sheetnames
    assert (filled.parent / ".kopie").is_dir()  # the previous version kept


def test_entries_outside_the_plan_are_kept(tmp_path: Path) -> None:
    grads = [Graduate(id="A", imie_nazwisko="Anna Ąk", data_ukonczenia=dt.date(2025, 1, 31))]
    entry = ContactEntry(absolwent="A", miesiac=4, sytuacja="bezrobotny", uwagi="dodatkowy")
    gone = ContactEntry(absolwent="Z", miesiac=3, sytuacja="brak kontaktu")
    path = write_cis_workbook(tmp_path / "m.xlsx", sample_plan().kalkulator, grads,
                              standard_2011(), calculator=False,
                              entries={("A", 4): entry, ("Z", 3): gone})
    back = read_monitoring_workbook(path, TODAY)
    assert back.entries_by_key() == {("A", 4): entry, ("Z", 3): gone}
    assert any("absolwenta Z nie ma w arkuszu Absolwenci" in p for p in back.problemy)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=hs.dictionaries(
    hs.tuples(hs.sampled_from(["CIS-2025-01", "CIS-2025-04", "CIS-2026-01"]),
              hs.sampled_from(standard_2011().contact_months())),
    hs.tuples(hs.dates(dt.date(2025, 9, 1), dt.date(2026, 11, 30)),
              hs.sampled_from(GRADUATE_SITUATIONS),
              hs.text("abcłóź ", min_size=0, max_size=12)),
    max_size=12))
def test_round_trip_never_loses_entries(tmp_path_factory: pytest.TempPathFactory,
                                        picks: dict) -> None:
    plan = sample_plan()
    entries = {k: ContactEntry(absolwent=k[0], miesiac=k[1], data_kontaktu=d, forma="wizyta",
                               sytuacja=s, uwagi=n.strip() or None)
               for k, (d, s, n) in picks.items()}
    path = tmp_path_factory.mktemp("rt") / "m.xlsx"
    write_cis_workbook(path, plan.kalkulator, plan.absolwenci, plan.harmonogram, entries=entries)
    first = read_monitoring_workbook(path, TODAY).entries_by_key()
    write_cis_workbook(path, plan.kalkulator, plan.absolwenci, plan.harmonogram, entries=first)
    assert read_monitoring_workbook(path, TODAY).entries_by_key() == entries


def test_bad_rows_reported_not_dropped_silently(filled: Path) -> None:
    wb = openpyxl.load_workbook(filled)
    ws = wb["Monitoring"]
    ws["G5"], ws["I5"] = "2025-13-45", "na emigracji"
    wb["Absolwenci"]["C5"] = "31.02.2025"
    wb.save(filled)
    data = read_monitoring_workbook(filled, TODAY)
    text = "\n".join(data.problemy)
    assert "Monitoring, wiersz 5" in text and "oczekiwano daty" in text
    assert "nieznana sytuacja „na emigracji”" in text
    assert "Absolwenci, wiersz 5: data ukończenia" in text


def test_cli_wyniki_report_and_fragment(filled: Path, tmp_path: Path) -> None:
    report, fragment = tmp_path / "raport.docx", tmp_path / "cis.yaml"
    result = runner.invoke(app, ["cis", "wyniki", str(filled), "--nazwa", "Przykładowo",
                                 "--raport", str(report), "--fragment", str(fragment)])
    assert result.exit_code == 0, result.output
    assert "Skuteczność dla kalkulatora" in result.output
    assert report.is_file() and "monitoring CIS Przykładowo" in fragment.read_text("utf-8")
    from docx import Document

    doc = Document(str(report))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "ogółem" in cells and "{{" not in "".join(cells)


def test_cli_monitoring_yaml_still_works_and_not_a_workbook_refused(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.yaml"
    assert runner.invoke(app, ["cis", "przyklad", str(plan_file)]).exit_code == 0
    listed = runner.invoke(app, ["cis", "monitoring", str(plan_file)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    plan = sample_plan()
    contacts = monitoring_plan(plan.absolwenci, plan.harmonogram)
    rows = [line for line in listed.output.splitlines() if line.startswith("│")]
    assert len(rows) == len(contacts)  # one row per planned contact, every graduate's
    for row, c in zip(rows, contacts, strict=True):
        cells = [cell.strip() for cell in row.strip("│").split("│")]
        assert cells == [f"{c.absolwent.id} {c.absolwent.imie_nazwisko}", str(c.nr),
                         str(c.miesiac), fmt_date(c.data)]
    bad = tmp_path / "zly.xlsx"
    bad.write_text("to nie jest skoroszyt", encoding="utf-8")
    result = runner.invoke(app, ["cis", "monitoring", str(bad)])
    assert result.exit_code == 2
    assert "zly.xlsx: to nie jest plik pakietu Office" in result.output
    assert "Traceback" not in result.output


def test_cli_program_shows_payer_names_not_keys(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.yaml"
    assert runner.invoke(app, ["cis", "przyklad", str(plan_file)]).exit_code == 0
    result = runner.invoke(app, ["cis", "program", str(plan_file)])
    assert result.exit_code == 0, result.output
    assert "ZUS/Fundusz Pracy" in result.output and "zus_fp" not in result.output


def test_outcomes_follow_the_sheets_own_schedule(tmp_path: Path) -> None:
    from kkz_xl.cis.monitoring import Phase, Schedule

    monthly = Schedule(fazy=[Phase(miesiace=6, co_ile_miesiecy=1)])
    grads = [Graduate(id="A", imie_nazwisko="Anna Ąk", data_ukonczenia=dt.date(2025, 1, 31))]
    entry = ContactEntry(absolwent="A", miesiac=2, sytuacja="zatrudniony – inna umowa")
    path = write_cis_workbook(tmp_path / "m.xlsx", sample_plan().kalkulator, grads, monthly,
                              calculator=False, entries={("A", 2): entry})
    data = read_monitoring_workbook(path, TODAY)
    assert data.miesiace == [1, 2, 3, 4, 5, 6]
    rows = {r.miesiac: r for r in outcomes(data.absolwenci, data.entries_by_key(),
                                           data.miesiace, TODAY)}
    assert rows[2].zatrudnieni == 1 and rows[2].udzial == 1.0


def test_refresh_keeps_the_sheets_schedule(tmp_path: Path) -> None:
    from kkz_xl.cis.monitoring import Phase, Schedule, schedule_from_months

    assert schedule_from_months(standard_2011().contact_months()) == standard_2011()
    monthly = Schedule(fazy=[Phase(miesiace=6, co_ile_miesiecy=1)])
    grads = [Graduate(id="A", imie_nazwisko="Anna Ąk", data_ukonczenia=dt.date(2025, 1, 31))]
    path = write_cis_workbook(tmp_path / "m.xlsx", sample_plan().kalkulator, grads, monthly,
                              calculator=False)
    assert runner.invoke(app, ["cis", "monitoring", str(path)]).exit_code == 0
    assert read_monitoring_workbook(path, TODAY).miesiace == [1, 2, 3, 4, 5, 6]
