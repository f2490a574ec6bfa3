"""Writing a computed cell: its formula in the calculator, its engine value in the
values-only report. One call site per cell keeps the two copies of the workbook in step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.office.xlsx_style import BORDER

Value = float | int | str | bool | None
LINK_FONT = Font(color="1F4E78")
NOT_AVAILABLE = "#N/A"  # what Excel shows in an array's cells past its result


def ref(row: int, col: int, *, absolute: bool = False) -> str:
    c = get_column_letter(col)
    return f"${c}${row}" if absolute else f"{c}{row}"


def quoted(sheet: str) -> str:
    return f"'{sheet}'"


@dataclass
class Writer:
    """Puts formulas (``values=False``) or their engine values (``values=True``) in cells and
    remembers where: the tests evaluate exactly these cells."""

    values: bool
    formula_cells: list[tuple[str, str]] = field(default_factory=list)  # (sheet, A1)
    udf_cells: set[tuple[str, str]] = field(default_factory=set)
    padding: set[tuple[str, str]] = field(default_factory=set)
    # Formula cells' engine values, written into the file as cached results (``cached.py``).
    cached: dict[tuple[str, str], Value] = field(default_factory=dict)

    def _style(self, cell: Cell, fmt: str | None, bold: bool) -> None:
        cell.border = BORDER
        if fmt:
            cell.number_format = fmt
        if bold:
            cell.font = Font(bold=True)

    def native(self, ws: Worksheet, row: int, col: int, formula: str, value: Value,
               fmt: str | None = None, *, bold: bool = False, depends_on_udf: bool = False
               ) -> Cell:
        """A native Excel formula (``formula`` without the leading ``=``)."""
        cell = ws.cell(row=row, column=col)
        cell.value = _plain(value) if self.values else f"={formula}"
        self._note(ws, cell, udf=depends_on_udf, value=value)
        self._style(cell, fmt, bold)
        return cell

    def udf(self, ws: Worksheet, row: int, col: int, formula: str, value: Value,
            fmt: str | None = None, *, bold: bool = False) -> Cell:
        """A single-cell formula calling a ``KKZ_`` function. Written plainly (not as an
        array formula): LibreOffice and viewers then show its cached value (they recompute
        array formulas, and without the add-in get #NAZWA?); Excel 365 shows it with a
        leading ``@`` in the formula bar, the value is the same (the function returns one)."""
        cell = ws.cell(row=row, column=col)
        cell.value = _plain(value) if self.values else f"={formula}"
        self._note(ws, cell, udf=True, value=value)
        self._style(cell, fmt, bold)
        cell.alignment = Alignment(horizontal="right")
        return cell

    def array(self, ws: Worksheet, row: int, col: int, formula: str,
              table: Sequence[Sequence[Value]], n_rows: int, n_cols: int,
              formats: Sequence[str | None] | None = None) -> None:
        """A spilled ``KKZ_`` result as an array formula over its known range (``n_rows`` ×
        ``n_cols``); cells past the result (a shorter horizon) are padding, blank in values."""
        top = ref(row, col)
        bottom = ref(row + n_rows - 1, col + n_cols - 1)
        if not self.values:
            ws[top] = ArrayFormula(f"{top}:{bottom}", f"={formula}")
        for i in range(n_rows):
            for j in range(n_cols):
                cell = ws.cell(row=row + i, column=col + j)
                inside = i < len(table) and j < len(table[i])
                if self.values:
                    cell.value = _plain(table[i][j]) if inside else None
                if not inside:
                    self.padding.add((ws.title, cell.coordinate))
                self._note(ws, cell, udf=True,
                           value=table[i][j] if inside else NOT_AVAILABLE)
                self._style(cell, formats[j] if formats else None, False)

    def _note(self, ws: Worksheet, cell: Cell, *, udf: bool, value: Any) -> None:
        key = (ws.title, cell.coordinate)
        self.formula_cells.append(key)
        self.cached[key] = _plain(value)
        if udf:
            self.udf_cells.add(key)


def _plain(value: Any) -> Value:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value
