"""A hand-written vectorised numpy Monte Carlo of the two-state model: the yardstick of the
engine's speed (issue 15: the engine within 2× of it), written from ``docs/metoda.md``
without the engine's code.

It is what an analyst would write for this one model: all draws of all issues as ``(n, B)``
arrays, one pass over the years with both states of both futures, costs per line and payer
accumulated discounted. The draws follow the engine's scheme (``docs/metoda.md``, Monte Carlo:
common random numbers), so the two agree draw by draw and the comparison times the same work:
one stream per (issue, input, distribution), keyed ``[seed, stream, slot, words…]`` where the
slot numbers the input (q, s, r, e, c_p, cost multiplier, gain multiplier) and the words are
the exact bits of the point value and spread (for a line multiplier: the line's position, then
the spread and the line's yearly amounts); Beta for probabilities, Gamma for money and
multipliers. Scenarios with the same key reuse one set of draws; every scenario is still
evaluated in full (no use of the model's linearity in the counts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
PROBABILITIES = ("exit_rate", "success", "relapse", "coverage")


@dataclass(frozen=True)
class Batch:
    """B issues: scalars ``(B,)``, costs and gains per person ``(B, T, L)``, the payer of each
    line ``(B, L)`` (an index), the programme's financing ``(B, K)``."""

    persons: Array
    exit_rate: Array
    success: Array
    relapse: Array
    coverage: Array
    programme_cost: Array
    inflow: Array
    repeat: NDArray[np.bool_]
    rate: Array
    cost: Array
    gain: Array
    payer: NDArray[np.int64]
    financing: Array


def _beta(rng: np.random.Generator, mean: float, cv: float, n: int) -> Array:
    if cv <= 0 or mean <= 0 or mean >= 1:
        return np.full(n, mean)
    var = min((cv * mean) ** 2, 0.95 * mean * (1 - mean))
    if var <= 0:  # a mean so small that its variance underflows: no spread to draw
        return np.full(n, mean)
    k = mean * (1 - mean) / var - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def _gamma(rng: np.random.Generator, mean: float, cv: float, n: int) -> Array:
    if cv <= 0 or mean <= 0:
        return np.full(n, mean)
    return rng.gamma(1.0 / cv**2, mean * cv**2, n)


def _key_words(values: Array) -> list[int]:
    return (np.asarray(values, dtype=float).ravel() + 0.0).view(np.uint64).tolist()


def draws(b: Batch, n: int, cv: float, seed: int, streams: Array,
          cache: dict[tuple[int, ...], Array] | None = None) -> dict[str, Array]:
    """``(n, B)`` per uncertain scalar, ``(n, B, L)`` per line multiplier; issue ``i`` of the
    batch draws from the streams of ``streams[i]``; ``cache`` shares draws between calls."""
    cache = {} if cache is None else cache
    count, lines = b.cost.shape[0], b.cost.shape[2]
    out = {name: np.empty((n, count)) for name in (*PROBABILITIES, "programme_cost")}
    out["cost_mult"] = np.ones((n, count, lines))
    out["gain_mult"] = np.ones((n, count, lines))

    def get(key: tuple[int, ...], draw: object) -> Array:
        if key not in cache:
            cache[key] = draw(np.random.default_rng([seed, *key]))  # type: ignore[operator]
        return cache[key]

    for i in range(count):
        stream = int(streams[i])
        for slot, name in enumerate((*PROBABILITIES, "programme_cost")):
            mean = float(getattr(b, name)[i])
            how = _gamma if name == "programme_cost" else _beta
            out[name][:, i] = get((stream, slot, *_key_words([mean, cv])),
                                  lambda rng, m=mean, f=how: f(rng, m, cv, n))
        for slot, name, amounts in ((5, "cost_mult", b.cost[i]), (6, "gain_mult", b.gain[i])):
            for line in np.flatnonzero(amounts.any(axis=0)):
                key = (stream, slot, int(line), *_key_words(np.r_[cv, amounts[:, line]]))
                out[name][:, i, line] = get(key, lambda rng: _gamma(rng, 1.0, cv, n))
    return out


def payer_npv(b: Batch, d: dict[str, Array], payers: int) -> Array:
    """Cost of inaction per payer of every draw ``(n, B, K)``: Σ_t DF_t·(Z_t − A_t).

    Costs are linear in the state counts, so the pass over the years keeps only the
    discounted differences of the counts; costs per line and payer are applied once at the end.
    """
    n, count = d["exit_rate"].shape
    years = b.cost.shape[1]
    q, s, r, e, cp = (d[k] for k in ("exit_rate", "success", "relapse", "coverage",
                                     "programme_cost"))
    dz = np.broadcast_to(b.persons, (n, count)).copy()
    iz = np.zeros((n, count))
    da, ia = dz.copy(), iz.copy()
    diff_d = np.empty((years, n, count))  # DF_t·(D^Z_t − D^A_t)
    diff_i = np.empty((years, n, count))  # DF_t·(I^Z_t − I^A_t)
    programme = np.zeros((n, count))  # Σ_t DF_t·participants_t·c_p
    for t in range(years):
        df = (1.0 + b.rate) ** -t
        enrolled = e * da if t == 0 else e * da * b.repeat
        diff_d[t] = df * (dz - da)
        diff_i[t] = df * (iz - ia)
        programme += df * enrolled * cp
        exits_z = q * dz
        exits_a = q * da + s * (1.0 - q) * enrolled
        dz, iz = dz - exits_z + r * iz + b.inflow, iz + exits_z - r * iz
        da, ia = da - exits_a + r * ia + b.inflow, ia + exits_a - r * ia
    # Saving per line: Σ_t (ΔD_t·cost_t − ΔI_t·gain_t), each scaled by its draw's multiplier.
    per_line = (np.einsum("tnb,btl->nbl", diff_d, b.cost, optimize=True) * d["cost_mult"]
                - np.einsum("tnb,btl->nbl", diff_i, b.gain, optimize=True) * d["gain_mult"])
    to_payer = np.zeros((count, b.cost.shape[2], payers))
    np.put_along_axis(to_payer, b.payer[..., None], 1.0, axis=-1)
    return (np.einsum("nbl,blk->nbk", per_line, to_payer, optimize=True)
            - programme[..., None] * b.financing)


def monte_carlo(b: Batch, n: int, cv: float, seed: int, payers: int, streams: Array,
                cache: dict[tuple[int, ...], Array] | None = None) -> dict[str, Array]:
    """The summaries the engine gives: mean, p5/p50/p95, P(NPV > 0), per payer mean/p5/p95,
    and every draw's NPV ``(n, B)``."""
    by_payer = payer_npv(b, draws(b, n, cv, seed, streams, cache), payers)
    total = by_payer.sum(-1)
    pct = np.percentile(total, (5.0, 50.0, 95.0), axis=0)
    payer_pct = np.percentile(by_payer, (5.0, 95.0), axis=0)
    return {"mean": total.mean(0), "p5": pct[0], "p50": pct[1], "p95": pct[2],
            "prob_positive": (total > 0).mean(0), "payer_mean": by_payer.mean(0),
            "payer_p5": payer_pct[0], "payer_p95": payer_pct[1], "draws": total}
