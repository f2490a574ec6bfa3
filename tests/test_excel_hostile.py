"""Hostile arguments: every Excel function of the UDF module, called with junk argument lists
(error cells, NaN and infinities, huge numbers, dates, booleans, text, ragged and oversized
ranges, numpy values), either answers with finite numbers or refuses with a Polish
``InputError`` naming one of its arguments. Nothing else: no NaN, no inf, no internal
exception, no hang (each call is deadline-bounded)."""

from __future__ import annotations

import datetime as dt
import inspect
import math
from typing import Any

import kkz_udfs as udf
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kkz_xl.errors import InputError
from kkz_xl.registers.samples import sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS
from tests.contract import CONTRACT


def _table(schema: Any) -> list[list[Any]]:
    """A sample register as Excel hands a table over (lists typed as "a; b")."""
    reg = sample_register(schema)

    def cell(v: Any) -> Any:
        return "; ".join(map(str, v)) if isinstance(v, list) else v

    return [list(reg.headers)] + [[cell(r.get(h)) for h in reg.headers] for r in reg.rows]


CATALOGUE_TABLE = _table(CATALOGUE)
LEADERS_TABLE = _table(LEADERS)
WORKED = [100.0, 10_000.0, 0.1, 0.3, 5_000.0, 3.0, 0.0, 1.0, 0.0, 0.0, False]
#: A multi-state call (bezdomność, 4 states, 7 cost cells, 8 transitions) with every range.
STATES = ["bezdomnosc", 16.0, [[0.3], [0.7], [0.0], [0.0]],
          [[2000.0], [19_000.0], [7000.0], [1800.0], [3000.0], [3000.0], [1500.0]],
          [[0.3], [0.05], [0.1], [0.15], [0.25], [0.2], [0.1], [0.1]], 1.0,
          "najpierw_mieszkanie", 30_000.0, 0.4, 0.1, False, 5.0, 0.03]
#: A valid call of each function: the junk is mixed into these, argument by argument.
GOOD: dict[str, list[Any]] = {
    "KKZ_KOSZT_ZANIECHANIA": [*WORKED, 1_000.0],
    "KKZ_WSKAZNIKI": [*WORKED, [[500.0, 0.0, 300.0]]],
    "KKZ_PRZEPLYWY": [*WORKED, None],
    "KKZ_ROK_ZWROTU": [*WORKED, None],
    "KKZ_MONTE_CARLO": [*WORKED, 200.0, 0.2, 3.0, None],
    "KKZ_PROG_SKUTECZNOSCI": [*WORKED[:3], *WORKED[4:], None],
    "KKZ_PLATNICY": [*WORKED, [[0.5, 0.5]], None],
    "KKZ_NPV": [0.05, [[-100.0, 50.0, 60.0]]],
    "KKZ_KWESTIE": [],
    "KKZ_PARAMETR": ["bezrobocie", "odplyw", None],
    "KKZ_ANALIZA": ["bezrobocie", 100.0, 5.0, 0.03],
    "KKZ_KATALOG": [CATALOGUE_TABLE, "bezrobocie", 3.0],
    "KKZ_LIDERZY": [LEADERS_TABLE, "bezradnosc", None],
    "KKZ_OKRES_ZWROTU": [*WORKED, None],
    "KKZ_CIS_SWIADCZENIE": [None, 1.2],
    "KKZ_CIS_KOSZT": [20.0, 12.0, 30_000.0, 0.0, 0.0, 0.0, None, None, 12.0],
    "KKZ_CIS_KONTAKTY": [45_800.0, 3.0, 3.0, 6.0],
    "KKZ_BSC_WYNIK": [[[1.0, 2.0]], [[2.0, 2.0]], [[1.0, 1.0]], None],
    "KKZ_BSC_SWIATLO": [0.8, 0.9, 0.7],
    "KKZ_DOTACJA": [2.0, 100_000.0, 10_000.0, 300_000.0, "A", 0.9, 0.5],
    "KKZ_ANALIZA_STANY": ["bezdomnosc", 40.0, 5.0, 0.03, 2.0, None, 0.5, 0.3],
    "KKZ_KOSZT_ZANIECHANIA_STANY": [*STATES, None],
    "KKZ_WSKAZNIKI_STANY": [*STATES, [[100.0, 0.0, 0.0, 200.0]]],
    "KKZ_PRZEPLYWY_STANY": [*STATES, None],
    "KKZ_ROK_ZWROTU_STANY": [*STATES, None],
    "KKZ_OKRES_ZWROTU_STANY": [*STATES, None],
    "KKZ_PROG_SKUTECZNOSCI_STANY": [*STATES[:8], *STATES[9:], None],
    "KKZ_PLATNICY_STANY": [*STATES, [[0.5, 0.5]], None],
    "KKZ_MONTE_CARLO_STANY": [*STATES, 200.0, 0.2, 3.0, None],
}
ERROR_TEXTS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#N/D!",
               "#ARG!", "#SPILL!"]

