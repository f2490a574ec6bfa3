"""Every register sheet of one file as one register, for the commands that only read it
(``eksportuj``, ``szukaj``, ``do-scenariusza``, ``kkz strategia --katalog/--liderzy``).

The sheets are read by :func:`~kkz_xl.registers.reading.read_registers`, the reader of
``sprawdz``, ``importuj`` and ``scal``, so a second sheet holding rows, a blank first sheet,
header variants and a notes sheet are handled the same way everywhere. What was read and
skipped is said per sheet (:meth:`SheetsRead.report`), so nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kkz_xl.polish import plural
from kkz_xl.registers.reading import read_registers
from kkz_xl.registers.register import Note, Register
from kkz_xl.registers.schema import RegisterSchema

SKIPPED = "arkusz pominięty"  # the reader's note kind for a sheet that is not register data


@dataclass(frozen=True)
class SheetsRead:
    """One file's register sheets (``sheets``, in workbook order) and their rows together
    (``register``: headers of every sheet, rows in sheet order)."""

    file: str
    sheets: list[Register]
    register: Register

    def where(self, index: int) -> tuple[str, int]:
        """Sheet and sheet row of row ``index`` of :attr:`register`."""
        for reg in self.sheets:
            if index < len(reg.rows):
                return reg.sheet, reg.row_numbers[index]
            index -= len(reg.rows)
        raise IndexError(index)

    @property
    def skipped(self) -> list[Note]:
        """The sheets that are not register data, each with why."""
        return [n for reg in self.sheets for n in reg.notes if n.kind == SKIPPED]

    def report(self) -> list[str]:
        """Polish lines: per sheet, how many rows were read and what the reader skipped or
        changed in it; then the sheets skipped whole."""
        lines = []
        for reg in self.sheets:
            rows = plural(len(reg.rows), "wiersz", "wiersze", "wierszy")
            lines.append(f"{self.file}, arkusz „{reg.sheet}”: wczytano {rows}")
            lines += [f"  {n.kind}: {n.message}" for n in reg.notes if n.kind != SKIPPED
                      and n.sheet in ("", reg.sheet)]
        lines += [f"{self.file}: {n.message}" for n in self.skipped]
        return lines


def read_every_sheet(path: Path, schema: RegisterSchema, *,
                     sheet: str | None = None) -> SheetsRead:
    """Every register sheet of ``path`` (or only ``sheet``), joined in workbook order.

    A column of one sheet that another lacks is empty in that sheet's rows; raw values stay
    as typed, so consent is decided per row by :func:`~kkz_xl.registers.consent.consent_of`
    exactly as in a single sheet.
    """
    path = Path(path)
    sheets = read_registers(path, schema, sheet=sheet)
    headers: list[str] = []
    for reg in sheets:
        headers += [h for h in reg.headers if h not in headers]
    first = sheets[0]
    joined = Register(schema, headers, [dict(r) for reg in sheets for r in reg.rows],
                      source=path.name, sheet=first.sheet,
                      row_numbers=[n for reg in sheets for n in reg.row_numbers],
                      conflicts=first.conflicts, received=first.received,
                      notes=[n for reg in sheets for n in reg.notes])
    return SheetsRead(path.name, sheets, joined)
