"""The one tornado: grouped by cost line or by payer, switching values from the shared search."""

from __future__ import annotations

import numpy as np
import pytest

from kkz_xl.engine.run import stack
from kkz_xl.engine.threshold import refine, sign_changes
from kkz_xl.engine.tornado import tornado
from kkz_xl.engine.two_state import TwoStateParams, npv
from kkz_xl.model.inputs import IssueInputs
from kkz_xl.model.payers import PAYERS, Payer
from kkz_xl.params.base import default_base
from tests.conftest import WORKED, first

# Two gmina lines and one powiat line, a state-budget gain.
THREE_LINES = {**WORKED, "koszty": [
    {"platnik": "gmina", "kwota": 6_000.0}, {"platnik": "powiat", "kwota": 3_000.0},
    {"platnik": "gmina", "kwota": 1_000.0}],
    "korzysci": [{"platnik": "budzet_panstwa", "kwota": 2_000.0}]}


def _params(data: dict) -> TwoStateParams:
    return first(stack([IssueInputs.model_validate(data)], 3, 0.0)[0])


def _npv_scaled(p: TwoStateParams, lines: list[int], factor: float, name: str) -> float:
    mult = np.array(getattr(p, name), dtype=float)
    mult[lines] *= factor
    return float(npv(p.with_value(name, mult)))


def test_by_payer_moves_all_lines_of_a_payer_together() -> None:
    p = _params(THREE_LINES)
    rows = {r.name: r for r in tornado(p, 0.2, by="payer")}
    gmina = rows["cost_mult[gmina]"]
    assert gmina.payer is Payer.GMINA and gmina.line is None
    assert gmina.npv_low == pytest.approx(_npv_scaled(p, [0, 2], 0.8, "cost_mult"))
    assert gmina.npv_high == pytest.approx(_npv_scaled(p, [0, 2], 1.2, "cost_mult"))
    assert rows["cost_mult[powiat]"].npv_high == pytest.approx(
        _npv_scaled(p, [1], 1.2, "cost_mult"))
    assert rows["gain_mult[budzet_panstwa]"].npv_low == pytest.approx(
        _npv_scaled(p, [3], 0.8, "gain_mult"))
    # Every payer has its cost row (the sheets' fixed layout); one without lines does not move.
    assert {f"cost_mult[{q.value}]" for q in PAYERS} <= set(rows)
    assert rows["cost_mult[nfz]"].swing == 0 and rows["cost_mult[nfz]"].switching is None


def test_by_line_and_by_payer_agree_where_a_payer_has_one_line() -> None:
    p = _params(THREE_LINES)
    by_line = {r.name: r for r in tornado(p, 0.2)}
    by_payer = {r.name: r for r in tornado(p, 0.2, by="payer")}
    assert by_payer["cost_mult[powiat]"].npv_low == pytest.approx(by_line["cost_mult[1]"].npv_low)
    assert by_payer["cost_mult[powiat]"].switching == pytest.approx(
        by_line["cost_mult[1]"].switching)
    for name in ("success", "exit_rate", "programme_cost"):
        assert by_payer[name] == by_line[name]


def test_switching_value_of_a_payer_group_zeroes_the_npv() -> None:
    p = _params(THREE_LINES)
    row = next(r for r in tornado(p, by="payer") if r.name == "cost_mult[gmina]")
    assert row.switching is not None
    assert _npv_scaled(p, [0, 2], row.switching, "cost_mult") == pytest.approx(0.0, abs=1e-6)


def test_default_range_is_the_parameter_base() -> None:
    p = _params(WORKED)
    spread = default_base().tornado_spread
    row = next(r for r in tornado(p) if r.name == "programme_cost")
    assert (row.low, row.high) == pytest.approx((5_000 * (1 - spread), 5_000 * (1 + spread)))


def test_shared_search_finds_every_sign_change() -> None:
    def f(x: np.ndarray) -> np.ndarray:
        return (x - 0.25) * (x - 0.7)

    assert sign_changes(f, 0.0, 1.0, 11) == pytest.approx([0.25, 0.7], abs=1e-12)
    assert sign_changes(lambda x: x**2, -1.0, 1.0, 11).size == 0  # touching zero: no change
    ends = refine(lambda x: x - 0.3, np.array([0.0, 0.2]), np.array([1.0, 0.5]))
    assert ends == pytest.approx([0.3, 0.3], abs=1e-12)
