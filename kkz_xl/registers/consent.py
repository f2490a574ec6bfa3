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
_WITHDRAWN = "zgoda została wycofana"
MASK = "[usunięto kontakt bez zgody]"
# A match starts only where a run of address characters starts: otherwise, on a long run of
# letters without "@", the search backtracks from every position (quadratic in the cell's
# length; 16 ms for a 2 000-letter description). Texts without "@" are not searched at all.
EMAIL_RE = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Polish numbers as typed: +48 600 100 200, 600-100-200, (22) 123 45 67, 0048 22 1234567.
PHONE_RE = re.compile(
    r"(?<!\w)(?<!\d[.,])(?:(?:\+|00)\s?48[\s.-]?)?"
    r"(?:\d{3}[\s.-]?\d{3}[\s.-]?\d{3}|\(?\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{2}[\s.-]?\d{2})"
    r"(?!\w|[.,]\d)")
# Kinds whose cells are free or short text where a contact may hide.
TEXT_KINDS = (Kind.TEXT, Kind.LONG_TEXT, Kind.LIST, Kind.EMAIL, Kind.PHONE)
# An institution's own contact – its secretariat's mailbox, its office's landline, as its BIP
# publishes them – is not a person's data, so the Katalog (which records no consent) keeps and
# passes it on. An address naming a person (jan.kowalski@…) or a mobile number is a person's
# data (RODO art. 4 pkt 1): with no consent recorded it never leaves. Mailboxes count as an
# institution's when their name begins with a role or an institution's name; anything else
# counts as a person's, so a doubtful address is withheld rather than passed on.
ROLE_MAILBOXES = ("sekretariat", "biuro", "kontakt", "info", "poczta", "kancelaria",
                  "recepcja", "rekrutacja", "projekt", "projekty", "urzad", "gmina", "powiat",
                  "starostwo", "gops", "mops", "mgops", "pcpr", "miasto", "osrodek", "centrum",
                  "fundacja", "stowarzyszenie", "swietlica", "klub", "office", "zarzad")
_SHORT_ROLES = ("ops", "pup", "cis", "kis", "dps", "ug", "um", "ngo", "cus", "wtz", "zaz")
# Polish mobile ranges (UKE numbering plan): 45, 50, 51, 53, 57, 60, 66, 69, 72, 73, 78, 79, 88.
MOBILE_PREFIXES = ("45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")
PERSONAL_REASON = ("kontakt osoby, a nie instytucji (adres z imieniem lub nazwiskiem, telefon "
                   "komórkowy) – Katalog nie zapisuje zgód, więc podaj ogólny kontakt instytucji")


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
        return Consent(False, False, _WITHDRAWN)
    return Consent(True, scope == CONSENT_SHARE, "")


def person_consents(schema: RegisterSchema, rows: list[Row],
                    today: dt.date | None = None) -> list[Consent]:
    """Each row's consent as its person's, in a file not yet merged (an export, a search, the
    strategy): a person typed twice in one file (two sheets, say) has one consent, decided as
    ``scal`` decides it – the latest dated statement wins; an incomplete, unreadable, future
    or disputed statement anywhere, or two differing ones of the latest day, leave none."""
    if "zgoda_data" not in schema.by_key:
        return [consent_of(schema, row, today) for row in rows]
    today = today or dt.date.today()
    dh, sh = schema.header("zgoda_data"), schema.header("zgoda_zakres")
    people: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        name, jst = row.get(schema.header(schema.name_key)), row.get(schema.header("jst"))
        key = ((fold(str(name)), fold(str(jst))) if not (is_empty(name) or is_empty(jst))
               else (f"?{i}", ""))  # an incomplete row stands alone, as in ``scal``
        people.setdefault(key, []).append(i)
    out: list[Consent] = [Consent(False, False, "")] * len(rows)
    for members in people.values():
        stated = [i for i in members if not (is_empty(rows[i].get(dh))
                                             and is_empty(rows[i].get(sh)))]
        each = {i: consent_of(schema, rows[i], today) for i in stated}
        bad = [c for c in each.values() if not c.valid and c.reason != _WITHDRAWN]
        if not stated:
            consent = consent_of(schema, rows[members[0]], today)
        elif bad:
            consent = bad[0]
        else:
            days = {i: schema.by_key["zgoda_data"].parse(rows[i].get(dh)) for i in stated}
            latest = max(days.values())
            top = {i: each[i] for i in stated if days[i] == latest}
            consent = (next(iter(top.values())) if len(set(top.values())) == 1 else
                       Consent(False, False, "dwa różne oświadczenia o zgodzie z jednego dnia "
                                             "– do rozstrzygnięcia przy scalaniu"))
        for i in members:
            out[i] = consent
    return out


