"""Leaders' personal data (RODO): the one place that decides whether a row's contacts may be
kept or shared, and that finds contacts wherever staff typed them.

Every output — the regional register, exports, the Word strategy, ``KKZ_LIDERZY`` — asks
:func:`consent_of` (through :func:`may_keep_contacts` / :func:`may_share_contacts`). A consent
is valid only with a date that is not in the future and a scope that is not withdrawn, and
only when the row is not in a conflict over consent (then a person decides first). Contacts
are recognised by column (the schema's contact columns) and by content: e-mail addresses and
phone numbers in any text cell, free-text notes included, are masked when consent is lacking.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from kkz_xl.registers.headers import contact_synonym
from kkz_xl.registers.register import Row
from kkz_xl.registers.schema import (
    CONSENT_CENTRE,
    CONSENT_SHARE,
    Kind,
    RegisterSchema,
)
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty

_KEEP = (CONSENT_SHARE, CONSENT_CENTRE)
MASK = "[usunięto kontakt bez zgody]"
EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Polish numbers as typed: +48 600 100 200, 600-100-200, (22) 123 45 67, 0048 22 1234567.
PHONE_RE = re.compile(
    r"(?<!\w)(?<!\d[.,])(?:(?:\+|00)\s?48[\s.-]?)?"
    r"(?:\d{3}[\s.-]?\d{3}[\s.-]?\d{3}|\(?\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{2}[\s.-]?\d{2})"
    r"(?!\w|[.,]\d)")
# Kinds whose cells are free or short text where a contact may hide.
TEXT_KINDS = (Kind.TEXT, Kind.LONG_TEXT, Kind.LIST, Kind.EMAIL, Kind.PHONE)


@dataclass(frozen=True)
class Consent:
    """A row's consent as the registers see it."""

    valid: bool  # contacts may be kept (by the regional centre)
    shared: bool  # contacts may be passed on (exports with contacts, the strategy)
    reason: str  # Polish: why not (empty when valid)


def _conflict_over_consent(schema: RegisterSchema, row: Row) -> bool:
    if "konflikty" not in schema.by_key:
        return False
    notes = row.get(schema.header("konflikty"))
    if is_empty(notes):
        return False
    folded = fold(str(notes))
    return any(fold(schema.header(k)) in folded for k in ("zgoda_data", "zgoda_zakres"))


def consent_of(schema: RegisterSchema, row: Row, today: dt.date | None = None) -> Consent:
    """The consent recorded in ``row`` (a register without consent columns holds no personal
    contacts: always valid)."""
    if "zgoda_data" not in schema.by_key:
        return Consent(True, True, "")
    if _conflict_over_consent(schema, row):
        return Consent(False, False, "sprzeczne oświadczenia o zgodzie – do rozstrzygnięcia "
                                     "w arkuszu „Konflikty”")
    try:
        day = schema.by_key["zgoda_data"].parse(row.get(schema.header("zgoda_data")))
        scope = schema.by_key["zgoda_zakres"].parse(row.get(schema.header("zgoda_zakres")))
    except ValueError:
        return Consent(False, False, "niepoprawny zapis zgody (data lub zakres)")
    if day is None or scope is None:
        return Consent(False, False, "brak zapisanej zgody (data i zakres)")
    if day > (today or dt.date.today()):
        return Consent(False, False, "data zgody jest w przyszłości – zgoda nieważna")
    if scope not in _KEEP:
        return Consent(False, False, "zgoda została wycofana")
    return Consent(True, scope == CONSENT_SHARE, "")


def may_keep_contacts(schema: RegisterSchema, row: Row, today: dt.date | None = None) -> bool:
    """A valid consent (dated, not in the future, not withdrawn, not disputed)."""
    return consent_of(schema, row, today).valid


def may_share_contacts(schema: RegisterSchema, row: Row, today: dt.date | None = None) -> bool:
    """A valid consent whose scope allows passing the contact to others."""
    return consent_of(schema, row, today).shared


def find_contacts(text: str) -> list[str]:
    """E-mail addresses and phone numbers in ``text``."""
    return EMAIL_RE.findall(text) + PHONE_RE.findall(text)


def mask_contacts(text: str) -> str:
    """``text`` with every e-mail address and phone number replaced by a note."""
    return PHONE_RE.sub(MASK, EMAIL_RE.sub(MASK, text))


def contact_headers(schema: RegisterSchema, headers: Iterable[str]) -> list[str]:
    """Headers of contact columns: the schema's, and any column whose name says contact
    (``Email``, ``Tel.``, ``Telefon kom.``) in a table the reader did not map."""
    own = {schema.header(k) for k in schema.contacts}
    return [h for h in headers if h in own or contact_synonym(h)]


def text_headers(schema: RegisterSchema, headers: Iterable[str]) -> list[str]:
    """Headers whose cells may hold free text: text columns and columns unknown to the schema."""
    return [h for h in headers if _is_text(schema, h)]


@cache
def _is_text(schema: RegisterSchema, header: str) -> bool:
    col = schema.by_header.get(header)
    return col is None or col.kind in TEXT_KINDS


def remove_contacts(schema: RegisterSchema, row: Row) -> list[str]:
    """Blank contact columns and mask contacts in text cells of ``row`` (in place); return
    the headers of the cells changed."""
    changed = []
    contacts = set(contact_headers(schema, row))
    for h in list(row):
        value = row[h]
        if is_empty(value):
            continue
        if h in contacts:
            row[h] = None
            changed.append(h)
        elif h in text_headers(schema, [h]) and isinstance(value, str) and find_contacts(value):
            row[h] = mask_contacts(value)
            changed.append(h)
    return changed


def contact_problem(schema: RegisterSchema, model: BaseModel,
                    row: Row | None = None) -> list[tuple[str, str]]:
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
    full = dict(row) if row is not None else {schema.header(k): v for k, v in data.items()}
    consent = consent_of(schema, full)
    if not consent.valid:
        reason = ("zgoda została wycofana – usuń dane kontaktowe" if scope not in (None, *_KEEP)
                  else f"{consent.reason} – uzupełnij zgodę albo usuń kontakt")
        for h in contact_headers(schema, full):
            if not is_empty(full.get(h)):
                out.append((h, reason))
        for h in text_headers(schema, full):
            if h in contact_headers(schema, [h]):
                continue
            value = full.get(h)
            if isinstance(value, str) and find_contacts(value):
                out.append((h, "tekst zawiera e-mail lub telefon bez ważnej zgody – zostanie "
                               "zamaskowany przy imporcie i scalaniu"))
    return out

