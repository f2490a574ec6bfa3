"""The reconciliation: where every source row and every non-empty source cell went.

Each cell a file brought is, after ``sprawdz``, ``importuj`` or ``scal``, in exactly one place:
in the register (placed), in a regional row it was joined with as a duplicate, on the
„Konflikty” sheet, or refused with a Polish reason (a contact without consent, a file that
cannot be read). What fits nowhere is *lost*; the balance is computed by looking at the
result, not by trusting the code that made it, so a lost cell shows up as an error.

The result is plain data (``to_dict`` gives JSON-ready dicts) for the terminal, the
„Uzgodnienie” sheet and any other view (a web page).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kkz_xl.registers.compare import _typed, display
from kkz_xl.registers.merge import TRAIL_SEP, MergeResult, _items
from kkz_xl.registers.register import Note, Register, Row
from kkz_xl.registers.schema import Merge, RegisterSchema
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty

ACCEPTED = "przyjęty"
REFUSED = "odrzucony"
# Polish labels of the balance's columns, in the order shown (terminal, sheet, web page).
LABELS: dict[str, str] = {
    "plik": "Plik",
    "status": "Status",
    "wiersze_we": "Wiersze przesłane",
    "wiersze_umieszczone": "Wiersze umieszczone",
    "wiersze_polaczone": "Wiersze połączone (powtórzenia)",
    "wiersze_odrzucone": "Wiersze odrzucone",
    "wiersze_utracone": "Wiersze utracone",
    "komorki_we": "Komórki przesłane",
    "komorki_umieszczone": "Komórki umieszczone",
    "komorki_polaczone": "Komórki połączone",
    "komorki_konflikty": "Komórki w Konfliktach",
    "komorki_odrzucone": "Komórki odrzucone",
    "komorki_utracone": "Komórki utracone",
    "powod": "Powód odrzucenia",
}
COUNTS = [k for k in LABELS if k not in ("plik", "status", "powod")]


@dataclass
class FileBalance:
    """One file's balance (all its register sheets together)."""

    file: str
    status: str = ACCEPTED
    reason: str = ""  # why the file was refused
    sheets: list[str] = field(default_factory=list)
    rows_in: int = 0
    rows_placed: int = 0
    rows_joined: int = 0
    rows_refused: int = 0
    cells_in: int = 0
    cells_placed: int = 0
    cells_joined: int = 0
    cells_conflict: int = 0
    cells_refused: int = 0
    refused_reasons: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)  # where a lost cell or row was
    notes: list[Note] = field(default_factory=list)

    @property
    def rows_lost(self) -> int:
        return self.rows_in - self.rows_placed - self.rows_joined - self.rows_refused

    @property
    def cells_lost(self) -> int:
        return (self.cells_in - self.cells_placed - self.cells_joined - self.cells_conflict
                - self.cells_refused)

    @property
    def balanced(self) -> bool:
        return self.rows_lost == 0 and self.cells_lost == 0

    def counts(self) -> dict[str, int]:
        return {"wiersze_we": self.rows_in, "wiersze_umieszczone": self.rows_placed,
                "wiersze_polaczone": self.rows_joined, "wiersze_odrzucone": self.rows_refused,
                "wiersze_utracone": self.rows_lost, "komorki_we": self.cells_in,
                "komorki_umieszczone": self.cells_placed, "komorki_polaczone": self.cells_joined,
                "komorki_konflikty": self.cells_conflict, "komorki_odrzucone": self.cells_refused,
                "komorki_utracone": self.cells_lost}

    def to_dict(self) -> dict[str, Any]:
        return {"plik": self.file, "status": self.status, "powod": self.reason,
                "arkusze": list(self.sheets), **self.counts(),
                "powody_odrzucenia": dict(self.refused_reasons),
                "utracone": list(self.lost), "uwagi": [n.as_dict() for n in self.notes]}


