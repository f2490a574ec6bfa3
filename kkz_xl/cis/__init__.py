"""Centrum Integracji Społecznej: financing calculator, the CIS programme for the calculator,
the graduate-monitoring plan and the CIS workbook."""

from __future__ import annotations

from pathlib import Path


def demo(out_dir: Path) -> list[Path]:
    """Write the CIS sample outputs into ``out_dir`` (for ``kkz demo``); returns the paths."""
    from kkz_xl.cis.sample_outputs import write_samples  # heavy imports only when called

    return write_samples(out_dir)
