"""Shared look and protection of the project's workbooks: the KKZ calculator, System Szkoleń,
BSC and CIS.

Input cells are light yellow and unlocked; everything else (labels, formulas) is locked by sheet
protection without a password (it prevents accidents, not determined users). Money uses the
file-syntax format ``#,##0.00 "zł"`` (Excel shows it in the Polish locale as ``1 234,50 zł``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.storage.atomic import atomic_write

MONEY = '#,##0.00 "zł"'
PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
DATE = "yyyy-mm-dd"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")
BODY_FONT = Font(size=11)
BOLD_FONT = Font(bold=True)
NOTE_FONT = Font(italic=True, size=9, color="595959")
_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

INPUT_LEGEND = "Komórki w kolorze jasnożółtym służą do wpisywania danych; pozostałe są chronione."


def title(ws: Worksheet, text: str, subtitle: str | None = None) -> None:
    """Sheet title in A1 and an optional note in A2."""
    ws["A1"] = text
    ws["A1"].font = TITLE_FONT
    if subtitle:
        ws["A2"] = subtitle
        ws["A2"].font = NOTE_FONT


def header_row(ws: Worksheet, row: int, headers: Sequence[str], col: int = 1,
               height: float = 30) -> None:
    """Polish column headers, white on dark blue, tall enough for two wrapped lines."""
    ws.row_dimensions[row].height = height
    for i, text in enumerate(headers):
        cell = ws.cell(row=row, column=col + i, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = BORDER


def as_input(cell: Cell, number_format: str | None = None) -> Cell:
    """Mark ``cell`` as a place to type in: coloured and unlocked."""
    cell.fill = INPUT_FILL
    cell.protection = Protection(locked=False)
    cell.border = BORDER
    if number_format:
        cell.number_format = number_format
    return cell


def as_output(cell: Cell, number_format: str | None = None, *, bold: bool = False) -> Cell:
    """A locked computed cell."""
    cell.border = BORDER
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD_FONT
    return cell


def note(ws: Worksheet, row: int, col: int, text: str, *, merge_to: int | None = None,
         height: float | None = None) -> None:
    """A small grey wrapped note; ``merge_to`` spreads it over columns ``col..merge_to``."""
    cell = ws.cell(row=row, column=col, value=text)
    cell.font = NOTE_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if merge_to:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=merge_to)
    if height:
        ws.row_dimensions[row].height = height


def titled_note(ws: Worksheet, row: int, col: int, heading: str, text: str, *,
                merge_to: int, height: float) -> None:
    """A bold heading and its grey note in one merged cell: an automatic page break (Excel
    and LibreOffice ignore manual ones on sheets fitted to pages) never leaves the heading
    alone at the foot of a page."""
    rich = CellRichText(TextBlock(InlineFont(b=True), f"{heading}\n"),
                        TextBlock(InlineFont(i=True, sz=NOTE_FONT.size, color="595959"), text))
    cell = ws.cell(row=row, column=col, value=rich)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=merge_to)
    ws.row_dimensions[row].height = height


def instructions(ws: Worksheet, lines: Iterable[str], first_row: int = 3) -> None:
    """A protected, A4, one-column instructions sheet: ``lines`` as numbered paragraphs."""
    for n, text in enumerate(lines, start=1):
        row = first_row + n - 1
        note(ws, row, 1, f"{n}. {text}", height=32)
        ws.cell(row=row, column=1).font = BODY_FONT
    widths(ws, (100,))
    a4(ws)
    protect(ws)


def widths(ws: Worksheet, sizes: Iterable[float]) -> None:
    for i, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(i)].width = size


def protect(ws: Worksheet) -> None:
    """Lock formulas and labels; users may still sort, filter and resize."""
    ws.protection = SheetProtection(
        sheet=True, sort=False, autoFilter=False, formatColumns=False, formatRows=False,
        selectLockedCells=False, selectUnlockedCells=False,
    )


def a4(ws: Worksheet, *, landscape: bool = False, repeat_rows: str | None = None) -> None:
    """A4 page, fit to one page wide, margins for a ring binder."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.oddFooter.center.text = "Strona &P z &N"
    if repeat_rows:
        ws.print_title_rows = repeat_rows