@dataclass
class Reconciliation:
    """The balance of one command over its files."""

    command: str  # "sprawdz", "importuj", "scal"
    files: list[FileBalance] = field(default_factory=list)
    made: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def totals(self) -> dict[str, int]:
        out = Counter[str]()
        for f in self.files:
            out.update(f.counts())
        return {k: out[k] for k in COUNTS}

    @property
    def balanced(self) -> bool:
        return all(f.balanced for f in self.files)

    @property
    def refused_files(self) -> list[FileBalance]:
        return [f for f in self.files if f.status == REFUSED]

    def to_dict(self) -> dict[str, Any]:
        return {"polecenie": self.command, "czas": self.made.isoformat(),
                "uzgodnione": self.balanced, "etykiety": LABELS,
                "pliki": [f.to_dict() for f in self.files], "razem": self.totals()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _filled(row: Row) -> list[tuple[str, Any]]:
    return [(h, v) for h, v in row.items() if not is_empty(v)]


def _cells_in(reg: Register) -> int:
    return reg.cells_in if reg.cells_in is not None else sum(len(_filled(r)) for r in reg.rows)


def _start(file: str, registers: list[Register]) -> FileBalance:
    balance = FileBalance(file, sheets=[r.sheet for r in registers])
    for reg in registers:
        balance.rows_in += len(reg.rows)
        balance.cells_in += _cells_in(reg)
        balance.notes.extend(reg.notes)
    return balance


def refused_file(file: str, reason: str) -> FileBalance:
    """A file that could not be read at all: refused with its reason."""
    return FileBalance(file, status=REFUSED, reason=reason)


def reading_balance(file: str, registers: list[Register]) -> FileBalance:
    """``sprawdz``: every cell found under the header is in the rows that were read."""
    balance = _start(file, registers)
    for reg in registers:
        balance.rows_placed += len(reg.rows)
        balance.cells_placed += sum(len(_filled(r)) for r in reg.rows)
    return balance


def import_balance(file: str, registers: list[Register], sent: list[Row], placed: list[Row],
                   refused: dict[tuple[int, str], str]) -> FileBalance:
    """``importuj``: each sent row (as mapped) against the row appended to the register."""
    balance = _start(file, registers)
    for i, (row, out) in enumerate(zip(sent, placed, strict=True)):
        balance.rows_placed += 1
        for h, value in _filled(row):
            if (i, h) in refused:
                balance.cells_refused += 1
                balance.refused_reasons[refused[(i, h)]] += 1
            elif display(out.get(h)) == display(value):
                balance.cells_placed += 1
            else:
                balance.lost.append(f"wiersz {i + 1}, kolumna „{h}”")
    return balance


class _Output:
    """The merged register, indexed for finding where a source value went."""

    def __init__(self, result: MergeResult) -> None:
        reg = result.register
        self.schema: RegisterSchema = reg.schema
        id_h = self.schema.header("id")
        by_id = {r.get(id_h): r for r in reg.rows}
        self.rows = {key: by_id.get(ident) for key, ident in result.ids.items()}
        self.conflicts = {(c.key, c.column, c.value) for c in reg.conflicts}

    def where(self, key: tuple[str, str], h: str, value: Any, row: Row) -> str | None:
        """"ok" (in the regional row), "konflikt", or ``None`` (not found: lost)."""
        out = self.rows.get(key)
        if out is None:
            return None
        schema = self.schema
        col = schema.by_header.get(h)
        strategy = col.merge if col is not None else Merge.VALUE
        got = out.get(h)
        if strategy == Merge.ID:
            ids = _items(None, out.get(schema.header("id_zgloszenia"))) if not is_empty(
                out.get(schema.header("id_zgloszenia"))) else []
            return "ok" if display(value) in (display(got), *ids) else None
        if strategy == Merge.KEY:
            return "ok" if fold(display(value)) == fold(display(got)) else None
        if h == schema.header("konflikty"):
            # A column named here was in conflict; settled since, it is no longer listed.
            have = set(_items(None, got)) if not is_empty(got) else set()
            return "ok" if all(n in have or n in out for n in _items(None, value)) else None
        if is_empty(got) and (key, h, display(_typed(col, value))) not in self.conflicts:
            return None
        if strategy == Merge.TRAIL:
            have = set(str(got).split(TRAIL_SEP))
            return "ok" if {s.strip() for s in str(value).split(";") if s.strip()} <= have \
                else None
        if strategy == Merge.UNION:
            return "ok" if set(_items(col, value)) <= set(_items(col, got)) else None
        typed = _typed(col, value)
        if display(typed) == display(_typed(col, got)):
            return "ok"
        if strategy == Merge.LATEST and isinstance(typed, dt.date) and isinstance(
                _typed(col, got), dt.date) and typed <= _typed(col, got):
            return "ok"  # an older date of update or sending: superseded by the latest
        if (key, h, display(typed)) in self.conflicts:
            return "konflikt"
        if "zgoda_data" in schema.by_key and h in (schema.header("zgoda_data"),
                                                   schema.header("zgoda_zakres")):
            # An earlier consent statement, superseded by a later dated one.
            mine = _typed(schema.by_key["zgoda_data"], row.get(schema.header("zgoda_data")))
            won = _typed(schema.by_key["zgoda_data"], out.get(schema.header("zgoda_data")))
            if isinstance(mine, dt.date) and isinstance(won, dt.date) and mine < won:
                return "ok"
        return None


def merge_balance(files: list[tuple[str, list[Register]]], registers: list[Register],
                  result: MergeResult) -> list[FileBalance]:
    """``scal``: every cell of every source row looked up in the regional register.

    ``registers`` is the list given to :func:`merge_registers` (in order), ``files`` groups
    them by file.
    """
    output = _Output(result)
    trail_h = output.schema.header("pochodzenie")
    index = {id(reg): ri for ri, reg in enumerate(registers)}
    firsts: dict[tuple[str, str], tuple[str, int, int]] = {}
    for ri, reg in enumerate(registers):
        for i, key in enumerate(result.placement[ri]):
            ref = (reg.ref(i), ri, i)
            if key not in firsts or ref < firsts[key]:
                firsts[key] = ref
    out: list[FileBalance] = []
    for file, regs in files:
        balance = _start(file, regs)
        for reg in regs:
            ri = index[id(reg)]
            for i, row in enumerate(reg.rows):
                key = result.placement[ri][i]
                out_row = output.rows.get(key)
                first = firsts[key][1:] == (ri, i)
                trail = row.get(trail_h)
                refs = ([s.strip() for s in str(trail).split(";") if s.strip()]
                        if not is_empty(trail) else [reg.ref(i)])
                have = set(str(out_row.get(trail_h, "")).split(TRAIL_SEP)) if out_row else set()
                if out_row is None or not set(refs) <= have:
                    balance.lost.append(f"{reg.ref(i)}: wiersz")
                elif first:
                    balance.rows_placed += 1
                else:
                    balance.rows_joined += 1
                for h, value in _filled(row):
                    reason = result.refused.get((ri, i, h))
                    if reason is not None:
                        balance.cells_refused += 1
                        balance.refused_reasons[reason] += 1
                        continue
                    if (ri, i, h) in result.superseded:
                        balance.cells_joined += 1  # last round's value, replaced by a fresh one
                        continue
                    where = output.where(key, h, value, row)
                    if where == "konflikt":
                        balance.cells_conflict += 1
                    elif where == "ok" and first:
                        balance.cells_placed += 1
                    elif where == "ok":
                        balance.cells_joined += 1
                    else:
                        balance.lost.append(f"{reg.ref(i)}, kolumna „{h}”")
        out.append(balance)
    return out

