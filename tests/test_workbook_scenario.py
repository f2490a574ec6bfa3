"""A filled calculator workbook read back as a scenario: the same figures as the scenario it
was filled from, budget rozdziały kept, and `kkz strategia` accepts the workbook."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.engine.run import run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario
from kkz_xl.polish import fmt_money
from kkz_xl.reporting import tables
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.build import write_workbook
from kkz_xl.workbook.context import COL_NPV, COL_PERSONS
from kkz_xl.workbook.inputs import from_scenario
from kkz_xl.workbook.scenario import read_scenario
from kkz_xl.workbook.sheet_states import COL_KEY, COL_OWN
from kkz_xl.workbook.values import Figures

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
MULTI = {"bezradnosc", "sieroctwo", "choroba", "niepelnosprawnosc", "bezdomnosc"}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "kalkulator.xlsm"
    write_workbook(path, from_scenario(Scenario.load(SAMPLE)))
    return path


def test_read_back_gives_the_same_figures(filled: Path) -> None:
    """As kkz oblicz computes the sample: the five multi-state issues on their models."""
    original = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=0, with_tornado=False)
    scenario = read_scenario(filled)
    assert {i.code for i in scenario.issues if i.model == "wielostanowy"} == MULTI
    again = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    assert scenario.jst.name == "Gmina Przykładowa" and scenario.jst.teryt == "1499012"
    assert sorted(i.code for i in again.issues) == sorted(i.code for i in original.issues)
    for a in again.issues:
        b = original.issue(a.code)
        assert a.npv == pytest.approx(b.npv, rel=1e-9), a.code
        assert a.npv_by_payer == pytest.approx(b.npv_by_payer, rel=1e-9, abs=1e-6), a.code
    budget = tables.budget(again)
    assert {"85214", "85508", "85203"} <= set(budget["rozdział"])


def test_unfilled_workbook_is_a_polish_error(tmp_path: Path) -> None:
    blank = tmp_path / "pusty.xlsm"
    write_workbook(blank)
    with pytest.raises(InputError, match="nie podano liczby osób dla żadnej kwestii"):
        read_scenario(blank)


def _document_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])


def test_strategy_from_the_workbook_states_the_workbook_figures(tmp_path: Path, filled: Path
                                                                ) -> None:
    """A count the treasurer typed in the workbook reaches the council's document: the
    strategy states the total of the edited workbook, not the sample's."""
    book = tmp_path / "edited.xlsm"
    wb = openpyxl.load_workbook(filled, keep_vba=True)
    ws = wb[L.CALC]
    row = next(r for r in range(L.CALC_FIRST_ROW, ws.max_row + 1)
               if ws.cell(row=r, column=1).value == "bezrobocie")
    ws.cell(row=row, column=COL_PERSONS, value=2 * ws.cell(row=row, column=COL_PERSONS).value)
    wb.save(book)
    result = CliRunner().invoke(app, ["strategia", str(book), "-o", str(tmp_path),
                                      "--losowania", "200"])
    assert result.exit_code == 0, result.output
    text = _document_text(tmp_path / "strategia_1499012_gmina_przykladowa.docx")
    edited = run_scenario(read_scenario(book), monte_carlo_draws=0, with_tornado=False)
    sample = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=0, with_tornado=False)
    total, before = (sum(i.npv for i in r.issues) for r in (edited, sample))
    assert fmt_money(total) != fmt_money(before)
    assert fmt_money(total) in text
    assert fmt_money(before) not in text
    assert "Gminy Przykładowa" in text


def _with(scenario: Scenario, code: str, **fields: object) -> Scenario:
    issues = [i.model_validate({**i.model_dump(by_alias=True, exclude_none=True), **fields})
              if i.code == code else i for i in scenario.issues]
    return scenario.model_copy(update={"issues": issues})


