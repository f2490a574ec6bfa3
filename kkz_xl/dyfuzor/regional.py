"""Accepting a submission: merged into the regional workbook by the same code as
``kkz katalog scal``, one writer at a time, the workbook replaced atomically.

The database keeps every file sent and every version of the regional workbook, so the workbook
can be written again from it (:func:`rebuild`); changes a person made by hand in the workbook
are recorded as a version before the next merge and merged on, never overwritten.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kkz_xl.dyfuzor.intake import Upload, read_upload, regional_register, schema_for
from kkz_xl.dyfuzor.settings import DyfuzorSettings
from kkz_xl.dyfuzor.store import Identity, Store, writer_lock
from kkz_xl.errors import DataError, InputError
from kkz_xl.registers.merge import merge_registers
from kkz_xl.registers.reading import read_register
from kkz_xl.registers.register import Register
from kkz_xl.registers.writing import save_register
from kkz_xl.storage.atomic import atomic_write_bytes


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def credit_sender(register: Register, sender: str) -> None:
    """Name the authenticated sender on every row: the file's own „Przesłał(a)” cannot be
    trusted to say who sent it."""
    header = register.schema.header("przeslal")
    if header not in register.headers:
        register.headers.append(header)
    for row in register.rows:
        row[header] = sender
    register.source = f"{sender} – {register.source}"


def _regional_path(settings: DyfuzorSettings, kind: str) -> Path:
    path = settings.register_path(kind)
    if path is None:
        raise InputError("rejestr", f"serwer nie prowadzi rejestru „{kind}” (brak opcji "
                         f"--{kind} przy uruchomieniu)")
    return path


def _snapshot_if_edited(store: Store, settings: DyfuzorSettings, kind: str, path: Path) -> None:
    """Record the regional file as it is, if nobody recorded this exact version yet."""
    if not path.exists():
        return
    sha = _sha(path)
    known = {s.sha256 for s in store.submissions(rejestr=kind, stany=("stan_pliku",))}
    if sha not in known:
        store.add_submission(kind, "centrum", path.name, path.read_bytes(),
                             {"opis": "stan pliku regionalnego przed scaleniem"},
                             stan="stan_pliku")


def accept(store: Store, settings: DyfuzorSettings, sub_id: int, who: Identity,
           uwagi: str | None = None) -> dict[str, int]:
    """Merge submission ``sub_id`` into its regional register; return the new row counts."""
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
        _snapshot_if_edited(store, settings, sub.rejestr, path)
        incoming = read_upload(Upload(sub.plik, store.content(sub_id), sub.rejestr),
                               limit=max(settings.max_upload_bytes, sub.bajty))
        credit_sender(incoming, sub.jst)
        regional = regional_register(path, schema)
        result = merge_registers([r for r in (regional, incoming) if r is not None])
        save_register(result.register, path, with_conflicts=True, conflict_ids=result.ids)
        store.decide(sub_id, "przyjete", who.jst, uwagi)
        store.add_submission(sub.rejestr, "centrum", path.name, path.read_bytes(),
                             {"opis": f"po scaleniu zgłoszenia nr {sub_id}"}, stan="stan_pliku")
    return {"wiersze": len(result.register.rows), "konflikty": len(result.register.conflicts)}


def reject(store: Store, sub_id: int, who: Identity, uwagi: str | None) -> None:
    if not who.is_centre:
        raise InputError("decyzja", "o odrzuceniu zgłoszenia decyduje centrum regionalne")
    try:
        store.decide(sub_id, "odrzucone", who.jst, uwagi)
    except LookupError:
        raise InputError("zgłoszenie", f"zgłoszenie nr {sub_id} nie czeka na decyzję") from None


def rebuild(store: Store, settings: DyfuzorSettings, kind: str, target: Path) -> list[str]:
    """Write the regional register again from the database to ``target``: its latest recorded
    version (every version the server wrote or found is kept), or, if none was recorded, the
    merge of every accepted submission. Returns the rows of accepted submissions that the
    result lacks (none, unless someone deleted them by hand)."""
    schema = schema_for(kind)
    subs = store.submissions(rejestr=kind)
    states = [s for s in subs if s.stan == "stan_pliku"]
    accepted = [s for s in subs if s.stan == "przyjete"]
    if not states and not accepted:
        raise DataError(f"Baza Dyfuzora nie ma jeszcze żadnego pliku rejestru „{kind}”.")
    incoming: list[Register] = []
    for sub in accepted:
        reg = read_upload(Upload(sub.plik, store.content(sub.id), kind),
                          limit=max(settings.max_upload_bytes, sub.bajty))
        credit_sender(reg, sub.jst)
        incoming.append(reg)
    if states:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, store.content(states[-1].id))
    else:
        result = merge_registers(incoming)
        save_register(result.register, target, with_conflicts=True, conflict_ids=result.ids)
    present = {k for k in (read_register(target, schema).key(r) for r in
                           read_register(target, schema).rows)}
    return sorted({f"{reg.source}: {row.get(schema.header(schema.name_key))}"
                   for reg in incoming for row in reg.rows
                   if all(reg.key(row)) and reg.key(row) not in present})
