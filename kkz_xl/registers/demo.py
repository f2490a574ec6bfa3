"""The registers' part of ``kkz demo``: sample registers, a Dyfuzor round over them, and the
exports a regional centre shares back."""

from __future__ import annotations

from pathlib import Path

from kkz_xl.registers.export import Privacy, export_register
from kkz_xl.registers.merge import merge_registers
from kkz_xl.registers.register import Register
from kkz_xl.registers.samples import WORKBOOK_NAMES, sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from kkz_xl.registers.writing import save_register


def _split_by_jst(register: Register) -> list[Register]:
    """The sample as the JSTs would send it: one file per JST."""
    jst = register.schema.header("jst")
    parts: dict[str, list[dict]] = {}
    for row in register.rows:
        parts.setdefault(str(row.get(jst) or "bez JST"), []).append(dict(row))
    return [Register(register.schema, list(register.headers), rows, source=f"{name}.xlsx")
            for name, rows in sorted(parts.items())]


def demo(out_dir: Path) -> list[Path]:
    """Write the sample Katalog and Sieć Liderów, the regional Katalog merged from per-JST
    files (Dyfuzor), and an anonymised leaders' export."""
    folder = Path(out_dir) / "rejestry"
    written: list[Path] = []
    for schema in (CATALOGUE, LEADERS):
        path = folder / f"{WORKBOOK_NAMES[schema.kind]}.xlsx"
        save_register(sample_register(schema), path)
        written.append(path)
    merged = merge_registers(_split_by_jst(sample_register(CATALOGUE)))
    regional = folder / "Katalog_regionalny.xlsx"
    save_register(merged.register, regional, with_conflicts=True, conflict_ids=merged.ids)
    written.append(regional)
    anonymous = folder / "Liderzy_anonimowo.csv"
    export_register(sample_register(LEADERS), anonymous, Privacy.ANONYMOUS)
    written.append(anonymous)
    return written