def test_values_typed_on_stany_come_back_and_compute_as_the_workbook(tmp_path: Path) -> None:
    """A scenario's own split, state cost, transition and programme go into the Stany and
    Parametry cells; a value typed on Stany afterwards too: the read-back scenario carries
    them (model: wielostanowy) and kkz oblicz of it equals the workbook's cached result."""
    own = _with(Scenario.load(SAMPLE), "bezdomnosc",
                osoby_wg_stanow={"ulica": 8, "schronisko": 8},
                koszty_stanow={"schroniska_noclegownie": {"schronisko": 25_000.0}},
                przejscia={"ulica": {"schronisko": 0.4}}, skutecznosc=0.5)
    path = tmp_path / "k.xlsm"
    write_workbook(path, from_scenario(own))
    back = read_scenario(path)
    issue = next(i for i in back.issues if i.code == "bezdomnosc")
    assert issue.model == "wielostanowy" and issue.success == 0.5
    assert issue.persons_by_state == pytest.approx(
        {"ulica": 8.0, "schronisko": 8.0, "mieszkanie": 0.0, "samodzielna": 0.0})
    assert issue.state_costs == {"schroniska_noclegownie": {"schronisko": 25_000.0}}
    assert issue.transitions == {"ulica": {"schronisko": 0.4}}
    a = run_scenario(own, monte_carlo_draws=0, with_tornado=False).issue("bezdomnosc")
    b = run_scenario(back, monte_carlo_draws=0, with_tornado=False).issue("bezdomnosc")
    assert b.npv == pytest.approx(a.npv, rel=1e-9)
    cached = openpyxl.load_workbook(path, data_only=True)
    codes = [r[0].value for r in cached[L.CALC].iter_rows(min_row=L.CALC_FIRST_ROW,
                                                          max_row=L.CALC_FIRST_ROW + 9)]
    row = L.CALC_FIRST_ROW + codes.index("bezdomnosc")
    assert cached[L.CALC].cell(row=row, column=COL_NPV).value == pytest.approx(a.npv)

    # A value typed on Stany (a treasurer's own figure) reads back as an override.
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[L.STATES]
    target = next(r for r in range(1, ws.max_row + 1)
                  if ws.cell(row=r, column=COL_KEY).value == "sieroctwo"
                  and ws.cell(row=r, column=COL_KEY + 3).value
                  == "koszt.placowka_powiat.placowka_1")
    ws.cell(row=target, column=COL_OWN, value=120_000)
    wb.save(path)
    typed = next(i for i in read_scenario(path).issues if i.code == "sieroctwo")
    assert typed.state_costs == {"placowka_powiat": {"placowka_1": 120_000}}
    assert typed.model == "wielostanowy"


def test_the_two_state_form_stays_available_and_labelled(tmp_path: Path) -> None:
    """model: dwustanowy in a scenario: the workbook shows that form (named so), without a
    Stany block, and reads it back as model: dwustanowy."""
    two = _with(Scenario.load(SAMPLE), "sieroctwo", model="dwustanowy")
    data = from_scenario(two)
    assert not data.issue("sieroctwo").multi and data.issue("bezdomnosc").multi
    assert data.issue("sieroctwo").name.endswith("(postać dwustanowa)")
    path = tmp_path / "k.xlsm"
    write_workbook(path, data)
    back = {i.code: i for i in read_scenario(path).issues}
    assert back["sieroctwo"].model == "dwustanowy" and back["bezdomnosc"].model == "wielostanowy"
    a = run_scenario(two, monte_carlo_draws=0, with_tornado=False)
    b = run_scenario(read_scenario(path), monte_carlo_draws=0, with_tornado=False)
    assert b.issue("sieroctwo").npv == pytest.approx(a.issue("sieroctwo").npv, rel=1e-9)


def test_a_powiat_workbook_pays_the_local_share_as_kkz_oblicz(tmp_path: Path) -> None:
    """In a powiat's scenario the powiat runs the programmes (the base's local share is its):
    the workbook's figures per payer – two-state and multi-state issues – are kkz oblicz's,
    and so are those of the workbook read back."""
    sample = Scenario.load(SAMPLE)
    powiat = sample.model_copy(update={"jst": sample.jst.model_copy(
        update={"kind": "powiat", "teryt": "1499"})})
    expected = run_scenario(powiat, monte_carlo_draws=0, with_tornado=False)
    data = from_scenario(powiat)
    figures = Figures(data, full=False)
    path = tmp_path / "p.xlsm"
    write_workbook(path, data)
    again = run_scenario(read_scenario(path), monte_carlo_draws=0, with_tornado=False)
    for issue in expected.issues:
        got = figures.issue(issue.code).result.npv_by_payer
        assert got == pytest.approx(issue.npv_by_payer, rel=1e-9, abs=1e-6), issue.code
        assert again.issue(issue.code).npv_by_payer == pytest.approx(
            issue.npv_by_payer, rel=1e-9, abs=1e-6), issue.code
    assert expected.issue("bezrobocie").npv_by_payer[1] < 0  # the powiat pays its CIS


def test_a_read_back_scenario_fills_the_workbook_again_to_the_same_figures(
        filled: Path, tmp_path: Path) -> None:
    """Workbook → scenario → workbook → scenario: the own lines (gains with their yearly
    profile, a negative state-budget line) keep their payers and names, nothing shifts."""
    once = read_scenario(filled)
    again = tmp_path / "again.xlsm"
    write_workbook(again, from_scenario(once))
    twice = read_scenario(again)
    a = run_scenario(once, monte_carlo_draws=0, with_tornado=False)
    b = run_scenario(twice, monte_carlo_draws=0, with_tornado=False)
    for issue in a.issues:
        assert b.issue(issue.code).npv_by_payer == pytest.approx(
            issue.npv_by_payer, rel=1e-9, abs=1e-6), issue.code
    names = [line.name for i in twice.issues for line in (i.gains or [])]
    assert names and not [n for n in names if n.count("Korzyść fiskalna roczna") > 1]
