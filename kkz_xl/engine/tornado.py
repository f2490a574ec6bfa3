"""One-way sensitivity (tornado) with switching values.

Each input is set to its low and its high value (a given range, or ±20 % of the point value
clipped to the input's domain) with the others at their point values; rows are sorted by the
swing of the NPV. The switching value is the input's value at which NPV crosses zero (searched
over the input's whole domain), or none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from kkz_xl.engine.cohort import Array
from kkz_xl.engine.threshold import BISECTIONS
from kkz_xl.engine.two_state import TwoStateParams, npv

# Input → (domain low, domain high); money scales up to 100× its value.
DOMAINS: dict[str, tuple[float, float | None]] = {
    "exit_rate": (0.0, 1.0),
    "success": (0.0, 1.0),
    "relapse": (0.0, 1.0),
    "coverage": (0.0, 1.0),
    "programme_cost": (0.0, None),
    "cost_mult": (0.0, None),
    "gain_mult": (0.0, None),
    "rate": (0.0, 0.99),
    "inflow": (0.0, None),
}
MONEY_SEARCH_FACTOR = 100.0
SWITCH_GRID = 201


@dataclass(frozen=True)
class TornadoRow:
    """One input of one scenario: NPV at its low and high values and the switching value."""

    name: str
    line: int | None  # cost/gain line index for the multipliers
    point: float
    low: float
    high: float
    npv_low: float
    npv_high: float
    switching: float | None

    @property
    def swing(self) -> float:
        return abs(self.npv_high - self.npv_low)


def _value(p: TwoStateParams, name: str, line: int | None) -> float:
    arr = np.asarray(getattr(p, name), dtype=float)
    return float(arr[..., line] if line is not None else arr)


def _set(p: TwoStateParams, name: str, line: int | None, x: Array) -> TwoStateParams:
    """``p`` with a leading axis along which input ``name`` (line ``line``) takes values ``x``."""
    lead = p.lead_axis()
    if line is None:
        return lead.with_value(name, x)
    base = np.asarray(getattr(lead, name), dtype=float)
    shape = np.broadcast_shapes(base.shape, (len(x), *base.shape[1:]))
    arr = np.array(np.broadcast_to(base, shape))
    arr[..., line] = np.asarray(x).reshape(-1, *([1] * (arr.ndim - 2)))
    return lead.with_value(name, arr)


def tornado(
    p: TwoStateParams,
    spread: float = 0.2,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> list[TornadoRow]:
    """Tornado rows of one scenario (scalar batch), sorted by swing, largest first."""
    ranges = ranges or {}
    inputs: list[tuple[str, int | None]] = [
        (n, None) for n in ("exit_rate", "success", "relapse", "coverage", "programme_cost",
                            "inflow", "rate")
    ]
    cost_lines = np.asarray(p.cost).reshape(-1, np.shape(p.cost)[-1])
    gain_lines = np.asarray(p.gain).reshape(-1, np.shape(p.gain)[-1])
    inputs += [("cost_mult", j) for j in range(cost_lines.shape[-1]) if cost_lines[:, j].any()]
    inputs += [("gain_mult", j) for j in range(gain_lines.shape[-1]) if gain_lines[:, j].any()]
    rows: list[TornadoRow] = []
    for name, line in inputs:
        point = _value(p, name, line)
        lo_dom, hi_dom = DOMAINS[name]
        key = f"{name}[{line}]" if line is not None else name
        low, high = ranges.get(key, (point * (1 - spread), point * (1 + spread)))
        low = max(low, lo_dom)
        high = min(high, hi_dom) if hi_dom is not None else high
        if low == high == point:
            continue
        values = npv(_set(p, name, line, np.array([low, high])))
        top = hi_dom if hi_dom is not None else max(point, 1.0) * MONEY_SEARCH_FACTOR

        def f(x: Array, name: str = name, line: int | None = line) -> Array:
            return npv(_set(p, name, line, x.reshape(-1))).reshape(x.shape)

        switching = _switching(f, point, lo_dom, top)
        rows.append(TornadoRow(key, line, point, low, high, float(values[0]),
                               float(values[1]), switching))
    rows.sort(key=lambda r: r.swing, reverse=True)
    return rows


def _switching(f: Callable[[Array], Array], point: float, lo: float, hi: float) -> float | None:
    """The value where NPV changes sign nearest ``point`` within ``[lo, hi]``, or None."""
    xs = np.union1d(np.linspace(lo, hi, SWITCH_GRID), [point])
    ys = f(xs)
    # A zero that is not a change of sign (NPV only touching 0 at the domain's edge) is no
    # switching value; zeros inside a real change of sign are found by the bisection.
    keep = ys != 0
    xs, ys = xs[keep], ys[keep]
    brackets = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) < 0)
    if brackets.size == 0:
        return None
    candidates: list[float] = []
    for i in brackets:
        a, b = xs[i], xs[i + 1]
        fa = ys[i]
        for _ in range(BISECTIONS):
            mid = 0.5 * (a + b)
            fm = float(f(np.array([mid]))[0])
            if np.sign(fm) == np.sign(fa):
                a, fa = mid, fm
            else:
                b = mid
        candidates.append(float(0.5 * (a + b)))
    return min(candidates, key=lambda v: abs(v - point))
