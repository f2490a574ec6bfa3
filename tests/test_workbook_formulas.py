"""The calculator's formulas evaluated without Excel (``formulas`` + the UDF module) equal the
engine's figures; after changing inputs they still do."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from kkz_xl.engine.run import run_inputs, run_scenario
from kkz_xl.model.inputs import CostLine, GainLine, IssueInputs
from kkz_xl.model.payers import PAYERS, Payer
from kkz_xl.model.scenario import Scenario
from kkz_xl.params.base import default_base
from kkz_xl.params.state_models import shipped_models
from kkz_xl.workbook import from_scenario, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.context import (
    COL_BCR,
    COL_BE_YEAR,
    COL_NPV,
    COL_PAYBACK,
    COL_PERSONS,
    COL_PROGRAMME,
    COL_PV_PROG,
    COL_ROI,
    COL_THRESHOLD,
)
from kkz_xl.workbook.sheet_states import COL_KEY
from kkz_xl.workbook.sheets_detail import RESULT_FLOWS, RESULT_INDICATORS

pytest.importorskip("formulas")

from kkz_xl.model.labels import NPV, OWN_PROGRAMME, PV_ACTION, PV_INACTION, PV_PROGRAMME
from kkz_xl.workbook.sheets_inputs import (
    STATUS_BASE,
    STATUS_OWN,
    STATUS_OWN_MISSING,
    STATUS_UNKNOWN,
)
from tests.workbook_verify import WorkbookModel

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
DRAWS = 400  # enough to exercise Monte Carlo; the engine itself is tested elsewhere
PICKED = ("bezrobocie", "sieroctwo")
MULTI = {"bezradnosc", "sieroctwo", "choroba", "niepelnosprawnosc", "bezdomnosc"}


def _same(got: object, expected: object) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(got) == bool(expected)
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-6)
    return (got in (None, "") and expected in (None, "")) or got == expected


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("formulas")
    data = replace(from_scenario(Scenario.load(SAMPLE)), draws=DRAWS)
    book, writer = write_workbook(tmp / "k.xlsm", data)
    values, _ = write_workbook(tmp / "v.xlsx", data, values=True)
    return data, book, values, writer, tmp


@pytest.fixture(scope="module")
def model(filled) -> WorkbookModel:
    """The workbook's formulas loaded into ``formulas`` once for the whole module (loading is
    most of the cost); every test recalculates only what it asks for."""
    return WorkbookModel(filled[1])


@pytest.fixture(scope="module")
def solved(model: WorkbookModel) -> dict:
    return model.everything()


def _col(c: int) -> str:
    return openpyxl.utils.get_column_letter(c)


def test_every_computed_cell_equals_the_engine(filled, solved) -> None:
    _, _, values, writer, _ = filled
    book = openpyxl.load_workbook(values)
    bad = []
    for sheet, cell in writer.formula_cells:
        got = solved.get((sheet.upper(), cell), "MISSING")
        expected = book[sheet][cell].value
        if (sheet, cell) in writer.padding:
            assert expected is None and got == "", (sheet, cell, got)  # past the horizon
            continue
        if not _same(got, expected):
            bad.append((sheet, cell, got, expected))
    assert not bad, bad[:10]
    assert len(writer.formula_cells) > 1000


def test_formula_cells_carry_the_engine_values_as_cached_results(filled) -> None:
    """Opened without the add-in (Excel, LibreOffice, a viewer), the file shows the results:
    every formula cell holds its value, and Excel is not told to recalculate on opening."""
    _, book, values, writer, _ = filled
    cached = openpyxl.load_workbook(book, data_only=True)
    expected = openpyxl.load_workbook(values)
    bad = []
    for sheet, cell in writer.formula_cells:
        got, want = cached[sheet][cell].value, expected[sheet][cell].value
        if (sheet, cell) in writer.padding:
            want = ""  # past the horizon: blank
        if not _same(got, want):
            bad.append((sheet, cell, got, want))
    assert not bad, bad[:10]
    assert not cached.calculation.fullCalcOnLoad
    assert int(cached.calculation.calcId) >= 191029


def test_key_results_against_the_engine_built_by_hand(filled, solved) -> None:
    """Independent of the workbook's own input code: bezrobocie from its parameter file."""
    data = filled[0]
    base = default_base()
    issue = base.issue("bezrobocie")
    per_payer = {p: 0.0 for p in PAYERS}
    for c in issue.koszty:
        per_payer[Payer(c.platnik)] += c.wartosc  # 2025 prices, no profiles in this issue
    prog = issue.programy[0]
    inputs = IssueInputs(
        osoby=120.0, naplyw=10.0, odplyw=issue.odplyw.wartosc, nawroty=issue.nawroty.wartosc,
        koszty=[CostLine(platnik=p, kwota=v) for p, v in per_payer.items()],
        korzysci=[GainLine(platnik=c.platnik, kwota=c.wartosc, profil=c.profil)
                  for c in issue.korzysci],  # the fiscal gains, as the base lists them
        skutecznosc=prog.skutecznosc.wartosc, koszt_uczestnika=prog.koszt_uczestnika.wartosc,
        zasieg=prog.zasieg.wartosc, powtarzaj=prog.powtarzaj,
    )
    expected = run_inputs(inputs, 7, base.discount_rate)
    row = L.CALC_FIRST_ROW + [i.code for i in data.issues].index("bezrobocie")
    assert solved[("KALKULATOR", f"{_col(COL_NPV)}{row}")] == pytest.approx(expected.npv)
    assert solved[("KALKULATOR", f"{_col(COL_BCR)}{row}")] == pytest.approx(expected.bcr)


