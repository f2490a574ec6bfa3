"""Leaders' personal data: contact fields are kept only with a recorded consent (date and
scope) and shared only when the scope allows sharing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from kkz_xl.registers.register import Register, Row
from kkz_xl.registers.schema import (
    CONSENT_CENTRE,
    CONSENT_SHARE,
    RegisterSchema,
)
from kkz_xl.registers.values import is_empty

_KEEP = (CONSENT_SHARE, CONSENT_CENTRE)


def _consent(schema: RegisterSchema, row: Row) -> tuple[dt.date | None, str | None]:
    if "zgoda_data" not in schema.by_key:
        return None, None
    try:
        day = schema.by_key["zgoda_data"].parse(row.get(schema.header("zgoda_data")))
        scope = schema.by_key["zgoda_zakres"].parse(row.get(schema.header("zgoda_zakres")))
    except ValueError:
        return None, None
    return day, scope


def may_keep_contacts(schema: RegisterSchema, row: Row) -> bool:
    """Consent recorded (a date and a scope that is not withdrawn), or a register without
    personal contacts."""
    if "zgoda_data" not in schema.by_key:
        return True
    day, scope = _consent(schema, row)
    return day is not None and scope in _KEEP


def may_share_contacts(schema: RegisterSchema, row: Row) -> bool:
    """Consent recorded whose scope allows passing the contact to others."""
    if "zgoda_data" not in schema.by_key:
        return True
    day, scope = _consent(schema, row)
    return day is not None and scope == CONSENT_SHARE


def has_contacts(schema: RegisterSchema, row: Row) -> bool:
    return any(not is_empty(row.get(schema.header(k))) for k in schema.contacts)


def contact_problem(schema: RegisterSchema, model: BaseModel) -> list[tuple[str, str]]:
    """(column, message) for contact fields held without a valid consent."""
    if "zgoda_data" not in schema.by_key:
        return []
    data: dict[str, Any] = model.model_dump()
    out: list[tuple[str, str]] = []
    day, scope = data["zgoda_data"], data["zgoda_zakres"]
    if day is not None and day > dt.date.today():
        out.append((schema.header("zgoda_data"), "data zgody nie może być w przyszłości"))
    if (day is None) != (scope is None):
        missing = "zgoda_zakres" if scope is None else "zgoda_data"
        out.append((schema.header(missing), "zgoda wymaga zarówno daty, jak i zakresu"))
    if day is None or scope not in _KEEP:
        reason = ("zgoda została wycofana – usuń dane kontaktowe" if scope not in (None, *_KEEP)
                  else "brak zapisanej zgody (data i zakres) – uzupełnij zgodę albo usuń kontakt")
        for key in schema.contacts:
            if data[key] is not None:
                out.append((schema.header(key), reason))
    return out


def strip_unconsented(register: Register) -> int:
    """Blank contact fields of rows without a valid consent; return how many rows lost them."""
    schema = register.schema
    count = 0
    for row in register.rows:
        if has_contacts(schema, row) and not may_keep_contacts(schema, row):
            for key in schema.contacts:
                row[schema.header(key)] = None
            count += 1
    return count
