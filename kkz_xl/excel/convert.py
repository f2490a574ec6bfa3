"""Turning what Excel hands in into plain Python values, and validation errors into
``InputError`` with the argument's Polish name.

Excel gives numbers as floats, logical values as bools, an empty cell or an omitted optional
argument as None, and a range as a list of rows (xlwings may already have flattened a one-row
range to a list, ``formulas`` passes numpy arrays). Nothing here decides a domain: ranges and
types are checked once, by the pydantic models.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_errors
from kkz_xl.polish import fmt_plain


def _plain(value: Any) -> Any:
    """numpy scalars → Python scalars; Excel's empty string → None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and value == "":
        return None
    return value


def cells(value: Any) -> list[Any]:
    """Every cell of a range (or a single value), row by row."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        out: list[Any] = []
        for v in value:
            out.extend(cells(v))
        return out
    return [_plain(value)]


def scalar(value: Any, name: str) -> Any:
    """One value; a 1×1 range is that value; a larger range is an error."""
    values = cells(value)
    if len(values) != 1:
        raise InputError(name, f"oczekiwano jednej wartości (jednej komórki), "
                               f"otrzymano zakres {len(values)} komórek")
    return values[0]


def as_float_if_integral(value: Any) -> Any:
    """Excel stores whole numbers as floats: 7.0 for a horizon means 7."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def row(value: Any, name: str, max_len: int) -> list[Any]:
    """A one-row or one-column range (or one value) of at most ``max_len`` cells."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        rows, cols = len(value), max(len(r) for r in value)
        if rows > 1 and cols > 1:
            raise InputError(name, f"oczekiwano jednego wiersza lub jednej kolumny, "
                                   f"otrzymano zakres {rows}×{cols}")
    values = cells(value)
    while values and values[-1] is None:
        values.pop()
    if len(values) > max_len:
        raise InputError(name, f"oczekiwano najwyżej {max_len} wartości, otrzymano "
                               f"{len(values)}")
    return values


def grid(value: Any) -> list[list[Any]]:
    """A range as a list of rows (a single value is a 1×1 range; a flat list is one row)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return [[_plain(value)]]
    if value and all(isinstance(r, list | tuple) for r in value):
        return [[_plain(v) for v in r] for r in value]
    return [[_plain(v) for v in value]]


def validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """``model`` validated from Polish-named arguments; the first error as ``InputError``."""
    try:
        return model.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as err:
        field, message = polish_errors(err)[0]
        raise InputError(field, message) from None


def require_number(value: Any, name: str) -> float:
    """A plain number (for functions outside the model, e.g. KKZ_NPV's flows)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise InputError(name, f"oczekiwano liczby, otrzymano {fmt_plain(value)}")
    return float(value)


# ------------------------------------------------------------------ typed single cells
# For functions outside the model (CIS, BSC): a cell converted and range-checked in one step.

EXCEL_EPOCH = dt.date(1899, 12, 30)


def cell_number(value: Any, name: str, *, low: float | None = None, high: float | None = None,
                default: float | None = None) -> float:
    """A number from a cell; empty → ``default`` (or an error when there is none)."""
    value = scalar(value, name)
    if value is None or value == "":
        if default is None:
            raise InputError(name, "argument wymagany, komórka jest pusta")
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(name, f"oczekiwano liczby, otrzymano {fmt_plain(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(name, "oczekiwano skończonej liczby")
    if (low is not None and number < low) or (high is not None and number > high):
        span = _span(low, high)
        raise InputError(name, f"oczekiwano liczby {span}, otrzymano {fmt_plain(number)}")
    return number


def cell_int(value: Any, name: str, *, low: int, high: int, default: int | None = None) -> int:
    """A whole number from a cell."""
    number = cell_number(value, name, low=low, high=high,
                         default=None if default is None else float(default))
    if not number.is_integer():
        raise InputError(name, f"oczekiwano liczby całkowitej, otrzymano {fmt_plain(number)}")
    return int(number)


def cell_text(value: Any, name: str, *, default: str | None = None) -> str:
    value = scalar(value, name)
    if value is None or value == "":
        if default is None:
            raise InputError(name, "argument wymagany, komórka jest pusta")
        return default
    if not isinstance(value, str):
        raise InputError(name, f"oczekiwano tekstu, otrzymano {fmt_plain(value)}")
    return value.strip()


def cell_date(value: Any, name: str) -> dt.date:
    """A date: a datetime (classic xlwings), an Excel serial number (Office.js) or ISO text."""
    value = scalar(value, name)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(name, f"oczekiwano daty RRRR-MM-DD, otrzymano {fmt_plain(value)}"
                             ) from None
    serial = cell_number(value, name, low=1, high=2_958_465)
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def cell_vector(value: Any, name: str) -> list[Any]:
    """A one-row or one-column range (or one cell) as a flat list, empty cells kept as None."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return [value]
    rows = [list(r) if isinstance(r, list | tuple) else [r] for r in value]
    if len(rows) == 1:
        return rows[0]
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    raise InputError(name, "oczekiwano jednego wiersza lub jednej kolumny, otrzymano tabelę "
                     f"{len(rows)}×{len(rows[0])}")


def _span(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"od {fmt_plain(float(low))} do {fmt_plain(float(high))}"
    return f"≥ {fmt_plain(float(low))}" if low is not None else f"≤ {fmt_plain(float(high))}"