def _param_row(book: Path, code: str, key: str) -> int:
    ws = openpyxl.load_workbook(book)[L.PARAMS]
    for r in range(L.PARAMS_FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == code and ws.cell(
                row=r, column=L.PARAMS_KEY_COL).value == key:
            return r
    raise AssertionError((code, key))


def test_changed_inputs_are_recomputed(filled, model: WorkbookModel) -> None:
    data, book, _, _, _ = filled
    codes = [i.code for i in data.issues]
    row = L.CALC_FIRST_ROW + codes.index("sieroctwo")
    success = _param_row(book, "sieroctwo", "skutecznosc")
    spill = _table_cells(book, RESULT_FLOWS)
    calc = {c: (L.CALC, f"{_col(c)}{row}") for c in (COL_NPV, COL_BCR)}
    got = model.calculate(
        {(L.CALC, f"{_col(COL_PERSONS)}{row}"): 75,
         (L.JST, f"C{L.JST_ROWS[L.NAME_HORIZON]}"): 10,
         (L.JST, f"C{L.JST_ROWS[L.NAME_RATE]}"): 0.05,
         (L.PARAMS, f"F{success}"): 0.35,  # the user's own success rate
         (L.FLOWS, "B3"): "sieroctwo"},
        [*calc.values(), *[(L.FLOWS, c) for c in spill.values()]])
    # Independently of the workbook's code: kkz oblicz's run of the changed scenario.
    scenario = _changed(Scenario.load(SAMPLE), "sieroctwo", osoby=75, skutecznosc=0.35)
    scenario = scenario.model_copy(update={"horizon": 10, "rate": 0.05})
    expected = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False).issue(
        "sieroctwo")
    assert got[calc[COL_NPV]] == pytest.approx(expected.npv)
    assert got[calc[COL_BCR]] == pytest.approx(expected.bcr)
    # The year-by-year table follows the horizon (sized for 50 years, the rest blank).
    rows = 1 + max(i for i, _ in spill)
    table = [[got[(L.FLOWS, spill[(i, j)])] for j in range(1 + max(j for _, j in spill))]
             for i in range(rows)]
    assert [line[0] for line in table[1:11]] == list(range(1, 11))  # below the header
    assert all(v == "" for line in table[11:] for v in line)


