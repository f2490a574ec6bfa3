"""The calculator workbook: built from code, in step with the committed file, Excel craft,
the xlwings settings, data import and the values-only report."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from kkz_xl.engine.run import run_inputs, run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.labels import BY_STATE, INDICATOR_ROWS, INPUT_LABELS
from kkz_xl.model.scenario import Scenario
from kkz_xl.params.base import default_base
from kkz_xl.reporting.tables import TORNADO_ROWS, tornado_label
from kkz_xl.workbook import (
    blank_inputs,
    fill_from_table,
    formats,
    from_scenario,
    read_inputs,
    values_report,
    write_workbook,
)
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.build import build
from kkz_xl.workbook.context import COL_NPV
from kkz_xl.workbook.sheets_detail import STATE_TORNADO_TITLE
from kkz_xl.workbook.values import Figures

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks" / L.WORKBOOK_NAME
SAMPLE = ROOT / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
MONEY = formats.MONEY


def _content(path: Path) -> dict[str, object]:
    """What a user sees and what formulas do: cells, formulas, validations, names, protection."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, object] = {"sheets": wb.sheetnames,
                              "names": sorted((n, d.attr_text) for n, d in
                                              wb.defined_names.items())}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, ArrayFormula):
                    v = ("array", v.ref, v.text)
                if v is not None:
                    cells[c.coordinate] = (v, c.number_format, c.protection.locked)
        out[ws.title] = {
            "cells": cells,
            "validations": sorted((str(d.sqref), d.type, d.formula1, d.formula2, d.error)
                                  for d in ws.data_validations.dataValidation),
            "protected": ws.protection.sheet,
            "freeze": ws.freeze_panes,
        }
    return out


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = write_workbook(tmp_path_factory.mktemp("wb") / L.WORKBOOK_NAME)
    return path


@pytest.fixture(scope="module")
def sample() -> Scenario:
    return Scenario.load(SAMPLE)


def test_committed_workbook_is_what_the_command_builds(blank: Path) -> None:
    assert COMMITTED.exists(), "run: kkz skoroszyt"
    assert _content(blank) == _content(COMMITTED), (
        "workbooks/Kalkulator_KKZ.xlsm is stale: rebuild it with `kkz skoroszyt`")


def test_build_is_deterministic(blank: Path, tmp_path: Path) -> None:
    again, _ = write_workbook(tmp_path / "again.xlsm")
    assert again.read_bytes() == blank.read_bytes()


def test_xlsm_carries_xlwings_vba_and_settings(blank: Path) -> None:
    with zipfile.ZipFile(blank) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    assert "xl/vbaProject.bin" in names
    assert "macroEnabled" in types
    wb = openpyxl.load_workbook(blank, keep_vba=True)
    conf = wb["xlwings.conf"]
    keys = {conf.cell(row=r, column=1).value: conf.cell(row=r, column=2).value
            for r in range(1, 10)}
    assert keys["UDF Modules"] == "kkz_udfs"
    assert wb.sheetnames[: len(L.SHEETS)] == list(L.SHEETS)
    # The VBA document modules keep their sheets (code names of the xlwings template).
    assert wb[L.GUIDE].sheet_properties.codeName == "Sheet1"
    assert conf.sheet_properties.codeName == "Sheet2"


def test_excel_craft(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    for name in L.SHEETS:
        ws = wb[name]
        assert ws.protection.sheet and not ws.protection.password, name
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), name
    inputs = formulas = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                is_formula = isinstance(c.value, ArrayFormula) or (
                    isinstance(c.value, str) and c.value.startswith("="))
                if is_formula:
                    formulas += 1
                    assert c.protection.locked, (ws.title, c.coordinate)
                if not c.protection.locked:
                    inputs += 1
                    assert c.fill.fgColor.rgb.endswith("FFF2CC"), (ws.title, c.coordinate)
                    assert not is_formula
    assert inputs > 50 and formulas > 500
    calc = wb[L.CALC]
    assert calc.freeze_panes == f"C{L.CALC_FIRST_ROW}"
    assert calc["E6"].number_format == MONEY
    assert calc["J6"].number_format.endswith("%")
    for name in (L.NAME_HORIZON, L.NAME_RATE, L.NAME_PRICE_YEAR, L.NAME_JST, L.NAME_TERYT):
        assert name in wb.defined_names
    errors = [d.error for ws in wb.worksheets for d in ws.data_validations.dataValidation]
    assert all(e and any(ch in e for ch in "ąćęłńóśźżwpisz") for e in errors)
    flows = wb[L.FLOWS]
    assert any(d.type == "list" and d.formula1 == L.NAME_ISSUE_CODES
               for d in flows.data_validations.dataValidation)


