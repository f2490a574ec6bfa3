"""System Szkoleń (the KKZ training programme): modules, sessions, participants, completions,
linked to the Sieć Liderów; attendance lists, certificates, the report per JST. Also holds the
workbook styling and Word rendering helpers shared with the BSC and CIS parts."""

from __future__ import annotations

from pathlib import Path


def demo(out_dir: Path) -> list[Path]:
    """Write the System Szkoleń sample outputs into ``out_dir`` (for ``kkz demo``)."""
    from kkz_xl.training.sample_outputs import write_samples  # heavy imports only when called

    return write_samples(out_dir)
