"""Balanced Scorecard of a regional network of social services (after the Karlovarský kraj
project): indicators in four perspectives, scores and traffic lights, regional funding criteria,
the scorecard workbook and the service card."""

from __future__ import annotations

from pathlib import Path


def demo(out_dir: Path) -> list[Path]:
    """Write the BSC sample outputs into ``out_dir`` (for ``kkz demo``); returns the paths."""
    from kkz_xl.bsc.sample_outputs import write_samples  # heavy imports only when called

    return write_samples(out_dir)