def _changed(scenario: Scenario, code: str, **fields: object) -> Scenario:
    """``scenario`` with issue ``code``'s fields (Polish keys) set."""
    issues = [i.model_validate({**i.model_dump(by_alias=True, exclude_none=True), **fields})
              if i.code == code else i for i in scenario.issues]
    return scenario.model_copy(update={"issues": issues})


def _table_cells(book: Path, name: str) -> dict[tuple[int, int], str]:
    """The Przepływy cells showing the spilled result held by the defined name ``name``:
    (row, column) in the result, from 0 → A1."""
    ws = openpyxl.load_workbook(book)[L.FLOWS]
    pattern = re.compile(rf"INDEX\({name},(\d+),(\d+)\)")
    out = {}
    for row in ws.iter_rows():
        for c in row:
            m = pattern.search(c.value) if isinstance(c.value, str) else None
            if m:
                out[(int(m[1]) - 1, int(m[2]) - 1)] = c.coordinate
    assert out, name
    return out


def test_switching_the_programme_switches_its_figures(filled, model: WorkbookModel) -> None:
    """Picking another programme of the base from the list changes cost, success, coverage,
    repetition and financing – the results equal the engine's run of that programme; an own
    programme takes the user's figures; a name matching nothing is flagged and computes
    nothing."""
    data, book, _, _, _ = filled
    code = "bezrobocie"
    row = L.CALC_FIRST_ROW + [i.code for i in data.issues].index(code)
    pick = _param_row(book, code, "program")
    npv, bcr = (L.CALC, f"{_col(COL_NPV)}{row}"), (L.CALC, f"{_col(COL_BCR)}{row}")
    label = (L.CALC, f"{_col(COL_PROGRAMME)}{row}")
    status = (L.PARAMS, f"H{pick}")
    kis = next(p for p in default_base().issue(code).programy if p.id == "kis")
    got = model.calculate({(L.PARAMS, f"F{pick}"): kis.nazwa}, [npv, bcr, label, status])
    scenario = Scenario.load(SAMPLE)
    chosen = scenario.model_copy(update={"issues": [
        i.model_copy(update={"programme": "kis"}) if i.code == code else i
        for i in scenario.issues]})
    expected = run_scenario(chosen, monte_carlo_draws=0, with_tornado=False).issue(code)
    assert got[npv] == pytest.approx(expected.npv)
    assert got[bcr] == pytest.approx(expected.bcr)
    assert got[label] == kis.nazwa and got[status] == STATUS_BASE
    assert expected.npv != pytest.approx(solved_npv(data, code))  # the switch matters

    own = {"koszt_uczestnika": 9000.0, "skutecznosc": 0.3, "zasieg": 0.5}
    inputs = {(L.PARAMS, f"F{pick}"): OWN_PROGRAMME,
              (L.PARAMS, f"F{_param_row(book, code, 'nazwa_wlasna')}"): "Nasz program"}
    got = model.calculate(inputs, [npv, label, status])
    assert got[npv] in ("", None) and got[status] == STATUS_OWN_MISSING  # figures missing
    inputs |= {(L.PARAMS, f"F{_param_row(book, code, k)}"): v for k, v in own.items()}
    got = model.calculate(inputs, [npv, label, status])
    mine = replace(data.issue(code), params=[
        replace(p, own=own.get(p.key, OWN_PROGRAMME if p.key == "program" else p.own))
        for p in data.issue(code).params])
    assert mine.programme_problem is None
    mine_data = replace(data, issues=[mine if i.code == code else i for i in data.issues])
    assert got[npv] == pytest.approx(run_inputs(mine_data.model_inputs(code), 7, 0.03).npv)
    assert got[label] == "Nasz program" and got[status] == STATUS_OWN

    got = model.calculate({(L.PARAMS, f"F{pick}"): "Klub Integracji Społecznej"},
                          [npv, label, status])
    assert got[npv] in ("", None) and got[status] == STATUS_UNKNOWN


