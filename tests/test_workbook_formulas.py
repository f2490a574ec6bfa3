"""The calculator's formulas evaluated without Excel (``formulas`` + the UDF module) equal the
engine's figures; after changing inputs they still do."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from kkz_xl.engine.run import run_inputs, run_scenario
from kkz_xl.model.inputs import CostLine, IssueInputs
from kkz_xl.model.payers import PAYERS, Payer
from kkz_xl.model.scenario import Scenario
from kkz_xl.params.base import default_base
from kkz_xl.workbook import from_scenario, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.context import (
    COL_BCR,
    COL_BE_YEAR,
    COL_NPV,
    COL_PAYBACK,
    COL_PERSONS,
    COL_PV_PROG,
    COL_ROI,
    COL_THRESHOLD,
)

pytest.importorskip("formulas")
from openpyxl.worksheet.formula import ArrayFormula

from kkz_xl.workbook.verify import WorkbookModel, evaluate

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
DRAWS = 400  # enough to exercise Monte Carlo; the engine itself is tested elsewhere


def _same(got: object, expected: object) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(got) == bool(expected)
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-6)
    return (got in (None, "") and expected in (None, "")) or got == expected


def _compare(formula_book: Path, values_book: Path, writer: object) -> int:
    solved = evaluate(formula_book)
    values = openpyxl.load_workbook(values_book)
    bad = []
    for sheet, cell in writer.formula_cells:
        got = solved.get((sheet.upper(), cell), "MISSING")
        expected = values[sheet][cell].value
        if (sheet, cell) in writer.padding and expected is None and got in ("#N/A", None, ""):
            continue  # past the horizon: Excel pads an array with #N/A, hidden by formatting
        if not _same(got, expected):
            bad.append((sheet, cell, got, expected))
    assert not bad, bad[:10]
    return len(writer.formula_cells)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("formulas")
    data = replace(from_scenario(Scenario.load(SAMPLE)), draws=DRAWS)
    book, writer = write_workbook(tmp / "k.xlsm", data)
    values, _ = write_workbook(tmp / "v.xlsx", data, values=True)
    return data, book, values, writer, tmp


def test_every_computed_cell_equals_the_engine(filled) -> None:
    _, book, values, writer, _ = filled
    assert _compare(book, values, writer) > 1000


def test_key_results_against_the_engine_built_by_hand(filled) -> None:
    """Independent of the workbook's own input code: bezrobocie from its parameter file."""
    data, book, _, _, _ = filled
    base = default_base()
    issue = base.issue("bezrobocie")
    per_payer = {p: 0.0 for p in PAYERS}
    for c in issue.koszty:
        per_payer[Payer(c.platnik)] += c.wartosc  # 2025 prices, no profiles in this issue
    prog = issue.programy[0]
    # The base's gains as the engine's own gain lines (the workbook adds them to the costs).
    gains = [CostLine(platnik=Payer(c.platnik), kwota=c.wartosc, profil=c.profil)
             for c in issue.korzysci]
    assert gains
    inputs = IssueInputs(
        osoby=120.0, naplyw=10.0, odplyw=issue.odplyw.wartosc, nawroty=issue.nawroty.wartosc,
        koszty=[CostLine(platnik=p, kwota=v) for p, v in per_payer.items()], korzysci=gains,
        skutecznosc=prog.skutecznosc.wartosc, koszt_uczestnika=prog.koszt_uczestnika.wartosc,
        zasieg=prog.zasieg.wartosc, powtarzaj=prog.powtarzaj,
    )
    expected = run_inputs(inputs, 7, base.discount_rate)
    solved = evaluate(book)
    row = L.CALC_FIRST_ROW + [i.code for i in data.issues].index("bezrobocie")
    col = openpyxl.utils.get_column_letter
    assert solved[("KALKULATOR", f"{col(COL_NPV)}{row}")] == pytest.approx(expected.npv)
    assert solved[("KALKULATOR", f"{col(COL_BCR)}{row}")] == pytest.approx(expected.bcr)


def test_changed_inputs_are_recomputed(filled) -> None:
    data, book, _, _, tmp = filled
    wb = openpyxl.load_workbook(book, keep_vba=True)
    codes = [i.code for i in data.issues]
    row = L.CALC_FIRST_ROW + codes.index("sieroctwo")
    wb[L.CALC].cell(row=row, column=COL_PERSONS, value=75)
    wb[L.JST].cell(row=L.JST_ROWS[L.NAME_HORIZON], column=L.JST_VALUE_COL, value=10)
    wb[L.JST].cell(row=L.JST_ROWS[L.NAME_RATE], column=L.JST_VALUE_COL, value=0.05)
    params = wb[L.PARAMS]
    for r in range(L.PARAMS_FIRST_ROW, params.max_row + 1):
        if params.cell(row=r, column=1).value == "sieroctwo" and "Skuteczność" in str(
                params.cell(row=r, column=3).value):
            params.cell(row=r, column=6, value=0.35)  # the user's own success rate
    changed = tmp / "changed.xlsm"
    wb.save(changed)
    solved = evaluate(changed)
    issue = replace(data.issue("sieroctwo"), persons=75.0)
    issue = replace(issue, params=[replace(p, own=0.35) if p.key == "skutecznosc" else p
                                   for p in issue.params])
    new = replace(data, horizon=10, rate=0.05,
                  issues=[issue if i.code == "sieroctwo" else i for i in data.issues])
    expected = run_inputs(new.model_inputs("sieroctwo"), 10, 0.05)
    col = openpyxl.utils.get_column_letter
    assert solved[("KALKULATOR", f"{col(COL_NPV)}{row}")] == pytest.approx(expected.npv)
    assert solved[("KALKULATOR", f"{col(COL_BCR)}{row}")] == pytest.approx(expected.bcr)
    # The year-by-year table grows with the horizon (the array is sized for 50 years).
    flows_first = None
    for (sheet, cell), value in solved.items():
        if sheet == L.FLOWS.upper() and value == "rok":
            flows_first = int(cell[1:]) + 1
    assert flows_first is not None
    assert solved[(L.FLOWS.upper(), f"A{flows_first + 9}")] == 10
    assert solved[(L.FLOWS.upper(), f"A{flows_first + 10}")] in ("#N/A", None)


