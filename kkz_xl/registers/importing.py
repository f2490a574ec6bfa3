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

import yaml

from kkz_xl.errors import DataError, InputError
from kkz_xl.registers.consent import withhold_contacts
from kkz_xl.registers.reading import read_registers
from kkz_xl.registers.register import Register, Row
from kkz_xl.registers.schema import RegisterSchema
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty


@dataclass
class ImportResult:
    register: Register  # the imported rows, with the register's headers
    mapped: dict[str, str]  # source header → register header
    unmapped: list[str] = field(default_factory=list)  # kept as extra columns
    contacts_removed: int = 0
    sources: list[Register] = field(default_factory=list)  # the sheets as read
    sent: list[Row] = field(default_factory=list)  # each row as sent (mapped headers)
    refused: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, header) → why


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


def import_file(path: Path, schema: RegisterSchema, mapping: Mapping[str, str] | None = None,
                *, sheet: str | None = None, sender: str | None = None,
                today: dt.date | None = None) -> ImportResult:
    """Rows of every register-like sheet of ``path`` as register rows; provenance filled,
    contacts without a valid consent removed (and recorded as refused)."""
    path = Path(path)
    mapping = dict(mapping or {})
    for target in mapping.values():
        if target not in schema.by_header and fold(target) not in {
                fold(h) for h in schema.headers}:
            raise InputError("mapowanie", f"rejestr nie ma kolumny „{target}”; są: "
                             + ", ".join(schema.headers))
    by_fold = {fold(h): h for h in schema.headers}
    mapping = {k: by_fold.get(fold(v), v) for k, v in mapping.items()}
    sources = read_registers(path, schema, values=True, sheet=sheet, mapping=mapping,
                             loose=True)
    mapped: dict[str, str] = {}
    for reg in sources:
        for note in reg.notes:
            if note.kind == "nagłówek" and note.column:
                mapped[note.message.split("”")[0].lstrip("„")] = note.column
    known = set(schema.headers)
    unmapped = [h for reg in sources for h in reg.headers if h not in known]
    for h in schema.headers:
        if any(h in reg.headers for reg in sources) and h not in mapped.values():
            mapped.setdefault(h, h)
    headers = schema.headers + list(dict.fromkeys(unmapped))
    rows: list[Row] = []
    sent: list[Row] = []
    refs: list[int] = []
    for reg in sources:
        for i, row in enumerate(reg.rows):
            sent.append(dict(row))
            rows.append(dict(row))
            refs.append(reg.row_numbers[i])
    register = Register(schema, headers, rows, source=path.name, sheet=sheet or path.stem,
                        row_numbers=refs or [])
    who, when = schema.header("przeslal"), schema.header("data_przeslania")
    refused: dict[tuple[int, str], str] = {}
    removed = 0
    for i, row in enumerate(rows):
        changed, reason = withhold_contacts(schema, row, today)
        for h in changed:
            refused[(i, h)] = f"dane kontaktowe usunięte: {reason}"
        removed += bool(changed)
        if is_empty(row.get(who)):
            row[who] = sender or path.stem
        if is_empty(row.get(when)):
            row[when] = today or dt.date.today()
    return ImportResult(register, mapped, list(dict.fromkeys(unmapped)), removed, sources,
                        sent, refused)
