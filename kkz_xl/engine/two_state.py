"""The two-state model (dependent D, self-reliant I) as an instance of the cohort model.

``M^Z = [[1-q, q], [r, 1-r]]``; in a programme year ``M^A`` has ``q + e·s·(1-q)`` in place of
``q``, and ``e·D_t`` persons are enrolled. Programme years: every year if ``repeat``, else t = 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np

from kkz_xl.engine.cohort import Array, CohortModel, Flows, payer_npv_direct, simulate
from kkz_xl.engine.discount import discount_factors
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


def _pair(first: Array, second: Array, axis: int) -> Array:
    """``np.stack([first, second], axis)`` (negative ``axis``) for broadcasting inputs, in a
    few calls (``np.stack`` and ``np.broadcast_arrays`` cost more than one small model)."""
    shape = np.broadcast_shapes(np.shape(first), np.shape(second))
    cut = len(shape) + axis + 1
    out = np.empty((*shape[:cut], 2, *shape[cut:]))
    rest = (slice(None),) * (-axis - 1)
    out[(Ellipsis, 0, *rest)] = first
    out[(Ellipsis, 1, *rest)] = second
    return out


def to_cohort(p: TwoStateParams) -> CohortModel:
    """Build the general cohort model of a batch of two-state inputs."""
    years = p.years
    q = np.asarray(p.exit_rate, dtype=float)[..., None]
    r = np.asarray(p.relapse, dtype=float)[..., None]
    programme_year = np.asarray(p.repeat, dtype=bool)[..., None] | (np.arange(years) == 0)
    enrolled = np.asarray(p.coverage, dtype=float)[..., None] * programme_year
    q_action = q + enrolled * np.asarray(p.success, dtype=float)[..., None] * (1.0 - q)

    def matrix(exit_: Array) -> Array:
        m = np.empty((*np.broadcast_shapes(exit_.shape, r.shape), 2, 2))
        m[..., 0, 1] = exit_
        m[..., 0, 0] = 1.0 - m[..., 0, 1]
        m[..., 1, 0] = r
        m[..., 1, 1] = 1.0 - m[..., 1, 0]
        return m

    # Inaction is the same every year: one matrix, broadcast over the years (no copies).
    same = matrix(q)
    trans_z = np.broadcast_to(same, (*same.shape[:-3], years, 2, 2))
    trans_a = matrix(q_action)
    a = np.asarray(p.inflow, dtype=float)[..., None]
    inflow = np.zeros((*a.shape[:-1], years, 2))
    inflow[..., 1:, 0] = a
    state_cost = _pair(p.cost, np.negative(p.gain), -2)
    mult = _pair(np.asarray(p.cost_mult, dtype=float), np.asarray(p.gain_mult, dtype=float), -2)
    enrol = _pair(enrolled, 0.0, -1)
    initial = _pair(np.asarray(p.persons, dtype=float), 0.0, -1)
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
    """Cost of inaction (NPV) only: the discounted flows reduced early (``payer_npv_direct``),
    without the yearly flows and indicators no caller of one number needs."""
    return payer_npv_direct(to_cohort(p)).sum(-1)


def payer_npv_draws(p: TwoStateParams, draws: Mapping[str, Array]) -> Array:
    """Per-payer NPV ``(B, K, n)`` of ``n`` draws of each of ``B`` scenarios: Monte Carlo's
    path, the same method as ``payer_npv_direct(to_cohort(p))`` specialised to two states.

    ``p`` is a 1-D batch (``(B, …)``, as ``montecarlo._broadcast_batch`` gives); ``draws``
    holds ``(B, n)`` for the drawn scalars (q, s, r, e, c_p) and ``(B, L, n)`` for the cost and
    gain multipliers; the draw axis is last so every operation runs over contiguous memory.

    Two facts make it short: both futures keep ``D_t + I_t = N + a·t`` (inflow joins D,
    transitions move persons), so ``I_t`` follows from ``D_t`` and one recursion per future
    remains, ``D_{t+1} = D_t·(1 − q_t − r) + r·(N + a·t) + a``; and ``I^Z − I^A = −(D^Z − D^A)``,
    so a line's discounted saving is ``Σ_t DF_t·(D^Z_t − D^A_t)·(cost_t·m_c + gain_t·m_g)``.
    """
    q, s, r, e, cp = (np.asarray(draws[k], dtype=float) for k in
                      ("exit_rate", "success", "relapse", "coverage", "programme_cost"))
    years = p.years
    n0 = np.asarray(p.persons, dtype=float)[:, None]
    a = np.asarray(p.inflow, dtype=float)[:, None]
    repeat = np.asarray(p.repeat, dtype=bool)
    df = discount_factors(p.rate, years)  # (B, T)
    lam_z = 1.0 - q - r
    lam_first = lam_z - e * s * (1.0 - q)  # a programme year: q + e·s·(1 − q) leave D
    if repeat.all():
        lam_later, e_later = lam_first, e
    elif not repeat.any():
        lam_later, e_later = lam_z, None
    else:
        lam_later = np.where(repeat[:, None], lam_first, lam_z)
        e_later = e * repeat[:, None]
    d_z = np.repeat(n0, q.shape[-1], axis=-1)
    d_a = d_z.copy()
    saved = np.zeros((q.shape[0], years, q.shape[-1]))  # DF_t·(D^Z_t − D^A_t), t = 0 is 0
    enrolled_pv = e * d_a * df[:, :1]  # DF_t·e_t·D^A_t summed over t
    for t in range(1, years):
        carry = r * (n0 + a * (t - 1)) + a
        d_z *= lam_z
        d_z += carry
        d_a *= lam_first if t == 1 else lam_later
        d_a += carry
        np.subtract(d_z, d_a, out=saved[:, t])
        saved[:, t] *= df[:, t, None]
        if e_later is not None:
            enrolled_pv += e_later * d_a * df[:, t, None]
    # Contractions in numpy's own loops (einsum), not BLAS: these matrices are tiny (T, L, K
    # under 20), and BLAS threads only compete with the chunks' threads for the cores.
    cost, gain = np.asarray(p.cost, dtype=float), np.asarray(p.gain, dtype=float)
    is_gain = gain.any(axis=-2)
    if not (cost.any(axis=-2) & is_gain).any():
        # Each line is a cost or a gain (as ``run.stack`` builds them): one contraction, and
        # each line scaled by its own kind's multiplier.
        per_line = np.einsum("btl,btn->bln", cost + gain, saved)
        per_line *= np.where(is_gain[..., None], draws["gain_mult"], draws["cost_mult"])
    else:
        per_line = np.einsum("btl,btn->bln", cost, saved) * draws["cost_mult"]
        per_line += np.einsum("btl,btn->bln", gain, saved) * draws["gain_mult"]
    obligatory = np.einsum("blk,bln->bkn", np.asarray(p.line_payer, dtype=float), per_line)
    programme = enrolled_pv * cp  # (B, n)
    return obligatory - np.asarray(p.financing, dtype=float)[:, :, None] * programme[:, None, :]
