"""Cached results in the saved file: every formula cell carries the engine's value (``<v>``),
so Excel without the add-in, LibreOffice and file viewers show the last results instead of
#NAZWA?. openpyxl writes formulas with an empty ``<v>``; this fills it in the sheet XML.

Excel keeps cached values when the file does not ask for a full recalculation on load
(``fullCalcOnLoad``) and its calculation engine id is not older than Excel's own; the add-in
still recalculates when an input changes (or on Ctrl+Alt+F9).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from kkz_xl.workbook.cells import Value

#: Excel 365's calculation engine id: an older id in the file makes Excel recalculate every
#: formula on opening, and without the add-in every KKZ_ cell would show #NAZWA?.
CALC_ID = 191029
ERRORS = ("#N/A", "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NULL!")
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(r'\s+t="[^"]*"')


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
        if ref not in values:
            return m[0]
        kind, text = _typed(values[ref])
        attrs = _TYPE.sub("", attrs) + (f' t="{kind}"' if kind else "")
        formula = body[: body.index("</f>") + 4] if "</f>" in body else (
            re.match(r"<f[^>]*/>", body)[0] if body.startswith("<f") else "")
        return f'<c r="{ref}"{attrs}>{formula}<v>{text}</v></c>'

    return _CELL.sub(put, xml)
