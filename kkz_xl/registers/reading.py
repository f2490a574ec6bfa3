"""Reading registers from what staff really send, without losing anything.

A file may hold several register sheets (``Katalog`` and ``Katalog 2025``), a title above the
header, blank rows inside the data, rows typed just under an Excel table that did not grow,
cells under no header, merged cells, formulas, header variants (``Koszt na uczestnika (zł)``,
``koszt_uczestnika``, ``Email``, ``Tel.``), pasted control characters. Every sheet that has a
register header is read whole; each change the reader makes is a :class:`Note`, and the number
of non-empty cells found under the header is kept (``cells_in``) so that the reconciliation can
prove that none went missing. CSV: the encoding among UTF-8 (±BOM), Windows-1250, ISO-8859-2
and CP852 is chosen by scoring Polish letters, a ``sep=`` line is honoured, the delimiter comes
from the whole file. ``.xls`` is read with xlrd; protected and damaged files are refused with a
Polish reason (:class:`~kkz_xl.errors.DataError`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import range_boundaries

from kkz_xl.errors import DataError, InputError
from kkz_xl.office.zip_limits import check_archive as office_check
from kkz_xl.polish import plural
from kkz_xl.registers.compare import display
from kkz_xl.registers.headers import HeaderMatch, map_headers
from kkz_xl.registers.register import Conflict, Note, Register
from kkz_xl.registers.schema import (
    CONFLICT_HEADERS,
    CONFLICT_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    RECONCILIATION_SHEET,
    STATE_SHEET,
    RegisterSchema,
)
from kkz_xl.registers.text import FORMULA_PREFIXES, Formula, fold, squash
from kkz_xl.registers.values import is_empty

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_HEADER_SCAN_ROWS = 30
# Sheets the registers write themselves: never read as data.
SKIPPED_SHEETS = (INSTRUCTIONS_SHEET, LISTS_SHEET, CONFLICT_SHEET, RECONCILIATION_SHEET,
                  STATE_SHEET)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ESCAPED = re.compile(r"_x(00[01][0-9A-Fa-f])_")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
ENCODINGS = ("utf-8-sig", "utf-8", "cp1250", "iso-8859-2", "cp852")
_POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Letters a wrong Polish code page produces instead of Polish ones (cp1250 read as ISO-8859-2
# gives C1 controls and š/Ľ; ISO read as cp1250 gives ±/¶/Ľ; cp852 read as cp1250 gives ˘/Ą…).
_WRONG = set("±¶Ľ¼ˇ¦¬©®¤§¨°´¸·¢˘˝˙š¹¥ŞşŢţľĽÂÃĂÅÆÇÈÉÊËÌÍÎÏÐÑÒÔÕÖ×ØÙÚÛÜÝÞß"
             "àâãäåæçèéêëìíîïðñòôõöøùúûüýþÿ│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀■")


@dataclass(frozen=True)
class TableRef:
    """Where an Excel table sits: sheet, table name, and its range."""

    sheet: str
    name: str
    ref: str


@dataclass
class Grid:
    """One sheet's cells as read (row 1 first), with its Excel table if it has one."""

    sheet: str
    cells: list[list[Any]]
    table: TableRef | None = None
    notes: list[Note] = field(default_factory=list)


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


def _merged_ranges(path: Path) -> dict[str, list[str]]:
    """Sheet → merged ranges (read-only openpyxl does not expose them)."""
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        for sheet, part in sheet_parts(zf).items():
            if part in zf.namelist():
                refs = [m.decode() for m in _MERGE_REF.findall(zf.read(part))]
                if refs:
                    out[sheet] = refs
    return out


def canonical_headers(schema: RegisterSchema, cells: list[Any]) -> list[str]:
    """Header texts mapped onto the schema where they mean its column; others as typed."""
    typed = [squash(str(c)) if not is_empty(c) else "" for c in cells]
    out: list[str] = []
    for i, match in enumerate(map_headers(schema, typed)):
        name = match.header or match.typed or f"Kolumna {i + 1}"
        while name in out:  # two columns with one header: keep both, the second renamed
            name = f"{name} ({i + 1})"
        out.append(name)
    return out


def find_table(path: Path, schema: RegisterSchema, sheet: str | None) -> TableRef | None:
    tables = [t for t in table_refs(path) if sheet is None or t.sheet == sheet]
    for want in (lambda t: t.name == schema.table, lambda t: t.sheet == schema.sheet,
                 lambda t: True):
        for table in tables:
            if want(table) and table.sheet not in SKIPPED_SHEETS:
                return table
    return None


