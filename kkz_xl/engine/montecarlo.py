"""Probabilistic sensitivity analysis (Monte Carlo) of the two-state model.

Uncertain inputs are drawn together, ``n`` times, from distributions centred on the point
values with a given coefficient of variation: Beta for probabilities (q, s, r, e), Gamma for
money (c_p and a multiplier of every cost and gain line). Each scenario in the batch has its own
random stream spawned from the seed by its position, so its figures do not depend on what else
is in the batch or on how the work is chunked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, replace

import numpy as np

from kkz_xl.engine.cohort import Array
from kkz_xl.engine.two_state import TwoStateParams, payer_npv_draws
from kkz_xl.params.base import default_base

PROBABILITIES = ("exit_rate", "success", "relapse", "coverage")
MONEY = ("programme_cost",)
LINES = ("cost_mult", "gain_mult")
UNCERTAIN = PROBABILITIES + MONEY + LINES
PERCENTILES = (5.0, 50.0, 95.0)
#: Threads evaluating chunks; None: one per core (1 runs in the calling thread). The
#: environment variable KKZ_MC_THREADS sets it for a process (e.g. on a shared server).
WORKERS: int | None = int(os.environ.get("KKZ_MC_THREADS", "0")) or None
# Runs (scenario × draw) evaluated at once, per core: large enough that numpy's per-call cost
# is spread thin (measured: 2^18 beats 2^16 by a third), small enough to bound peak memory
# (about 320 bytes per run: ~85 MB per chunk) whatever the batch.
CHUNK_RUNS = 1 << 18
# Model-years per chunk of the general cohort model (multi-state issues, engine/severity.py):
# about 150 bytes per model-year with 5 lines, i.e. 200 000 runs of 7 years.
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
    if var <= 0:  # a mean so small that its variance underflows: no spread to draw
        return np.full(n, mean)
    k = mean * (1 - mean) / var - 1
    return rng.beta(mean * k, (1 - mean) * k, n)


def gamma_draws(rng: np.random.Generator, mean: float, cv: float, n: int) -> Array:
    """Gamma draws with the given mean and coefficient of variation; ``cv = 0`` is constant."""
    if cv <= 0 or mean <= 0:
        return np.full(n, mean)
    return rng.gamma(1.0 / cv**2, mean * cv**2, n)


def _draw_into(p: TwoStateParams, index: int, seed: int, cv: Mapping[str, float],
               out: dict[str, Array], row: int) -> None:
    """Draw every uncertain input of scenario ``index`` of the (1-D) batch into row ``row``
    of ``out`` (``(b, n)`` per scalar, ``(b, L, n)`` per line multiplier, lines preset to 1)."""
    rng = np.random.default_rng([seed, index])
    n = out["exit_rate"].shape[-1]
    for name in PROBABILITIES:
        out[name][row] = beta_draws(rng, float(getattr(p, name)[index]), cv[name], n)
    for name in MONEY:
        out[name][row] = gamma_draws(rng, float(getattr(p, name)[index]), cv[name], n)
    for name, amounts in (("cost_mult", p.cost[index]), ("gain_mult", p.gain[index])):
        # Lines with no amount (padding, absent gains) need no draws: their product is 0.
        for line in np.flatnonzero(np.asarray(amounts).any(axis=0)):
            out[name][row, line] = gamma_draws(rng, 1.0, cv[name], n)


def _draw_buffers(b: int, width: int, n: int) -> dict[str, Array]:
    out = {name: np.empty((b, n)) for name in PROBABILITIES + MONEY}
    out.update({name: np.ones((b, width, n)) for name in LINES})
    return out


def _draw_inputs(
    p: TwoStateParams, index: int, n: int, seed: int, cv: Mapping[str, float]
) -> dict[str, Array]:
    """Draws of every uncertain input of scenario ``index``: ``(n,)`` per scalar, ``(n, L)``
    per line multiplier (one draw per row, as a per-draw loop wants them)."""
    out = _draw_buffers(1, np.shape(p.cost)[-1], n)
    _draw_into(p, index, seed, cv, out, 0)
    return {k: (v[0].T if k in LINES else v[0]) for k, v in out.items()}


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
    """Per-payer NPV of every draw ``(b, K, n)``, the draws evaluated in slices of at most
    ``CHUNK_RUNS`` runs (one scenario may have a million draws)."""
    b = sub.persons.shape[0]
    step = max(1, CHUNK_RUNS // b)
    parts = [payer_npv_draws(sub, {k: v[..., lo:lo + step] for k, v in values.items()})
             for lo in range(0, n, step)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)


def _chunk_stats(p: TwoStateParams, idx: Array, n: int, seed: int,
                 spreads: Mapping[str, float], keep_draws: bool) -> dict[str, Array]:
    """Draws, NPVs and summaries of the scenarios ``idx`` of the batch."""
    sub = replace(p, **{f: getattr(p, f)[idx] for f in p.__dataclass_fields__})
    values = _draw_buffers(idx.size, np.shape(p.cost)[-1], n)
    for row, i in enumerate(idx):
        _draw_into(p, int(i), seed, spreads, values, row)
    by_payer = _evaluate(sub, values, n)  # (b, K, n): draws last, contiguous
    total = by_payer.sum(1)
    pct = np.percentile(total, PERCENTILES, axis=-1)
    payer_pct = np.percentile(by_payer, (5.0, 95.0), axis=-1)
    out = {"mean": total.mean(-1), "p5": pct[0], "p50": pct[1], "p95": pct[2],
           "prob_positive": (total > 0).mean(-1), "payer_mean": by_payer.mean(-1),
           "payer_p5": payer_pct[0], "payer_p95": payer_pct[1]}
    if keep_draws:
        out["draws"] = total.T
    return out


def monte_carlo(
    p: TwoStateParams,
    n: int | None = None,
    cv: float | Mapping[str, float] | None = None,
    seed: int = 1,
    *,
    keep_draws: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> MonteCarloSummary:
    """Monte Carlo of a 1-D batch of scenarios (``B`` issues, or issues × JSTs).

    ``n`` draws (default: the parameter base's ``losowania``); ``cv``: one coefficient of
    variation for every uncertain input, or a mapping from input name (``UNCERTAIN``) to its
    own (default, and for inputs the mapping omits: the base's ``zmiennosc``).
    ``on_progress(done, total)`` is called after each chunk.
    """
    base = default_base()
    n = base.monte_carlo_draws if n is None else n
    default_cv = base.monte_carlo_spread
    if cv is None:
        cv = default_cv
    spreads = {k: float(cv) for k in UNCERTAIN} if not isinstance(cv, Mapping) else {
        k: float(cv.get(k, default_cv)) for k in UNCERTAIN
    }
    p = _broadcast_batch(p)
    b = p.persons.shape[0]
    per_chunk = max(1, CHUNK_RUNS // max(n, 1))
    chunks = [np.arange(lo, min(b, lo + per_chunk)) for lo in range(0, b, per_chunk)]
    stats: dict[str, list[Array]] = {k: [] for k in MonteCarloSummary.__dataclass_fields__}

    def one(idx: Array) -> dict[str, Array]:
        return _chunk_stats(p, idx, n, seed, spreads, keep_draws)

    # Chunks are independent (each scenario has its own stream), so they run on every core;
    # numpy releases the GIL while drawing and computing, and results come back in order.
    workers = min(len(chunks), WORKERS or os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
        results = pool.map(one, chunks) if pool else map(one, chunks)
        for idx, chunk in zip(chunks, results, strict=True):
            for key, value in chunk.items():
                stats[key].append(value)
            if on_progress:
                on_progress(int(idx[-1]) + 1, b)
    merged = {k: np.concatenate(v, axis=0) for k, v in stats.items() if k != "draws"}
    return MonteCarloSummary(
        **merged, draws=np.concatenate(stats["draws"], axis=1) if keep_draws else None
    )
