"""Recalculate a workbook with LibreOffice headless and read the computed values back (for
checking the native formulas of our workbooks without Excel; never ship the re-saved file)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from openpyxl import Workbook

SOFFICE = "soffice"


def soffice_available() -> bool:
    return shutil.which(SOFFICE) is not None


def recalculated(path: Path, *, profile: str = "lo-kkz-issue7") -> Workbook:
    """A values-only copy of ``path`` as computed by LibreOffice (its own profile directory)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cmd = [
            SOFFICE, f"-env:UserInstallation=file://{Path(tempfile.gettempdir()) / profile}",
            "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
            str(path),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        return openpyxl.load_workbook(out / Path(path).name, data_only=True)
