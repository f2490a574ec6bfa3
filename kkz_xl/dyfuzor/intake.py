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
from kkz_xl.registers.check import Level, check_register
from kkz_xl.registers.reading import read_registers
from kkz_xl.registers.reconcile import Reconciliation
from kkz_xl.registers.register import Register
from kkz_xl.registers.rounds import balance_of, merge_round
from kkz_xl.registers.schema import SCHEMAS, RegisterSchema
from kkz_xl.registers.text import fold
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


def read_upload(upload: Upload, limit: int) -> list[Register]:
    """Every register sheet inside ``upload``; every refusal an :class:`InputError` in Polish."""
    check_type(upload, limit)
    schema = schema_for(upload.kind)
    with tempfile.TemporaryDirectory(prefix="kkz-dyfuzor-") as tmp:
        path = Path(tmp) / f"zgloszenie{upload.suffix}"
        path.write_bytes(upload.content)
        try:  # the reader checks the archive's limits before it unpacks anything
            registers = read_registers(path, schema, values=True)
        except KKZError as err:
            raise InputError("plik", str(err).replace(path.name, upload.name)) from None
        except (OSError, ValueError, KeyError) as err:
            raise InputError("plik", f"nie udało się odczytać pliku „{upload.name}” "
                             f"({type(err).__name__})") from None
    for reg in registers:
        reg.source = upload.name
    return registers


def regional_registers(path: Path | None, schema: RegisterSchema) -> list[Register]:
    """The regional register's sheets as they are now; none while the file does not exist."""
    if path is None or not path.exists():
        return []
    try:
        return read_registers(path, schema, values=True)
    except (KKZError, OSError, ValueError) as err:
        raise DataError(f"Nie można odczytać rejestru regionalnego {path.name}: {err}") from None


def reconcile(sent: list[Register], regional: list[Register], target: Path,
              sender: str) -> dict[str, Any]:
    """The reconciliation shown before the centre decides (JSON-able): the file's balance as
    ``kkz … scal`` would make it (every row and cell: placed, joined, in Konflikty, refused),
    what the reader did (mapped headers, encodings, skipped sheets) and every problem."""
    schema = sent[0].schema
    name = sent[0].source
    problems = [p for reg in sent for p in check_register(reg)]
    errors = [p for p in problems if p.level == Level.ERROR]
    recon = Reconciliation("scal")
    preview = merge_round(regional, [(name, sent)], target, recon, save=False)
    balance = balance_of(recon, name)
    assert balance is not None
    existing = {reg.key(r) for reg in regional for r in reg.rows}
    keys = [reg.key(r) for reg in sent for r in reg.rows]
    complete = [k for k in keys if all(k)]
    before_conflicts = sum(len(reg.conflicts) for reg in regional)
    return {
        "plik": name,
        "arkusze": [reg.sheet for reg in sent],
        "nadawca": sender,
        "rejestr": schema.kind,
        "bilans": balance.counts(),
        "powody_odrzucenia": dict(balance.refused_reasons),
        "utracone": balance.lost,
        "uwagi": [n.as_dict() for n in balance.notes],
        "wiersze": balance.rows_in,
        "komorki": balance.cells_in,
        "kolumny_nieznane": sorted({h for reg in sent for h in reg.unknown_headers}),
        "bledy": len(errors),
        "ostrzezenia": len(problems) - len(errors),
        "problemy": [{"arkusz": p.sheet, "wiersz": p.row, "kolumna": p.column,
                      "opis": p.message, "poziom": str(p.level)}
                     for p in problems[:PROBLEMS_SHOWN]],
        "problemy_pominiete": max(0, len(problems) - PROBLEMS_SHOWN),
        "nowe_wiersze": len({k for k in complete if k not in existing}),
        "polaczone_z_regionalnym": sum(1 for k in complete if k in existing),
        "powtorzenia_w_pliku": len(complete) - len(set(complete)),
        "niepelne_wiersze": len(keys) - len(complete),
        "wiersze_po_scaleniu": len(preview.result.register.rows),
        "nowe_konflikty": max(0, len(preview.result.register.conflicts) - before_conflicts),
        "usuniete_kontakty_bez_zgody": preview.result.contacts_removed,
        "inny_nadawca": _other_senders(sent, sender),
    }


def _other_senders(sent: list[Register], sender: str) -> int:
    """Rows whose own „Przesłał(a)” names someone other than the JST that sent the file (kept
    as written; the provenance names the real sender)."""
    header = sent[0].schema.header("przeslal")
    mine = fold(sender)
    return sum(1 for reg in sent for row in reg.rows
               if not is_empty(row.get(header)) and mine not in fold(str(row[header])))