def _formula_text(value: object) -> str | None:
    if isinstance(value, ArrayFormula):
        return value.text
    return value if isinstance(value, str) and value.startswith("=") else None


def test_spilled_kkz_results_are_defined_names_read_cell_by_cell(blank: Path) -> None:
    """A spilled result is held by a defined name and each of its cells is a plain
    ``INDEX(name,i,j)`` (plain cells keep their cached values in LibreOffice; a plainly
    written spilled call would show in Excel 365 as @KKZ_… with one value). No array
    formulas."""
    wb = openpyxl.load_workbook(blank)
    spilled = ("KKZ_PRZEPLYWY", "KKZ_PLATNICY", "KKZ_MONTE_CARLO", "KKZ_WSKAZNIKI")
    names = {n: d.attr_text for n, d in wb.defined_names.items()
             if any(f in d.attr_text for f in spilled)}
    read: dict[str, dict[tuple[int, int], tuple[str, int, int]]] = {n: {} for n in names}
    index = re.compile(r"INDEX\(([A-Za-z_]+),(\d+),(\d+)\)")
    plain = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not isinstance(c.value, ArrayFormula), (ws.title, c.coordinate)
                text = _formula_text(c.value) or ""
                if "KKZ_" in text:
                    plain += 1
                    assert not any(f in text for f in spilled) or "INDEX(KKZ_" in text, (
                        ws.title, c.coordinate)
                for name, i, j in index.findall(text):
                    if name in read:
                        read[name][(int(i), int(j))] = (ws.title, c.row, c.column)
    assert plain > 50 and len(names) > 20
    for name, cells in read.items():
        # Every cell of the result is shown, each in its place (a rectangle from its corner).
        rows, cols = max(i for i, _ in cells), max(j for _, j in cells)
        assert len(cells) == rows * cols, name
        sheet, top, left = cells[(1, 1)]
        assert all(cells[(i, j)] == (sheet, top + i - 1, left + j - 1) for i, j in cells), name
    flows = read["Wynik_Przeplywy"]
    assert "KKZ_PRZEPLYWY" in names["Wynik_Przeplywy"]
    assert max(i for i, _ in flows) == 1 + L.MAX_YEARS  # header + 50 years, whole


