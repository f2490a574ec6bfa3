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
from dataclasses import dataclass, field, replace
from typing import Any

from kkz_xl.errors import InputError
from kkz_xl.registers.compare import _typed, display, value_digest
from kkz_xl.registers.consent import (
    consent_of,
    contact_headers,
    find_contacts,
    mask_contacts,
    remove_contacts,
    text_headers,
    withhold_contacts,
)
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
    # Where each source row went: placement[file][row] is the key of its regional row.
    placement: list[list[tuple[str, str]]] = field(default_factory=list)
    # Source cells refused, with the Polish reason: (file, row, header) → reason.
    refused: dict[tuple[int, int, str], str] = field(default_factory=dict)
    decisions: int = 0  # conflicts settled by a person's „Decyzja”
    # Cells of the previous round's regional register that a fresh value sent by the
    # sources replaced (file, row, header).
    superseded: set[tuple[int, int, str]] = field(default_factory=set)

    @property
    def duplicates_joined(self) -> int:
        return self.input_rows - len(self.register.rows)


# What a person may type in „Decyzja” to pick the value of that conflict row.
PICK = frozenset({"tak", "x", "v", "✓", "✔", "ta", "ten", "ta wartość", "wybieram", "ok"})


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
    """The spelling shown for a key column: the most frequent, then not ALL CAPS (``Bodzanów``
    over ``BODZANÓW``), then the one with most Polish letters (``Społeczna`` over
    ``Spoleczna``), then alphabetical."""
    counts = Counter(display(v) for v in values)
    best = min(counts, key=lambda s: (-counts[s], s.isupper() and len(s) > 1,
                                      -sum(not ch.isascii() for ch in s), s != s.strip(), s))
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


@dataclass
class _Member:
    """A source row in its group, with what the merge needs to know of it."""

    row: Row
    trail: list[str]
    ri: int  # index of its register
    i: int  # index of the row in it
    edits: dict[str, str]  # header → value a person typed into the regional register
    stale: bool  # a row the Dyfuzor wrote (its state is known): unchanged cells are echoes
    source: str
    base: bool = False  # from the previous round's regional register
    regional: bool = False  # a merged row (it has „Pochodzenie”): its values are merged ones
    changed: frozenset[str] = frozenset()  # cells changed since the Dyfuzor wrote them

    def __iter__(self) -> Any:  # unpacks as (row, trail, ri, i)
        return iter((self.row, self.trail, self.ri, self.i))


def _edits(schema: RegisterSchema, reg: Register, row: Row) -> dict[str, str] | None:
    """Cells of a regional register that differ from what the Dyfuzor wrote (its hidden
    sheet): typed by a person. Only columns whose values must agree count. ``None`` when
    the row is not one the Dyfuzor wrote."""
    if not reg.written:
        return None
    written = reg.written.get(display(row.get(schema.header("id"))))
    if written is None:
        return None
    out = {}
    for h, value in row.items():
        col = schema.by_header.get(h)
        if is_empty(value) or (col is not None and col.merge != Merge.VALUE):
            continue
        if written.get(h) != value_digest(col, value):
            out[h] = display(_typed(col, value))
    return out


def _decided(entries: Iterable[Conflict]) -> str | None:
    """The value a person chose for one conflict: the text typed in „Decyzja”, or the row's
    own value where „tak” (or ✓, x) was typed; ``None`` when undecided or decided two ways."""
    chosen = {c.value if fold(c.decision) in PICK else c.decision
              for c in entries if c.decision}
    return chosen.pop() if len(chosen) == 1 else None


def _with_decision(entries: Iterable[Conflict], decision: str | None) -> list[Conflict]:
    return [replace(c, decision=decision or c.decision) for c in entries]


def _statement(schema: RegisterSchema, row: Row) -> tuple[Any, Any, Any, Any] | None:
    """A row's consent statement: (date, scope, raw date, raw scope), parsed where valid."""
    dh, sh = schema.header("zgoda_data"), schema.header("zgoda_zakres")
    raw_d, raw_s = row.get(dh), row.get(sh)
    if is_empty(raw_d) and is_empty(raw_s):
        return None
    try:
        day = schema.by_key["zgoda_data"].parse(raw_d)
    except ValueError:
        day = None
    try:
        scope = schema.by_key["zgoda_zakres"].parse(raw_s)
    except ValueError:
        scope = None
    return day, scope, raw_d, raw_s


