"""Building the Dyfuzor's regional registers and gminas' submissions for tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from kkz_xl.dyfuzor.settings import DyfuzorSettings, make_settings
from kkz_xl.registers.cells import cell_value
from kkz_xl.registers.samples import sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS, RegisterSchema
from kkz_xl.registers.writing import save_register


def regional_folder(tmp: Path) -> DyfuzorSettings:
    """A regional catalogue and leaders' register (the shipped samples) and their settings."""
    save_register(sample_register(CATALOGUE), tmp / "katalog.xlsx")
    save_register(sample_register(LEADERS), tmp / "liderzy.xlsx")
    settings = make_settings(tmp / "katalog.xlsx", tmp / "liderzy.xlsx", tmp / "baza")
    assert settings is not None
    return settings


def submission_xlsx(rows: list[dict[str, Any]], schema: RegisterSchema = CATALOGUE, *,
                    blank_rows: int = 0, extra_header: str | None = None) -> bytes:
    """A workbook as a gmina makes it by hand: a plain sheet (no Excel table), the register's
    headers, optionally blank rows inside the data and a column of its own."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = schema.sheet
    headers = schema.headers[:]
    if extra_header:
        headers.append(extra_header)
    ws.append(headers)
    for i, row in enumerate(rows):
        if blank_rows and i == 1:
            for _ in range(blank_rows):
                ws.append([])
        ws.append([cell_value(row.get(h)) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def programme(name: str, jst: str, **extra: Any) -> dict[str, Any]:
    row = {CATALOGUE.header("nazwa"): name, CATALOGUE.header("jst"): jst,
           CATALOGUE.header("kwestie"): "bezrobocie",
           CATALOGUE.header("koszt_uczestnika"): 12000, CATALOGUE.header("skutecznosc"): 0.3,
           CATALOGUE.header("poziom_dowodow"): 3}
    row.update({CATALOGUE.header(k): v for k, v in extra.items()})
    return row


def zip_bomb() -> bytes:
    """A tiny .xlsx-looking archive whose one member inflates far past the ratio limit."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"\0" * (20 * 1024 * 1024))
    return buf.getvalue()
