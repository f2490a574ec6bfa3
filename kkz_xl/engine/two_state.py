"""The two-state model (dependent D, self-reliant I) as an instance of the cohort model.

``M^Z = [[1-q, q], [r, 1-r]]``; in a programme year ``M^A`` has ``q + e·s·(1-q)`` in place of
``q``, and ``e·D_t`` persons are enrolled. Programme years: every year if ``repeat``, else t = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from kkz_xl.engine.cohort import Array, CohortModel, Flows, simulate
from kkz_xl.engine.indicators import Indicators, indicators


@dataclass(frozen=True)
class TwoStateParams:
    """Inputs of a batch of two-state models, as arrays broadcasting over batch dims ``...``.

    ``cost``/``gain``: ``(..., T, L)`` yearly cost of a dependent person / gain from a
    self-reliant one, per line, each line borne by the payer given in ``line_payer``
    ``(..., L, K)``. ``cost_mult``/``gain_mult`` ``(..., L)`` scale the lines (uncertainty).
    """

    persons: Array
    exit_rate: Array
    success: Array
    programme_cost: Array
    rate: Array
    coverage: Array
    relapse: Array
    inflow: Array
    repeat: Array
    cost: Array
    gain: Array
    line_payer: Array
    financing: Array
    cost_mult: Array
    gain_mult: Array

    @property
    def years(self) -> int:
        return self.cost.shape[-2]

    def with_value(self, name: str, value: Array) -> TwoStateParams:
        """A copy with one input replaced (for sensitivity and threshold searches)."""
        return replace(self, **{name: np.asarray(value, dtype=float)})

    def lead_axis(self) -> TwoStateParams:
        """Add a leading batch axis of size 1 to every input (to vary one input along it)."""
        return replace(self, **{f.name: np.asarray(getattr(self, f.name))[None]
                                for f in fields(self)})


def to_cohort(p: TwoStateParams) -> CohortModel:
    """Build the general cohort model of a batch of two-state inputs."""
    years = p.years
    t = np.arange(years)
    q = np.asarray(p.exit_rate, dtype=float)[..., None]
    r = np.asarray(p.relapse, dtype=float)[..., None]
    programme_year = np.where(np.asarray(p.repeat, dtype=bool)[..., None], True, t == 0)
    enrolled = np.asarray(p.coverage, dtype=float)[..., None] * programme_year
    q_action = q + enrolled * np.asarray(p.success, dtype=float)[..., None] * (1.0 - q)

    def matrix(exit_: Array) -> Array:
        exit_, back = np.broadcast_arrays(exit_, r)
        m = np.empty((*exit_.shape, 2, 2))
        m[..., 0, 0] = 1.0 - exit_
        m[..., 0, 1] = exit_
        m[..., 1, 0] = back
        m[..., 1, 1] = 1.0 - back
        return m

    # Inaction is the same every year: one matrix, broadcast over the years (no copies).
    trans_z = np.broadcast_to(matrix(q), (*np.broadcast_shapes(q.shape, r.shape)[:-1], years,
                                          2, 2))
    trans_a = matrix(q_action)
    a = np.asarray(p.inflow, dtype=float)[..., None]
    inflow = np.zeros((*a.shape[:-1], years, 2))
    inflow[..., 1:, 0] = a
    cost, gain = np.broadcast_arrays(p.cost, p.gain)
    state_cost = np.stack([cost, -gain], axis=-2)
    cost_mult, gain_mult = np.broadcast_arrays(np.asarray(p.cost_mult, dtype=float),
                                               np.asarray(p.gain_mult, dtype=float))
    mult = np.stack([cost_mult, gain_mult], axis=-2)
    enrol = np.stack([enrolled, np.zeros_like(enrolled)], axis=-1)
    n = np.asarray(p.persons, dtype=float)[..., None]
    initial = np.concatenate([n, np.zeros_like(n)], axis=-1)
    return CohortModel(
        initial=initial,
        trans_z=trans_z,
        trans_a=trans_a,
        inflow=inflow,
        state_cost=state_cost,
        line_payer=np.asarray(p.line_payer, dtype=float),
        enrol=enrol,
        programme_cost=np.asarray(p.programme_cost, dtype=float),
        financing=np.asarray(p.financing, dtype=float),
        rate=np.asarray(p.rate, dtype=float),
        cost_mult=mult,
    )


def run(p: TwoStateParams) -> tuple[Flows, Indicators]:
    """Simulate both futures and compute the indicators."""
    flows = simulate(to_cohort(p))
    return flows, indicators(flows)


def npv(p: TwoStateParams) -> Array:
    """Cost of inaction (NPV) only."""
    return run(p)[1].npv
