"""Turning what Excel hands in into plain Python values, and validation errors into
``InputError`` with the argument's Polish name.

Excel gives numbers as floats, logical values as bools, an empty cell or an omitted optional
argument as None, and a range as a list of rows (xlwings may already have flattened a one-row
range to a list, ``formulas`` passes numpy arrays). Nothing here decides a domain: ranges and
types are checked once, by the pydantic models.
"""

from __future__ import annotations

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
