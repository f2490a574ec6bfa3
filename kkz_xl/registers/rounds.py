"""One Dyfuzor round: the registers sent, merged with the regional register of the previous
round, balanced cell by cell, and saved. ``kkz katalog scal`` and the Dyfuzor's web page both
run it, so a file merged either way ends the same."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kkz_xl.errors import InputError
from kkz_xl.registers.merge import MergeResult, merge_registers
from kkz_xl.registers.reconcile import FileBalance, Reconciliation, merge_balance
from kkz_xl.registers.register import Register
from kkz_xl.registers.writing import save_register, spill_long_texts


@dataclass
class Round:
    """What a round made: the merge, and the backup of the regional file it replaced."""

    result: MergeResult
    backup: Path | None


def merge_round(regional: list[Register], sent: list[tuple[str, list[Register]]], target: Path,
                recon: Reconciliation, *, save: bool = True) -> Round:
    """Merge the files ``sent`` (name, its register sheets) into ``regional`` (the register
    sheets of ``target`` as it is, or none), put each file's balance into ``recon``, and,
    unless ``save`` is false (a preview), write ``target`` with its Konflikty and Uzgodnienie
    sheets. Texts too long for a cell are kept whole beside ``target``."""
    for reg in regional:
        reg.base = True  # a person's edits and decisions in it are kept
    files = ([(target.name, regional)] if regional else []) + sent
    registers = [reg for _, regs in files for reg in regs]
    if not registers:
        raise InputError("pliki", "żaden plik nie dał się odczytać; nic nie scalono")
    result = merge_registers(registers)
    recon.files[:0] = merge_balance(files, registers, result)
    backup = None
    if save:
        long_notes = spill_long_texts(result.register, target)
        if long_notes:
            recon.files[0].notes += long_notes
        backup = save_register(result.register, target, with_conflicts=True,
                               conflict_ids=result.ids, reconciliation=recon)
    return Round(result, backup)


def balance_of(recon: Reconciliation, name: str) -> FileBalance | None:
    """The balance of file ``name`` in ``recon``."""
    return next((f for f in recon.files if f.file == name), None)
