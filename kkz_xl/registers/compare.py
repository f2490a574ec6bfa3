"""Comparing register values as the Dyfuzor sees them: one text per value (``1200`` =
``1200.0``, a date as RRRR-MM-DD), the typed value of a cell, and a cell's fingerprint.

Shared by the merge, the reconciliation and the workbook writer (its hidden state sheet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from kkz_xl.registers.schema import Column
from kkz_xl.registers.text import Formula, squash
from kkz_xl.registers.values import is_empty


def display(value: Any) -> str:
    """A value as text for comparing sources and showing conflicts (``1200`` = ``1200.0``)."""
    if isinstance(value, list | tuple):
        return "; ".join(display(v) for v in value)
    if isinstance(value, bool):
        return "PRAWDA" if value else "FAŁSZ"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return squash(str(value))


def _typed(col: Column | None, value: Any) -> Any:
    """The parsed value where the cell is valid; the raw value (kept, flagged by the check)
    otherwise. Formulas from a sent file become text."""
    if isinstance(value, Formula):
        value = str(value)
    if col is None or is_empty(value):
        return value
    try:
        return col.parse(value)
    except ValueError:
        return value


def value_digest(column: Column | None, value: object) -> str:
    """A short fingerprint of a cell as the Dyfuzor reads it (``1200`` = ``1200.0``)."""
    return hashlib.sha1(display(_typed(column, value)).encode("utf-8")).hexdigest()[:10]
