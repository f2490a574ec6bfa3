"""One-way sensitivity (tornado) with switching values.

Each input is set to its low and its high value (a given range, or ± the parameter base's
``zakres_tornado`` of the point value, clipped to the input's domain) with the others at
their point values; rows are sorted by the swing of the NPV. The switching value is the
input's value at which NPV crosses zero (searched over the input's whole domain by
``threshold.sign_changes``), or none. Cost and gain lines are varied one by one or, grouped
by payer, all lines of one payer together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kkz_xl.engine.cohort import Array
from kkz_xl.engine.threshold import sign_changes
from kkz_xl.engine.two_state import TwoStateParams, npv
from kkz_xl.model.payers import PAYERS, Payer
from kkz_xl.params.base import default_base

Grouping = Literal["line", "payer"]
SCALARS = ("exit_rate", "success", "relapse", "coverage", "programme_cost", "inflow", "rate")

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
    """One input of one scenario: NPV at its low and high values and the switching value.

    ``line``: the cost/gain line of a multiplier row (grouped by line); ``payer``: the payer
    whose lines move together (grouped by payer), ``None`` otherwise.
    """

    name: str
    line: int | None
    point: float
    low: float
    high: float
    npv_low: float
    npv_high: float
    switching: float | None
    payer: Payer | None = None

    @property
    def swing(self) -> float:
        return abs(self.npv_high - self.npv_low)


@dataclass(frozen=True)
class _Input:
    key: str
    name: str
    lines: tuple[int, ...] | None = None
    line: int | None = None
    payer: Payer | None = None


def _value(p: TwoStateParams, item: _Input) -> float:
    arr = np.asarray(getattr(p, item.name), dtype=float)
    return float(arr[..., item.lines[0]] if item.lines else arr)


def _set(p: TwoStateParams, item: _Input, x: Array) -> TwoStateParams:
    """``p`` with a leading axis along which the input takes the values ``x`` (every line of
    a group at once)."""
    lead = p.lead_axis()
    if item.lines is None:
        return lead.with_value(item.name, x)
    base = np.asarray(getattr(lead, item.name), dtype=float)
    shape = np.broadcast_shapes(base.shape, (len(x), *base.shape[1:]))
    arr = np.array(np.broadcast_to(base, shape))
    arr[..., list(item.lines)] = np.asarray(x).reshape(-1, *([1] * (arr.ndim - 1)))
    return lead.with_value(item.name, arr)


def _inputs(p: TwoStateParams, by: Grouping) -> list[_Input]:
    items = [_Input(n, n) for n in SCALARS]
    for name, amounts in (("cost_mult", p.cost), ("gain_mult", p.gain)):
        used = np.asarray(amounts).reshape(-1, np.shape(amounts)[-1]).any(axis=0)
        if by == "line":
            items += [_Input(f"{name}[{j}]", name, (j,), line=j) for j in np.flatnonzero(used)]
            continue
        owner = np.asarray(p.line_payer).reshape(-1, *np.shape(p.line_payer)[-2:])[0]
        for k, payer in enumerate(PAYERS):
            lines = tuple(int(j) for j in np.flatnonzero(used & (owner[:, k] > 0)))
            # Every payer has its cost row (a fixed layout for sheets); gains only where given.
            if lines or name == "cost_mult":
                items.append(_Input(f"{name}[{payer.value}]", name, lines, payer=payer))
    return items


def tornado(
    p: TwoStateParams,
    spread: float | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    *,
    by: Grouping = "line",
) -> list[TornadoRow]:
    """Tornado rows of one scenario (scalar batch), sorted by swing, largest first.

    ``by="line"``: one row per cost and gain line's multiplier; ``by="payer"``: the lines
    of each payer move together (one row per payer, as a budget holder sees it).
    ``spread``: the one-way range (default: the parameter base's ``zakres_tornado``).
    """
    spread = default_base().tornado_spread if spread is None else spread
    ranges = ranges or {}
    rows: list[TornadoRow] = []
    for item in _inputs(p, by):
        point = 1.0 if item.lines == () else _value(p, item)
        lo_dom, hi_dom = DOMAINS[item.name]
        low, high = ranges.get(item.key, (point * (1 - spread), point * (1 + spread)))
        low = max(low, lo_dom)
        high = min(high, hi_dom) if hi_dom is not None else high
        if item.lines == ():  # a payer without lines: the NPV does not move
            base = float(npv(p))
            rows.append(TornadoRow(item.key, None, point, low, high, base, base, None,
                                   item.payer))
            continue
        if low == high == point:
            continue
        values = npv(_set(p, item, np.array([low, high])))
        top = hi_dom if hi_dom is not None else max(point, 1.0) * MONEY_SEARCH_FACTOR

        def f(x: Array, item: _Input = item) -> Array:
            return npv(_set(p, item, x.reshape(-1))).reshape(x.shape)

        found = sign_changes(f, lo_dom, top, SWITCH_GRID, also=point)
        switching = float(found[np.argmin(np.abs(found - point))]) if found.size else None
        rows.append(TornadoRow(item.key, item.line, point, low, high, float(values[0]),
                               float(values[1]), switching, item.payer))
    rows.sort(key=lambda r: r.swing, reverse=True)
    return rows