# ------------------------------------------------------------------ checks before opening


def check_archive(path: Path) -> None:
    """Refuse a workbook that is not a zip, is damaged or would unpack too big (the office
    layer's check, which reads only the zip's directory), as a ``DataError`` of this file."""
    try:
        office_check(path)
    except InputError as err:
        raise DataError(f"{path.name}: {err.message}") from err


def _refuse_ole(path: Path, head: bytes) -> None:
    """An OLE compound file: a password-protected .xlsx, or an old .xls."""
    data = path.read_bytes() if head.startswith(_OLE_MAGIC) else b""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise DataError(f"{path.name}: plik jest chroniony hasłem – zapisz go w Excelu bez "
                        "hasła (Plik → Informacje → Chroń skoroszyt) i prześlij ponownie")


# ------------------------------------------------------------------ cell values


def clean_text(value: Any) -> tuple[Any, bool]:
    """Text without the control characters a workbook cannot hold (a vertical tab from Word
    becomes a line break); ``True`` when something changed."""
    if not isinstance(value, str):
        return value, False
    if "_x" in value:  # Excel's escape of a control character in the file (_x000B_)
        value = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
    if not ILLEGAL_CHARACTERS_RE.search(value):
        return value, False
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\x0b", "\n").replace("\x0c", "\n"))
    return (Formula(cleaned) if isinstance(value, Formula) else cleaned), True


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" and isinstance(value, str):
        return Formula(value)
    return value


def _xlsx_grids(path: Path, values: bool) -> list[Grid]:
    check_archive(path)
    try:
        tables = {t.sheet: t for t in reversed(table_refs(path))}
        merged = _merged_ranges(path)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError) as err:
        raise DataError(f"{path.name}: to nie jest poprawny plik Excela (.xlsx)") from err
    grids: list[Grid] = []
    cached: Any = None
    try:
        for ws in wb.worksheets:
            # Some programs write a wrong <dimension> (e.g. "A1"); streaming mode would stop
            # there. Without it every row in the file is read.
            ws.reset_dimensions()
            cells = [[_cell_value(c) for c in row] for row in ws.iter_rows()]
            grid = Grid(ws.title, cells, tables.get(ws.title))
            if values and any(isinstance(v, Formula) for r in cells for v in r):
                if cached is None:
                    cached = openpyxl.load_workbook(path, read_only=True, data_only=True)
                _use_cached(grid, cached[ws.title])
            _fill_merged(grid, merged.get(ws.title, []))
            grids.append(grid)
    finally:
        wb.close()
        if cached is not None:
            cached.close()
    return grids


def _use_cached(grid: Grid, ws: Any) -> None:
    """A sent file's formulas count by the values the sender saw (their cached results)."""
    ws.reset_dimensions()
    computed = [list(r) for r in ws.iter_rows(values_only=True)]
    for r, row in enumerate(grid.cells):
        for c, value in enumerate(row):
            if not isinstance(value, Formula):
                continue
            got = computed[r][c] if r < len(computed) and c < len(computed[r]) else None
            if got is not None:
                row[c] = got
                grid.notes.append(Note("formuła", f"formuła {value} zastąpiona jej wartością "
                                       f"{got}", grid.sheet, r + 1))
            else:
                row[c] = str(value)
                grid.notes.append(Note("formuła", f"formuła {value} bez zapisanej wartości – "
                                       "wczytana jako tekst", grid.sheet, r + 1))


