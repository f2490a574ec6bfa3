"""Reading a register from XLSX, CSV or JSON into a ``Register`` without losing anything.

XLSX files are read in openpyxl's streaming mode (fast on big files); the Excel table's range
is taken from the package itself because streaming mode does not expose tables. A sheet
without an Excel table is read from its header row down to the first empty row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.utils.cell import range_boundaries

from kkz_xl.errors import DataError, InputError
from kkz_xl.registers.register import Conflict, Register, Row
from kkz_xl.registers.schema import CONFLICT_HEADERS, CONFLICT_SHEET, RegisterSchema
from kkz_xl.registers.text import FORMULA_PREFIXES, Formula, fold, squash
from kkz_xl.registers.values import is_empty

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class TableRef:
    """Where an Excel table sits: sheet, table name, and its range."""

    sheet: str
    name: str
    ref: str


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, absolute target) of a package part."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in zf.namelist():
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in ET.fromstring(zf.read(rels_name)).findall("rel:Relationship", _NS):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → package part of its worksheet XML, in workbook order."""
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = _rels(zf, "xl/workbook.xml")
    out: dict[str, str] = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id", "")
        if rid in rels:
            out[sheet.get("name", "")] = rels[rid][1]
    return out


def table_refs(path: Path) -> list[TableRef]:
    """Every Excel table of the workbook at ``path``."""
    found: list[TableRef] = []
    with zipfile.ZipFile(path) as zf:
        for sheet, part in sheet_parts(zf).items():
            for kind, target in _rels(zf, part).values():
                if kind.endswith("/table"):
                    table = ET.fromstring(zf.read(target))
                    found.append(TableRef(sheet, table.get("displayName") or table.get("name", ""),
                                          table.get("ref", "")))
    return found


def canonical_headers(schema: RegisterSchema, cells: list[Any]) -> list[str]:
    """Header texts as the schema spells them where they match it loosely; others as typed."""
    folded = {fold(h): h for h in schema.headers}
    out: list[str] = []
    for i, cell in enumerate(cells):
        text = squash(str(cell)) if not is_empty(cell) else f"Kolumna {i + 1}"
        name = folded.get(fold(text), text)
        while name in out:  # two columns with one header: keep both, the second renamed
            name = f"{name} ({i + 1})"
        out.append(name)
    return out


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" and isinstance(value, str):
        return Formula(value)
    return value


def _is_header_row(schema: RegisterSchema, cells: list[Any]) -> bool:
    wanted = {fold(schema.header(schema.name_key)), fold(schema.header("jst"))}
    return wanted <= {fold(str(c)) for c in cells if not is_empty(c)}


def find_table(path: Path, schema: RegisterSchema, sheet: str | None) -> TableRef | None:
    tables = [t for t in table_refs(path) if sheet is None or t.sheet == sheet]
    for want in (lambda t: t.name == schema.table, lambda t: t.sheet == schema.sheet,
                 lambda t: True):
        for table in tables:
            if want(table) and table.sheet != CONFLICT_SHEET:
                return table
    return None


def _rows_from(schema: RegisterSchema, grid: list[list[Any]], first_row: int, source: str,
               sheet: str) -> Register:
    headers = canonical_headers(schema, grid[0] if grid else [])
    rows: list[Row] = []
    numbers: list[int] = []
    for offset, cells in enumerate(grid[1:], start=1):
        if all(is_empty(c) for c in cells):
            continue
        rows.append({h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers)})
        numbers.append(first_row + offset)
    return Register(schema, headers, rows, source=source, sheet=sheet, row_numbers=numbers)


