"""A register as read from a sheet: every row, every column (known or not), every raw value.

Values stay as the cell held them (text, number, date, a user's own formula) so that a
read–write round trip changes nothing; typed values come from the schema when needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from kkz_xl.registers.schema import RegisterSchema
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty

Row = dict[str, Any]


@dataclass(frozen=True)
class Note:
    """Something the reader or the Dyfuzor did to a file's content, said in Polish: a header
    mapped, an encoding detected, control characters cleaned, a sheet skipped."""

    kind: str  # short Polish category, e.g. "nagłówek", "kodowanie", "znaki sterujące"
    message: str
    sheet: str = ""
    row: int = 0
    column: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"rodzaj": self.kind, "opis": self.message, "arkusz": self.sheet,
                "wiersz": self.row, "kolumna": self.column}


@dataclass(frozen=True, order=True)
class Conflict:
    """One source's value of a column on which the sources of a regional row disagree."""

    key: tuple[str, str]  # normalised (name, JST)
    column: str  # Polish header
    value: str  # the value as text, for comparison and display
    source: str  # provenance entry of the row that holds it
    name: str = field(compare=False, default="")  # display name and JST of the row
    jst: str = field(compare=False, default="")
    decision: str = field(compare=False, default="")  # „Decyzja” typed by a person, if any


@dataclass
class Register:
    """One register table: headers in sheet order, rows as header → raw value."""

    schema: RegisterSchema
    headers: list[str]
    rows: list[Row]
    source: str = ""  # file name, for provenance and messages
    sheet: str = ""
    row_numbers: list[int] = field(default_factory=list)  # sheet row of each row
    conflicts: list[Conflict] = field(default_factory=list)  # carried from a conflicts sheet
    received: dt.date | None = None  # the file's date: when it was sent, for provenance
    notes: list[Note] = field(default_factory=list)  # what reading changed or skipped
    cells_in: int | None = None  # non-empty cells under the header as found in the file
    # Last sheet row of the rows typed straight under an Excel table that did not grow: the
    # in-place writer takes them into the table (they are the register's, not the user's).
    extent: int = 0
    base: bool = False  # the regional register of the previous round (``scal --wynik``)
    # What the Dyfuzor wrote last time, per regional ID: header → digest (hidden sheet), so
    # that a value typed by a person is told from one the Dyfuzor put there.
    written: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sheet:
            self.sheet = self.schema.sheet
        if not self.row_numbers:
            self.row_numbers = list(range(2, 2 + len(self.rows)))

    @classmethod
    def empty(cls, schema: RegisterSchema) -> Register:
        return cls(schema=schema, headers=schema.headers, rows=[])

    @property
    def unknown_headers(self) -> list[str]:
        """Columns the user added that the schema does not know (kept as they are)."""
        return [h for h in self.headers if h not in self.schema.by_header]

    def key(self, row: Row) -> tuple[str, str]:
        """Identity of a row: normalised name and JST (case, spaces, diacritics ignored)."""
        name = row.get(self.schema.header(self.schema.name_key))
        jst = row.get(self.schema.header("jst"))
        return (fold(str(name)) if not is_empty(name) else "",
                fold(str(jst)) if not is_empty(jst) else "")

    def ref(self, index: int) -> str:
        """Provenance entry of row ``index``: ``plik.xlsx:Arkusz:wiersz``."""
        return f"{self.source}:{self.sheet}:{self.row_numbers[index]}"

    def add_rows(self, rows: list[Row]) -> None:
        """Append rows, adding any new column at the right."""
        for row in rows:
            for header in row:
                if header not in self.headers:
                    self.headers.append(header)
        start = (self.row_numbers[-1] + 1) if self.row_numbers else 2
        self.rows.extend(rows)
        self.row_numbers.extend(range(start, start + len(rows)))


def regional_id(schema: RegisterSchema, key: tuple[str, str]) -> str:
    """A stable ID of a regional row, derived from its key (same key, same ID, any order)."""
    digest = hashlib.sha1("\x1f".join(key).encode("utf-8")).hexdigest()[:8].upper()
    return f"{schema.id_prefix}-{digest}"
