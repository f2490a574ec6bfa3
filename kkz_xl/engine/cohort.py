"""The cohort state-transition model: the one engine of the method (``model.md``, general form).

States ``j = 1…S`` of one issue (severity levels, linked problems, self-reliance). Each future
has a yearly transition matrix; ``n(t+1) = n(t)·M(t) + a(t+1)``. Costs of the obligatory
measures are given per state and per cost line (a payer's budget line); the optional measure
(the programme) costs ``c_p`` per participant, split between payers by ``financing``.

Every array may carry any leading batch dimensions (issues, draws, …) that broadcast together;
loops run only over years and states (both small), never over persons, issues or draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kkz_xl.engine.discount import discount_factors

Array = NDArray[np.float64]


@dataclass(frozen=True)
class CohortModel:
    """A batch of cohort models; ``...`` are batch dimensions, T years, S states, L lines, K payers.

    Attributes:
        initial: ``(..., S)`` persons per state at the start of year 0.
        trans_z: ``(..., T, S, S)`` transition matrix of year t in the inaction future (rows sum 1).
        trans_a: ``(..., T, S, S)`` the same in the action future.
        inflow: ``(..., T, S)`` new persons arriving at the start of year t (row 0 is ignored).
        state_cost: ``(..., T, S, L)`` yearly cost of one person in state j on line l
            (negative for a gain, e.g. taxes paid by a self-reliant person).
        line_payer: ``(..., L, K)`` which payer bears each line (one-hot rows).
        enrol: ``(..., T, S)`` share of state j enrolled in the programme in year t (action only).
        programme_cost: ``(...)`` cost of the programme per participant.
        financing: ``(..., K)`` share of the programme's cost paid by each payer (sums to 1).
        rate: ``(...)`` real discount rate.
    """

    initial: Array
    trans_z: Array
    trans_a: Array
    inflow: Array
    state_cost: Array
    line_payer: Array
    enrol: Array
    programme_cost: Array
    financing: Array
    rate: Array

    @property
    def years(self) -> int:
        return self.trans_z.shape[-3]


@dataclass(frozen=True)
class Flows:
    """Year by year in both futures (``...`` batch, T years, S states, L lines, K payers).

    ``payer_z``/``payer_a`` are the yearly costs per payer, the programme included in ``payer_a``.
    """

    counts_z: Array  # (..., T, S)
    counts_a: Array  # (..., T, S)
    participants: Array  # (..., T)
    line_z: Array  # (..., T, L) obligatory costs net of gains, per line
    line_a: Array  # (..., T, L)
    programme: Array  # (..., T) cost of the programme (all payers)
    payer_z: Array  # (..., T, K)
    payer_a: Array  # (..., T, K)
    discount: Array  # (..., T)

    @property
    def cost_z(self) -> Array:
        """Yearly cost of inaction, all payers ``(..., T)``."""
        return self.payer_z.sum(-1)

    @property
    def cost_a(self) -> Array:
        """Yearly cost of action, programme included ``(..., T)``."""
        return self.payer_a.sum(-1)


def project(initial: Array, trans: Array, inflow: Array) -> Array:
    """State counts ``(..., T, S)``: ``n(0) = initial``, ``n(t+1) = n(t)·M(t) + a(t+1)``."""
    years, states = trans.shape[-3], trans.shape[-1]
    batch = np.broadcast_shapes(initial.shape[:-1], trans.shape[:-3], inflow.shape[:-2])
    out = np.empty((*batch, years, states))
    n = np.broadcast_to(initial, (*batch, states))
    out[..., 0, :] = n
    for t in range(1, years):
        m = trans[..., t - 1, :, :]
        nxt = n[..., 0, None] * m[..., 0, :]
        for j in range(1, states):
            nxt = nxt + n[..., j, None] * m[..., j, :]
        n = nxt + inflow[..., t, :]
        out[..., t, :] = n
    return out


def _line_costs(counts: Array, state_cost: Array) -> Array:
    """``Σ_j n_j(t)·cost_j,l(t)`` → ``(..., T, L)``, looping over the few states only."""
    total = counts[..., :, 0, None] * state_cost[..., :, 0, :]
    for j in range(1, counts.shape[-1]):
        total = total + counts[..., :, j, None] * state_cost[..., :, j, :]
    return total


def simulate(model: CohortModel) -> Flows:
    """Run both futures of every model in the batch."""
    counts_z = project(model.initial, model.trans_z, model.inflow)
    counts_a = project(model.initial, model.trans_a, model.inflow)
    participants = (counts_a * model.enrol).sum(-1)
    line_z = _line_costs(counts_z, model.state_cost)
    line_a = _line_costs(counts_a, model.state_cost)
    programme = participants * np.asarray(model.programme_cost)[..., None]
    payer_z = np.matmul(line_z, model.line_payer)
    payer_a = np.matmul(line_a, model.line_payer) + programme[..., None] * model.financing[
        ..., None, :
    ]
    discount = discount_factors(model.rate, model.years)
    return Flows(counts_z, counts_a, participants, line_z, line_a, programme, payer_z, payer_a,
                 discount)