def _fill_merged(grid: Grid, refs: list[str]) -> None:
    """A merged cell's value belongs to every row it spans (JST merged over five rows)."""
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row - 1 >= len(grid.cells) or min_col - 1 >= len(grid.cells[min_row - 1]):
            continue
        value = grid.cells[min_row - 1][min_col - 1]
        if is_empty(value) or (max_row == min_row and max_col == min_col):
            continue
        for r in range(min_row, max_row + 1):
            row = grid.cells[r - 1] if r - 1 < len(grid.cells) else None
            if row is None:
                continue
            row.extend([None] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = value
        grid.notes.append(Note("scalone komórki", f"komórki scalone {ref}: wartość „{value}” "
                               "przepisana do każdego wiersza zakresu", grid.sheet, min_row))


def _xls_grids(path: Path) -> list[Grid]:
    """An Excel 97–2003 workbook (xlrd)."""
    import xlrd  # only old .xls files need it: not loaded for the rest

    try:
        book = xlrd.open_workbook(str(path))
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise DataError(f"{path.name}: plik jest chroniony hasłem – zapisz go bez hasła "
                            "i prześlij ponownie") from err
        raise DataError(f"{path.name}: nie da się odczytać pliku .xls ({err}) – zapisz go w "
                        "Excelu jako .xlsx") from err
    except Exception as err:  # xlrd raises assorted errors on damaged files
        raise DataError(f"{path.name}: plik .xls jest uszkodzony – zapisz go w Excelu jako "
                        ".xlsx") from err
    grids = []
    for sheet in book.sheets():
        cells: list[list[Any]] = []
        for r in range(sheet.nrows):
            row: list[Any] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value: Any = xlrd.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(cell.value, "#ERR")
                else:
                    value = cell.value
                row.append(value)
            cells.append(row)
        grid = Grid(sheet.name, cells)
        for r1, r2, c1, c2 in sheet.merged_cells:
            for r in range(r1, r2):
                for c in range(c1, c2):
                    cells[r][c] = cells[r1][c1]
        grids.append(grid)
    return grids


# ------------------------------------------------------------------ CSV and JSON


def detect_encoding(raw: bytes) -> str:
    """The encoding of Polish text among UTF-8 (with or without BOM), Windows-1250,
    ISO-8859-2 and CP852: the one that decodes and gives most Polish letters and fewest
    letters a wrong code page makes."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best, best_score = "cp1250", None
    for encoding in ("cp1250", "iso-8859-2", "cp852"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        counts = Counter(ch for ch in text if not ch.isascii())
        polish = sum(n for ch, n in counts.items() if ch in _POLISH)
        wrong = sum(n for ch, n in counts.items()
                    if ch in _WRONG or 0x80 <= ord(ch) < 0xA0 or ch == "\ufffd")
        score = polish - 3 * wrong
        if best_score is None or score > best_score:
            best, best_score = encoding, score
    return best


_ENCODING_NAMES = {"utf-8-sig": "UTF-8 (z BOM)", "utf-8": "UTF-8", "cp1250": "Windows-1250",
                   "iso-8859-2": "ISO-8859-2", "cp852": "CP852 (DOS)"}


def _delimiter(text: str) -> str:
    """The delimiter that splits the whole file into the most rows of one width (a long first
    row or commas in descriptions do not fool it, as a sniffer on a sample is fooled)."""
    best, best_score = ";", (-1, -1)
    for candidate in (";", ",", "\t", "|"):
        widths = Counter(len(r) for r in csv.reader(io.StringIO(text), delimiter=candidate) if r)
        if not widths:
            continue
        width, freq = max(widths.items(), key=lambda kv: (kv[1] if kv[0] > 1 else 0, kv[0]))
        score = (freq if width > 1 else 0, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _unescape(value: str) -> str:
    """Undo the apostrophe CSV export puts before formula-like text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _csv_grid(path: Path) -> Grid:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path.name}: plik CSV jest pusty")
    encoding = detect_encoding(raw)
    text = raw.decode(encoding)
    notes = [Note("kodowanie", f"kodowanie znaków: {_ENCODING_NAMES[encoding]}")]
    first, _, rest = text.partition("\n")
    sep = re.fullmatch(r"\s*sep=(.)\s*", first)
    if sep:
        delimiter, text = sep.group(1), rest
        notes.append(Note("separator", f"wiersz „sep={delimiter}” (zapis Excela) użyty jako "
                          "separator, nie jako dane", row=1))
    else:
        delimiter = _delimiter(text)
    notes.append(Note("separator", f"separator pól: „{delimiter}”".replace("\t", "tab")))
    rows = [[_unescape(c) if c != "" else None for c in r]
            for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    offset = 1 if sep else 0
    grid = Grid(path.stem, [[None]] * offset + rows, notes=notes)
    return grid


def _json_grid(path: Path) -> Grid:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as err:
        raise DataError(f"{path.name}: plik JSON nie jest zapisany w UTF-8") from err
    except json.JSONDecodeError as err:
        raise DataError(f"{path.name}: niepoprawny JSON ({err.msg}, wiersz {err.lineno})") \
            from err
    records = data.get("wiersze") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{path.name}: oczekiwano listy obiektów (pole „wiersze”)")
    headers: list[str] = list(data.get("kolumny", [])) if isinstance(data, dict) else []
    for record in records:
        headers += [h for h in record if h not in headers]
    body = [[_json_cell(r.get(h)) for h in headers] for r in records]
    return Grid(path.stem, [list(headers), *body])


def _json_cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def grids_of(path: Path, *, values: bool = False) -> list[Grid]:
    """Every sheet of ``path`` as a grid; a protected, damaged or unknown file is refused."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "brak pliku", str(path))
    if path.is_dir():
        raise DataError(f"{path.name}: to folder, a nie plik rejestru")
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        _refuse_ole(path, head)
        return _xls_grids(path)
    if suffix == ".csv":
        return [_csv_grid(path)]
    if suffix == ".json":
        return [_json_grid(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(path, values)
    if suffix == ".xls":
        raise DataError(f"{path.name}: plik .xls jest uszkodzony – zapisz go w Excelu jako .xlsx")
    raise InputError("plik", f"obsługiwane formaty: .xlsx, .xls, .csv, .json; otrzymano "
                     f"{path.name}")


# ------------------------------------------------------------------ grids → registers


def _mapped(schema: RegisterSchema, typed: list[str],
            overrides: dict[str, str] | None = None) -> list[HeaderMatch]:
    """Headers mapped onto the schema; the user's own mapping (``--kolumna``) first."""
    matches = map_headers(schema, typed)
    if not overrides:
        return matches
    out = [HeaderMatch(t, overrides[fold(t)], "mapowanie użytkownika")
           if t and fold(t) in overrides else m for t, m in zip(typed, matches, strict=True)]
    taken = {m.header for m in out if m.how == "mapowanie użytkownika"}
    return [m if m.how == "mapowanie użytkownika" or m.header not in taken
            else HeaderMatch(m.typed, None, "kolumna własna") for m in out]


def _header_row(schema: RegisterSchema, grid: Grid, overrides: dict[str, str] | None = None,
                loose: bool = False) -> int | None:
    """Index of the register's header row: the first of the top rows that names the
    register's name and JST columns, or three of its columns."""
    want = {schema.header(schema.name_key), schema.header("jst")}

    def is_header(row: list[Any]) -> bool:
        if sum(not is_empty(c) for c in row) < 2:
            return False
        mapped = {m.header for m in _mapped(
            schema, [squash(str(c)) if not is_empty(c) else "" for c in row], overrides)
            if m.header}
        if loose:
            return bool(mapped)
        return want <= mapped or (schema.header(schema.name_key) in mapped and len(mapped) >= 3)

    if grid.table is not None:
        min_col, min_row, max_col, _ = range_boundaries(grid.table.ref)
        if min_row - 1 < len(grid.cells) and is_header(
                grid.cells[min_row - 1][min_col - 1:max_col]):
            return min_row - 1
        grid.table = None  # a table of something else: look for the register's header
    for i, row in enumerate(grid.cells[:_HEADER_SCAN_ROWS]):
        if is_header(row):
            return i
    return None


def _first_filled(grid: Grid) -> int | None:
    for i, row in enumerate(grid.cells[:_HEADER_SCAN_ROWS]):
        if sum(not is_empty(c) for c in row) >= 2:
            return i
    return None


def _register_of(schema: RegisterSchema, grid: Grid, source: str, h: int,
                 overrides: dict[str, str] | None = None) -> Register:
    notes = list(grid.notes)
    header_cells = list(grid.cells[h])
    first_col = 0
    last_table_col = None
    if grid.table is not None:
        min_col, _, max_col, _ = range_boundaries(grid.table.ref)
        first_col, last_table_col = min_col - 1, max_col
        header_cells = header_cells[first_col:max_col]
    for r, row in enumerate(grid.cells[:h]):
        text = " ".join(squash(str(c)) for c in row if not is_empty(c))
        if text:
            notes.append(Note("wiersz nad nagłówkiem", f"pominięto wiersz tytułowy „{text[:80]}”",
                              grid.sheet, r + 1))
    body = grid.cells[h + 1:]
    width = max([len(header_cells)] + [len(r) - first_col for r in body])
    header_cells += [None] * (width - len(header_cells))
    # Columns with data but no header keep their data as „Kolumna N”.
    used = [any(not is_empty(r[first_col + j]) for r in body if first_col + j < len(r))
            for j in range(width)]
    keep = [j for j in range(width) if used[j] or not is_empty(header_cells[j])
            or (last_table_col is not None and first_col + j < last_table_col)]
    typed = [header_cells[j] if not is_empty(header_cells[j]) else None for j in keep]
    for j, cell in zip(keep, typed, strict=True):
        if cell is None:
            notes.append(Note("kolumna bez nagłówka", f"kolumna {j + first_col + 1} ma dane, a "
                              f"nie ma nagłówka – zachowana jako „Kolumna {j + first_col + 1}”",
                              grid.sheet, h + 1))
    headers = []
    for (j, cell), match in zip(zip(keep, typed, strict=True),
                                _mapped(schema, [squash(str(c)) if c is not None else ""
                                                 for c in typed], overrides), strict=True):
        name = match.header or (squash(str(cell)) if cell is not None
                                else f"Kolumna {j + first_col + 1}")
        while name in headers:
            name = f"{name} ({j + first_col + 1})"
        headers.append(name)
        if match.header is not None and fold(match.typed) != fold(match.header):
            notes.append(Note("nagłówek", f"„{match.typed}” → „{match.header}” ({match.how})",
                              grid.sheet, h + 1, match.header))
        elif match.header is None and cell is not None and "zajmuje" in match.how:
            notes.append(Note("nagłówek", f"„{match.typed}”: {match.how}", grid.sheet, h + 1))
    rows, numbers = [], []
    cells_in = under_table = 0
    table_end = range_boundaries(grid.table.ref)[3] if grid.table is not None else None
    cleaned: list[str] = []
    for offset, raw in enumerate(body, start=h + 2):
        values_ = [raw[first_col + j] if first_col + j < len(raw) else None for j in keep]
        cells_in += sum(not is_empty(v) for v in raw[first_col:])
        if all(is_empty(v) for v in values_):
            continue
        row = {}
        for name, value in zip(headers, values_, strict=True):
            value, changed = clean_text(value)
            if changed:
                cleaned.append(f"{name}, wiersz {offset}")
            row[name] = value
        rows.append(row)
        numbers.append(offset)
        if table_end is not None and offset > table_end:
            under_table += 1
    extent = 0
    if table_end is not None:
        extent = table_end
        while extent < len(grid.cells) and not all(is_empty(c) for c in grid.cells[extent]):
            extent += 1
    if under_table:
        under = plural(under_table, "wiersz", "wiersze", "wierszy")
        notes.append(Note("pod tabelą", f"{under} wpisane pod tabelą Excela (tabela ich nie "
                          "objęła) – wczytane", grid.sheet, table_end or 0))
    if cleaned:
        notes.append(Note("znaki sterujące", "usunięto znaki sterujące (np. pionowy tabulator "
                          "z Worda → nowy wiersz) w komórkach: " + "; ".join(cleaned[:20])
                          + (f" i {len(cleaned) - 20} innych" if len(cleaned) > 20 else ""),
                          grid.sheet))
    inside = [n for n in range(h + 2, (numbers[-1] if numbers else 0) + 1) if n not in numbers]
    if inside:
        blank = plural(len(inside), "pusty wiersz", "puste wiersze", "pustych wierszy")
        notes.append(Note("puste wiersze", f"{blank} wewnątrz danych pominięto; dane pod "
                          "nimi wczytano", grid.sheet, inside[0]))
    return Register(schema, headers, rows, source=source, sheet=grid.sheet,
                    row_numbers=numbers, notes=notes, cells_in=cells_in, extent=extent)


def _cells(n: int) -> str:
    return plural(n, "niepusta komórka", "niepuste komórki", "niepustych komórek")


def read_registers(path: Path, schema: RegisterSchema, *, values: bool = False,
                   sheet: str | None = None, mapping: dict[str, str] | None = None,
                   loose: bool = False) -> list[Register]:
    """Every register sheet of ``path`` (the instructions, lists, conflicts and reconciliation
    sheets are not data); ``values=True`` takes a formula's cached result (a sent file).

    ``mapping`` (typed header → register header) comes before the automatic mapping;
    ``loose`` (import of another shape) takes a sheet whose top rows map any column.
    Refuses the file (``DataError``) when it holds no register sheet at all.
    """
    path = Path(path)
    overrides = {fold(k): v for k, v in (mapping or {}).items()}
    grids = grids_of(path, values=values)
    if sheet is not None:
        names = [g.sheet for g in grids]
        if sheet not in names:
            raise InputError("arkusz", f"brak arkusza „{sheet}”; są: {', '.join(names)}")
        grids = [g for g in grids if g.sheet == sheet]
    out: list[Register] = []
    skipped: list[Note] = []
    for grid in grids:
        filled = sum(not is_empty(c) for r in grid.cells for c in r)
        if grid.sheet in SKIPPED_SHEETS:
            continue  # the registers' own sheets
        if fold(grid.sheet).startswith("instrukc"):
            if filled:
                skipped.append(Note("arkusz pominięty", f"arkusz „{grid.sheet}” to nie dane "
                                    f"rejestru ({_cells(filled)}) – pominięty", grid.sheet))
            continue
        if not filled:  # a blank sheet (Excel's „Arkusz1” left in front): said, not data
            skipped.append(Note("arkusz pominięty", f"arkusz „{grid.sheet}” jest pusty – "
                                "pominięty", grid.sheet))
            continue
        h = _header_row(schema, grid, overrides, loose)
        if h is None and loose and sheet is not None:
            h = _first_filled(grid)
        if h is None:
            skipped.append(Note("arkusz pominięty", f"arkusz „{grid.sheet}” nie ma wiersza "
                                "nagłówków rejestru (kolumny „"
                                + schema.header(schema.name_key) + "” i „"
                                + schema.header("jst") + f"”) – pominięty, {_cells(filled)}",
                                grid.sheet))
            continue
        out.append(_register_of(schema, grid, path.name, h, overrides))
    if not out:
        wanted = f"„{schema.header(schema.name_key)}” i „{schema.header('jst')}”"
        reasons = "; ".join(n.message for n in skipped)
        raise DataError(f"{path.name}: nie znaleziono tabeli rejestru – brak wiersza nagłówków "
                        f"z kolumnami {wanted}" + (f" ({reasons})" if reasons else ""))
    out[0].notes[:0] = skipped
    received = dt.date.fromtimestamp(path.stat().st_mtime)
    conflicts = _read_conflicts_of(path, grids)
    written = _state_of(grids)
    for reg in out:
        reg.received = received
        reg.written = written
        reg.conflicts = conflicts if reg is out[0] else []
    return out


def _state_of(grids: list[Grid]) -> dict[str, dict[str, str]]:
    """What the Dyfuzor wrote last time (its hidden sheet), by regional ID."""
    out: dict[str, dict[str, str]] = {}
    for grid in grids:
        if grid.sheet != STATE_SHEET:
            continue
        for row in grid.cells[1:]:
            if len(row) < 2 or is_empty(row[0]) or is_empty(row[1]):
                continue
            try:
                digests = json.loads(str(row[1]))
            except json.JSONDecodeError:
                continue
            if isinstance(digests, dict):
                out[str(row[0])] = {str(k): str(v) for k, v in digests.items()}
    return out


def _read_conflicts_of(path: Path, grids: list[Grid]) -> list[Conflict]:
    for grid in grids:
        if grid.sheet == CONFLICT_SHEET and grid.cells:
            return _conflicts_from(grid.cells)
    return []


def _conflicts_from(cells: list[list[Any]]) -> list[Conflict]:
    header = [squash(str(c)) if c is not None else "" for c in cells[0]]
    if tuple(header[: len(CONFLICT_HEADERS) - 1]) != CONFLICT_HEADERS[:-1]:
        return []
    out = []
    for row in cells[1:]:
        _, name, jst, column, value, source, decision = (list(row) + [None] * 7)[:7]
        if is_empty(name) or is_empty(column):
            continue
        key = (fold(str(name)), fold(str(jst)) if not is_empty(jst) else "")
        out.append(Conflict(key, str(column), "" if value is None else _text(value),
                            str(source or ""), str(name), str(jst or ""),
                            "" if is_empty(decision) else _text(decision)))
    return out


def _text(value: Any) -> str:
    return display(value)


def read_xlsx(path: Path, schema: RegisterSchema, sheet: str | None = None) -> Register:
    """The register of an XLSX file (its main register sheet)."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("plik", f"oczekiwano pliku .xlsx, .csv lub .json, otrzymano {path.name}")
    return read_register(path, schema, sheet)


def read_register(path: Path, schema: RegisterSchema, sheet: str | None = None) -> Register:
    """The main register of ``path`` (``.xlsx``, ``.xls``, ``.csv``, ``.json``): the sheet
    of the schema's table or name, else the first register sheet."""
    registers = read_registers(path, schema, sheet=sheet)
    for want in (lambda r: r.sheet == schema.sheet, lambda r: True):
        for reg in registers:
            if want(reg):
                if reg is not registers[0]:
                    reg.conflicts, reg.notes = registers[0].conflicts, registers[0].notes + \
                        reg.notes
                return reg
    return registers[0]
