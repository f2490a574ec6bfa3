"""Saving a register so that nothing is lost.

A new file is built from code. An existing workbook is updated in place: only the register's
table cells change; other sheets, content around the table, unknown columns, the user's own
formulas, styles, images and charts stay. What openpyxl cannot keep, or data in the way of a
growing table, makes the save refuse with a Polish reason. Every save goes through a temporary
file that is read back and compared before it replaces the original, whose previous version
is copied to ``.kopie/``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from kkz_xl.errors import DataError, InputError
from kkz_xl.registers.cells import cell_value, put
from kkz_xl.registers.preserve import inventory, preservation_problems
from kkz_xl.registers.reading import canonical_headers, find_table, read_xlsx, sheet_parts
from kkz_xl.registers.register import Note, Register
from kkz_xl.registers.values import is_empty
from kkz_xl.registers.workbook import (
    add_table_column,
    build_workbook,
    write_conflicts_sheet,
    write_reconciliation_sheet,
    write_state_sheet,
)
from kkz_xl.storage.atomic import atomic_write, atomic_write_bytes


def _refuse(path: Path, reason: str) -> DataError:
    return DataError(f"Nie zapisano pliku {path.name}: {reason}. Plik pozostał bez zmian; "
                     "zapisz wynik do nowego pliku albo usuń przeszkodę i spróbuj ponownie.")


def _update_in_place(path: Path, tmp: Path, register: Register, with_conflicts: bool,
                     conflict_ids: dict[tuple[str, str], str] | None,
                     reconciliation: Any = None) -> None:
    schema = register.schema
    lost = preservation_problems(path)
    if lost:
        raise _refuse(path, "zapis przez openpyxl usunąłby z niego: " + ", ".join(lost))
    where = find_table(path, schema, None)
    if where is None:
        raise _refuse(path, f"brak tabeli Excela z rejestrem (oczekiwano tabeli {schema.table})")
    wb = openpyxl.load_workbook(path)
    ws = wb[where.sheet]
    table = ws.tables[where.name]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    old = canonical_headers(schema, [ws.cell(min_row, c).value for c in range(min_col,
                                                                              max_col + 1)])
    columns = {h: min_col + i for i, h in enumerate(old)}
    added = [h for h in register.headers if h not in columns]
    for h in added:
        columns[h] = min_col + len(columns)
    last_col = min_col + len(columns) - 1
    last_row = min_row + max(len(register.rows), 1)
    # Cells the grown table would cover must be empty: they are the user's, not the table's.
    ours = max(max_row, register.extent)  # rows typed just under the table are the table's
    for r in range(min_row, last_row + 1):
        for c in range(min_col, last_col + 1):
            if r <= ours and r > max_row:
                continue
            if (r > max_row or c > max_col) and not is_empty(ws.cell(r, c).value):
                ref = f"{get_column_letter(c)}{r}"
                raise _refuse(path, f"tabela ma urosnąć, a komórka {ref} arkusza „{where.sheet}” "
                              "obok tabeli zawiera dane użytkownika")
    for h in added:
        put(ws.cell(min_row, columns[h]), h)
        add_table_column(table, h)
    for i, row in enumerate(register.rows):
        r = min_row + 1 + i
        for h, c in columns.items():
            cell = ws.cell(r, c)
            value = cell_value(row.get(h))
            if cell.value == value and type(cell.value) is type(value):
                continue  # unchanged: keep the cell exactly as the user left it
            put(cell, value, schema.by_header.get(h), formulas=True)
    for r in range(last_row + 1, ours + 1):  # the table shrank: empty its old rows
        for c in range(min_col, last_col + 1):
            ws.cell(r, c).value = None
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(last_col)}{last_row}"
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = ref
    if with_conflicts:
        write_conflicts_sheet(wb, schema, register.conflicts, conflict_ids or {})
        write_state_sheet(wb, register)
    if reconciliation is not None:
        write_reconciliation_sheet(wb, reconciliation)
    wb.save(tmp)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return dt.datetime.fromisoformat(a.isoformat()) == dt.datetime.fromisoformat(b.isoformat())
    if is_empty(a) and is_empty(b):
        return True
    return a == b or (isinstance(a, int | float) and isinstance(b, int | float) and
                      float(a) == float(b))


def _verify(tmp: Path, register: Register, original: Path | None) -> None:
    """Read the written file back; any difference or a lost object aborts the save."""
    back = read_xlsx(tmp, register.schema, None)
    expected = [r for r in register.rows if not all(is_empty(v) for v in r.values())]
    if len(back.rows) != len(expected):
        raise DataError(f"kontrola zapisu: oczekiwano {len(expected)} wierszy, zapisano "
                        f"{len(back.rows)}; plik nie został zmieniony")
    for i, (want, got) in enumerate(zip(expected, back.rows, strict=True)):
        for header in register.headers:
            if not _same(cell_value(want.get(header)), got.get(header)):
                raise DataError(f"kontrola zapisu: wiersz {i + 1}, kolumna „{header}” różni się "
                                "po zapisie; plik nie został zmieniony")
    if original is not None:
        before, after = inventory(original), inventory(tmp)
        gone = [what for what, n in before.items() if after[what] < n]
        if gone:
            raise DataError("kontrola zapisu: po zapisie zniknęłyby " + ", ".join(gone)
                            + "; plik nie został zmieniony")
        missing = set(_sheet_names(original)) - set(_sheet_names(tmp))
        if missing:
            raise DataError("kontrola zapisu: po zapisie zniknęłyby arkusze "
                            + ", ".join(sorted(missing)) + "; plik nie został zmieniony")


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return list(sheet_parts(zf))


def save_register(register: Register, path: Path, *, with_conflicts: bool = False,
                  conflict_ids: dict[tuple[str, str], str] | None = None,
                  reconciliation: Any = None) -> Path | None:
    """Write ``register`` to ``path`` (new, or updated in place); return the backup's path."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("plik", f"rejestr zapisuje się do pliku .xlsx, otrzymano {path.name}; "
                         "do CSV i JSON służy polecenie „eksportuj”")
    existing = path.exists()

    def write(tmp: Path) -> None:
        if existing:
            _update_in_place(path, tmp, register, with_conflicts, conflict_ids, reconciliation)
        else:
            build_workbook(register, with_conflicts=with_conflicts, conflict_ids=conflict_ids,
                           reconciliation=reconciliation).save(tmp)
        _verify(tmp, register, path if existing else None)

    return atomic_write(path, write)


