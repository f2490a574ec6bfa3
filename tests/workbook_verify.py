"""Evaluating the calculator workbook without Excel: the ``formulas`` package with every
``KKZ_`` function registered under its Excel name and answered by ``udfs/kkz_udfs.py``.

Test-only (with the workbook benchmark); ``formulas`` is a development dependency.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from openpyxl.utils.cell import column_index_from_string as col_index
from openpyxl.utils.cell import get_column_letter

CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")

UDF_FILE = Path(__file__).resolve().parents[1] / "udfs" / "kkz_udfs.py"


def udf_module() -> ModuleType:
    """``udfs/kkz_udfs.py`` (not a package module: loaded from its file)."""
    if "kkz_udfs" in sys.modules:
        return sys.modules["kkz_udfs"]
    spec = importlib.util.spec_from_file_location("kkz_udfs", UDF_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["kkz_udfs"] = module
    spec.loader.exec_module(module)
    return module


def _excel_value(value: Any) -> Any:
    """What xlwings would hand in: None for an empty cell, a list of rows for a range."""
    import schedula as sh

    if isinstance(value, np.ndarray):
        rows = [[_excel_value(v) for v in row] for row in np.atleast_2d(value).tolist()]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    if value is sh.EMPTY or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if type(value).__name__ == "XlError":
        raise ValueError(str(value))
    return value


def _adapter(func: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        result = func(*[_excel_value(a) for a in args])
        if isinstance(result, list):
            width = max(len(r) for r in result)
            return np.array([list(r) + [""] * (width - len(r)) for r in result], dtype=object)
        return result

    call.__name__ = func.__name__
    return call


def register_udfs() -> list[str]:
    """Register every ``kkz_*`` function of the UDF module in ``formulas``; returns the
    Excel names."""
    from formulas.functions import get_functions, wrap_func

    functions = get_functions()
    names = []
    for name, func in inspect.getmembers(udf_module(), inspect.isfunction):
        if name.startswith("kkz_"):
            functions[name.upper()] = wrap_func(_adapter(func))
            names.append(name.upper())
    return names


def evaluate(path: Path) -> dict[tuple[str, str], Any]:
    """Every computed cell of the workbook at ``path``: (sheet, A1) → value (errors as their
    Excel text, e.g. ``#N/A``)."""
    import formulas

    register_udfs()
    model = formulas.ExcelModel().loads(str(path)).finish()
    return _cells(model.calculate())


def _cells(solution: Any) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    for key, ranges in solution.items():
        if "!" not in key:
            continue
        sheet_part, address = key.rsplit("!", 1)
        sheet = sheet_part.split("]", 1)[1].strip("'").upper()
        values = np.atleast_2d(getattr(ranges, "value", ranges))
        match = CELL.match(address.split(":")[0].replace("$", ""))
        if not match:
            continue  # a defined name: its cells are listed under their own address
        col, row = col_index(match[1]), int(match[2])
        for i, line in enumerate(values):
            for j, value in enumerate(line):
                cell = f"{get_column_letter(col + j)}{row + i}"
                out[(sheet, cell)] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    import schedula as sh

    if value is sh.EMPTY:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if type(value).__name__ == "XlError":
        return str(value)
    return value


class WorkbookModel:
    """A workbook's formulas loaded once and recalculated for changed input cells; only what
    the asked-for outputs need is computed."""

    def __init__(self, path: Path) -> None:
        import formulas

        register_udfs()
        self.book = Path(path).name
        self.model = formulas.ExcelModel().loads(str(path)).finish()

    def everything(self) -> dict[tuple[str, str], Any]:
        """Every computed cell (as ``evaluate``), from this one loaded model."""
        return _cells(self.model.calculate())

    def _key(self, sheet: str, address: str) -> str:
        return f"'[{self.book}]{sheet.upper()}'!{address}"

    def calculate(self, inputs: dict[tuple[str, str], Any],
                  outputs: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """``outputs`` (sheet, A1 or A1:B2) → value (a range as a list of rows) after setting
        ``inputs`` (sheet, A1) → value."""
        keys = {o: self._key(*o) for o in outputs}
        solution = self.model.calculate(
            inputs={self._key(*k): v for k, v in inputs.items()}, outputs=list(keys.values()))
        out: dict[tuple[str, str], Any] = {}
        for o, key in keys.items():
            values = np.atleast_2d(getattr(solution[key], "value", solution[key]))
            rows = [[_plain(v) for v in line] for line in values.tolist()]
            out[o] = rows if ":" in o[1] else rows[0][0]
        return out

