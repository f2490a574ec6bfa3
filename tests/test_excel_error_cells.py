"""Excel error cells as classic xlwings delivers them: with ``err_to_str`` (which every
argument of every function asks for) an error cell arrives as its English text (``"#N/A"``),
anywhere in a range too; without it, as ``None``, the empty cell that would silently take the
default. Every function refuses an error cell in every argument, naming the argument."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import kkz_udfs as udf
import pytest

from kkz_xl.errors import InputError
from kkz_xl.excel.locations import default_udfs_dir
from tests.contract import CONTRACT
from tests.test_excel_hostile import GOOD

#: What classic xlwings (``_xlwindows.cell_errors``) puts in place of an error cell with
#: ``err_to_str``, and the Polish name the message shows.
CLASSIC_ERRORS = {"#DIV/0!": "#DZIEL/0!", "#N/A": "#N/D!", "#NAME?": "#NAZWA?",
                  "#NULL!": "#ZERO!", "#NUM!": "#LICZBA!", "#REF!": "#ADR!", "#VALUE!": "#ARG!"}
#: The same errors as COM integers (what xlwings would pass if err_to_str were dropped).
COM_CODES = {-2146826246: "#N/D!", -2146826281: "#DZIEL/0!"}


def test_every_argument_of_every_function_asks_xlwings_for_error_cells() -> None:
    """The decorators' options, read in a server-mode interpreter (the classic decorator
    ``xlwings.udfs.xlarg`` stores the same options the same way)."""
    script = (
        "import json; from kkz_xl.addin.registry import UdfRegistry;"
        "from kkz_xl.excel.locations import UDF_MODULE;"
        f"r = UdfRegistry.load({str(default_udfs_dir())!r}, UDF_MODULE);"
        "print(json.dumps({n: [[a['name'], a['options'].get('err_to_str')] for a in "
        "getattr(r.module, n).__xlfunc__['args']] for n in r.functions}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["XLWINGS_ON_SERVER"] = "true"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    options = json.loads(out.stdout.strip().splitlines()[-1])
    assert {n.upper() for n in options} >= set(CONTRACT)
    for name, args in options.items():
        assert [a for a, _ in args] == list(inspect.signature(getattr(udf, name)).parameters)
        assert all(flag is True for _, flag in args), (name, args)


@pytest.mark.parametrize("excel_name", sorted(n for n in CONTRACT if CONTRACT[n]))
@pytest.mark.parametrize(("text", "polish"), sorted(CLASSIC_ERRORS.items()))
def test_an_error_cell_in_any_argument_is_refused_by_name(excel_name: str, text: str,
                                                          polish: str) -> None:
    func = getattr(udf, excel_name.lower())
    for position, name in enumerate(CONTRACT[excel_name]):
        args = list(GOOD[excel_name])
        args[position] = text
        with pytest.raises(InputError) as err:
            func(*args)
        assert str(err.value) == f"{name}: komórka zawiera błąd {polish}", (excel_name, name)


@pytest.mark.parametrize("excel_name", sorted(n for n in CONTRACT if CONTRACT[n]))
def test_an_error_inside_a_range_is_refused_naming_argument_and_cell(excel_name: str) -> None:
    func = getattr(udf, excel_name.lower())
    for position, name in enumerate(CONTRACT[excel_name]):
        args = list(GOOD[excel_name])
        good = args[position]
        table = [list(r) for r in good] if isinstance(good, list) else [[good, good]]
        table[-1][-1] = "#N/A"
        args[position] = table
        with pytest.raises(InputError) as err:
            func(*args)
        assert str(err.value).startswith(f"{name}: "), (excel_name, str(err.value))
        rows, cols = len(table), len(table[0])
        place = (f"nr {rows * cols}" if rows == 1 or cols == 1
                 else f"w wierszu {rows}, kolumnie {cols}")
        assert f"komórka {place} zakresu zawiera błąd #N/D!" in str(err.value), str(err.value)


@pytest.mark.parametrize(("code", "polish"), sorted(COM_CODES.items()))
def test_com_error_codes_are_refused_too(code: int, polish: str) -> None:
    with pytest.raises(InputError, match=rf"^horyzont: komórka zawiera błąd {polish}$"):
        udf.kkz_koszt_zaniechania(100, 10_000, 0.1, 0.3, 5_000, code)
    with pytest.raises(InputError, match=rf"^przeplywy: komórka nr 2 zakresu zawiera błąd "
                                         f"{polish}$"):
        udf.kkz_npv(0.05, [100.0, code, 50.0])


def test_the_issues_examples_no_longer_compute() -> None:
    """Issue 12's examples: each used to give a number (the default or the error ignored)."""
    with pytest.raises(InputError, match=r"^horyzont: komórka zawiera błąd #N/D!"):
        udf.kkz_koszt_zaniechania(100, 10_000, 0.1, 0.3, 5_000, "#N/A")
    with pytest.raises(InputError, match=r"^stopa: komórka zawiera błąd #ARG!"):
        udf.kkz_koszt_zaniechania(100, 10_000, 0.1, 0.3, 5_000, 3, "#VALUE!")
    with pytest.raises(InputError, match=r"^koszt_roczny: komórka nr 2 zakresu"):
        udf.kkz_koszt_zaniechania(100, [10_000.0, "#N/A"], 0.1, 0.3, 5_000, 3, 0)
    with pytest.raises(InputError, match=r"^przeplywy: .*#DZIEL/0!"):
        udf.kkz_npv(0.05, [[100.0], ["#DIV/0!"], [50.0]])