def read_xlsx(path: Path, schema: RegisterSchema, sheet: str | None = None) -> Register:
    """The register table of an XLSX file (its Excel table, or a plain header row)."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("plik", f"oczekiwano pliku .xlsx, .csv lub .json, otrzymano {path.name}")
    try:
        table = find_table(path, schema, sheet)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ET.ParseError) as err:
        raise DataError(f"{path.name}: to nie jest poprawny plik Excela (.xlsx)") from err
    try:
        if table is not None:
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            ws = wb[table.sheet]
            grid = [[_cell_value(c) for c in row] for row in ws.iter_rows(
                min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)]
            register = _rows_from(schema, grid, min_row, path.name, table.sheet)
        else:
            register = _read_plain(wb, schema, path.name, sheet)
        register.conflicts = _read_conflicts(wb, schema)
    finally:
        wb.close()
    return register


def _read_plain(wb: Any, schema: RegisterSchema, source: str, sheet: str | None) -> Register:
    names = [sheet] if sheet else sorted(wb.sheetnames, key=lambda s: s != schema.sheet)
    for name in names:
        if name not in wb.sheetnames:
            raise InputError("arkusz", f"brak arkusza „{name}”; są: {', '.join(wb.sheetnames)}")
        ws = wb[name]
        rows = ws.iter_rows()
        for number, row in enumerate(rows, start=1):
            cells = [_cell_value(c) for c in row]
            if number > _HEADER_SCAN_ROWS:
                break
            if not _is_header_row(schema, cells):
                continue
            while cells and is_empty(cells[-1]):
                cells.pop()
            grid = [cells]
            for data in rows:
                values = [_cell_value(c) for c in data][: len(cells)]
                if all(is_empty(x) for x in values):
                    break
                grid.append(values)
            return _rows_from(schema, grid, number, source, name)
    wanted = f"„{schema.header(schema.name_key)}” i „{schema.header('jst')}”"
    raise DataError(f"{source}: nie znaleziono tabeli rejestru – brak wiersza nagłówków z "
                    f"kolumnami {wanted}")


def _read_conflicts(wb: Any, schema: RegisterSchema) -> list[Conflict]:
    if CONFLICT_SHEET not in wb.sheetnames:
        return []
    rows = wb[CONFLICT_SHEET].iter_rows(values_only=True)
    header = [squash(str(c)) if c is not None else "" for c in next(rows, ())]
    if tuple(header[: len(CONFLICT_HEADERS)]) != CONFLICT_HEADERS:
        return []
    out = []
    for cells in rows:
        _, name, jst, column, value, source = (list(cells) + [None] * 6)[:6]
        if is_empty(name) or is_empty(column):
            continue
        key = (fold(str(name)), fold(str(jst)) if not is_empty(jst) else "")
        out.append(Conflict(key, str(column), "" if value is None else str(value),
                            str(source or ""), str(name), str(jst or "")))
    return out


def _unescape(value: str) -> str:
    """Undo the apostrophe CSV export puts before formula-like text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def read_csv_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a CSV file: UTF-8 (BOM or not) or Windows-1250; ``;`` or ``,``."""
    raw = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise DataError(f"{Path(path).name}: plik CSV jest pusty")
    body = [[_unescape(c) if c != "" else None for c in r] for r in rows[1:]]
    return rows[0], body


def read_json_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a JSON export (``{"kolumny", "wiersze"}``) or a list of objects."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(f"{Path(path).name}: niepoprawny JSON ({err.msg}, wiersz {err.lineno})") \
            from err
    records = data.get("wiersze") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{Path(path).name}: oczekiwano listy obiektów (pole „wiersze”)")
    headers: list[str] = list(data.get("kolumny", [])) if isinstance(data, dict) else []
    for record in records:
        headers += [h for h in record if h not in headers]
    return headers, [[r.get(h) for h in headers] for r in records]


def read_register(path: Path, schema: RegisterSchema, sheet: str | None = None) -> Register:
    """A register from ``.xlsx``, ``.csv`` or ``.json``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileNotFoundError(2, "brak pliku", str(path))
    if suffix in (".csv", ".json"):
        header, body = (read_csv_rows if suffix == ".csv" else read_json_rows)(path)
        register = _rows_from(schema, [header, *body], 1, path.name, path.stem)
    else:
        register = read_xlsx(path, schema, sheet)
    register.received = dt.date.fromtimestamp(path.stat().st_mtime)
    return register
