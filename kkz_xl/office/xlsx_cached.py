"""Cached results in a saved workbook: every formula cell carries its value (``<v>``), so Excel
without the add-in, LibreOffice and file viewers show the last results instead of #NAZWA?.
openpyxl writes formulas with an empty ``<v>``; this fills it in the sheet XML – with the
engine's values when the calculator is built, with the file's own values when a user's workbook
is re-saved (``kkz dodatek``).

Excel keeps cached values when the file does not ask for a full recalculation on load
(``fullCalcOnLoad``) and its calculation engine id is not older than Excel's own; the add-in
still recalculates when an input changes (or on Ctrl+Alt+F9).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import openpyxl
from openpyxl.utils.datetime import to_excel

Value = float | int | str | bool | None
#: (sheet title, A1 reference) → cached value.
Cached = Mapping[tuple[str, str], Value]

#: Excel 365's calculation engine id: an older id in the file makes Excel recalculate every
#: formula on opening, and without the add-in every KKZ_ cell would show #NAZWA?.
CALC_ID = 191029
ERRORS = ("#N/A", "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NULL!")
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(r'\s+t="[^"]*"')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _typed(value: Value) -> tuple[str | None, str]:
    """The ``t`` attribute and ``<v>`` text of a cached value."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, int | float):
        if not math.isfinite(float(value)):
            return "e", "#NUM!"
        return None, repr(float(value)) if isinstance(value, float) else str(value)
    text = "" if value is None else str(value)
    if text in ERRORS:
        return "e", text
    return "str", escape(text)


def fill_sheet(xml: str, values: Mapping[str, Value]) -> str:
    """``xml`` (one worksheet) with the cached ``values`` (A1 → value) of its formula cells."""
    if not values:
        return xml

    def put(m: re.Match[str]) -> str:
        ref, attrs, body = m[1], m[2], m[3] or ""
        if ref not in values or not body.startswith("<f"):  # a typed-in value stays as it is
            return m[0]
        kind, text = _typed(values[ref])
        attrs = _TYPE.sub("", attrs) + (f' t="{kind}"' if kind else "")
        formula = body[: body.index("</f>") + 4] if "</f>" in body else (
            re.match(r"<f[^>]*/>", body)[0])
        return f'<c r="{ref}"{attrs}>{formula}<v>{text}</v></c>'

    return _CELL.sub(put, xml)


def sheet_parts(archive: ZipFile) -> dict[str, str]:
    """Sheet title → its XML part, from the workbook's relationships."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")].lstrip("/")
        out[sheet.get("name", "")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


def fill_archive(data: bytes, cached: Cached,
                 date_time: tuple[int, int, int, int, int, int] | None = None) -> bytes:
    """The workbook ``data`` (an .xlsx/.xlsm archive) with the ``cached`` values of its formula
    cells; with ``date_time``, every entry carries that date (the same workbook, the same
    bytes)."""
    by_part: dict[str, dict[str, Value]] = {}
    out_buffer = BytesIO()
    with ZipFile(BytesIO(data)) as src, ZipFile(out_buffer, "w", ZIP_DEFLATED) as out:
        if cached:
            files = sheet_parts(src)
            for (sheet, cell), value in cached.items():
                if sheet in files:
                    by_part.setdefault(files[sheet], {})[cell] = value
        for info in src.infolist():
            entry = ZipInfo(info.filename, date_time=date_time or info.date_time)
            entry.compress_type = ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename in by_part:
                content = fill_sheet(content.decode("utf-8"), by_part[info.filename]).encode(
                    "utf-8")
            out.writestr(entry, content)
    return out_buffer.getvalue()


def _plain(value: object, epoch: dt.datetime) -> Value:
    """A cached value as the file stores it: dates and times back to Excel's serial numbers."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return to_excel(value, epoch)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86_400
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def read_cached(path: Path) -> dict[tuple[str, str], Value]:
    """The cached values of the formula cells of the workbook at ``path`` (cells without one
    left out), as a re-save must write them back."""
    out: dict[tuple[str, str], Value] = {}
    # What openpyxl cannot read (it warns while reading each sheet) is the caller's to report.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        formulas = openpyxl.load_workbook(path, read_only=True)
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in formulas.worksheets:
                if ws.title not in values.sheetnames:
                    continue
                rows = zip(ws.iter_rows(), values[ws.title].iter_rows(), strict=False)
                for row, row_values in rows:
                    for cell, shown in zip(row, row_values, strict=False):
                        if getattr(cell, "data_type", None) == "f" and shown.value is not None:
                            out[(ws.title, cell.coordinate)] = _plain(shown.value, values.epoch)
        finally:
            formulas.close()
            values.close()
    return out