# 1e5, not 1e6: a million Monte Carlo draws over 50 years is a legitimate call that takes
# seconds by design, and would only test the deadline.
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e15, 1e16, 1e300, 1e308, -1e308,
                     45_838.0, 2_958_465.0, 7.5, 50.0, 51.0, 1e5, 100.0]),
    st.integers(-(10**20), 10**20),
    st.sampled_from([-2146826246, -2146826281, 10**400]),
)
scalars = st.one_of(
    st.none(),
    st.just(""),
    numbers,
    st.booleans(),
    st.sampled_from(ERROR_TEXTS),
    st.text(max_size=12),
    st.sampled_from(["bezrobocie", "odplyw", "0,3", "A", "B", "wyżej", "niżej", "2025-08-31",
                     "x" * 40_000]),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(),
    st.builds(np.float64, st.floats(allow_nan=True, allow_infinity=True)),
    st.builds(np.int64, st.integers(-(2**62), 2**62)),
)
rows = st.lists(scalars, min_size=0, max_size=7)
ranges = st.one_of(
    rows,
    st.lists(rows, min_size=0, max_size=6),  # ragged as well as rectangular
    st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(scalars, min_size=w, max_size=w),
                                                 min_size=1, max_size=60)),
    st.just([[1.0]] * 300_000),  # oversized
    st.builds(lambda v: np.array(v, dtype=object), st.lists(st.lists(
        numbers, min_size=2, max_size=2), min_size=1, max_size=4)),
)
junk = st.one_of(scalars, ranges)


def _names(err: InputError) -> str:
    return err.field.split(" (")[0].split("[")[0]


def _check_finite(value: Any) -> None:
    if isinstance(value, list | tuple):
        for v in value:
            _check_finite(v)
        return
    assert not isinstance(value, np.generic), "numpy value leaked to Excel"
    if isinstance(value, float):
        assert math.isfinite(value), "a non-finite number reached a cell"
    assert value is None or isinstance(value, bool | int | float | str | dt.date), type(value)


@pytest.mark.parametrize("excel_name", sorted(CONTRACT))
@settings(max_examples=150, deadline=10_000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(data=st.data())
def test_junk_arguments_give_finite_answers_or_refusals_by_name(excel_name: str,
                                                                data: st.DataObject) -> None:
    func = getattr(udf, excel_name.lower())
    params = list(inspect.signature(func).parameters)
    good = GOOD[excel_name]
    args = [data.draw(st.one_of(st.just(g), junk)) for g in good]
    # Sometimes fewer arguments (Excel leaves trailing optional ones out), sometimes more.
    cut = data.draw(st.integers(0, len(args) + 2))
    args = args[:cut] + [data.draw(junk) for _ in range(cut - len(args))]
    try:
        result = func(*args)
    except InputError as err:
        assert _names(err) in {*params, "argumenty", "wynik"}, str(err)
        assert err.message, "a refusal says why"
        return
    _check_finite(result)


@pytest.mark.parametrize("excel_name", sorted(CONTRACT))
def test_the_good_call_of_each_function_answers(excel_name: str) -> None:
    """The baseline of the property test is itself valid (so the junk is what is refused)."""
    result = getattr(udf, excel_name.lower())(*GOOD[excel_name])
    _check_finite(result)


@pytest.mark.parametrize(("position", "value", "name", "says"), [
    (0, "bezrobocie", "kwestia", "nie ma modelu wielostanowego"),
    (2, [[0.5], [0.6], [0.0], [0.0]], "podzial", "sumować się do 1"),
    (2, [[1.0], [0.0]], "podzial", "oczekiwano 4 wartości"),
    (3, [[1.0]] * 6, "koszty_stanow", "oczekiwano 7 wartości"),
    (4, [[0.9]] * 8, "przejscia", "wychodzi łącznie"),
    (4, [["dużo"]] * 8, "przejscia", ""),
    (6, "nie_ma_takiego", "program", "nieznany program"),
])
def test_multi_state_functions_refuse_what_the_model_cannot_take(
        position: int, value: Any, name: str, says: str) -> None:
    """The …_STANY functions refuse a range of the wrong size, shares not adding up to 1,
    transitions leaving a state with more than 1, an unknown programme and an issue without a
    model – each by the argument's name, with the reason."""
    args = [*STATES, None]
    args[position] = value
    with pytest.raises(InputError) as err:
        udf.kkz_koszt_zaniechania_stany(*args)
    assert _names(err.value) == name and says in err.value.message, str(err.value)


def test_a_graduation_date_near_year_9999_is_refused_by_name() -> None:
    """Found by the junk-argument property: contact months past year 9999 overflowed datetime."""
    import datetime as dt

    from kkz_xl.errors import InputError
    from kkz_xl.excel.cis import kkz_cis_kontakty

    with pytest.raises(InputError, match="data_ukonczenia"):
        kkz_cis_kontakty(dt.datetime(9998, 12, 1), 20)
    assert len(kkz_cis_kontakty(dt.datetime(2026, 6, 30))) > 1
