"""Writing a computed cell: its formula in the calculator, its engine value in the
values-only report. One call site per cell keeps the two copies of the workbook in step."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.office.xlsx_cached import Value
from kkz_xl.office.xlsx_style import BORDER

LINK_FONT = Font(color="1F4E78")


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

    def table(self, ws: Worksheet, row: int, col: int, name: str, formula: str,
              table: Sequence[Sequence[Value]], n_rows: int, n_cols: int,
              formats: Sequence[str | None] | None = None, *, when: str | None = None,
              last_row: str | None = None) -> None:
        """A spilled ``KKZ_`` result over its known range (``n_rows`` × ``n_cols``): the call
        held by the defined name ``name``, each cell a plain ``INDEX(name,i,j)``. Plain cells
        keep their cached values in LibreOffice and viewers (an array formula's are recomputed
        there, and without the add-in give #NAZWA?). ``formulas`` evaluates the name once,
        Excel once per cell. ``when``: the condition under which the call is made (else every
        cell is blank); ``last_row``: the result's last row counted from 0 (a formula, e.g.
        the horizon below a header row), the rows below it blank. Cells past the result (a
        shorter horizon) are padding, blank in values too."""
        if not self.values:
            ws.parent.defined_names[name] = DefinedName(
                name, attr_text=qualified(formula, ws.title))
        for i in range(n_rows):
            for j in range(n_cols):
                cell = ws.cell(row=row + i, column=col + j)
                inside = i < len(table) and j < len(table[i])
                expr = f"INDEX({name},{i + 1},{j + 1})"
                if last_row is not None and i > 0:
                    expr = f'IF({last_row}<{i},"",{expr})'
                if when is not None:
                    expr = f'IF({when},{expr},"")'
                cell.value = (_plain(table[i][j]) if inside else None) if self.values else (
                    f"={expr}")
                if not inside:
                    self.padding.add((ws.title, cell.coordinate))
                self._note(ws, cell, udf=True, value=table[i][j] if inside else "")
                self._style(cell, formats[j] if formats else None, False)

    def _note(self, ws: Worksheet, cell: Cell, *, udf: bool, value: Any) -> None:
        key = (ws.title, cell.coordinate)
        self.formula_cells.append(key)
        self.cached[key] = _plain(value)
        if udf:
            self.udf_cells.add(key)


_ABSOLUTE = re.compile(r"(?<![!:$\w'])(\$[A-Z]{1,3}\$[0-9]+(?::\$[A-Z]{1,3}\$[0-9]+)?)")
# A reference missing a $ (the second half of a range included).
_RELATIVE = re.compile(r"(?<![!$\w'])(?:[A-Z]{1,3}\$?[0-9]+|\$[A-Z]{1,3}[0-9]+)(?![\w(!])")


def qualified(formula: str, sheet: str) -> str:
    """``formula`` (written for a cell of ``sheet``) as a defined name's formula: its cell
    references prefixed with the sheet, as a name needs. Relative references would move with
    the cell that uses the name: refused."""
    parts = formula.split('"')  # the odd parts are text literals
    for k in range(0, len(parts), 2):
        if _RELATIVE.search(_ABSOLUTE.sub("", parts[k])):
            raise ValueError(f"relative reference in a defined name: {formula}")
        parts[k] = _ABSOLUTE.sub(lambda m: f"{quoted(sheet)}!{m[1]}", parts[k])
    return '"'.join(parts)


def _plain(value: Any) -> Value:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value
