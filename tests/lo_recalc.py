"""Recalculating a workbook with LibreOffice headless (checks of the CIS, BSC and training
workbooks' native formulas by an independent spreadsheet). Only values are read back: never
ship a file LibreOffice re-saved (it lower-cases unknown function names)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from kkz_xl.office.libreoffice import clean_env, run, soffice_path

TARGET = "xlsx:Calc MS Excel 2007 XML"


def soffice_available() -> bool:
    return soffice_path() is not None


def recalculated(path: Path) -> Workbook:
    """A values-only copy of ``path`` (``.xlsx`` or ``.xlsm``) as computed by LibreOffice."""
    return recalculated_many([path])[0]


def recalculated_many(paths: Sequence[Path]) -> list[Workbook]:
    """:func:`recalculated` of several workbooks in one LibreOffice run (its start-up costs
    more than one recalculation), in the order given."""
    soffice = soffice_path()
    assert soffice is not None, "LibreOffice (soffice) is not installed"
    paths = [Path(p) for p in paths]
    stems = [p.stem for p in paths]
    assert len(set(stems)) == len(stems), f"one output per name: {stems}"
    with tempfile.TemporaryDirectory(prefix="kkz-recalc-") as tmp:
        out = Path(tmp) / "out"
        _, stderr = run([soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
                         "--headless", "--norestore", "--convert-to", TARGET, "--outdir",
                         str(out), *map(str, paths)], 180.0, clean_env(HOME=tmp))
        missing = [p.name for p in paths if not (out / f"{p.stem}.xlsx").is_file()]
        assert not missing, f"LibreOffice did not recalculate {missing}: {stderr[-300:]}"
        return [openpyxl.load_workbook(out / f"{p.stem}.xlsx", data_only=True) for p in paths]
