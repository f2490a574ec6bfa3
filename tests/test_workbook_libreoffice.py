"""LibreOffice headless and the calculator: opened without Python it shows the cached
results; recalculated, its native formulas equal the engine's figures (also after switching
a programme); the values-only report prints in Polish number formats."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from kkz_xl.model.scenario import Scenario
from kkz_xl.params.base import default_base
from kkz_xl.workbook import from_scenario, summary_pdf, values_report, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.context import COL_NPV
from kkz_xl.workbook.report import report_pdf
from kkz_xl.workbook.sheet_states import COL_KEY, COL_OWN
from tests.lo_open import convert, soffice_or_skip

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!", "Err:")
# Recalculate every formula on loading (the default keeps the file's cached values).
ALWAYS_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture(scope="module")
def soffice() -> str:
    return soffice_or_skip()


@pytest.fixture(scope="module")
def data():
    return replace(from_scenario(Scenario.load(SAMPLE)), draws=300)


def test_opened_without_python_the_results_are_there(soffice: str, data, tmp_path: Path
                                                     ) -> None:
    """LibreOffice's default profile, no Python on the path: the Kalkulator shows the engine's
    results (cached in the file), not #NAME?."""
    book, _ = write_workbook(tmp_path / "k.xlsm", data)
    values, _ = write_workbook(tmp_path / "v.xlsx", data, values=True)
    sheet = list(L.SHEETS).index(L.CALC) + 1
    convert(soffice, book, f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,"
             f"false,false,{sheet}", tmp_path / "csv", tmp_path / "profile")
    rows = list(csv.reader((tmp_path / "csv" / "k-Kalkulator.csv").open(encoding="utf-8")))
    expected = openpyxl.load_workbook(values)[L.CALC]
    active = [i for i in data.issues if i.active]
    assert active
    for issue in active:
        r = L.CALC_FIRST_ROW + data.issues.index(issue)
        shown = rows[r - 1][COL_NPV - 1].replace(",", ".")  # the locale's decimal separator
        assert float(shown) == pytest.approx(expected.cell(row=r, column=COL_NPV).value,
                                             rel=1e-9), issue.code
    assert not [c for line in rows for c in line if c.startswith(ERRORS)]


def test_recalculated_native_formulas_equal_the_engine(soffice: str, data, tmp_path: Path
                                                       ) -> None:
    """Every native formula LibreOffice recalculates equals the engine's value – also after
    a treasurer picks another programme from the list."""
    kis = "Klub Integracji Społecznej (KIS)"
    assert data.issue("bezrobocie").programme != kis
    book, writer = write_workbook(tmp_path / "k.xlsm", data)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb[L.PARAMS]
    row = next(r for r in range(L.PARAMS_FIRST_ROW, ws.max_row + 1)
               if ws.cell(row=r, column=1).value == "bezrobocie"
               and ws.cell(row=r, column=L.PARAMS_KEY_COL).value == "program")
    ws.cell(row=row, column=6, value=kis)  # the pick, as the drop-down writes it
    # A treasurer's own yearly cost of a placówka's 1st year (Stany): the states table and
    # the Kalkulator's cost of a person at the start follow it.
    stany = wb[L.STATES]
    edited = next(r for r in range(1, stany.max_row + 1)
                  if stany.cell(row=r, column=COL_KEY).value == "sieroctwo"
                  and stany.cell(row=r, column=COL_KEY + 3).value
                  == "koszt.placowka_powiat.placowka_3")
    stany.cell(row=edited, column=COL_OWN, value=130_000)
    wb.save(book)
    values = values_report(book, tmp_path / "v.xlsx")  # the engine's figures of the switch
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALC)
    convert(soffice, book, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", profile)
    computed = openpyxl.load_workbook(tmp_path / "lo" / "k.xlsx", data_only=True)  # not shipped
    expected = openpyxl.load_workbook(values)
    native = [(s, c) for s, c in writer.formula_cells if (s, c) not in writer.udf_cells]
    assert len(native) > 300
    bad = []
    for s, c in native:
        got, want = computed[s][c].value, expected[s][c].value
        if isinstance(got, str) and got.startswith(ERRORS):
            bad.append((s, c, got, want))
        elif isinstance(want, int | float) and not isinstance(want, bool):
            if not isinstance(got, int | float) or abs(got - want) > 1e-6 * max(1, abs(want)):
                bad.append((s, c, got, want))
        elif (want or "") != (got or ""):
            bad.append((s, c, got, want))
    assert not bad, bad[:10]
    assert computed[L.STATES].cell(row=edited, column=COL_OWN + 1).value == 130_000
    # The switch reached the programme's figures: KIS's cost per participant is used.
    cost_row = row + 2  # koszt_uczestnika follows the programme and its own name
    kis_cost = next(p for p in default_base().issue("bezrobocie").programy if p.id == "kis")
    assert computed[L.PARAMS].cell(row=cost_row, column=7).value == pytest.approx(
        kis_cost.koszt_uczestnika.wartosc * data.price_factor())


POLISH_MONEY = re.compile(r"-?\d{1,3}(?:[\u00a0\u202f ]\d{3})+ zł")
US_NUMBER = re.compile(r"\d,\d{3}(?:[.,]\d{3})*(?:\.\d+)? zł|\d\.\d%")


def test_report_pdfs_render_in_polish(soffice: str, data, tmp_path: Path) -> None:
    report, _ = write_workbook(tmp_path / "raport.xlsx", data, values=True)
    pdf = summary_pdf(report, tmp_path / "podsumowanie.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Koszt zaniechania działań społecznych – Gmina Przykładowa" in text
    assert "Kto płaci, kto oszczędza" in text and "Wybrany program" in text
    assert POLISH_MONEY.search(text) and re.search(r"\d,\d %", text.replace("%", " %"))
    assert not US_NUMBER.search(text), US_NUMBER.search(text)
    full = report_pdf(report, tmp_path / "raport.pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(full)], capture_output=True, text=True, check=True).stdout)[1])
    assert pages <= 22  # summary, guide, inputs, results, budget, charts – no helper tables
    whole = subprocess.run(["pdftotext", str(full), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert not US_NUMBER.search(whole), US_NUMBER.search(whole)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                        str(tmp_path / "p")], check=True)
        assert (tmp_path / "p-1.png").stat().st_size > 10_000