def merge_registers(registers: Iterable[Register], *, today: dt.date | None = None
                    ) -> MergeResult:
    """Merge registers of one kind into a regional register (see the module docstring)."""
    registers = list(registers)
    today = today or dt.date.today()
    if not registers:
        raise InputError("pliki", "podaj co najmniej jeden plik rejestru do scalenia")
    schema = registers[0].schema
    if any(r.schema is not schema for r in registers):
        raise InputError("pliki", "nie można scalać katalogu programów z rejestrem liderów")
    trail_h = schema.header("pochodzenie")
    conflicts_h = schema.header("konflikty")
    id_h = schema.header("id")
    source_id_h = schema.header("id_zgloszenia")
    consent_hs = ((schema.header("zgoda_data"), schema.header("zgoda_zakres"))
                  if "zgoda_data" in schema.by_key else ())
    groups: dict[tuple[str, str], list[_Member]] = defaultdict(list)
    carried: dict[tuple[tuple[str, str], str], dict[Conflict, Conflict]] = defaultdict(dict)
    placement: list[list[tuple[str, str]]] = []
    refused: dict[tuple[int, int, str], str] = {}
    unknown: set[str] = set()
    input_rows = 0
    removed_rows: set[tuple[int, int]] = set()
    superseded: set[tuple[int, int, str]] = set()
    for ri, reg in enumerate(registers):
        unknown.update(reg.unknown_headers)
        for c in reg.conflicts:
            carried[(c.key, c.column)].setdefault(c, c)
        placement.append([])
        for i, raw in enumerate(reg.rows):
            input_rows += 1
            row = {h: (str(v) if isinstance(v, Formula) else v) for h, v in raw.items()}
            unknown.update(h for h in row if h not in schema.by_header)
            withheld, reason = withhold_contacts(schema, row, today)
            for h in withheld:
                refused[(ri, i, h)] = f"dane kontaktowe usunięte: {reason}"
                removed_rows.add((ri, i))
            prior = row.get(trail_h)
            trail = ([s for s in (p.strip() for p in str(prior).split(";")) if s]
                     if not is_empty(prior) else [reg.ref(i)])
            state = _edits(schema, reg, row)
            edits = state or {}
            if edits and not reg.base:
                # A regional file sent back with changes: the change is its sender's.
                trail.append(reg.ref(i))
                sender = schema.header("przeslal")
                row[sender] = _union(None, [row.get(sender), reg.source.rsplit(".", 1)[0]])
            _fill_provenance(schema, row, reg)
            key = _row_key(schema, row, trail[0])
            groups[key].append(_Member(row, trail, ri, i, edits if reg.base else {},
                                       state is not None, reg.source, reg.base,
                                       not is_empty(prior), frozenset(edits)))
            placement[ri].append(key)

    headers = schema.headers + sorted(unknown - set(schema.headers), key=lambda h: (fold(h), h))
    columns = {h: schema.by_header.get(h) for h in headers}
    rows: list[Row] = []
    conflicts: list[Conflict] = []
    ids: dict[tuple[str, str], str] = {}
    decisions = 0
    for key in sorted(groups):
        members = groups[key]
        merged: Row = {}
        in_conflict: set[str] = set()
        row_conflicts: list[Conflict] = []
        name = _canonical([r[schema.header(schema.name_key)] for r, *_ in members
                           if not is_empty(r.get(schema.header(schema.name_key)))] or [""])
        jst = _canonical([r[schema.header("jst")] for r, *_ in members
                          if not is_empty(r.get(schema.header("jst")))] or [""])
        ids[key] = regional_id(schema, key)
        for h, col in columns.items():
            strategy = col.merge if col is not None else Merge.VALUE
            present = [(r[h], t) for r, t, *_ in members if not is_empty(r.get(h))]
            if strategy == Merge.ID:
                merged[h] = ids[key]
            elif h in consent_hs or h == conflicts_h:
                continue  # consent as one statement, and the conflict notes: below
            elif strategy == Merge.KEY:
                merged[h] = _canonical([v for v, _ in present]) if present else None
            elif strategy == Merge.TRAIL:
                merged[h] = TRAIL_SEP.join(sorted({s for _, t, *_ in members for s in t}))
            elif h == source_id_h:
                own = [r[id_h] for r, *_ in members if not is_empty(r.get(id_h))
                       and display(r[id_h]) != ids[key]]
                merged[h] = _union(col, [v for v, _ in present] + own)
            elif strategy == Merge.UNION:
                merged[h] = _union(col, [v for v, _ in present])
            elif strategy == Merge.LATEST and all(
                    isinstance(_typed(col, v), dt.date) for v, _ in present):
                merged[h] = max((_typed(col, v) for v, _ in present), default=None)
            else:
                seen = dict(carried.get((key, h), {}))
                # An unchanged cell of a regional file (the previous round's register, or
                # one a gmina sent back) echoes the Dyfuzor: a value sent anew wins over it.
                fresh = any(not is_empty(m.row.get(h)) and not (m.stale and h not in m.changed)
                            for m in members)
                in_base = any(m.base and not is_empty(m.row.get(h)) for m in members)
                for m in members:
                    v = m.row.get(h)
                    if is_empty(v):
                        continue
                    if h in m.edits:  # typed into the regional register: a decision
                        c = Conflict(key, h, m.edits[h], f"{m.source}: wpis ręczny", name, jst,
                                     m.edits[h])
                    elif m.stale and h not in m.changed and (
                            fresh or (key, h) in carried or (in_base and not m.base)):
                        # Replaced by a fresh value, the outcome of a recorded conflict, or
                        # an older echo of what the current regional register holds.
                        superseded.add((m.ri, m.i, h))
                        continue
                    elif m.regional and (key, h) in carried and h not in m.changed:
                        continue  # the outcome of a recorded conflict, not another source
                    else:
                        c = Conflict(key, h, display(_typed(col, v)), TRAIL_SEP.join(m.trail),
                                     name, jst)
                    seen.setdefault(c, c)
                decision = _decided(seen) if any(c.decision for c in seen) else None
                if decision is not None:
                    row_conflicts.extend(_with_decision(seen, decision))
                    merged[h] = _typed(col, decision)
                    decisions += len({c.value for c in seen}) > 1
                elif len({c.value for c in seen}) > 1:
                    row_conflicts.extend(seen)
                    merged[h] = None
                    in_conflict.add(h)
                else:
                    kept = [m.row[h] for m in members if not is_empty(m.row.get(h))
                            and (m.ri, m.i, h) not in superseded]
                    merged[h] = _typed(col, kept[0]) if kept else None
        if consent_hs:
            decided = _merge_consent(schema, key, name, jst, members, carried, merged,
                                     row_conflicts, in_conflict, today)
            decisions += decided
        notes = [n for r, *_ in members if not is_empty(r.get(conflicts_h))
                 for n in _items(None, r[conflicts_h]) if n not in columns]
        merged[conflicts_h] = _union(None, notes + sorted(in_conflict))
        consent = consent_of(schema, merged, today)
        if not consent.valid:
            _drop_contacts(schema, merged, members, row_conflicts, in_conflict, refused,
                           removed_rows, consent.reason)
            merged[conflicts_h] = _union(None, notes + sorted(in_conflict))
        conflicts.extend(row_conflicts)
        rows.append(merged)
    out = Register(schema, headers, rows, source="", sheet=schema.sheet,
                   conflicts=sorted(set(conflicts)))
    return MergeResult(out, ids, input_rows, len(registers), len(removed_rows), placement,
                       refused, decisions, superseded)


