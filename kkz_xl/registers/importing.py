"""Importing rows from a CSV, XLSX or JSON file of another shape, with a column mapping.

Columns are matched to the register's headers by the mapping the user gives, then by name
(case, spaces and diacritics ignored, the schema's field keys accepted too). Columns that match
nothing are kept as extra columns, so nothing sent is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from kkz_xl.errors import DataError, InputError
from kkz_xl.registers.consent import strip_unconsented
from kkz_xl.registers.reading import read_csv_rows, read_json_rows
from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import RegisterSchema
from kkz_xl.registers.text import fold, squash
from kkz_xl.registers.values import is_empty


@dataclass
class ImportResult:
    register: Register  # the imported rows, with the register's headers
    mapped: dict[str, str]  # source header → register header
    unmapped: list[str] = field(default_factory=list)  # kept as extra columns
    contacts_removed: int = 0


def load_mapping(path: Path) -> dict[str, str]:
    """A mapping file: a YAML or JSON object ``{"source column": "register column"}``."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise DataError(f"{Path(path).name}: niepoprawny plik mapowania kolumn ({err})") from err
    if not isinstance(data, dict):
        raise DataError(f"{Path(path).name}: oczekiwano par „kolumna źródłowa: kolumna rejestru”")
    return {str(k): str(v) for k, v in data.items()}


def parse_mapping_args(pairs: list[str]) -> dict[str, str]:
    """``["Nazwa=Nazwa programu", …]`` from the command line."""
    out = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise InputError("--kolumna", f"oczekiwano „kolumna źródłowa=kolumna rejestru”, "
                             f"otrzymano „{pair}”")
        out[source.strip()] = target.strip()
    return out


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], list[list[Any]]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError("--arkusz", f"brak arkusza „{sheet}”; są: {', '.join(wb.sheetnames)}")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    grid = [r for r in grid if not all(is_empty(c) for c in r)]
    if not grid:
        raise DataError(f"{path.name}: arkusz jest pusty")
    header = [squash(str(c)) if not is_empty(c) else f"Kolumna {i + 1}"
              for i, c in enumerate(grid[0])]
    return header, grid[1:]


def source_rows(path: Path, sheet: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a source file (.csv, .xlsx, .json)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_rows(path)
    if suffix == ".json":
        return read_json_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, sheet)
    raise InputError("plik", f"obsługiwane formaty: .csv, .xlsx, .json; otrzymano {path.name}")


def resolve_mapping(schema: RegisterSchema, source_headers: list[str],
                    mapping: Mapping[str, str]) -> dict[str, str]:
    """Source header → register header, from the user's mapping and then by name."""
    targets = {fold(h): h for h in schema.headers}
    targets.update({fold(c.key): c.header for c in schema.columns})
    out: dict[str, str] = {}
    by_fold = {fold(h): h for h in source_headers}
    for source, target in mapping.items():
        if fold(source) not in by_fold:
            raise InputError("mapowanie", f"w pliku źródłowym nie ma kolumny „{source}”; są: "
                             + ", ".join(source_headers))
        if fold(target) not in targets:
            raise InputError("mapowanie", f"rejestr nie ma kolumny „{target}”; są: "
                             + ", ".join(schema.headers))
        out[by_fold[fold(source)]] = targets[fold(target)]
    for header in source_headers:
        if header not in out and fold(header) in targets:
            out[header] = targets[fold(header)]
    taken: dict[str, str] = {}
    for source, target in out.items():
        if target in taken:
            raise InputError("mapowanie", f"kolumny „{taken[target]}” i „{source}” wskazują tę "
                             f"samą kolumnę rejestru „{target}”")
        taken[target] = source
    return out


def import_file(path: Path, schema: RegisterSchema, mapping: Mapping[str, str] | None = None,
                *, sheet: str | None = None, sender: str | None = None,
                today: dt.date | None = None) -> ImportResult:
    """Rows of ``path`` as register rows; provenance filled, unconsented contacts removed."""
    path = Path(path)
    header, body = source_rows(path, sheet)
    resolved = resolve_mapping(schema, header, mapping or {})
    unmapped = [h for h in header if h not in resolved]
    names = [resolved.get(h, h) for h in header]
    rows = []
    for cells in body:
        if all(is_empty(c) for c in cells):
            continue
        rows.append({n: (cells[i] if i < len(cells) else None) for i, n in enumerate(names)})
    headers = schema.headers + [h for h in unmapped if h not in schema.headers]
    register = Register(schema, headers, rows, source=path.name, sheet=sheet or path.stem)
    who, when = schema.header("przeslal"), schema.header("data_przeslania")
    for row in rows:
        if is_empty(row.get(who)):
            row[who] = sender or path.stem
        if is_empty(row.get(when)):
            row[when] = today or dt.date.today()
    removed = strip_unconsented(register)
    return ImportResult(register, resolved, unmapped, removed)