def test_no_structured_references(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text = c.value.text if isinstance(c.value, ArrayFormula) else c.value
                if isinstance(text, str) and text.startswith("="):
                    assert "[#" not in text and "[@" not in text


def test_scenario_fill_keeps_own_values_and_defaults(sample: Scenario) -> None:
    data = from_scenario(sample)
    assert data.jst_name == "Gmina Przykładowa" and data.horizon == 7
    assert data.issue("bezrobocie").persons == 120
    assert data.issue("bezrobocie").inflow == 10
    # Defaults from the base: one row per cost line, bezrobocie's gmina cost their sum.
    base = default_base()
    items = base.issue("bezrobocie").koszty
    rows = [r for r in data.issue("bezrobocie").lines if not r.gain]
    assert [r.source for r in rows] == [c.zrodlo.strip() for c in items]
    assert all(r.own is None for r in rows)
    gmina = sum(c.wartosc for c in items if c.platnik == "gmina")
    table = data.issue("bezrobocie").yearly_costs(1.0)
    assert table[0][0] == pytest.approx(gmina) and table[-1][0] == pytest.approx(gmina)
    # The fiscal gains are lines of their own, in a table of their own (korzysc_roczna).
    gains = base.issue("bezrobocie").korzysci
    assert [r.source for r in data.issue("bezrobocie").lines if r.gain] == [
        c.zrodlo.strip() for c in gains]
    gain_table = data.issue("bezrobocie").yearly_costs(1.0, gains=True)
    assert gain_table[-1][0] == pytest.approx(sum(c.wartosc for c in gains
                                                  if c.platnik == "gmina"))


def test_costs_that_change_by_year_follow_their_profile() -> None:
    """Foster care: the gmina pays 10 %, 30 %, then 50 % of the placement's cost (art. 191
    u.w.r.), the powiat the rest – year by year in the table the KKZ_ functions get."""
    base = default_base()
    issue = base.issue("sieroctwo")
    cost = next(c for c in issue.koszty if c.id == "piecza_udzial_gminy")
    full = cost.wartosc * base.price_factor(cost.rok_cen, base.price_year)
    others = {p: sum(c.wartosc for c in issue.koszty if c.platnik == p and not c.profil)
              for p in ("gmina", "powiat")}
    # The two-state form of the issue (its multi-state model's years in care: Stany).
    two_state = from_scenario(Scenario.load(SAMPLE).in_two_state_form(), base)
    table = two_state.issue("sieroctwo").yearly_costs(1.0)
    for year, share in ((1, 0.1), (2, 0.3), (3, 0.5), (4, 0.5), (50, 0.5)):
        assert table[year - 1][0] == pytest.approx(share * full + others["gmina"])
        assert table[year - 1][1] == pytest.approx((1 - share) * full + others["powiat"])
    assert len(table) == L.MAX_YEARS


def test_workbook_shows_the_yearly_costs_and_no_averages(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not [t for t in texts if "uśredni" in t.lower() or "tu średnia" in t.lower()]
    costs = wb[L.COSTS]
    headers = [c.value for c in costs[L.costs_first_row(0) - 1]]
    assert headers[:6] == ["Rok", "gmina", "powiat", "budżet państwa", "NFZ", "ZUS/Fundusz Pracy"]
    # Every KKZ_ call of an issue takes its 50 × 5 block.
    calls = [t for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if "KKZ_" in (t := _formula_text(c.value) or "")]
    first = L.costs_first_row(0)
    block = f"'{L.COSTS}'!$B${first}:$F${first + L.MAX_YEARS - 1}"
    assert sum(block in t for t in calls) >= 8
    assert not [t for t in calls if f"'{L.CALC}'!$E$" in t]  # no one-row costs left


def test_scenario_own_cost_lines_keep_their_profile(tmp_path: Path) -> None:
    """A scenario's own cost lines (not in the base) become Parametry rows with their
    profile, equal the engine's run and survive reading the workbook back."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "{kod: sieroctwo, osoby: 40, naplyw: 3}",
        "{kod: sieroctwo, osoby: 40, naplyw: 3, koszty: [{nazwa: Piecza w naszym powiecie, "
        "platnik: gmina, kwota: 20000, profil: [0.1, 0.3, 0.5]}, {nazwa: Piecza – powiat, "
        "platnik: powiat, kwota: 20000, profil: [0.9, 0.7, 0.5]}]}")
    own = tmp_path / "own.yaml"
    own.write_text(text, encoding="utf-8")
    scenario = Scenario.load(own)
    data = from_scenario(scenario)
    rows = data.issue("sieroctwo").lines
    assert [r.own for r in rows] == [20000, 20000]
    assert rows[0].profile == (0.1, 0.3, 0.5)
    from kkz_xl.engine.run import run_scenario

    expected = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False).issue(
        "sieroctwo")
    got = run_inputs(data.model_inputs("sieroctwo"), data.horizon, data.rate)
    assert got.npv == pytest.approx(expected.npv)
    assert got.npv_by_payer == pytest.approx(expected.npv_by_payer)
    book, _ = write_workbook(tmp_path / "own.xlsm", replace(data, draws=200))
    back = read_inputs(book)

    def flat(d: object) -> list[float]:
        return [x for r in d.issue("sieroctwo").yearly_costs(d.price_factor()) for x in r]

    assert flat(back) == pytest.approx(flat(data))
    assert flat(back)[:2] == pytest.approx([2000, 18000])


MRPIPS = """Powody trudnej sytuacji życiowej;Liczba rodzin;Liczba osób w rodzinach
Ubóstwo;152;310
Bezrobocie;98;240
Alkoholizm;17;30
Narkomania;2;3
Przemoc domowa;5;14
Bezdomność;;
"""


def test_import_mrpips_counts_with_a_clear_report(tmp_path: Path) -> None:
    src = tmp_path / "mrpips03.csv"
    src.write_text(MRPIPS, encoding="utf-8")
    data, report = fill_from_table(blank_inputs(), src)
    assert data.issue("ubostwo").persons == 152  # families: one benefit decision each
    assert data.issue("uzaleznienia").persons == 19  # alkoholizm + narkomania
    assert data.issue("sieroctwo").persons is None
    text = "\n".join(report.lines())
    assert "Alkoholizm lub narkomania: 19" in text and "liczba rodzin" in text
    assert "Sieroctwo (piecza zastępcza)" in text  # missing
    assert "Przemoc domowa" in text and "Bezdomność" in text  # skipped rows
    assert data.flow_issue in ("ubostwo", "bezrobocie")


def test_import_xlsx_with_persons_column(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["kod", "osoby", "napływ"])
    wb.active.append(["bezrobocie", 40, 5])
    path = tmp_path / "dane.xlsx"
    wb.save(path)
    data, report = fill_from_table(blank_inputs(), path)
    assert data.issue("bezrobocie").persons == 40 and data.issue("bezrobocie").inflow == 5
    assert any("osoby: 40" in line for line in report.filled)


def test_import_rejects_a_file_without_counts(tmp_path: Path) -> None:
    path = tmp_path / "zle.csv"
    path.write_text("kwestia;uwagi\nubóstwo;dużo\n", encoding="utf-8")
    with pytest.raises(InputError, match="liczbą osób"):
        fill_from_table(blank_inputs(), path)


def test_values_report_has_engine_numbers_and_no_formulas(sample: Scenario,
                                                           tmp_path: Path) -> None:
    data = replace(from_scenario(sample), draws=300)
    calc, _ = write_workbook(tmp_path / "k.xlsm", data)
    # A treasurer changes a figure in the filled workbook, then asks for the report.
    wb = openpyxl.load_workbook(calc, keep_vba=True)
    row = L.CALC_FIRST_ROW + [i.code for i in data.issues].index("bezrobocie")
    wb[L.CALC].cell(row=row, column=3, value=200)
    wb.save(calc)
    report = values_report(calc, tmp_path / "raport.xlsx")
    back = read_inputs(calc)
    assert back.issue("bezrobocie").persons == 200 and back.draws == 300
    out = openpyxl.load_workbook(report)
    for ws in out.worksheets:
        for r in ws.iter_rows():
            for c in r:
                assert not isinstance(c.value, ArrayFormula)
                assert not (isinstance(c.value, str) and c.value.startswith("="))
    expected = run_inputs(back.model_inputs("bezrobocie"), back.horizon, back.rate).npv
    assert out[L.CALC].cell(row=row, column=COL_NPV).value == pytest.approx(expected)
    assert out[L.CHARTS]._charts
    assert Figures(back).issue("bezrobocie").result.npv == pytest.approx(expected)


def _ranking_rows(ws: object) -> tuple[int, list[tuple[object, ...]]]:
    """Niepewność's parameter ranking: its header row and the table's rows below it."""
    head = next(r for r in range(1, ws.max_row + 1)
                if ws.cell(row=r, column=4).value == "Zmiana NPV razem")
    rows = []
    for r in range(head + 1, ws.max_row + 1):
        swing = ws.cell(row=r, column=4).value
        if not isinstance(swing, float | int):
            break
        rows.append(tuple(ws.cell(row=r, column=c).value for c in range(1, 6)))
    return head, rows


def test_uncertainty_ranks_the_parameters_as_the_engine(sample: Scenario, blank: Path,
                                                        tmp_path: Path) -> None:
    from kkz_xl.engine.influence import influence

    path, _ = write_workbook(tmp_path / "k.xlsm", replace(from_scenario(sample), draws=300))
    ws = openpyxl.load_workbook(path)[L.UNCERTAINTY]
    head, rows = _ranking_rows(ws)
    assert len(rows) == 10
    swings = [r[3] for r in rows]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    top = influence(sample)[0]
    base = default_base()
    assert rows[0][:4] == (base.issue(top.issue).nazwa if top.issue else "ogólne", top.name,
                           top.grade, pytest.approx(top.swing))
    assert rows[0][4].startswith(top.source)
    assert ws.cell(row=head + 1, column=4).number_format == formats.MONEY_ZL
    note = ws.cell(row=head - 1, column=1).value
    assert "kkz skoroszyt" in note and "szerszy przedział" in note
    # Inside the print area, above the Monte Carlo details, no formula among the values.
    last_row = int(ws.print_area.rsplit("$", 1)[1])
    assert head + len(rows) == last_row
    assert all(not (isinstance(v, str) and v.startswith("=")) for r in rows for v in r)
    assert all(ws.cell(row=r, column=1).value is None for r in range(last_row + 1,
                                                                      last_row + 3))
    # A blank workbook: a one-line note instead of the table.
    empty = openpyxl.load_workbook(blank)[L.UNCERTAINTY]
    texts = [c.value for row in empty.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Zmiana NPV razem" not in texts
    assert any("Ranking pojawi się po wypełnieniu danych JST" in t for t in texts)


def test_multi_state_issues_show_the_strategy_s_tornado(sample: Scenario, blank: Path,
                                                        tmp_path: Path) -> None:
    """Niepewność lists, for every issue on its multi-state model, the engine's widest tornado
    rows – the rows `kkz oblicz` and the strategy compute for the same scenario – outside the
    print set; a blank workbook has no such table."""
    data = replace(from_scenario(sample), draws=300)
    path, _ = write_workbook(tmp_path / "k.xlsm", data)
    ws = openpyxl.load_workbook(path)[L.UNCERTAINTY]
    top = next(r for r in range(1, ws.max_row + 1)
               if str(ws.cell(row=r, column=1).value or "").startswith(STATE_TORNADO_TITLE))
    assert top > int(ws.print_area.rsplit("$", 1)[1])  # the strategy prints them
    shown: dict[str, list[tuple[str, float, float]]] = {}
    r = top + 2
    while ws.cell(row=r, column=5).value is not None:
        name, label, low, high, swing = (ws.cell(row=r, column=c).value for c in range(1, 6))
        assert swing == pytest.approx(abs(high - low))
        shown.setdefault(name, []).append((label, round(low, 2), round(high, 2)))
        r += 1
    results = run_scenario(sample, monte_carlo_draws=0)
    multi = [i for i in results.issues if i.states is not None]
    names = {i.code: data.issue(i.code).name for i in multi}
    assert len(multi) >= 2 and set(shown) == set(names.values())
    gain = INPUT_LABELS["gain_mult"]
    for issue in multi:
        widest = sorted(issue.tornado, key=lambda t: t.swing, reverse=True)[:TORNADO_ROWS]
        expected = [(tornado_label(t, issue), round(t.npv_low, 2), round(t.npv_high, 2))
                    for t in widest]
        rows = shown[names[issue.code]]
        assert len(rows) == TORNADO_ROWS
        assert sorted(v for _, *v in rows) == sorted(v for _, *v in expected), issue.code
        # Gain lines are the workbook's per payer (its gains table), the engine's per item.
        assert ({row for row in rows if not row[0].startswith(gain)}
                == {row for row in expected if not row[0].startswith(gain)}), issue.code
    empty = openpyxl.load_workbook(blank)[L.UNCERTAINTY]
    assert not any(str(c.value or "").startswith(STATE_TORNADO_TITLE)
                   for row in empty.iter_rows() for c in row)



def test_a_multi_state_pick_shows_transitions_instead_of_exit_rates(sample: Scenario,
                                                                     tmp_path: Path) -> None:
    """Przepływy for an issue on its multi-state model (picked before a build or a kkz raport –
    this used to fail): odpływ and nawroty read "wg stanów" (their 0 is only the two-state
    function's argument, hidden); for a two-state issue nothing changes. Niepewność's picker
    has the same rule (its default pick is a two-state issue: the formula tornado's)."""
    data = replace(from_scenario(sample), draws=200)
    multi = next(i.code for i in data.issues if i.multi)
    two = next(i.code for i in data.issues if not i.multi)
    for code, shown in ((multi, True), (two, False)):
        wb, _ = build(replace(data, flow_issue=code, tornado_issue=code), values=True)
        for sheet in (L.FLOWS,):
            ws = wb[sheet]
            rows = [r for r in range(1, ws.max_row + 1)
                    if ws.cell(row=r, column=1).value in ("Odpływ bez programu (q)",
                                                          "Nawroty (r)")][:2]
            assert len(rows) == 2, sheet
            notes = [ws.cell(row=r, column=3).value for r in rows]
            assert all(bool(n) == shown for n in notes), (sheet, code, notes)
            if shown:
                assert all(BY_STATE in n and L.STATES in n for n in notes)
    book = openpyxl.load_workbook(write_workbook(tmp_path / "k.xlsm", data)[0])
    for sheet in (L.FLOWS, L.UNCERTAINTY):
        texts = [str(c.value) for row in book[sheet].iter_rows() for c in row
                 if isinstance(c.value, str) and BY_STATE in c.value and c.value.startswith("=")]
        assert len(texts) == 2, sheet


def test_every_issue_can_be_the_flows_pick(sample: Scenario) -> None:
    """Whichever issue the treasurer left picked on Przepływy, the build (and so kkz raport)
    works and the sheet's NPV is that issue's, as the engine computes it."""
    data = replace(from_scenario(sample), draws=100)
    figures = Figures(data, full=False)
    for issue in data.issues:
        wb, _ = build(replace(data, flow_issue=issue.code), values=True)
        ws = wb[L.FLOWS]
        npv_row = next(r for r in range(1, ws.max_row + 1)
                       if ws.cell(row=r, column=1).value == INDICATOR_ROWS[0])
        assert ws.cell(row=npv_row, column=2).value == pytest.approx(
            figures.issue(issue.code).result.npv, rel=1e-9, abs=1e-6), issue.code