def _merge_consent(schema: RegisterSchema, key: tuple[str, str], name: str, jst: str,
                   members: list[Any], carried: dict[Any, dict[Conflict, Conflict]],
                   merged: Row, row_conflicts: list[Conflict], in_conflict: set[str],
                   today: dt.date) -> int:
    """Consent is one statement (date and scope): the latest dated valid statement wins, so a
    later withdrawal removes the contacts; two statements of one day that differ, and a
    statement dated in the future or incomplete, are a conflict: no consent until a person
    decides in „Decyzja”. Returns the number of decisions applied."""
    dh, sh = schema.header("zgoda_data"), schema.header("zgoda_zakres")
    stmts = [(st, TRAIL_SEP.join(t)) for r, t, *_ in members
             if (st := _statement(schema, r)) is not None]
    valid = [(d, s, src) for (d, s, _, _), src in stmts
             if d is not None and s is not None and d <= today]
    invalid = [(st, src) for st, src in stmts
               if not (st[0] is not None and st[1] is not None and st[0] <= today)]
    seen_d = dict(carried.get((key, dh), {}))
    seen_s = dict(carried.get((key, sh), {}))
    latest = max((d for d, _, _ in valid), default=None)
    top = {s for d, s, _ in valid if d == latest}
    disputed = bool(invalid) or len(top) > 1 or bool(seen_d) or bool(seen_s)
    if not disputed:
        merged[dh], merged[sh] = latest, (top.pop() if top else None)
        return 0
    for (d, s, raw_d, raw_s), src in stmts:
        for h, v, raw, seen in ((dh, d, raw_d, seen_d), (sh, s, raw_s, seen_s)):
            c = Conflict(key, h, display(v if v is not None else raw) if not is_empty(raw)
                         else "", src, name, jst)
            seen.setdefault(c, c)
    decision_d, decision_s = _decided(seen_d.values()), _decided(seen_s.values())
    row_conflicts.extend(_with_decision(seen_d, decision_d))
    row_conflicts.extend(_with_decision(seen_s, decision_s))
    if decision_d is not None and decision_s is not None:
        merged[dh] = _typed(schema.by_header[dh], decision_d)
        merged[sh] = _typed(schema.by_header[sh], decision_s)
        return 2
    merged[dh] = merged[sh] = None
    in_conflict.update((dh, sh))
    return 0


