"""Results of comparing the two futures: NPV, BCR, ROI, break-even year, payback, per payer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kkz_xl.engine.cohort import Array, Flows

# Cumulative sums within this share of the scale count as zero: round-off must not move the
# break-even year (e.g. a programme that exactly pays for itself).
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Indicators:
    """Indicators of a batch (``...``); undefined values are NaN (BCR, ROI when C = 0; payback
    with no break-even) and ``break_even_year`` is 0 when there is none within the horizon."""

    pv_z: Array
    pv_a: Array
    pv_programme: Array
    npv: Array
    gross_benefit: Array
    bcr: Array
    roi: Array
    cumulative: Array  # (..., T) Σ_{τ≤t} DF_τ·(Z_τ − A_τ)
    break_even_year: NDArray[np.int64]
    payback: Array
    npv_by_payer: Array  # (..., K)



# A programme whose present cost is below this (PLN) has no meaningful BCR or ROI.
_NO_COST = 1e-9


def ratio(num: Array, den: Array) -> Array:
    """``num / den`` where the programme has a cost (BCR, ROI), NaN elsewhere."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    defined = np.abs(den) > _NO_COST
    return np.where(defined, num / np.where(defined, den, 1.0), np.nan)


def payer_npv(flows: Flows) -> Array:
    """``Σ_t DF_t·(Z^k_t − A^k_t)`` per payer ``(..., K)``: who pays and who saves."""
    return np.einsum("...tk,...t->...k", flows.payer_z - flows.payer_a, flows.discount)


def indicators(flows: Flows) -> Indicators:
    """All indicators of ``docs/metoda.md`` from the yearly flows."""
    df = flows.discount
    z, a = flows.cost_z, flows.cost_a
    pv_z = (df * z).sum(-1)
    pv_a = (df * a).sum(-1)
    pv_programme = (df * flows.programme).sum(-1)
    by_payer = payer_npv(flows)
    npv = by_payer.sum(-1)
    cumulative = np.cumsum(df * (z - a), axis=-1)
    break_even_year, payback = break_even(cumulative, pv_z)
    return Indicators(
        pv_z=pv_z,
        pv_a=pv_a,
        pv_programme=pv_programme,
        npv=npv,
        gross_benefit=npv + pv_programme,
        bcr=ratio(npv + pv_programme, pv_programme),
        roi=ratio(npv, pv_programme),
        cumulative=cumulative,
        break_even_year=break_even_year,
        payback=payback,
        npv_by_payer=by_payer,
    )


def break_even(cumulative: Array, pv_z: Array | float) -> tuple[NDArray[np.int64], Array]:
    """Break-even year (1-based, 0 when none within the horizon) and payback (fractional
    years, NaN when none) of cumulative discounted savings ``(..., T)``; sums within
    ``_TOLERANCE`` of the scale (the PV of inaction) count as zero."""
    cumulative = np.asarray(cumulative, dtype=float)
    scale = np.maximum(np.abs(np.asarray(pv_z, dtype=float)), 1.0)[..., None]
    reached = cumulative >= -_TOLERANCE * scale
    any_reached = reached.any(-1)
    t_star = np.argmax(reached, axis=-1)
    break_even_year = np.where(any_reached, t_star + 1, 0)
    cum_at = np.take_along_axis(cumulative, t_star[..., None], -1)[..., 0]
    prev = np.where(
        t_star > 0,
        np.take_along_axis(cumulative, np.maximum(t_star - 1, 0)[..., None], -1)[..., 0],
        0.0,
    )
    step = cum_at - prev
    fraction = np.where(step > 0, -prev / np.where(step > 0, step, 1.0), 0.0)
    payback = np.where(any_reached, t_star + fraction, np.nan)
    return break_even_year, payback
