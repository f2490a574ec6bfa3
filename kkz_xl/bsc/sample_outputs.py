"""Sample outputs of the BSC part for ``kkz demo``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kkz_xl.bsc.card import write_card
from kkz_xl.bsc.network import sample_network
from kkz_xl.bsc.workbook import write_bsc_workbook

WORKBOOK_NAME = "BSC_Siec_Uslug.xlsx"


def write_samples(out_dir: Path, today: dt.date | None = None) -> list[Path]:
    """The scorecard workbook of the sample network and one service card per service."""
    out_dir = Path(out_dir)
    net = sample_network()
    paths = [write_bsc_workbook(out_dir / WORKBOOK_NAME, net)]
    for svc in net.uslugi:
        paths.append(write_card(net, svc.id, out_dir / f"Karta_uslugi_{svc.id}.docx",
                                today or dt.date.today()))
    return paths
