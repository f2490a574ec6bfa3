"""Accepting a submission: merged into the regional workbook by the same code as
``kkz katalog scal``, one writer at a time, the workbook replaced atomically.

The database keeps every file sent and every version of the regional workbook, so the workbook
can be written again from it (:func:`rebuild`); changes a person made by hand in the workbook
are recorded as a version before the next merge and merged on, never overwritten.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from kkz_xl.dyfuzor.intake import Upload, read_upload, regional_registers, schema_for
from kkz_xl.dyfuzor.settings import DyfuzorSettings
from kkz_xl.dyfuzor.store import Identity, Store, writer_lock
from kkz_xl.errors import DataError, InputError
from kkz_xl.registers.reconcile import Reconciliation
from kkz_xl.registers.register import Register
from kkz_xl.registers.rounds import balance_of, merge_round
from kkz_xl.storage.atomic import atomic_write_bytes


def credit_sender(registers: list[Register], sender: str) -> str:
    """Name the authenticated sender (from the token, not from the file) in the file's label:
    every row's „Pochodzenie” then says who sent it, and an empty „Przesłał(a)” is filled
    with it by the merge. The rows stay as sent, so the balance counts only what came in."""
    label = f"{sender} – {registers[0].source}"
    for register in registers:
        register.source = label
    return label


def _regional_path(settings: DyfuzorSettings, kind: str) -> Path:
    path = settings.register_path(kind)
    if path is None:
        raise InputError("rejestr", f"serwer nie prowadzi rejestru „{kind}” (brak opcji "
                         f"--{kind} przy uruchomieniu)")
    return path


def _snapshot_if_edited(store: Store, kind: str, path: Path) -> None:
    """Record the regional file as it is, if nobody recorded this exact version yet."""
    if not path.exists():
        return
    content = path.read_bytes()
    known = {s.sha256 for s in store.submissions(rejestr=kind, stany=("stan_pliku",))}
    if hashlib.sha256(content).hexdigest() not in known:
        store.add_submission(kind, "centrum", path.name, content,
                             {"opis": "stan pliku regionalnego przed scaleniem"},
                             stan="stan_pliku")


def accept(store: Store, settings: DyfuzorSettings, sub_id: int, who: Identity,
           uwagi: str | None = None) -> dict[str, Any]:
    """Merge submission ``sub_id`` into its regional register (one Dyfuzor round, as
    ``kkz … scal``); return the file's balance."""
    if not who.is_centre:
        raise InputError("decyzja", "o przyjęciu zgłoszenia decyduje centrum regionalne")
    sub = store.submission(sub_id)
    if sub is None:
        raise InputError("zgłoszenie", f"nie ma zgłoszenia nr {sub_id}")
    path = _regional_path(settings, sub.rejestr)
    schema = schema_for(sub.rejestr)
    with writer_lock(settings.dane):
        current = store.submission(sub_id)
        if current is None or current.stan != "oczekuje":
            raise InputError("zgłoszenie", f"zgłoszenie nr {sub_id} jest już rozpatrzone")
        _snapshot_if_edited(store, sub.rejestr, path)
        incoming = read_upload(Upload(sub.plik, store.content(sub_id), sub.rejestr),
                               limit=max(settings.max_upload_bytes, sub.bajty))
        label = credit_sender(incoming, sub.jst)
        recon = Reconciliation("scal")
        merge_round(regional_registers(path, schema), [(label, incoming)], path, recon)
        balance = balance_of(recon, label)
        store.decide(sub_id, "przyjete", who.jst, uwagi)
        store.add_submission(sub.rejestr, "centrum", path.name, path.read_bytes(),
                             {"opis": f"po scaleniu zgłoszenia nr {sub_id}"}, stan="stan_pliku")
    return balance.to_dict() if balance is not None else {}


def reject(store: Store, sub_id: int, who: Identity, uwagi: str | None) -> None:
    if not who.is_centre:
        raise InputError("decyzja", "o odrzuceniu zgłoszenia decyduje centrum regionalne")
    try:
        store.decide(sub_id, "odrzucone", who.jst, uwagi)
    except LookupError:
        raise InputError("zgłoszenie", f"zgłoszenie nr {sub_id} nie czeka na decyzję") from None


def rebuild(store: Store, settings: DyfuzorSettings, kind: str, target: Path) -> list[str]:
    """Write the regional register again from the database to ``target``: its latest recorded
    version (every version the server wrote or found is kept), or, if none was recorded, one
    round of every accepted submission. Returns the rows of accepted submissions that the
    result lacks (none, unless someone deleted them by hand)."""
    schema = schema_for(kind)
    subs = store.submissions(rejestr=kind)
    states = [s for s in subs if s.stan == "stan_pliku"]
    accepted: list[tuple[str, list[Register]]] = []
    for sub in (s for s in subs if s.stan == "przyjete"):
        regs = read_upload(Upload(sub.plik, store.content(sub.id), kind),
                           limit=max(settings.max_upload_bytes, sub.bajty))
        accepted.append((credit_sender(regs, sub.jst), regs))
    if not states and not accepted:
        raise DataError(f"Baza Dyfuzora nie ma jeszcze żadnego pliku rejestru „{kind}”.")
    if states:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, store.content(states[-1].id))
    else:
        merge_round([], accepted, target, Reconciliation("scal"))
    present = {reg.key(r) for reg in regional_registers(target, schema) for r in reg.rows}
    return sorted({f"{label}: {row.get(schema.header(schema.name_key))}"
                   for label, regs in accepted for reg in regs for row in reg.rows
                   if all(reg.key(row)) and reg.key(row) not in present})
