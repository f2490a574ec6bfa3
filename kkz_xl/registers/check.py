"""Checking a register: every problem with its sheet, row, column and a Polish message."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from kkz_xl.model.validation import polish_errors
from kkz_xl.registers.consent import contact_problem
from kkz_xl.registers.register import Register
from kkz_xl.registers.text import Formula


class Level(StrEnum):
    ERROR = "błąd"
    WARNING = "ostrzeżenie"


@dataclass(frozen=True)
class Problem:
    """One finding: where it is and what is wrong, in Polish."""

    source: str
    sheet: str
    row: int
    column: str
    message: str
    level: Level = Level.ERROR

    def __str__(self) -> str:
        where = f"{self.source}, arkusz „{self.sheet}”, wiersz {self.row}"
        col = f", kolumna „{self.column}”" if self.column else ""
        return f"{where}{col}: {self.message}"


def validate_row(register: Register, row: dict[str, Any]) -> tuple[BaseModel | None,
                                                                      list[tuple[str, str]]]:
    """The validated row model, or ``None`` and (column, message) pairs."""
    schema = register.schema
    try:
        return schema.model.model_validate(row), []
    except ValidationError as err:
        out = []
        for loc, message in polish_errors(err):
            column = schema.by_key[loc].header if loc in schema.by_key else loc
            out.append((column, message))
        return None, out


def check_register(register: Register) -> list[Problem]:
    """All problems of ``register``: bad values, missing required fields, duplicates, contacts
    without consent, formulas in the table, repeated IDs."""
    schema = register.schema
    problems: list[Problem] = []

    def add(i: int, column: str, message: str, level: Level = Level.ERROR) -> None:
        problems.append(Problem(register.source, register.sheet, register.row_numbers[i], column,
                                message, level))

    seen_keys: dict[tuple[str, str], int] = {}
    ids: dict[str, list[int]] = defaultdict(list)
    id_header = schema.header("id")
    for i, row in enumerate(register.rows):
        model, errors = validate_row(register, row)
        for column, message in errors:
            add(i, column, message)
        if model is not None:
            for column, message in contact_problem(schema, model, row):
                add(i, column, message)
        for header, value in row.items():
            if isinstance(value, Formula):
                add(i, header, "komórka zawiera formułę; rejestr powinien zawierać wartości "
                    "(formuła z innego pliku zostanie zapisana jako tekst)", Level.WARNING)
        key = register.key(row)
        if all(key):
            if key in seen_keys:
                first = register.row_numbers[seen_keys[key]]
                add(i, schema.header(schema.name_key),
                    f"powtórzony wiersz: ta sama nazwa i JST co w wierszu {first} "
                    "(różnice wielkości liter, spacji lub polskich znaków nie są istotne)",
                    Level.WARNING)
            else:
                seen_keys[key] = i
        raw_id = row.get(id_header)
        if raw_id not in (None, ""):
            ids[str(raw_id).strip()].append(i)
    for ident, where in ids.items():
        for i in where[1:]:
            add(i, id_header, f"powtórzony identyfikator „{ident}” (pierwszy raz w wierszu "
                f"{register.row_numbers[where[0]]})")
    problems.sort(key=lambda p: (p.row, p.column))
    return problems
