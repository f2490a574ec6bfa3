"""Excel functions 12 and 13 (``KKZ_KATALOG``, ``KKZ_LIDERZY``) over the register tables.

Excel hands the table (with its header row) as a list of rows, a numpy array, or one row;
the answer spills: the table's header row, then the matching rows.
"""

from __future__ import annotations

import contextlib
from typing import Any

from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_plain
from kkz_xl.registers.consent import (
    contact_headers,
    mask_contacts,
    may_keep_contacts,
    releasable,
)
from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import CATALOGUE, LEADERS, Kind, RegisterSchema
from kkz_xl.registers.search import search
from kkz_xl.registers.text import fold, squash
from kkz_xl.registers.values import is_empty


def _grid(tabela: Any) -> list[list[Any]]:
    if hasattr(tabela, "tolist"):
        tabela = tabela.tolist()
    if not isinstance(tabela, list | tuple) or not tabela:
        raise InputError("tabela", "oczekiwano zakresu tabeli z wierszem nagłówków "
                         f"(np. TabKatalog[#Wszystko]), otrzymano {fmt_plain(tabela)}")
    if not all(isinstance(r, list | tuple) for r in tabela):
        raise InputError("tabela", "oczekiwano zakresu o co najmniej dwóch wierszach: "
                         "nagłówki i dane")
    return [list(r) for r in tabela]


def _register(tabela: Any, schema: RegisterSchema, needed: tuple[str, ...]) -> Register:
    grid = _grid(tabela)
    headers = [squash(str(h)) if not is_empty(h) else "" for h in grid[0]]
    folded = {fold(h): h for h in headers}
    for key in needed:
        if fold(schema.header(key)) not in folded:
            raise InputError("tabela", f"brak kolumny „{schema.header(key)}” w pierwszym "
                             "wierszu zakresu; zaznacz tabelę razem z nagłówkami")
    # Rows keep the table's own header texts; lookups go through the schema's spelling.
    alias = {schema.header(k): folded[fold(schema.header(k))] for k in schema.by_key
             if fold(schema.header(k)) in folded}
    rows = []
    for cells in grid[1:]:
        if all(is_empty(c) for c in cells):
            continue
        row = dict(zip(headers, cells, strict=False))
        row.update({canon: row.get(own) for canon, own in alias.items()})
        rows.append(row)
    return Register(schema, headers, rows)


def _answer_row(register: Register, row: dict[str, Any], hidden: set[str] = frozenset()
                ) -> list[Any]:
    """A row of the answer in the table's column order. A date column's value is a date,
    whether the table held a date (classic xlwings) or its serial number (Office.js), so both
    runtimes show the same date; ``hidden`` columns are blanked."""
    dates = {fold(c.header): c for c in register.schema.columns if c.kind is Kind.DATE}
    out = []
    for header in register.headers:
        value = None if header in hidden else row.get(header)
        column = dates.get(fold(header))
        if column is not None and not is_empty(value):
            with contextlib.suppress(ValueError):  # not a date after all: shown as typed
                value = column.parse(value)
        out.append(value)
    return out


def _limit(limit: Any) -> int | None:
    if is_empty(limit):
        return None
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1 \
            or float(limit) != int(limit):
        raise InputError("limit", f"oczekiwano liczby całkowitej ≥ 1, otrzymano {fmt_plain(limit)}")
    return int(limit)


def _optional_text(name: str, value: Any) -> str | None:
    if is_empty(value):
        return None
    if not isinstance(value, str):
        raise InputError(name, f"oczekiwano tekstu, otrzymano {fmt_plain(value)}")
    return value


def catalogue_for_issue(tabela: Any, kwestia: Any, limit: Any = None) -> list[list[Any]]:
    """``KKZ_KATALOG``: the table's programmes for issue ``kwestia``, best evidence first.

    Order: evidence level ascending (1 = controlled study), then success rate descending;
    rows without a level come last. Returns the header row and the rows (header only if none).
    """
    code = _optional_text("kwestia", kwestia)
    if code is None:
        raise InputError("kwestia", "podaj kod kwestii (np. bezrobocie)")
    top = _limit(limit)
    register = _register(tabela, CATALOGUE, ("kwestie",))
    level_col, share_col = CATALOGUE.by_key["poziom_dowodow"], CATALOGUE.by_key["skutecznosc"]

    def order(i: int) -> tuple[int, float]:
        row = register.rows[i]
        try:
            level = level_col.parse(row.get(level_col.header))
        except ValueError:
            level = None
        try:
            share = share_col.parse(row.get(share_col.header))
        except ValueError:
            share = None
        return (level if level is not None else 99, -(share if share is not None else -1.0))

    found = sorted(search(register, kwestia=code), key=order)[:top]
    # A person's contact never leaves the Katalog (an institution's does): the registers' rule.
    return [register.headers] + [_answer_row(register, releasable(CATALOGUE, register.rows[i],
                                                                  True)) for i in found]


def leaders_matching(tabela: Any, kwestia: Any = None, jst: Any = None) -> list[list[Any]]:
    """``KKZ_LIDERZY``: the table's leaders for an issue and/or a JST (a part of the name is
    enough; case and diacritics ignored). Contacts without a recorded consent are blanked."""
    code = _optional_text("kwestia", kwestia)
    place = _optional_text("jst", jst)
    register = _register(tabela, LEADERS, ("osoba", "jst"))
    contacts = {fold(LEADERS.header(k)) for k in LEADERS.contacts}
    hidden = {h for h in register.headers if fold(h) in contacts}
    hidden |= set(contact_headers(LEADERS, register.headers))  # "Email", "Tel." too
    out = [register.headers]
    for i in search(register, kwestia=code, jst=place):
        row = register.rows[i]
        hide = not may_keep_contacts(LEADERS, row)
        if hide:  # a contact typed into another column is masked too
            row = {h: mask_contacts(v) if isinstance(v, str) else v for h, v in row.items()}
        out.append(_answer_row(register, row, hidden if hide else set()))
    return out
