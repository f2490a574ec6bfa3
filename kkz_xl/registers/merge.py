"""The Dyfuzor: merging the registers many JSTs send into one regional register.

Rows meet on their key (normalised name + JST). Nothing is lost: every source row is named in
the merged row's „Pochodzenie”, lists are united, and where sources disagree the cell stays
empty, „Konflikty” names the column and every value with its source goes to the conflicts
sheet for a person to decide. The result depends only on the set of rows sent: merging the
same files in another order, twice, or merging a merged register again gives the same register.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kkz_xl.errors import InputError
from kkz_xl.registers.consent import has_contacts, may_keep_contacts
from kkz_xl.registers.register import Conflict, Register, Row, regional_id
from kkz_xl.registers.schema import Column, Kind, Merge, RegisterSchema
from kkz_xl.registers.text import Formula, fold, squash
from kkz_xl.registers.values import is_empty, split_list

TRAIL_SEP = "; "


@dataclass
class MergeResult:
    """The regional register and what happened on the way."""

    register: Register
    ids: dict[tuple[str, str], str]  # key → regional ID, for the conflicts sheet
    input_rows: int
    sources: int
    contacts_removed: int

    @property
    def duplicates_joined(self) -> int:
        return self.input_rows - len(self.register.rows)


def display(value: Any) -> str:
    """A value as text for comparing sources and showing conflicts (``1200`` = ``1200.0``)."""
    if isinstance(value, list | tuple):
        return "; ".join(display(v) for v in value)
    if isinstance(value, bool):
        return "PRAWDA" if value else "FAŁSZ"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return squash(str(value))


def _typed(col: Column | None, value: Any) -> Any:
    """The parsed value where the cell is valid; the raw value (kept, flagged by the check)
    otherwise. Formulas from a sent file become text."""
    if isinstance(value, Formula):
        value = str(value)
    if col is None or is_empty(value):
        return value
    try:
        return col.parse(value)
    except ValueError:
        return value


def _row_key(schema: RegisterSchema, row: Row, origin: str) -> tuple[str, str]:
    name = row.get(schema.header(schema.name_key))
    jst = row.get(schema.header("jst"))
    name_k = fold(str(name)) if not is_empty(name) else ""
    jst_k = fold(str(jst)) if not is_empty(jst) else ""
    if not name_k or not jst_k:
        # An incomplete row cannot meet others; it stays on its own, found by its origin.
        return (name_k or f"?{origin}", jst_k or f"?{origin}")
    return name_k, jst_k


def _canonical(values: list[Any]) -> Any:
    """The spelling shown for a key column: the most frequent, then the one with most Polish
    letters (``Społeczna`` over ``Spoleczna``), then alphabetical."""
    counts = Counter(display(v) for v in values)
    best = min(counts, key=lambda s: (-counts[s], -sum(not ch.isascii() for ch in s), s))
    return best


def _items(col: Column | None, value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [display(v) for v in value]
    if col is not None and col.kind == Kind.CODES:
        parsed = _typed(col, value)
        if isinstance(parsed, list):
            return parsed
    return [squash(v) for v in split_list(display(value))]


def _union(col: Column | None, values: list[Any]) -> Any:
    items = {item for v in values for item in _items(col, v)}
    if not items:
        return None
    if col is not None and col.kind == Kind.CODES:
        try:
            return col.parse(sorted(items))  # known codes come back in the KKZ order
        except ValueError:
            pass  # an unknown code stays as typed; the check reports it
    return "; ".join(sorted(items, key=lambda s: (fold(s), s)))


def merge_registers(registers: Iterable[Register]) -> MergeResult:
    """Merge registers of one kind into a regional register (see the module docstring)."""
    registers = list(registers)
    if not registers:
        raise InputError("pliki", "podaj co najmniej jeden plik rejestru do scalenia")
    schema = registers[0].schema
    if any(r.schema is not schema for r in registers):
        raise InputError("pliki", "nie można scalać katalogu programów z rejestrem liderów")
    trail_h = schema.header("pochodzenie")
    conflicts_h = schema.header("konflikty")
    groups: dict[tuple[str, str], list[tuple[Row, list[str]]]] = defaultdict(list)
    carried: dict[tuple[tuple[str, str], str], set[Conflict]] = defaultdict(set)
    unknown: set[str] = set()
    input_rows = removed = 0
    for reg in registers:
        unknown.update(reg.unknown_headers)
        for c in reg.conflicts:
            carried[(c.key, c.column)].add(c)
        for i, raw in enumerate(reg.rows):
            input_rows += 1
            row = {h: (str(v) if isinstance(v, Formula) else v) for h, v in raw.items()}
            if has_contacts(schema, row) and not may_keep_contacts(schema, row):
                for key in schema.contacts:
                    row[schema.header(key)] = None
                removed += 1
            prior = row.get(trail_h)
            trail = ([s for s in (p.strip() for p in str(prior).split(";")) if s]
                     if not is_empty(prior) else [reg.ref(i)])
            _fill_provenance(schema, row, reg)
            groups[_row_key(schema, row, trail[0])].append((row, trail))

    headers = schema.headers + sorted(unknown - set(schema.headers), key=lambda h: (fold(h), h))
    columns = {h: schema.by_header.get(h) for h in headers}
    rows: list[Row] = []
    conflicts: list[Conflict] = []
    ids: dict[tuple[str, str], str] = {}
    for key in sorted(groups):
        members = groups[key]
        merged: Row = {}
        in_conflict: set[str] = set()
        name = _canonical([r[schema.header(schema.name_key)] for r, _ in members
                           if not is_empty(r.get(schema.header(schema.name_key)))] or [""])
        jst = _canonical([r[schema.header("jst")] for r, _ in members
                          if not is_empty(r.get(schema.header("jst")))] or [""])
        for h, col in columns.items():
            strategy = col.merge if col is not None else Merge.VALUE
            present = [(r[h], t) for r, t in members if not is_empty(r.get(h))]
            if strategy == Merge.ID:
                merged[h] = ids[key] = regional_id(schema, key)
            elif strategy == Merge.KEY:
                merged[h] = _canonical([v for v, _ in present]) if present else None
            elif strategy == Merge.TRAIL:
                merged[h] = TRAIL_SEP.join(sorted({s for _, t in members for s in t}))
            elif h == conflicts_h:
                continue  # filled below, once the conflicting columns are known
            elif strategy == Merge.UNION:
                merged[h] = _union(col, [v for v, _ in present])
            elif strategy == Merge.LATEST and all(
                    isinstance(_typed(col, v), dt.date) for v, _ in present):
                merged[h] = max((_typed(col, v) for v, _ in present), default=None)
            else:
                seen = {Conflict(key, h, display(_typed(col, v)), TRAIL_SEP.join(t), name, jst)
                        for v, t in present} | carried.get((key, h), set())
                if len({c.value for c in seen}) > 1:
                    merged[h] = None
                    in_conflict.add(h)
                    conflicts.extend(seen)
                else:
                    merged[h] = _typed(col, present[0][0]) if present else None
        notes = _union(None, [r[conflicts_h] for r, _ in members
                              if not is_empty(r.get(conflicts_h))] + sorted(in_conflict))
        merged[conflicts_h] = notes
        rows.append(merged)
    out = Register(schema, headers, rows, source="", sheet=schema.sheet,
                   conflicts=sorted(set(conflicts)))
    return MergeResult(out, ids, input_rows, len(registers), removed)


def _fill_provenance(schema: RegisterSchema, row: Row, reg: Register) -> None:
    """Who sent the row and when, if the sender left it empty: the file's name and date."""
    sender, sent = schema.header("przeslal"), schema.header("data_przeslania")
    if is_empty(row.get(sender)) and reg.source:
        row[sender] = reg.source.rsplit(".", 1)[0]
    if is_empty(row.get(sent)) and reg.received is not None:
        row[sent] = reg.received
