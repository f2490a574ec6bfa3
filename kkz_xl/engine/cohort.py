"""The cohort state-transition model: the one engine of the method (``docs/metoda.md``,
"Postać ogólna").

States ``j = 1…S`` of one issue (severity levels, linked problems, self-reliance). Each future
has a yearly transition matrix; ``n(t+1) = n(t)·M(t) + a(t+1)``. Costs of the obligatory
measures are given per state and per cost line (a payer's budget line); the optional measure
(the programme) costs ``c_p`` per participant, split between payers by ``financing``.

Every array may carry any leading batch dimensions (issues, draws, …) that broadcast together;
loops run only over years and states (both small), never over persons, issues or draws.
"""

from __future__ import annotations

import math
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
        cost_mult: ``(..., S, L)`` multipliers of ``state_cost`` (draws of uncertain costs);
            kept apart so that ``state_cost`` need not be copied for every draw.
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
    cost_mult: Array | float = 1.0

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
    return np.moveaxis(_project_years_first(initial, trans, inflow), (0, 1), (-2, -1))


def _years_first(x: Array, tail: int, batch_ndim: int | None = None) -> Array:
    """View of ``x`` with its last ``tail`` axes moved to the front; with ``batch_ndim``,
    singleton axes are inserted after them so that the batch axes still broadcast right-aligned
    against arrays with ``batch_ndim`` batch axes."""
    # transpose, not np.moveaxis: the same view without its axis checks (a small call's cost)
    nd = x.ndim
    moved = x.transpose((*range(nd - tail, nd), *range(nd - tail)))
    if batch_ndim is None:
        return moved
    missing = batch_ndim - (x.ndim - tail)
    return moved.reshape(moved.shape[:tail] + (1,) * missing + moved.shape[tail:])


# Batches up to this many models are projected year by year with one matrix product per
# year (few numpy calls: a single Excel function call is mostly per-call overhead); larger
# ones state by state over contiguous arrays of the batch (fast per element).
SMALL_BATCH = 64


def _project_years_first(initial: Array, trans: Array, inflow: Array) -> Array:
    """``project`` in the layout ``(T, S, ...)``.

    A large batch works on a years-and-states-first copy of the matrices, so each step is a
    few operations over contiguous arrays of the batch's size (an innermost axis of 2 states
    is numpy's slowest case); a small one multiplies the counts by each year's matrix.
    """
    years, states = trans.shape[-3], trans.shape[-1]
    batch = np.broadcast_shapes(initial.shape[:-1], trans.shape[:-3], inflow.shape[:-2])
    # A matrix broadcast over the years (stride 0: the same every year) is used once.
    same_every_year = years == 1 or trans.strides[-3] == 0
    if math.prod(batch) <= SMALL_BATCH:
        counts = np.empty((*batch, years, 1, states))
        counts[..., 0, 0, :] = initial
        for t in range(1, years):
            np.matmul(counts[..., t - 1, :, :], trans[..., 0 if same_every_year else t - 1, :, :],
                      out=counts[..., t, :, :])
            counts[..., t, 0, :] += inflow[..., t, :]
        return _years_first(counts[..., 0, :], 2)
    m = _years_first(np.broadcast_to(trans, (*batch, years, states, states)), 3)
    m = np.ascontiguousarray(m[:1] if same_every_year else m[: years - 1])
    a = _years_first(np.broadcast_to(inflow, (*batch, years, states)), 2)
    out = np.empty((years, states, *batch))
    for j in range(states):
        out[0, j] = initial[..., j]
    for t in range(1, years):
        for j in range(states):
            mt = m[0 if same_every_year else t - 1]
            v = out[t - 1, 0] * mt[0, j]
            for i in range(1, states):
                v += out[t - 1, i] * mt[i, j]
            v += a[t, j]
            out[t, j] = v
    return out


def _project_both(model: CohortModel) -> tuple[Array, Array]:
    """Counts of both futures in the layout ``(T, S, ...)``; a small batch projects them
    together (the two futures as one more batch axis: half the numpy calls)."""
    batch = np.broadcast_shapes(model.initial.shape[:-1], model.trans_z.shape[:-3],
                                model.trans_a.shape[:-3], model.inflow.shape[:-2])
    if 2 * math.prod(batch) > SMALL_BATCH:
        return (_project_years_first(model.initial, model.trans_z, model.inflow),
                _project_years_first(model.initial, model.trans_a, model.inflow))
    shape = np.broadcast_shapes(model.trans_z.shape, model.trans_a.shape)
    trans = np.empty((2, *shape))
    trans[0] = model.trans_z
    trans[1] = model.trans_a
    both = _project_years_first(model.initial, trans, model.inflow)  # (T, S, 2, ...)
    return both[:, :, 0], both[:, :, 1]


def _line_costs(counts: Array, state_cost: Array, mult: Array | float) -> Array:
    """``Σ_j n_j(t)·cost_j,l(t)·mult_j,l`` → ``(..., T, L)``, looping over the few states."""
    m = np.asarray(mult, dtype=float)
    m = np.broadcast_to(m, np.broadcast_shapes(m.shape, state_cost.shape[-2:]))
    total = counts[..., :, 0, None] * state_cost[..., :, 0, :] * m[..., None, 0, :]
    for j in range(1, counts.shape[-1]):
        total = total + counts[..., :, j, None] * state_cost[..., :, j, :] * m[..., None, j, :]
    return total


def simulate(model: CohortModel) -> Flows:
    """Run both futures of every model in the batch."""
    counts_z, counts_a = (np.moveaxis(c, (0, 1), (-2, -1)) for c in _project_both(model))
    participants = (counts_a * model.enrol).sum(-1)
    line_z = _line_costs(counts_z, model.state_cost, model.cost_mult)
    line_a = _line_costs(counts_a, model.state_cost, model.cost_mult)
    programme = participants * np.asarray(model.programme_cost)[..., None]
    payer_z = np.matmul(line_z, model.line_payer)
    payer_a = np.matmul(line_a, model.line_payer) + programme[..., None] * model.financing[
        ..., None, :
    ]
    discount = discount_factors(model.rate, model.years)
    return Flows(counts_z, counts_a, participants, line_z, line_a, programme, payer_z, payer_a,
                 discount)


def payer_npv_direct(model: CohortModel) -> Array:
    """``Σ_t DF_t·(Z^k_t − A^k_t)`` per payer ``(..., K)`` without keeping the yearly flows.

    The same method as ``simulate`` + ``indicators.payer_npv``, reduced early: obligatory
    costs are linear in the state counts, so the discounted difference of counts is contracted
    with the costs once. Monte Carlo uses it (millions of runs, only NPVs wanted).
    """
    counts_z, counts_a = _project_both(model)  # (T, S, ...)
    batch = counts_z.ndim - 2
    df = _years_first(discount_factors(model.rate, model.years), 1, batch)[:, None]  # (T,1,...)
    participants = (counts_a * _years_first(model.enrol, 2, batch)).sum(1)  # (T, ...)
    delta = (counts_z - counts_a) * df
    # Two operands: no contraction order to choose, so no path search (its cost is a large
    # part of one small call).
    per_state_line = np.einsum("ts...,...tsl->...sl", delta, model.state_cost)
    per_line = (per_state_line * model.cost_mult).sum(-2)  # (..., L)
    obligatory = np.matmul(per_line[..., None, :], model.line_payer)[..., 0, :]
    programme = (participants * df[:, 0]).sum(0) * np.asarray(model.programme_cost)
    return obligatory - programme[..., None] * model.financing
