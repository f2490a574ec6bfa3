"""Recalculating a workbook with LibreOffice headless (checks of the CIS, BSC and training
workbooks' native formulas by an independent spreadsheet). Only values are read back: never
ship a file LibreOffice re-saved (it lower-cases unknown function names)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from kkz_xl.office.libreoffice import convert, soffice_path


def soffice_available() -> bool:
    return soffice_path() is not None


def recalculated(path: Path) -> Workbook:
    """A values-only copy of ``path`` (``.xlsx`` or ``.xlsm``) as computed by LibreOffice."""
    with tempfile.TemporaryDirectory() as tmp:
        out = convert(Path(path), "xlsx:Calc MS Excel 2007 XML", Path(tmp))
        return openpyxl.load_workbook(out, data_only=True)