EXCEL_CELL_LIMIT = 32767  # characters a cell can hold (Excel's specification and limits)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:40]


def spill_long_texts(register: Register, path: Path) -> list[Note]:
    """Texts longer than a cell can hold: kept whole in ``<name>_dlugie_teksty/`` beside
    ``path``; the cell keeps their beginning and names the file. Returns a note per cell."""
    notes: list[Note] = []
    side = path.with_name(f"{path.stem}_dlugie_teksty")
    id_h = register.schema.header("id")
    for i, row in enumerate(register.rows):
        for h, value in row.items():
            if not isinstance(value, str) or len(value) <= EXCEL_CELL_LIMIT:
                continue
            side.mkdir(exist_ok=True)
            where = str(row.get(id_h) or f"w{register.row_numbers[i]}")
            target = side / f"{_safe(where)}_{_safe(h)}.txt"
            atomic_write_bytes(target, value.encode("utf-8"), backup=False)
            tail = f" […] (pełny tekst, {len(value)} znaków: {side.name}/{target.name})"
            row[h] = value[: EXCEL_CELL_LIMIT - len(tail)] + tail
            notes.append(Note("długi tekst", f"tekst ma {len(value)} znaków, a komórka Excela "
                              f"mieści 32 767: w komórce jego początek, całość w pliku "
                              f"{side.name}/{target.name}", register.sheet,
                              register.row_numbers[i], h))
    return notes