@pytest.mark.parametrize("value", [1e300, 1e308, -1e16, float("inf"), float("nan")])
@pytest.mark.parametrize("position", [0, 1, 4])
def test_numbers_beyond_any_meaning_are_refused(value: float, position: int) -> None:
    args = list(GOOD["KKZ_WSKAZNIKI"])
    args[position] = value
    name = CONTRACT["KKZ_WSKAZNIKI"][position]
    with pytest.raises(InputError, match=rf"^{name}: oczekiwano"):
        udf.kkz_wskazniki(*args)
    args = list(GOOD["KKZ_KOSZT_ZANIECHANIA"])
    args[9] = value  # naplyw
    with pytest.raises(InputError, match=r"^naplyw: oczekiwano"):
        udf.kkz_koszt_zaniechania(*args)


def test_a_date_where_a_number_belongs_is_its_serial_number_in_both_runtimes() -> None:
    """Classic xlwings passes a date cell as a datetime, Office.js as its serial number: both
    compute the same (Excel's own arithmetic with dates)."""
    import datetime as dt

    day = dt.datetime(2025, 7, 1)
    number = float((day - dt.datetime(1899, 12, 30)).days)
    assert number == 45_839  # 1 July 2025 in Excel
    serial = udf.kkz_koszt_zaniechania(number, 10_000, 0.1, 0.3, 5_000, 3, 0)
    as_date = udf.kkz_koszt_zaniechania(day, 10_000, 0.1, 0.3, 5_000, 3, 0)
    assert as_date == serial == pytest.approx(number * 130)
    assert udf.kkz_koszt_zaniechania(day.date(), 10_000, 0.1, 0.3, 5_000, 3, 0) == serial


@pytest.mark.parametrize("excel_name", ["KKZ_PRZEPLYWY", "KKZ_OKRES_ZWROTU"])
def test_ragged_ranges_are_refused_by_name(excel_name: str) -> None:
    args = list(GOOD[excel_name])
    args[1] = [[10_000.0, 2_000.0], [9_000.0]]
    with pytest.raises(InputError, match=r"^koszt_roczny: oczekiwano prostokątnego zakresu"):
        getattr(udf, excel_name.lower())(*args)
