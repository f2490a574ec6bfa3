"""What a gmina sends: checked as ``kkz … sprawdz`` checks it, and reconciled against the
regional register before anyone decides (rows and cells read, problems, what would merge).

An upload is never executed or rendered: its bytes are checked for type and archive limits,
written to a private temporary file under a name of our own, and read as values.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kkz_xl.errors import DataError, InputError, KKZError
from kkz_xl.office.zip_limits import check_archive
from kkz_xl.registers.check import Level, check_register
from kkz_xl.registers.merge import merge_registers
from kkz_xl.registers.reading import read_register
from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import SCHEMAS, RegisterSchema
from kkz_xl.registers.values import is_empty

#: What a register may be sent as, and the first bytes each kind of file starts with.
ALLOWED = {".xlsx": b"PK\x03\x04", ".xlsm": b"PK\x03\x04", ".csv": None}
PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class Upload:
    """A file as received: its name (for display only), its bytes, the register kind."""

    name: str
    content: bytes
    kind: str

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


def schema_for(kind: str) -> RegisterSchema:
    if kind not in SCHEMAS:
        raise InputError("rejestr", "wybierz „katalog” albo „liderzy”")
    return SCHEMAS[kind]


def check_type(upload: Upload, limit: int) -> None:
    """Refuse by name what is not a register file the Dyfuzor reads."""
    if not upload.content:
        raise InputError("plik", "plik jest pusty")
    if len(upload.content) > limit:
        raise InputError("plik", f"plik ma {len(upload.content):,} bajtów, a najwyżej można "
                         f"przesłać {limit:,}".replace(",", " "))
    if upload.suffix == ".xls":
        raise InputError("plik", "format .xls (Excel 97–2003) nie jest przyjmowany: otwórz plik "
                         "w Excelu i zapisz go jako skoroszyt .xlsx")
    if upload.suffix not in ALLOWED:
        raise InputError("plik", f"przyjmowane są pliki {', '.join(ALLOWED)}; otrzymano "
                         f"„{upload.name}”")
    magic = ALLOWED[upload.suffix]
    if upload.content.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("plik", "plik jest zaszyfrowany hasłem albo zapisany w starym formacie "
                         "Excela; zdejmij hasło i zapisz jako .xlsx")
    if magic is not None and not upload.content.startswith(magic):
        raise InputError("plik", f"zawartość pliku „{upload.name}” nie jest skoroszytem Excela")
    if magic is None and b"\x00" in upload.content[:65536]:
        raise InputError("plik", f"plik „{upload.name}” nie jest plikiem tekstowym CSV")


def read_upload(upload: Upload, limit: int) -> Register:
    """The register inside ``upload``; every refusal is an :class:`InputError` in Polish."""
    check_type(upload, limit)
    schema = schema_for(upload.kind)
    with tempfile.TemporaryDirectory(prefix="kkz-dyfuzor-") as tmp:
        path = Path(tmp) / f"zgloszenie{upload.suffix}"
        path.write_bytes(upload.content)
        if upload.suffix != ".csv":
            check_archive(path)
        try:
            register = read_register(path, schema)
        except KKZError as err:
            raise InputError("plik", str(err)) from None
        except (OSError, ValueError, KeyError) as err:
            raise InputError("plik", f"nie udało się odczytać pliku „{upload.name}” "
                             f"({type(err).__name__})") from None
    register.source = upload.name
    return register


def _cells(register: Register) -> int:
    return sum(not is_empty(v) for row in register.rows for v in row.values())


def reconcile(register: Register, regional: Register | None, sender: str) -> dict[str, Any]:
    """The reconciliation shown before the centre decides: a JSON-able summary."""
    schema = register.schema
    problems = check_register(register)
    errors = [p for p in problems if p.level == Level.ERROR]
    existing = {regional.key(r) for r in regional.rows} if regional is not None else set()
    keys = [register.key(r) for r in register.rows]
    complete = [k for k in keys if all(k)]
    new_keys = {k for k in complete if k not in existing}
    joined_regional = sum(1 for k in complete if k in existing)
    merged = merge_registers([r for r in (regional, register) if r is not None])
    before_conflicts = len(regional.conflicts) if regional is not None else 0
    return {
        "plik": register.source,
        "arkusz": register.sheet,
        "nadawca": sender,
        "rejestr": schema.kind,
        "wiersze": len(register.rows),
        "komorki": _cells(register),
        "kolumny_nieznane": register.unknown_headers,
        "bledy": len(errors),
        "ostrzezenia": len(problems) - len(errors),
        "problemy": [{"wiersz": p.row, "kolumna": p.column, "opis": p.message,
                      "poziom": str(p.level)} for p in problems[:PROBLEMS_SHOWN]],
        "problemy_pominiete": max(0, len(problems) - PROBLEMS_SHOWN),
        "nowe_wiersze": len(new_keys),
        "polaczone_z_regionalnym": joined_regional,
        "powtorzenia_w_pliku": len(complete) - len(set(complete)),
        "niepelne_wiersze": len(keys) - len(complete),
        "wiersze_po_scaleniu": len(merged.register.rows),
        "nowe_konflikty": max(0, len(merged.register.conflicts) - before_conflicts),
        "usuniete_kontakty_bez_zgody": merged.contacts_removed,
    }


def regional_register(path: Path | None, schema: RegisterSchema) -> Register | None:
    """The regional register as it is now; ``None`` while it does not exist yet."""
    if path is None or not path.exists():
        return None
    try:
        return read_register(path, schema)
    except (KKZError, OSError, ValueError) as err:
        raise DataError(f"Nie można odczytać rejestru regionalnego {path.name}: {err}") from None
