"""The table functions remember their last results (the calculator reads each table through a
defined name, so Excel asks the same question once per cell): an identical call computes once,
every caller gets its own copy, and an argument of another type is its own question."""

from __future__ import annotations

import kkz_udfs as udf
import pytest

from kkz_xl.errors import InputError
from kkz_xl.excel import calculator
from tests.conftest import WORKED_ARGS


@pytest.fixture(autouse=True)
def fresh() -> None:
    calculator.przeplywy.cache_clear()
    calculator.wskazniki.cache_clear()


def test_identical_calls_compute_once(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = []
    real = calculator.run_inputs
    monkeypatch.setattr(calculator, "run_inputs",
                        lambda *a, **k: runs.append(1) or real(*a, **k))
    first = udf.kkz_przeplywy(*WORKED_ARGS)
    again = [udf.kkz_przeplywy(*WORKED_ARGS) for _ in range(50)]
    assert len(runs) == 1
    assert all(table == first for table in again)
    other = list(WORKED_ARGS)
    other[0] = WORKED_ARGS[0] + 1  # one more person: a new question
    assert udf.kkz_przeplywy(*other) != first and len(runs) == 2


def test_each_caller_gets_its_own_copy() -> None:
    first = udf.kkz_wskazniki(*WORKED_ARGS)
    first[0][1] = "zmienione"
    assert udf.kkz_wskazniki(*WORKED_ARGS)[0][1] != "zmienione"


@pytest.mark.parametrize("value", [True, 1, 1.0, "1", "PRAWDA"])
def test_a_value_of_another_type_is_answered_as_without_memory(value: object) -> None:
    """``powtarzaj`` as TRUE, 1, 1.0 or text: after any other of them has been remembered,
    each gets the answer (or the refusal) it gets on its own."""
    def call(v: object) -> object:
        args = [*WORKED_ARGS, None, None, None, v]  # powtarzaj: the 11th argument
        try:
            return udf.kkz_przeplywy(*args)
        except InputError as err:
            return str(err)

    calculator.przeplywy.cache_clear()
    alone = call(value)
    for other in (True, 1, 1.0, "1", "PRAWDA"):
        calculator.przeplywy.cache_clear()
        call(other)
        assert call(value) == alone, (other, value)
