"""Turning what Excel hands in into plain Python values, and validation errors into
``InputError`` with the argument's Polish name.

Excel gives numbers as floats, logical values as bools, an empty cell or an omitted optional
argument as None, and a range as a list of rows (xlwings may already have flattened a one-row
range to a list, ``formulas`` passes numpy arrays). Nothing here decides a domain: ranges and
types are checked once, by the pydantic models.

Every Excel function goes through :func:`excel_function` first, in both runtimes: an error
cell (anywhere in a range), a number that is not finite or too large to compute with, a ragged
or oversized range, or a value of a kind Excel cannot hold is refused there, naming the
argument; a date where a number belongs is its Excel serial number (what Office.js sends, and
what Excel itself computes with), and a result that is not a finite number is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_errors
from kkz_xl.polish import fmt_plain

# ------------------------------------------------------------------ every argument, every result

#: Excel's error values as classic xlwings hands them with ``err_to_str`` (English names) or a
#: Polish Excel shows them → the Polish name the message uses.
EXCEL_ERROR_TEXTS = {
    "#DIV/0!": "#DZIEL/0!", "#N/A": "#N/D!", "#NAME?": "#NAZWA?", "#NULL!": "#ZERO!",
    "#NUM!": "#LICZBA!", "#REF!": "#ADR!", "#VALUE!": "#ARG!", "#SPILL!": "#ROZLANIE!",
    "#CALC!": "#OBLICZ!", "#GETTING_DATA": "#GETTING_DATA", "#BUSY!": "#BUSY!",
    "#FIELD!": "#FIELD!", "#BLOCKED!": "#BLOCKED!", "#CONNECT!": "#CONNECT!",
    "#UNKNOWN!": "#UNKNOWN!", "#PYTHON!": "#PYTHON!",
}
EXCEL_ERROR_TEXTS.update({polish: polish for polish in list(EXCEL_ERROR_TEXTS.values())})
#: The same errors as COM integers (classic xlwings without ``err_to_str`` would pass these).
COM_ERROR_CODES = {
    -2146826281: "#DZIEL/0!", -2146826246: "#N/D!", -2146826259: "#NAZWA?",
    -2146826288: "#ZERO!", -2146826252: "#LICZBA!", -2146826265: "#ADR!", -2146826273: "#ARG!",
}
#: Largest magnitude of a number an argument may hold. Excel keeps 15 significant digits, so
#: nothing typed beyond this means anything, and with it every product of the method
#: (persons × cost × years) stays far from overflow.
MAX_MAGNITUDE = 1e15
#: Most cells one argument may hold (a register of a few thousand rows fits).
MAX_CELLS = 200_000
#: Excel's own limit of characters in a cell.
MAX_TEXT = 32_767


def cell_place(i: int, j: int, rows: int, cols: int) -> str:
    """Where a cell sits in a range, as the messages say it (1-based): ``nr 3`` in a row or a
    column, ``w wierszu 2, kolumnie 3`` in a table; empty for a single cell."""
    if rows * cols <= 1:
        return ""
    if rows == 1 or cols == 1:
        return f" nr {max(i, j)} zakresu"
    return f" w wierszu {i}, kolumnie {j} zakresu"


def _cell(value: Any, name: str, where: str = "") -> Any:
    """One cell checked: an Excel value a function may see, or a Polish ``InputError``.
    ``where`` places the cell inside a range (`` w wierszu 2, kolumnie 3``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):
        return value
    prefix = f"komórka{where}: " if where else ""
    if isinstance(value, str):
        if value == "":
            return None
        error = EXCEL_ERROR_TEXTS.get(value.strip().upper())
        if error is not None:
            raise InputError(name, f"komórka{where} zawiera błąd {error}")
        if len(value) > MAX_TEXT:
            raise InputError(name, f"{prefix}tekst dłuższy niż {MAX_TEXT} znaków")
        return value
    if isinstance(value, int) and value in COM_ERROR_CODES:
        raise InputError(name, f"komórka{where} zawiera błąd {COM_ERROR_CODES[value]}")
    if isinstance(value, dt.datetime):
        value = (value - dt.datetime(1899, 12, 30, tzinfo=value.tzinfo)).total_seconds() / 86400
    elif isinstance(value, dt.date):
        value = float((value - EXCEL_EPOCH).days)
    if isinstance(value, int | float):
        number = float(value) if abs(value) <= MAX_MAGNITUDE else math.inf
        if math.isnan(number):
            raise InputError(name, f"{prefix}oczekiwano liczby, otrzymano NaN")
        if not abs(number) <= MAX_MAGNITUDE:
            raise InputError(name, f"{prefix}oczekiwano skończonej liczby nie większej co do "
                                   "wartości bezwzględnej niż 10^15")
        return number
    raise InputError(name, f"{prefix}nieobsługiwany rodzaj wartości")


def excel_value(value: Any, name: str) -> Any:
    """An argument as Excel can hand it (a value, a flat list, a list of equal rows), every
    cell checked by :func:`_cell`; the shape is kept."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return _cell(value, name)
    if not value:
        return None
    if all(isinstance(r, list | tuple) for r in value):
        widths = {len(r) for r in value}
        if len(widths) != 1 or 0 in widths:
            raise InputError(name, "oczekiwano prostokątnego zakresu komórek (wiersze różnej "
                                   "długości)")
        if len(value) * len(value[0]) > MAX_CELLS:
            raise InputError(name, f"zakres za duży: najwyżej {MAX_CELLS} komórek, otrzymano "
                                   f"{len(value) * len(value[0])}")
        rows, cols = len(value), len(value[0])
        return [[_cell(v, name, cell_place(i, j, rows, cols))
                 for j, v in enumerate(r, start=1)] for i, r in enumerate(value, start=1)]
    if any(isinstance(v, list | tuple) for v in value):
        raise InputError(name, "oczekiwano prostokątnego zakresu komórek (wiersze różnej "
                               "długości)")
    if len(value) > MAX_CELLS:
        raise InputError(name, f"zakres za duży: najwyżej {MAX_CELLS} komórek, otrzymano "
                               f"{len(value)}")
    return [_cell(v, name, cell_place(1, i, 1, len(value))) for i, v in enumerate(value, start=1)]


def excel_result(value: Any) -> Any:
    """A function's answer as plain Python (numpy scalars unwrapped); a number that is not
    finite is refused, never shown as a number or a bare #LICZBA!."""
    if isinstance(value, list | tuple):
        return [excel_result(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("wynik", "obliczenie wychodzi poza zakres liczb; sprawdź wielkość "
                                  "argumentów")
    return value


def excel_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (an Excel function, arguments named as in Excel) with every argument checked
    by :func:`excel_value` and its result by :func:`excel_result`; missing trailing arguments
    are empty cells, as Excel passes them."""
    names = tuple(inspect.signature(func).parameters)

    @functools.wraps(func)
    def checked(*args: Any) -> Any:
        if len(args) > len(names):
            raise InputError("argumenty", f"za dużo argumentów ({len(args)}), funkcja "
                                          f"przyjmuje najwyżej {len(names)}")
        values = [excel_value(v, n) for v, n in zip(args, names, strict=False)]
        values += [None] * (len(names) - len(values))
        return excel_result(func(*values))

    return checked


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