def may_keep_contacts(schema: RegisterSchema, row: Row, today: dt.date | None = None) -> bool:
    """A valid consent (dated, not in the future, not withdrawn, not disputed)."""
    return consent_of(schema, row, today).valid


def may_share_contacts(schema: RegisterSchema, row: Row, today: dt.date | None = None) -> bool:
    """A valid consent whose scope allows passing the contact to others."""
    return consent_of(schema, row, today).shared


def find_contacts(text: str) -> list[str]:
    """E-mail addresses and phone numbers in ``text``."""
    return (EMAIL_RE.findall(text) if "@" in text else []) + PHONE_RE.findall(text)


def mask_contacts(text: str) -> str:
    """``text`` with every e-mail address and phone number replaced by a note."""
    return PHONE_RE.sub(MASK, EMAIL_RE.sub(MASK, text) if "@" in text else text)


def is_institutional(contact: str) -> bool:
    """Whether an e-mail address or phone number found by :func:`find_contacts` is an
    institution's (a role mailbox, a landline or a free-phone line) rather than a person's."""
    if "@" in contact:
        tokens = [t for t in re.split(r"[._+'-]+|\d+", fold(contact.split("@", 1)[0])) if t]
        if not tokens:
            return False
        first = tokens[0]
        return first in _SHORT_ROLES or any(first.startswith(w) for w in ROLE_MAILBOXES)
    digits = re.sub(r"\D", "", contact)
    if len(digits) == 11 and digits.startswith("48"):
        digits = digits[2:]
    elif len(digits) == 13 and digits.startswith("0048"):
        digits = digits[4:]
    return not digits.startswith(MOBILE_PREFIXES)


def mask_personal(text: str) -> str:
    """``text`` with a person's e-mail addresses and mobile numbers replaced by a note; an
    institution's contacts stay."""
    def keep(match: re.Match[str]) -> str:
        return match.group(0) if is_institutional(match.group(0)) else MASK

    return PHONE_RE.sub(keep, EMAIL_RE.sub(keep, text) if "@" in text else text)


def _as_text(value: Any) -> Any:
    """A phone typed as a number (600100200) as the text it stands for."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return str(int(value)) if float(value).is_integer() else value


def remove_personal_contacts(schema: RegisterSchema, row: Row) -> list[str]:
    """A register without consent columns (the Katalog): mask a person's contacts in every
    contact and text cell of ``row`` (in place), keep an institution's; return the headers of
    the cells changed."""
    changed = []
    contacts = set(contact_headers(schema, row))
    for h in list(row):
        value = _as_text(row[h]) if h in contacts else row[h]
        if not isinstance(value, str) or not (h in contacts or _is_text(schema, h)):
            continue
        masked = mask_personal(value)
        if masked != value:
            row[h] = masked
            changed.append(h)
    return changed


def withhold_contacts(schema: RegisterSchema, row: Row,
                      today: dt.date | None = None) -> tuple[list[str], str]:
    """Remove from ``row`` (in place) the contacts the regional register may not keep: all of
    them without a valid consent (Sieć Liderów), a person's in a register that records no
    consent (Katalog). Returns the headers changed and the Polish reason."""
    if "zgoda_data" not in schema.by_key:
        return remove_personal_contacts(schema, row), PERSONAL_REASON
    consent = consent_of(schema, row, today)
    if consent.valid:
        return [], ""
    return remove_contacts(schema, row), consent.reason


def releasable(schema: RegisterSchema, row: Row, share: bool,
               consent: Consent | None = None) -> Row:
    """A copy of ``row`` as it may leave the register: with ``share`` (an export with
    contacts, the Word strategy) a leader's contacts only under consent to sharing (the row's
    own, or its person's from :func:`person_consents`) and an institution's contacts in the
    Katalog; without it, no contact at all."""
    out = dict(row)
    if share and "zgoda_data" not in schema.by_key:
        remove_personal_contacts(schema, out)
    elif not (share and (consent or consent_of(schema, row)).shared):
        remove_contacts(schema, out)
    return out


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
    """(column, message) for contact fields held without a valid consent; in a register that
    records no consent (Katalog), for a person's contact."""
    if "zgoda_data" not in schema.by_key:
        full = dict(row) if row is not None else {schema.header(k): v
                                                  for k, v in model.model_dump().items()}
        return [(h, f"{PERSONAL_REASON}; zostanie usunięty przy imporcie i scalaniu")
                for h in remove_personal_contacts(schema, full)]
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

