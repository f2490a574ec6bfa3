"""Searching a register by issue, JST and text (case, spaces and diacritics ignored)."""

from __future__ import annotations

from kkz_xl.errors import InputError
from kkz_xl.registers.register import Register, Row
from kkz_xl.registers.schema import parse_codes
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty


def issue_code(value: str) -> str:
    """One issue code from a code or a name; a Polish error listing the codes otherwise."""
    try:
        codes = parse_codes(value)
    except ValueError as err:
        raise InputError("kwestia", str(err)) from None
    if not codes or len(codes) != 1:
        raise InputError("kwestia", "podaj jeden kod kwestii")
    return str(codes[0])


def row_issues(register: Register, row: Row) -> list[str]:
    """The row's issue codes; none if the cell is empty or unreadable."""
    try:
        return parse_codes(row.get(register.schema.header("kwestie"))) or []
    except ValueError:
        return []


def search(register: Register, *, kwestia: str | None = None, jst: str | None = None,
           tekst: str | None = None) -> list[int]:
    """Indices of rows matching every given filter (JST and text: a part is enough)."""
    code = issue_code(kwestia) if kwestia else None
    jst_f = fold(jst) if jst else None
    text_f = fold(tekst) if tekst else None
    jst_h = register.schema.header("jst")
    found = []
    for i, row in enumerate(register.rows):
        if code and code not in row_issues(register, row):
            continue
        if jst_f and (is_empty(row.get(jst_h)) or jst_f not in fold(str(row[jst_h]))):
            continue
        if text_f and not any(text_f in fold(str(v)) for v in row.values() if not is_empty(v)):
            continue
        found.append(i)
    return found
