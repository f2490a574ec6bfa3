"""A catalogue programme as the calculator's programme inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from kkz_xl.errors import InputError
from kkz_xl.registers.schema import CATALOGUE


def programme_inputs(row: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    """``{"nazwa", "koszt_uczestnika", "skutecznosc"}`` from a catalogue row.

    ``row`` is a row keyed by the catalogue's Polish headers (as read from the sheet) or a
    validated ``ProgrammeRow``. Missing or invalid values raise ``InputError`` naming the
    column, so the calculator never runs on a silent zero.
    """
    if isinstance(row, BaseModel):
        row = {CATALOGUE.header(k): v for k, v in row.model_dump().items()}
    out: dict[str, Any] = {}
    for key in ("nazwa", "koszt_uczestnika", "skutecznosc"):
        col = CATALOGUE.by_key[key]
        try:
            value = col.parse(row.get(col.header))
        except ValueError as err:
            raise InputError(col.header, str(err)) from None
        if value is None:
            raise InputError(col.header, "brak wartości – program z katalogu nie może zasilić "
                             "kalkulatora bez tej danej")
        out[key] = value if key == "nazwa" else float(value)
    return out