def _engine_same(got: object, expected: float | None) -> bool:
    """A figure the engine may leave undefined (None): the sheet shows a Polish text."""
    if expected is None:
        return isinstance(got, str) and got != ""
    return isinstance(got, int | float) and math.isclose(got, expected, rel_tol=1e-9,
                                                         abs_tol=1e-6)


def test_every_issue_equals_the_engine_scenario_run(filled) -> None:
    """For every issue of the sample, the workbook gives run_scenario's figures (those of the
    CLI and the strategy documents): NPV, PVs, BCR, ROI, break-even, threshold and NPV per
    payer – costs that change by year included (sieroctwo, cudzoziemcy, zaklad_karny).
    Monte Carlo is not compared: a batch run draws every issue from one random stream, a
    KKZ_MONTE_CARLO call from its own."""
    _, book, _, _, _ = filled
    # The workbook computes the two-state form (until it calls KKZ_ANALIZA_STANY for the
    # issues with a multi-state model).
    scenario = Scenario.load(SAMPLE).in_two_state_form()
    result = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    profiled = {i.code for i in result.issues if any(c.profile for c in i.inputs.costs)}
    assert {"sieroctwo", "cudzoziemcy", "zaklad_karny"} <= profiled
    assert len(result.issues) == len(scenario.issues) == 10

    wb = openpyxl.load_workbook(book)
    col = openpyxl.utils.get_column_letter
    flows, pay = wb[L.FLOWS], wb[L.PAYERS]
    indicators = next(c.value.ref for row in flows.iter_rows() for c in row
                      if isinstance(c.value, ArrayFormula) and "KKZ_WSKAZNIKI" in c.value.text)
    (sheet, pick), = wb.defined_names[L.NAME_FLOW_ISSUE].destinations
    payer_row = {pay.cell(row=r, column=1).value: r for r in range(6, 6 + 10)}
    codes = [i.code for i in from_scenario(scenario).issues]
    model = WorkbookModel(book)
    bad = []
    for issue in result.issues:
        r = L.CALC_FIRST_ROW + codes.index(issue.code)
        p = payer_row[issue.code]
        calc = {c: (L.CALC, f"{col(c)}{r}") for c in (COL_NPV, COL_PV_PROG, COL_BCR, COL_ROI,
                                                     COL_BE_YEAR, COL_PAYBACK, COL_THRESHOLD)}
        payers = [(L.PAYERS, f"{col(3 + k)}{p}") for k in range(5)]
        got = model.calculate({(sheet, pick.replace("$", "")): issue.code},
                              [*calc.values(), *payers, (L.FLOWS, indicators)])
        ind = dict(got[(L.FLOWS, indicators)])
        expected = [
            (calc[COL_NPV], issue.npv), (calc[COL_PV_PROG], issue.pv_programme),
            (calc[COL_BCR], issue.bcr), (calc[COL_ROI], issue.roi),
            (calc[COL_BE_YEAR], issue.break_even_year), (calc[COL_PAYBACK], issue.payback),
            (calc[COL_THRESHOLD], issue.break_even_success),
            *zip(payers, issue.npv_by_payer, strict=True),
        ]
        for cell, value in expected:
            if not _engine_same(got[cell], value):
                bad.append((issue.code, cell, got[cell], value))
        # The workbook adds a self-reliant person's gain g_t to the dependent person's cost:
        # the same NPV, but each future's PV is higher by the gains of everyone in the group,
        # Σ_t DF_t·(D_t + I_t)·g_t (D + I is the same in both futures).
        g = np.sum([line.series(issue.years) for line in issue.inputs.gains], axis=0)
        everyone = float(np.sum(issue.discount * (issue.dependent_z + issue.independent_z) * g))
        for label, value in (("koszt zaniechania (NPV)", issue.npv),
                             ("PV kosztów zaniechania", issue.pv_z + everyone),
                             ("PV kosztów działania", issue.pv_a + everyone),
                             ("PV kosztu programu", issue.pv_programme)):
            if not _engine_same(ind[label], value):
                bad.append((issue.code, label, ind[label], value))
    assert not bad, bad[:10]
