"""LibreOffice runs: a private profile per run, so simultaneous conversions do not collide."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from kkz_xl.errors import DataError
from kkz_xl.office import libreoffice


def _need_soffice() -> None:
    if libreoffice.soffice_path() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice (soffice) nie jest zainstalowany")


def test_simultaneous_conversions(tmp_path: Path) -> None:
    _need_soffice()
    sources = []
    for n in range(3):
        wb = openpyxl.Workbook()
        wb.active["A1"] = n
        wb.active["A2"] = "=A1*2"
        path = tmp_path / f"z{n}.xlsx"
        wb.save(path)
        sources.append(path)
    with ThreadPoolExecutor(3) as pool:
        outs = list(pool.map(lambda p: libreoffice.convert(p, "ods", tmp_path / "out"), sources))
    assert [o.name for o in outs] == ["z0.ods", "z1.ods", "z2.ods"]
    assert all(o.stat().st_size > 0 for o in outs)


def test_missing_libreoffice_is_a_polish_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    with pytest.raises(DataError, match="Nie znaleziono LibreOffice"):
        libreoffice.convert(tmp_path / "x.xlsx", "pdf", tmp_path)
