"""Probabilistic sensitivity analysis (Monte Carlo) of the two-state model.

Uncertain inputs are drawn together, ``n`` times, from distributions centred on the point
values with a given coefficient of variation: Beta for probabilities (q, s, r, e), Gamma for
money (c_p and a multiplier of every cost and gain line). Each scenario in the batch has its own
random stream spawned from the seed by its position, so its figures do not depend on what else
is in the batch or on how the work is chunked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from kkz_xl.engine.cohort import Array, payer_npv_direct
from kkz_xl.engine.two_state import TwoStateParams, to_cohort

PROBABILITIES = ("exit_rate", "success", "relapse", "coverage")
MONEY = ("programme_cost",)
LINES = ("cost_mult", "gain_mult")
UNCERTAIN = PROBABILITIES + MONEY + LINES
PERCENTILES = (5.0, 50.0, 95.0)
# Model-years per chunk: bounds peak memory (about 150 bytes per model-year with 5 lines),
# i.e. 200 000 runs of 7 years, fewer for longer horizons.
CHUNK_RUN_YEARS = 1_400_000


@dataclass(frozen=True)
class MonteCarloSummary:
    """Per scenario ``(B,)``: mean, p5, p50, p95 of the NPV and P(NPV > 0); per payer ``(B, K)``.

    ``draws`` holds the NPV of every draw ``(n, B)`` when asked for (to add issues up).
    """

    mean: Array
    p5: Array
    p50: Array
    p95: Array
    prob_positive: Array
    payer_mean: Array
    payer_p5: Array
    payer_p95: Array
    draws: Array | None


def beta_draws(rng: np.random.Generator, mean: float, cv: float, n: int) -> Array:
    """Beta draws with the given mean and coefficient of variation (variance capped so the
    distribution stays unimodal-feasible); a degenerate mean (0 or 1) or ``cv = 0`` is constant."""
    if cv <= 0 or mean <= 0 or mean >= 1:
        return np.full(n, mean)
    var = min((cv * mean) ** 2, 0.95 * mean * (1 - mean))
    k = mean * (1 - mean) / var - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def gamma_draws(rng: np.random.Generator, mean: float, cv: float, n: int) -> Array:
    """Gamma draws with the given mean and coefficient of variation; ``cv = 0`` is constant."""
    if cv <= 0 or mean <= 0:
        return np.full(n, mean)
    return rng.gamma(1.0 / cv**2, mean * cv**2, n)


def _draw_inputs(
    p: TwoStateParams, index: int, n: int, seed: int, cv: Mapping[str, float]
) -> dict[str, Array]:
    """Draws of every uncertain input of scenario ``index`` of the (1-D) batch."""
    rng = np.random.default_rng([seed, index])
    out: dict[str, Array] = {}
    for name in PROBABILITIES:
        out[name] = beta_draws(rng, float(getattr(p, name)[index]), cv[name], n)
    for name in MONEY:
        out[name] = gamma_draws(rng, float(getattr(p, name)[index]), cv[name], n)
    for name, amounts in (("cost_mult", p.cost[index]), ("gain_mult", p.gain[index])):
        # Lines with no amount (padding, absent gains) need no draws: their product is 0.
        used = np.asarray(amounts).any(axis=0)
        mult = np.ones((n, used.size))
        for line in np.flatnonzero(used):
            mult[:, line] = gamma_draws(rng, 1.0, cv[name], n)
        out[name] = mult
    return out


def _broadcast_batch(p: TwoStateParams) -> TwoStateParams:
    """Every input given explicitly for each scenario of the 1-D batch (shape ``(B, …)``)."""
    b = max(np.shape(getattr(p, name))[0] if np.ndim(getattr(p, name)) else 1
            for name in ("persons", "exit_rate", "success", "programme_cost", "rate"))
    trailing = {"cost": 2, "gain": 2, "line_payer": 2, "financing": 1, "cost_mult": 1,
                "gain_mult": 1}
    values = {}
    for f in p.__dataclass_fields__:
        arr = np.asarray(getattr(p, f))
        k = trailing.get(f, 0)
        values[f] = np.broadcast_to(arr, (b, *arr.shape[arr.ndim - k:]) if k else (b,))
    return TwoStateParams(**values)


def _evaluate(sub: TwoStateParams, values: dict[str, Array], n: int) -> Array:
    """Per-payer NPV of every draw ``(n, b, K)``, the draws evaluated in slices that keep each
    slice under ``CHUNK_RUN_YEARS`` model-years (one scenario may have a million draws)."""
    b = sub.persons.shape[0]
    step = max(1, CHUNK_RUN_YEARS // (b * sub.years))
    parts = [
        payer_npv_direct(to_cohort(replace(sub, **{k: v[lo:lo + step]
                                                    for k, v in values.items()})))
        for lo in range(0, n, step)
    ]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)


def monte_carlo(
    p: TwoStateParams,
    n: int = 10_000,
    cv: float | Mapping[str, float] = 0.2,
    seed: int = 1,
    *,
    keep_draws: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> MonteCarloSummary:
    """Monte Carlo of a 1-D batch of scenarios (``B`` issues, or issues × JSTs).

    ``cv``: one coefficient of variation for every uncertain input, or a mapping from input
    name (``UNCERTAIN``) to its own. ``on_progress(done, total)`` is called after each chunk.
    """
    spreads = {k: float(cv) for k in UNCERTAIN} if not isinstance(cv, Mapping) else {
        k: float(cv.get(k, 0.2)) for k in UNCERTAIN
    }
    p = _broadcast_batch(p)
    b = p.persons.shape[0]
    per_chunk = max(1, CHUNK_RUN_YEARS // (max(n, 1) * p.years))
    stats: dict[str, list[Array]] = {k: [] for k in MonteCarloSummary.__dataclass_fields__}
    draws_all: list[Array] = []
    for start in range(0, b, per_chunk):
        idx = np.arange(start, min(b, start + per_chunk))
        sub = replace(p, **{f: getattr(p, f)[idx] for f in p.__dataclass_fields__})
        drawn = [_draw_inputs(p, int(i), n, seed, spreads) for i in idx]
        # Draw axis first: (n, b, …).
        values = {name: np.stack([d[name] for d in drawn], axis=1) for name in UNCERTAIN}
        by_payer = _evaluate(sub, values, n)  # (n, b, K)
        total = by_payer.sum(-1)
        pct = np.percentile(total, PERCENTILES, axis=0)
        stats["mean"].append(total.mean(0))
        stats["p5"].append(pct[0])
        stats["p50"].append(pct[1])
        stats["p95"].append(pct[2])
        stats["prob_positive"].append((total > 0).mean(0))
        stats["payer_mean"].append(by_payer.mean(0))
        payer_pct = np.percentile(by_payer, (5.0, 95.0), axis=0)
        stats["payer_p5"].append(payer_pct[0])
        stats["payer_p95"].append(payer_pct[1])
        if keep_draws:
            draws_all.append(total)
        if on_progress:
            on_progress(int(idx[-1]) + 1, b)
    merged = {k: np.concatenate(v, axis=0) for k, v in stats.items() if k != "draws"}
    return MonteCarloSummary(
        **merged, draws=np.concatenate(draws_all, axis=1) if keep_draws else None
    )
