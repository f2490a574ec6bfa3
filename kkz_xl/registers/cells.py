"""Putting a value into a cell: text stays text (no formula injection), formats by column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.cell.cell import Cell

from kkz_xl.registers.schema import Column, Kind
from kkz_xl.registers.text import Formula, is_formula_like

# openpyxl stores number formats in en-US syntax (field-notes.md); Excel shows them localised.
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.MONEY: '#,##0.00 "zł"',
    Kind.SHARE: "0.0%",
    Kind.COUNT: "#,##0",
    Kind.DATE: "yyyy-mm-dd",
    Kind.TERYT: "@",
    Kind.PHONE: "@",
}


def cell_value(value: Any) -> Any:
    """What a cell can hold: lists joined with ``; ``, datetimes kept, the rest as is."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def put(cell: Cell, value: Any, column: Column | None = None, *, formulas: bool = False) -> None:
    """Write ``value``; text starting with ``=``, ``+``, ``-`` or ``@`` is stored as text.

    ``formulas=True`` keeps a ``Formula`` read from the same workbook as a formula (a user's own
    formula in their own register); from anywhere else a formula becomes text.
    """
    value = cell_value(value)
    if isinstance(value, Formula) and formulas:
        cell.value = str(value)
        return
    if isinstance(value, str):
        cell.value = str(value)  # a Formula from elsewhere becomes plain text here
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel keeps it text even when the user edits the cell
    else:
        cell.value = value
    if column is not None and column.kind in NUMBER_FORMATS and (
            (value is not None and not isinstance(value, str))
            or column.kind in (Kind.TERYT, Kind.PHONE)):
        cell.number_format = NUMBER_FORMATS[column.kind]
    elif isinstance(value, dt.datetime | dt.date):
        cell.number_format = NUMBER_FORMATS[Kind.DATE]
