"""Reading the leaders of the Sieć Liderów register (through ``kkz_xl.registers``)."""

from __future__ import annotations

from pathlib import Path

from kkz_xl.registers.register import Register
from kkz_xl.registers.samples import sample_register
from kkz_xl.registers.schema import LEADERS
from kkz_xl.registers.sheets import read_every_sheet


def _names(register: Register) -> dict[str, str]:
    id_h, name_h = LEADERS.header("id"), LEADERS.header("osoba")
    return {str(r[id_h]).strip(): str(r.get(name_h) or "").strip()
            for r in register.rows if r.get(id_h) not in (None, "")}


def leader_names(path: Path | None = None) -> dict[str, str]:
    """Leader id → name, from every register sheet of a Sieć Liderów workbook (or the shipped
    sample)."""
    return _names(read_every_sheet(Path(path), LEADERS).register if path
                  else sample_register(LEADERS))
