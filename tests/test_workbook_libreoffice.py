"""LibreOffice headless opens the calculator, recalculates its native formulas without error
values, and turns the values-only report into PDF pages that render."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from kkz_xl.model.scenario import Scenario
from kkz_xl.workbook import from_scenario, summary_pdf, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!", "Err:")


@pytest.fixture(scope="module")
def soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required when CI is set")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


@pytest.fixture(scope="module")
def data():
    return replace(from_scenario(Scenario.load(SAMPLE)), draws=300)


def test_native_formulas_recalculate_without_errors(soffice: str, data, tmp_path: Path) -> None:
    book, writer = write_workbook(tmp_path / "k.xlsm", data)
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
                    str(out), str(book)], check=True, capture_output=True, timeout=300)
    computed = openpyxl.load_workbook(out / "k.xlsx", data_only=True)  # never shipped
    native = [(s, c) for s, c in writer.formula_cells if (s, c) not in writer.udf_cells]
    assert len(native) > 300
    bad = [(s, c, computed[s][c].value) for s, c in native
           if isinstance(computed[s][c].value, str)
           and computed[s][c].value.startswith(ERRORS)]
    assert not bad, bad[:10]
    # A native figure checked by hand: the parameter used is the default at the price year.
    assert computed[L.JST].cell(row=L.JST_ROWS[L.NAME_HORIZON], column=3).value == 7


def test_report_summary_pdf_renders(soffice: str, data, tmp_path: Path) -> None:
    report, _ = write_workbook(tmp_path / "raport.xlsx", data, values=True)
    pdf = summary_pdf(report, tmp_path / "podsumowanie.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Koszt zaniechania działań społecznych – Gmina Przykładowa" in text
    assert "Kto płaci, kto oszczędza" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "p")],
                       check=True)
        assert (tmp_path / "p-1.png").stat().st_size > 10_000