def solved_npv(data, code: str) -> float:
    return run_inputs(data.model_inputs(code), data.horizon, data.rate).npv


def _engine_same(got: object, expected: float | None) -> bool:
    """A figure the engine may leave undefined (None): the sheet shows a Polish text."""
    if expected is None:
        return isinstance(got, str) and got != ""
    return isinstance(got, int | float) and math.isclose(got, expected, rel_tol=1e-9,
                                                         abs_tol=1e-6)


def test_every_issue_equals_the_engine_scenario_run(filled, model, solved) -> None:
    """For every issue of the sample, the workbook gives run_scenario's figures (those of the
    CLI and the strategy documents): NPV, PVs, BCR, ROI, break-even, threshold and NPV per
    payer – costs that change by year included (sieroctwo, cudzoziemcy, zaklad_karny).
    Monte Carlo is not compared: a batch run draws every issue from one random stream, a
    KKZ_MONTE_CARLO call from its own."""
    _, book, _, _, _ = filled
    scenario = Scenario.load(SAMPLE)  # as kkz oblicz: the five on their multi-state models
    result = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    profiled = {i.code for i in result.issues if i.states is None
                and any(c.profile for c in i.inputs.costs)}
    assert {"cudzoziemcy", "zaklad_karny"} <= profiled
    assert {i.code for i in result.issues if i.states is not None} == MULTI
    assert len(result.issues) == len(scenario.issues)

    wb = openpyxl.load_workbook(book)
    pay = wb[L.PAYERS]
    indicators = _table_cells(book, RESULT_INDICATORS)
    labels = {i: indicators[(i, 0)] for i, j in indicators if j == 0}
    (sheet, pick), = wb.defined_names[L.NAME_FLOW_ISSUE].destinations
    codes = [i.code for i in from_scenario(scenario).issues]
    payer_row = {pay.cell(row=r, column=1).value: r for r in range(6, 6 + len(codes))}
    bad = []
    for issue in result.issues:
        r = L.CALC_FIRST_ROW + codes.index(issue.code)
        p = payer_row[issue.code]

        def at(sheet: str, cell: str) -> object:
            return solved[(sheet.upper(), cell)]

        expected = [
            ((L.CALC, f"{_col(COL_NPV)}{r}"), issue.npv),
            ((L.CALC, f"{_col(COL_PV_PROG)}{r}"), issue.pv_programme),
            ((L.CALC, f"{_col(COL_BCR)}{r}"), issue.bcr),
            ((L.CALC, f"{_col(COL_ROI)}{r}"), issue.roi),
            ((L.CALC, f"{_col(COL_BE_YEAR)}{r}"), issue.break_even_year),
            ((L.CALC, f"{_col(COL_PAYBACK)}{r}"), issue.payback),
            ((L.CALC, f"{_col(COL_THRESHOLD)}{r}"), issue.break_even_success),
            *zip([(L.PAYERS, f"{_col(3 + k)}{p}") for k in range(len(PAYERS))],
                 issue.npv_by_payer, strict=True),
        ]
        for cell, value in expected:
            if not _engine_same(at(*cell), value):
                bad.append((issue.code, cell, at(*cell), value))
        # The indicator table follows the issue picked on Przepływy: two picks (a constant
        # and a year-by-year cost) are enough – each recalculation costs seconds.
        if issue.code not in PICKED:
            continue
        got = model.calculate({(sheet, pick.replace("$", "")): issue.code},
                              [(L.FLOWS, c) for c in indicators.values()])
        ind = {got[(L.FLOWS, a)]: got[(L.FLOWS, indicators[(i, 1)])]
               for i, a in labels.items()}
        for label, value in ((NPV, issue.npv), (PV_INACTION, issue.pv_z),
                             (PV_ACTION, issue.pv_a), (PV_PROGRAMME, issue.pv_programme)):
            if not _engine_same(ind[label], value):
                bad.append((issue.code, label, ind[label], value))
    assert not bad, bad[:10]


