"""The workbook's layout is derived (a sixth payer adds a column), its charts never overlap,
the programme choice survives reading back, and what a councillor reads is plain: one yes/no
style, no verdict without data, variants never summed."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.engine.run import run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario
from kkz_xl.workbook import build, from_scenario, values_report, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.inputs import NO, YES, blank_inputs
from kkz_xl.workbook.scenario import read_scenario
from kkz_xl.workbook.sheets_report import (
    NO_DATA,
    VERDICT_NO,
    VERDICT_NONE,
    VERDICT_NONE_PAYS,
    VERDICT_OK,
    rows_for,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"


def test_a_sixth_payer_adds_columns_and_the_workbook_still_equals_the_engine(
        tmp_path: Path) -> None:
    """A fresh process with PFRON added to the payers list: its cost column comes before the
    exit rate (nothing overwritten), Płatnicy gains a column, the KKZ_ calls take a six-wide
    cost table, and every issue's NPV – values report and cached results – is the engine's."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "six_payers.py"),
                           str(tmp_path), str(SAMPLE)], capture_output=True, text=True,
                          env=env, timeout=600, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["headers"] == ["Koszt osoby w 1. roku – PFRON", "Odpływ bez programu (q)"]
    assert got["payers"][2:] == ["gmina", "powiat", "budżet państwa", "NFZ",
                                 "ZUS/Fundusz Pracy", "PFRON", "Razem"]
    assert f"'{L.COSTS}'!$B$7:$G$56" in got["formula"]
    for code, (report, cached, engine) in got["npv"].items():
        assert report == pytest.approx(engine, rel=1e-9), code
        assert cached == pytest.approx(engine, rel=1e-9), code


def test_charts_never_overlap() -> None:
    """Charts side by side stay within their columns, one below another within its rows,
    and all inside the print area."""
    wb, _ = build(from_scenario(Scenario.load(SAMPLE)), values=True)
    for name in (L.CHARTS, L.SUMMARY):
        ws = wb[name]
        boxes = []
        for c in ws._charts:
            col, row = coordinate_from_string(c.anchor)
            first = column_index_from_string(col)
            # A column of w characters is about 0.19 w cm wide (Calibri 11).
            widths_cm = [0.19 * (ws.column_dimensions[get_column_letter(k)].width or 8.43)
                         for k in range(first, first + 30)]
            right = first + next(k for k in range(1, 31) if sum(widths_cm[:k]) >= c.width - 0.05)
            boxes.append((row, row + rows_for(c.height), first, right))
        assert boxes, name
        for a, b in itertools.combinations(boxes, 2):
            rows_meet = a[0] < b[1] and b[0] < a[1]
            cols_meet = a[2] < b[3] and b[2] < a[3]
            assert not (rows_meet and cols_meet), (name, a, b)
        area = ws.print_area.split("!")[-1].replace("$", "").split(":")[1]
        last_col, last_row = coordinate_from_string(area)
        assert max(b[1] for b in boxes) <= last_row + 1, name
        assert max(b[3] for b in boxes) <= column_index_from_string(last_col) + 1, name


def _verdict(scenario: Scenario) -> set[object]:
    wb, _ = build(replace(from_scenario(scenario), draws=200), values=True)
    return {c.value for row in wb[L.SUMMARY].iter_rows() for c in row} & {
        VERDICT_OK, VERDICT_NO, VERDICT_NONE_PAYS, VERDICT_NONE}


def test_the_verdict_says_whether_any_programme_pays() -> None:
    """On the base's defaults no programme of the sample pays: the summary says so instead of
    pointing at issues with a positive net saving; with the gmina's own kontrakt socjalny at
    800 zł one issue pays while the total does not."""
    sample = Scenario.load(SAMPLE)
    results = run_scenario(sample, monte_carlo_draws=0, with_tornado=False)
    assert all(r.npv <= 0 for r in results.issues)
    assert _verdict(sample) == {VERDICT_NONE_PAYS}
    data = sample.dump()
    own = Scenario.model_validate(data | {"kwestie": [
        dict(i, koszt_uczestnika=800.0) if i["kod"] == "ubostwo" else i
        for i in data["kwestie"]]})
    paying = run_scenario(own, monte_carlo_draws=0, with_tornado=False)
    assert any(r.npv > 0 for r in paying.issues) and sum(r.npv for r in paying.issues) < 0
    assert _verdict(own) == {VERDICT_NO}


def test_blank_workbook_gives_no_verdict() -> None:
    wb, _ = build(blank_inputs(), values=True)
    texts = {c.value for row in wb[L.SUMMARY].iter_rows() for c in row}
    assert VERDICT_NONE in texts and not {VERDICT_OK, VERDICT_NO, VERDICT_NONE_PAYS} & texts
    # Results read "brak danych", not 0 zł; no chart of zeros.
    figures = [wb[L.SUMMARY].cell(row=r, column=4).value for r in range(5, 9)]
    assert figures == [NO_DATA] * 4
    assert not wb[L.SUMMARY]._charts and not wb[L.CHARTS]._charts
    formulas, _ = build(blank_inputs())  # the calculator: the same, until persons are typed
    assert all(NO_DATA in str(formulas[L.SUMMARY].cell(row=r, column=4).value)
               for r in range(5, 9))


