"""Exporting a register to XLSX, CSV or JSON, minding personal data.

Contacts (a leader's e-mail and phone, a programme's contact) are left out unless asked for;
when asked, a leader's contacts are given only where the recorded consent allows sharing, and
the Katalog's only where they are an institution's (a role mailbox, a landline), never a
person's (:func:`~kkz_xl.registers.consent.releasable`).
The anonymised export keeps only columns that do not point to a person.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from kkz_xl.errors import InputError
from kkz_xl.registers.consent import contact_headers, person_consents, releasable
from kkz_xl.registers.register import Register, Row
from kkz_xl.registers.text import Formula, is_formula_like
from kkz_xl.registers.values import is_empty
from kkz_xl.registers.workbook import build_workbook
from kkz_xl.registers.writing import spill_long_texts
from kkz_xl.storage.atomic import atomic_write, atomic_write_bytes


class Privacy(StrEnum):
    NO_CONTACTS = "bez kontaktów"
    CONTACTS = "z kontaktami"
    ANONYMOUS = "zanonimizowany"


def export_headers(register: Register, privacy: Privacy) -> list[str]:
    """The columns an export carries."""
    schema = register.schema
    contacts = {schema.header(k) for k in schema.contacts}
    if privacy == Privacy.ANONYMOUS:
        if schema.anonymous:
            return [schema.header(k) for k in schema.anonymous]
        # Catalogue: programme facts only; no contact, no sender, no user-added columns.
        drop = contacts | {schema.header("przeslal"), schema.header("pochodzenie")}
        return [h for h in schema.headers if h not in drop]
    contacts |= set(contact_headers(schema, register.headers))
    if privacy == Privacy.NO_CONTACTS:
        return [h for h in register.headers if h not in contacts]
    return list(register.headers)


def export_rows(register: Register, privacy: Privacy) -> tuple[list[str], list[Row]]:
    """Headers and rows of the export, values typed where valid, contacts as consent allows."""
    schema = register.schema
    headers = export_headers(register, privacy)
    rows = []
    consents = person_consents(schema, register.rows)
    for raw, consent in zip(register.rows, consents, strict=True):
        plain = {h: str(v) if isinstance(v, Formula) else v for h, v in raw.items()}
        released = releasable(schema, plain, privacy == Privacy.CONTACTS, consent)
        row: Row = {}
        for h in headers:
            value = released.get(h)
            col = schema.by_header.get(h)
            if col is not None and not is_empty(value):
                with contextlib.suppress(ValueError):  # a bad value goes out as written
                    value = col.parse(value)
            row[h] = value
        rows.append(row)
    return headers, rows


def shareable_rows(register: Register) -> list[Row]:
    """The rows that may be passed on by name (the Word strategy), raw values, a contact only
    where an export with contacts would carry it (:func:`~kkz_xl.registers.consent.releasable`):
    every programme of the Katalog; a leader only when their person's consent allows sharing
    (two rows of one person in two sheets have one consent)."""
    schema = register.schema
    consents = person_consents(schema, register.rows)
    return [releasable(schema, row, True, c)
            for row, c in zip(register.rows, consents, strict=True) if c.shared]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    text = str(value)
    # An apostrophe makes a spreadsheet show formula-like text as text (OWASP CSV injection).
    return "'" + text if is_formula_like(text) else text


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_register(register: Register, path: Path,
                    privacy: Privacy = Privacy.NO_CONTACTS) -> Path | None:
    """Write the export to ``path`` (.xlsx, .csv with ``;`` for Polish Excel, or .json)."""
    path = Path(path)
    headers, rows = export_rows(register, privacy)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        out = Register(register.schema, headers, rows, source=register.source)
        spill_long_texts(out, path)  # a cell holds 32 767 characters: the rest beside it
        return atomic_write(path, build_workbook(out).save)
    if suffix == ".csv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow([_csv_cell(h) for h in headers])  # a header may look like a formula
        writer.writerows([_csv_cell(r.get(h)) for h in headers] for r in rows)
        return atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))
    if suffix == ".json":
        data = {"rejestr": register.schema.kind, "tytul": register.schema.title,
                "eksport": privacy.value, "kolumny": headers,
                "wiersze": [{h: _json_value(r.get(h)) for h in headers} for r in rows]}
        text = json.dumps(data, ensure_ascii=False, indent=2)
        return atomic_write_bytes(path, text.encode("utf-8"))
    raise InputError("plik", f"obsługiwane formaty eksportu: .xlsx, .csv, .json; "
                     f"otrzymano {path.name}")
