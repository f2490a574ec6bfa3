"""Where the UDF module lives: one answer for the server and the classic settings writer."""

from __future__ import annotations

import os
from pathlib import Path

#: The xlwings UDF module of the product (``udfs/kkz_udfs.py``).
UDF_MODULE = "kkz_udfs"


def default_udfs_dir() -> Path:
    """``KKZ_UDFS_DIR`` if set, else the ``udfs/`` folder next to the ``kkz_xl`` package
    (a source checkout or an editable install)."""
    override = os.environ.get("KKZ_UDFS_DIR")
    if override:
        return Path(override).expanduser().resolve()
    return (Path(__file__).resolve().parents[2] / "udfs").resolve()