def _states_row(book: Path, code: str, key: str) -> int:
    """The Stany row of issue ``code``'s value ``key`` (e.g. ``koszt.placowka_powiat.
    placowka_1``), found by the hidden key columns."""
    ws = openpyxl.load_workbook(book)[L.STATES]
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=COL_KEY).value == code and ws.cell(
                row=r, column=COL_KEY + 3).value == key:
            return r
    raise AssertionError((code, key))


def test_multi_state_programme_switch_and_edited_state_cells(filled, model) -> None:
    """A multi-state issue follows the Parametry pick (the model's other programme) and the
    Stany cells a user types: a state's cost, a transition, the split – each result equals
    kkz oblicz's run of the same scenario, and each edit moves the result."""
    data, book, _, _, _ = filled
    code = "sieroctwo"
    row = L.CALC_FIRST_ROW + [i.code for i in data.issues].index(code)
    npv, bcr = (L.CALC, f"{_col(COL_NPV)}{row}"), (L.CALC, f"{_col(COL_BCR)}{row}")
    pay_row = 6 + [i.code for i in data.issues].index(code)
    payer = (L.PAYERS, f"{_col(4)}{pay_row}")  # powiat: the placements' main payer
    sample = Scenario.load(SAMPLE)
    base_npv = run_scenario(sample, monte_carlo_draws=0, with_tornado=False).issue(code).npv
    model_file = shipped_models()[code]
    other = model_file.programy[1]
    pick = _param_row(book, code, "program")
    cost = _states_row(book, code, "koszt.placowka_powiat.placowka_1")
    trans = _states_row(book, code, "przejscie.powrot.placowka_1")
    first, second = (_states_row(book, code, f"podzial.{s}")
                     for s in ("rodzinna_3", "placowka_3"))
    edits = {
        "programme": ({(L.PARAMS, f"F{pick}"): other.nazwa}, {"program": other.id}),
        "cost": ({(L.STATES, f"F{cost}"): 150_000.0},
                 {"koszty_stanow": {"placowka_powiat": {"placowka_1": 150_000.0}}}),
        "transition": ({(L.STATES, f"F{trans}"): 0.3},
                       {"przejscia": {"powrot": {"placowka_1": 0.3}}}),
    }
    for what, (cells, fields) in edits.items():
        got = model.calculate(cells, [npv, bcr, payer])
        expected = run_scenario(_changed(sample, code, **fields), monte_carlo_draws=0,
                                with_tornado=False).issue(code)
        assert got[npv] == pytest.approx(expected.npv), what
        assert got[bcr] == pytest.approx(expected.bcr), what
        assert got[payer] == pytest.approx(expected.npv_by_payer[1]), what
        assert expected.npv != pytest.approx(base_npv), what  # the edit matters
    # The split: 40 children, a tenth more of them in a placówka than in the model.
    shares = dict(model_file.podzial.wartosc)
    moved = dict(shares, rodzinna_3=shares["rodzinna_3"] - 0.1,
                 placowka_3=shares["placowka_3"] + 0.1)
    got = model.calculate({(L.STATES, f"F{first}"): moved["rodzinna_3"],
                           (L.STATES, f"F{second}"): moved["placowka_3"]}, [npv])
    split = {s: 40 * v for s, v in moved.items()}
    expected = run_scenario(_changed(sample, code, osoby_wg_stanow=split),
                            monte_carlo_draws=0, with_tornado=False).issue(code)
    assert got[npv] == pytest.approx(expected.npv)
    assert expected.npv != pytest.approx(base_npv)
    # Shares that do not add up to 100 % are refused, never computed.
    got = model.calculate({(L.STATES, f"F{first}"): 0.9}, [npv])
    assert not isinstance(got[npv], int | float)
