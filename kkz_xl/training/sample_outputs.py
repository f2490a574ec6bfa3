"""Sample outputs of System Szkoleń for ``kkz demo``."""

from __future__ import annotations

from pathlib import Path

from kkz_xl.training.documents import write_attendance_list, write_certificates
from kkz_xl.training.storage import sample_register
from kkz_xl.training.workbook import write_training_workbook

WORKBOOK_NAME = "Szkolenia_KKZ.xlsx"


def write_samples(out_dir: Path) -> list[Path]:
    """The training workbook, the attendance list and certificates of the first session."""
    out_dir = Path(out_dir)
    reg = sample_register()
    first = reg.sesje[0].id
    paths = [write_training_workbook(out_dir / WORKBOOK_NAME, reg),
             write_attendance_list(reg, first, out_dir / f"Lista_obecnosci_{first}.docx")]
    return paths + write_certificates(reg, first, out_dir)