def test_one_style_for_yes_and_no() -> None:
    wb, _ = build(from_scenario(Scenario.load(SAMPLE)), values=True)
    found = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert YES in found or NO in found
    assert not [v for v in found if isinstance(v, bool) or v in ("TAK", "NIE")]


def _with_programme(tmp_path: Path, programme: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "{kod: bezrobocie, osoby: 120, naplyw: 10}",
        f"{{kod: bezrobocie, osoby: 120, naplyw: 10, program: {programme}}}")
    path = tmp_path / f"{programme}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_chosen_programme_survives_reading_back(tmp_path: Path) -> None:
    scenario = Scenario.load(_with_programme(tmp_path, "kis"))
    book, _ = write_workbook(tmp_path / "kis.xlsm", from_scenario(scenario))
    back = read_scenario(book)
    issue = next(i for i in back.issues if i.code == "bezrobocie")
    assert issue.programme == "kis" and issue.programme_name == "Klub Integracji Społecznej (KIS)"
    expected = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    again = run_scenario(back, monte_carlo_draws=0, with_tornado=False)
    assert again.issue("bezrobocie").npv == pytest.approx(expected.issue("bezrobocie").npv)


def test_a_programme_name_matching_nothing_is_refused_by_name(tmp_path: Path) -> None:
    book, _ = write_workbook(tmp_path / "k.xlsm", from_scenario(Scenario.load(SAMPLE)))
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb[L.PARAMS]
    row = next(r for r in range(L.PARAMS_FIRST_ROW, ws.max_row + 1)
               if ws.cell(row=r, column=1).value == "bezrobocie"
               and ws.cell(row=r, column=L.PARAMS_KEY_COL).value == "program")
    ws.cell(row=row, column=6, value="Klub Integracji Społecznej")  # typed, not picked
    wb.save(book)
    with pytest.raises(InputError, match="nieznany program „Klub Integracji Społecznej”"):
        read_scenario(book)
    report = values_report(book, tmp_path / "raport.xlsx")  # the report shows the flag
    out = openpyxl.load_workbook(report)
    assert "NIEZNANY PROGRAM" in str(out[L.PARAMS].cell(row=row, column=8).value)
    calc_row = L.CALC_FIRST_ROW + [c.value for c in out[L.CALC]["A"]][L.CALC_FIRST_ROW - 1:
                                                                     ].index("bezrobocie")
    from kkz_xl.workbook.context import COL_NPV

    assert out[L.CALC].cell(row=calc_row, column=COL_NPV).value in (None, "")


def test_variants_are_compared_never_summed(tmp_path: Path) -> None:
    other = _with_programme(tmp_path, "kis")
    runner = CliRunner()
    result = runner.invoke(app, ["porownaj", str(SAMPLE), str(other), "--losowania", "200",
                                 "-w", str(tmp_path / "w.csv"), "-w", str(tmp_path / "w.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Klub Integracji Społecznej (KIS)" in result.output
    rows = (tmp_path / "w.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 3 and "Razem" not in "".join(rows)
    assert openpyxl.load_workbook(tmp_path / "w.xlsx").sheetnames == ["Warianty"]
    summed = runner.invoke(app, ["oblicz", str(SAMPLE), str(other), "--losowania", "0"])
    assert "tę samą JST" in summed.output and "sumy „Razem” nie podano" in summed.output
    assert "│ Razem" not in summed.output
    elsewhere = tmp_path / "inna.yaml"
    elsewhere.write_text(SAMPLE.read_text(encoding="utf-8").replace("1499012", "1465011")
                         .replace("Gmina Przykładowa", "Gmina Inna"), encoding="utf-8")
    refused = runner.invoke(app, ["porownaj", str(SAMPLE), str(elsewhere)])
    assert refused.exit_code != 0 and "różne JST" in refused.output


def test_budget_and_wpf_follow_the_engine_by_calendar_year(tmp_path: Path) -> None:
    """The WPF line of a programme: the engine's yearly programme cost × the gmina's share ×
    the base's indexation from the start year on Dane JST (current prices), in CSV too."""
    from kkz_xl.engine.budget import price_index
    from kkz_xl.params.base import default_base

    data = from_scenario(Scenario.load(SAMPLE))
    book, _ = write_workbook(tmp_path / "k.xlsm", data)
    out = tmp_path / "wpf.csv"
    result = CliRunner().invoke(app, ["raport", str(book), "--bez-pdf", "--wpf", str(out)])
    assert result.exit_code == 0, result.output
    rows = [line.split(";") for line in out.read_text(encoding="utf-8-sig").splitlines()]
    header, lines = rows[0], {r[0]: r for r in rows[1:]}
    first = data.price_year + 1
    assert header[5] == f"Limit {first}" and header[-2:] == ["Rozdział", "Paragraf"]
    issue = data.issue("bezrobocie")
    engine = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=0,
                          with_tornado=False).issue("bezrobocie")
    share = float(issue.param("fin_gmina").used(1.0))
    index = price_index(first, data.horizon, data.price_year,
                        default_base().general.indeksacja.wartosc)
    line = lines[issue.programme_label]
    limits = [float(x.replace(",", ".")) for x in line[5:5 + data.horizon]]
    assert limits == pytest.approx([float(engine.programme[t]) * share * index[t]
                                    for t in range(data.horizon)], abs=0.01)
    assert line[-2:] == ["85232", "2360"] and int(line[2]) == first
