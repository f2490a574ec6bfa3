"""Text that stays text in every spreadsheet the product writes (OWASP "CSV injection").

A spreadsheet runs cell text that starts with ``=``, ``+``, ``-`` or ``@`` (tab and carriage
return can hide the sign) as a formula when the text is typed or opened from CSV. In CSV such
text gets a leading apostrophe (OWASP's advice; Excel shows the text, not the apostrophe);
in XLSX it is stored as a string cell with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text that a spreadsheet would run as a formula if it were not marked as text."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV field: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def keep_text(workbook: Any) -> int:
    """Turn every formula cell of a workbook built from data (a pandas export) into text;
    return how many there were. For workbooks that hold no intended formula."""
    count = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    count += 1
    return count
