"""Sample outputs of the CIS part for ``kkz demo``."""

from __future__ import annotations

import json
from pathlib import Path

from kkz_xl.cis.financing import cis_cost
from kkz_xl.cis.plan_file import sample_plan
from kkz_xl.cis.programme import cis_programme
from kkz_xl.cis.workbook import write_cis_workbook
from kkz_xl.storage.atomic import atomic_write_bytes

WORKBOOK_NAME = "CIS_Finansowanie.xlsx"


def write_samples(out_dir: Path) -> list[Path]:
    """Write the CIS workbook (sample edition and graduates) and the CIS programme as JSON."""
    out_dir = Path(out_dir)
    plan = sample_plan()
    book = write_cis_workbook(out_dir / WORKBOOK_NAME, plan.kalkulator, plan.absolwenci,
                              plan.harmonogram)
    programme = cis_programme(kalkulacja=cis_cost(plan.kalkulator))
    prog_path = out_dir / "CIS_program_dzialania.json"
    atomic_write_bytes(prog_path, json.dumps(programme, ensure_ascii=False, indent=2).encode(),
                       backup=False)
    return [book, prog_path]