def list_validation(ws: Worksheet, ref: str, values: Sequence[str], what: str) -> DataValidation:
    """A drop-down of ``values`` with a Polish error message."""
    formula = '"' + ",".join(values) + '"'
    dv = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorTitle="Niedozwolona wartość", error=f"{what}: wybierz jedną z wartości z listy.",
        promptTitle=what, prompt="Wybierz z listy.", showInputMessage=True,
    )
    dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def number_validation(
    ws: Worksheet, ref: str, what: str, low: float, high: float, *, whole: bool = False,
    percent: bool = False,
) -> DataValidation:
    """A number between ``low`` and ``high`` with a Polish error message (``percent``: the
    cell is formatted as a percentage, so the message speaks of 0 %–100 %)."""
    kind = "whole" if whole else "decimal"
    noun = "liczbę całkowitą" if whole else "liczbę"
    if percent:
        span = f"od {_pl(100 * low)} % do {_pl(100 * high)} %"
    else:
        span = f"od {_pl(low)} do {_pl(high)}"
    text = f"{what}: wpisz {noun} {span}."
    dv = DataValidation(
        type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
        showErrorMessage=True, errorTitle="Niepoprawna wartość", error=text,
        promptTitle=what, prompt=text, showInputMessage=True,
    )
    dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def date_validation(ws: Worksheet, ref: str, what: str) -> DataValidation:
    """A date between 2000 and 2100 with a Polish error message."""
    dv = DataValidation(
        type="date", operator="between", formula1="36526", formula2="73051", allow_blank=True,
        showErrorMessage=True, errorTitle="Niepoprawna data",
        error=f"{what}: wpisz datę (RRRR-MM-DD) z lat 2000–2100.",
    )
    dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def _pl(value: float) -> str:
    return (str(int(value)) if float(value).is_integer() else str(value)).replace(".", ",")


def save(wb: Workbook, path: Path) -> Path:
    """Save atomically (temporary file, backup of the previous version, rename)."""
    atomic_write(Path(path), lambda tmp: wb.save(tmp))
    return Path(path)


CHARS_PER_WIDTH = 1.1  # characters of Polish text per unit of column width (Carlito 11)
LINE_PT = 13.5  # one line of 11 pt text, in points


def wrapped_lines(text: str, chars: int) -> int:
    """How many lines ``text`` takes wrapped at word breaks to ``chars`` characters."""
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split(" "):
            if used and used + 1 + len(word) > chars:
                lines += 1
                used = 0
            used += len(word) + (1 if used else 0)
            while used > chars:  # a word longer than the line breaks inside it
                lines += 1
                used -= chars
    return lines


def fit_text(ws: Worksheet) -> None:
    """Rows tall enough for their wrapped text, and text that a filled neighbour would cut
    wrapped (a printed table shows every word): heights only grow, estimated from the
    columns' widths (merged cells: the merged width; cells merged over rows are left)."""
    spans: dict[str, tuple[int, int]] = {}  # top-left → (first, last column)
    tall: set[str] = set()
    for rng in ws.merged_cells.ranges:
        if rng.min_row != rng.max_row:
            tall.add(rng.start_cell.coordinate)
        else:
            spans[rng.start_cell.coordinate] = (rng.min_col, rng.max_col)

    def width(first: int, last: int) -> float:
        return sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                   for c in range(first, last + 1))

    for row in ws.iter_rows():
        need = 0.0
        for cell in row:
            if not isinstance(cell.value, str) or cell.value.startswith("=") or (
                    cell.coordinate in tall):
                continue
            first, last = spans.get(cell.coordinate, (cell.column, cell.column))
            size = (cell.font.sz or 11) if cell.font else 11
            chars = max(1, int(width(first, last) * CHARS_PER_WIDTH * 11 / size))
            lines = wrapped_lines(cell.value, chars)
            if lines < 2:
                continue
            if not cell.alignment.wrap_text:
                if ws.cell(row=cell.row, column=last + 1).value in (None, ""):
                    continue  # runs on over empty cells, as it should
                wrapped = copy(cell.alignment)
                wrapped.wrap_text = True
                cell.alignment = wrapped
            need = max(need, lines * LINE_PT * size / 11 + 3)
        if need:
            r = row[0].row
            if need > (ws.row_dimensions[r].height or 15):
                ws.row_dimensions[r].height = need
