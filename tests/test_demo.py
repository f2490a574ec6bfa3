"""`kkz demo` (the README's main command) writes every tool's output for the sample gmina."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from docx import Document
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.polish import fmt_money


def test_demo_writes_every_product(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--katalog", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = ["wyniki.csv", "wyniki.json", "wyniki.xlsx", "Kalkulator_KKZ.xlsm",
                "Kalkulator_KKZ_raport.xlsx", "rejestry/Katalog_regionalny.xlsx",
                "CIS_Finansowanie.xlsx", "BSC_Siec_Uslug.xlsx", "Szkolenia_KKZ.xlsx",
                "strategia_1499012_gmina_przykladowa.docx"]
    if shutil.which("soffice"):
        expected.append("strategia_1499012_gmina_przykladowa.pdf")
    for name in expected:
        assert (tmp_path / name).is_file(), name
    total = openpyxl.load_workbook(tmp_path / "wyniki.xlsx")["Podsumowanie"]
    header = [c.value for c in total[1]]
    last = [c.value for c in total[total.max_row]]
    npv = last[header.index("koszt zaniechania (NPV)")]
    text = "\n".join(p.text for p in Document(
        str(tmp_path / "strategia_1499012_gmina_przykladowa.docx")).paragraphs)
    text += "\n".join(cell.text for table in Document(
        str(tmp_path / "strategia_1499012_gmina_przykladowa.docx")).tables
        for row in table.rows for cell in row.cells)
    assert fmt_money(npv) in text  # the strategy shows the engine's total