def _drop_contacts(schema: RegisterSchema, merged: Row, members: list[Any],
                   row_conflicts: list[Conflict], in_conflict: set[str],
                   refused: dict[tuple[int, int, str], str],
                   removed_rows: set[tuple[int, int]], reason: str) -> None:
    """No valid consent for the regional row: its contacts go, also from the conflicts.

    A conflict the removal leaves with nothing to decide is settled here, so that the next
    round (which reads only the masked values) comes to the same register: a contact
    column's values are all gone (the cell stays empty), and text values that differed only
    in their contacts agree once masked (the cell gets the masked text)."""
    changed = set(remove_contacts(schema, merged))
    contacts = set(contact_headers(schema, merged))
    texts = set(text_headers(schema, merged))
    for row, _, ri, i in members:
        for h, value in row.items():
            if is_empty(value):
                continue
            if h in contacts or (h in texts and isinstance(value, str) and find_contacts(value)):
                refused[(ri, i, h)] = f"dane kontaktowe usunięte: {reason}"
                removed_rows.add((ri, i))
    del changed
    kept = []
    for c in row_conflicts:
        if c.column in contacts:
            continue
        if c.column in texts and find_contacts(c.value):
            c = replace(c, value=mask_contacts(c.value))
        if c.column in texts and c.decision and find_contacts(c.decision):
            c = replace(c, decision=mask_contacts(c.decision))
        kept.append(c)
    in_conflict.difference_update(contacts)
    for h in sorted(in_conflict & texts):
        entries = [c for c in kept if c.column == h]
        values = {c.value for c in entries}
        if len(values) == 1 and not any(c.decision for c in entries):
            merged[h] = _typed(schema.by_header.get(h), values.pop())
            in_conflict.discard(h)
            kept = [c for c in kept if c.column != h]
    row_conflicts[:] = kept


def _fill_provenance(schema: RegisterSchema, row: Row, reg: Register) -> None:
    """Who sent the row and when, if the sender left it empty: the file's name and date."""
    sender, sent = schema.header("przeslal"), schema.header("data_przeslania")
    if is_empty(row.get(sender)) and reg.source:
        row[sender] = reg.source.rsplit(".", 1)[0]
    if is_empty(row.get(sent)) and reg.received is not None:
        row[sent] = reg.received
