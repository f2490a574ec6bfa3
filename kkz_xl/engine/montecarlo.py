"""Probabilistic sensitivity analysis (Monte Carlo) of the two-state model.

Uncertain inputs are drawn together, ``n`` times, from distributions centred on the point
values with a given coefficient of variation: Beta for probabilities (q, s, r, e), Gamma for
money (c_p and a multiplier of every cost and gain line).

Draws are common random numbers: each input has its own random stream, spawned from the seed,
the scenario's stream (its issue; by default its position in the batch), the input and the
input's distribution (its point value and spread; a line's amounts for a line multiplier). So
scenarios of one issue that use the same figure get the same draws (the uncertainty is about
that figure, common to every JST that uses it) and a scenario with its own value of an input
gets its own, independent draws of that input. A scenario's figures therefore do not depend on
what else is in the batch or on how the work is chunked.

Scenarios that share every input but the counts (``persons``, ``inflow``) share their draws,
and the model is linear in the counts (both recursions start from ``N`` and add ``a`` a year),
so the batch evaluates each such group once per unit count and gives each member
``N·F + a·G`` (a region's JSTs on the base values cost two model runs per issue).
"""

from __future__ import annotations

import os
import zlib
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
#: Each input's number in its stream's key (a contract: changing it changes every draw).
SLOT = {name: k for k, name in enumerate(UNCERTAIN)}
#: The counts: the model is linear in them, so scenarios differing only here share one run.
COUNTS = ("persons", "inflow")
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


def stream_of(code: str) -> int:
    """The stream number of an issue code: the same in every run, process and JST, so JSTs
    drawing one issue from the same figures draw the same numbers."""
    return zlib.crc32(code.encode("utf-8"))


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


def _words(values: Array) -> list[int]:
    """Float values as exact integers for a stream key (``+ 0.0`` makes −0 and 0 one key)."""
    return (np.asarray(values, dtype=float).ravel() + 0.0).view(np.uint64).tolist()


def _rng(seed: int, stream: int, slot: int, *words: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream, slot, *words])


Cache = dict[tuple[int, ...], Array]


def _draw_into(p: TwoStateParams, index: int, seed: int, cv: Mapping[str, float],
               out: dict[str, Array], row: int, stream: int | None = None,
               cache: Cache | None = None) -> None:
    """Draw every uncertain input of scenario ``index`` of the (1-D) batch into row ``row``
    of ``out`` (``(b, n)`` per scalar, ``(b, L, n)`` per line multiplier, lines preset to 1).

    ``stream``: the scenario's stream (default ``index``); ``cache`` reuses draws already made
    for the same key within one run."""
    stream = index if stream is None else stream
    n = out["exit_rate"].shape[-1]
    cache = {} if cache is None else cache

    def drawn(key: tuple[int, ...], draw: Callable[[np.random.Generator], Array]) -> Array:
        if key not in cache:
            cache[key] = draw(_rng(seed, *key))
        return cache[key]

    for name in PROBABILITIES + MONEY:
        mean, spread = float(getattr(p, name)[index]), cv[name]
        how = beta_draws if name in PROBABILITIES else gamma_draws
        out[name][row] = drawn((stream, SLOT[name], *_words(np.array([mean, spread]))),
                               lambda rng, m=mean, s=spread, f=how: f(rng, m, s, n))
    for name, amounts in (("cost_mult", p.cost[index]), ("gain_mult", p.gain[index])):
        amounts = np.asarray(amounts)
        spread = cv[name]
        # Lines with no amount (padding, absent gains) need no draws: their product is 0.
        for line in np.flatnonzero(amounts.any(axis=0)):
            key = (stream, SLOT[name], int(line), *_words(np.r_[spread, amounts[:, line]]))
            out[name][row, line] = drawn(key, lambda rng, s=spread: gamma_draws(rng, 1.0, s, n))


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


def _groups(p: TwoStateParams, streams: Array) -> list[Array]:
    """The scenarios that differ only in their counts (same stream, same everything else),
    each group's members in batch order, groups in the order of their first member."""
    b = streams.shape[0]
    rows = [streams.astype(float)[:, None]]
    rows += [np.asarray(getattr(p, f), dtype=float).reshape(b, -1) + 0.0
             for f in p.__dataclass_fields__ if f not in COUNTS]
    _, first, inverse = np.unique(np.concatenate(rows, axis=1), axis=0, return_index=True,
                                  return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
    return [members[g] for g in np.argsort(first, kind="stable")]


def _evaluate(sub: TwoStateParams, values: dict[str, Array], n: int) -> Array:
    """Per-payer NPV of every draw ``(b, K, n)``, the draws evaluated in slices of at most
    ``CHUNK_RUNS`` runs (one scenario may have a million draws)."""
    b = sub.persons.shape[0]
    step = max(1, CHUNK_RUNS // b)
    parts = [payer_npv_draws(sub, {k: v[..., lo:lo + step] for k, v in values.items()})
             for lo in range(0, n, step)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)


def _stats(by_payer: Array, total: Array) -> dict[str, Array]:
    pct = np.percentile(total, PERCENTILES, axis=-1)
    payer_pct = np.percentile(by_payer, (5.0, 95.0), axis=-1)
    return {"mean": total.mean(-1), "p5": pct[0], "p50": pct[1], "p95": pct[2],
            "prob_positive": (total > 0).mean(-1), "payer_mean": by_payer.mean(-1),
            "payer_p5": payer_pct[0], "payer_p95": payer_pct[1]}


def _member_stats(unit: Array, persons: Array, inflow: Array, keep_draws: bool
                  ) -> dict[str, Array]:
    """Summaries of the members of a group from its two unit runs ``unit`` ``(2, K, n)`` (one
    person at the start; one person of inflow a year): member NPV = ``N·F + a·G``. Payers that
    bear nothing in the group are 0 without a percentile; members are taken a slice at a time
    so the combinations stay within ``CHUNK_RUNS`` runs."""
    f, g = unit
    k, n = f.shape
    m = persons.shape[0]
    used = np.flatnonzero(f.any(-1) | g.any(-1))
    ft, gt = f.sum(0), g.sum(0)
    out = {"mean": persons * ft.mean() + inflow * gt.mean(),
           "payer_mean": persons[:, None] * f.mean(-1) + inflow[:, None] * g.mean(-1),
           "p5": np.empty(m), "p50": np.empty(m), "p95": np.empty(m),
           "prob_positive": np.empty(m), "payer_p5": np.zeros((m, k)),
           "payer_p95": np.zeros((m, k))}
    if keep_draws:
        out["draws"] = np.empty((n, m))
    step = max(1, CHUNK_RUNS // (n * (used.size + 1)))
    fu, gu = f[used], g[used]
    for lo in range(0, m, step):
        sl = slice(lo, lo + step)
        total = persons[sl, None] * ft
        total += inflow[sl, None] * gt
        pct = np.percentile(total, PERCENTILES, axis=-1)
        out["p5"][sl], out["p50"][sl], out["p95"][sl] = pct
        out["prob_positive"][sl] = (total > 0).mean(-1)
        if keep_draws:
            out["draws"][:, sl] = total.T
        if used.size:
            payers = persons[sl, None, None] * fu
            payers += inflow[sl, None, None] * gu
            payer_pct = np.percentile(payers, (5.0, 95.0), axis=-1)
            out["payer_p5"][sl, used], out["payer_p95"][sl, used] = payer_pct
    return out


Part = tuple[Array, bool]  # members of one group (a slice), and whether evaluated directly


def _plan(groups: list[Array], n: int, workers: int) -> list[list[Part]]:
    """Tasks of at most ``CHUNK_RUNS`` runs of the model: single scenarios packed together,
    a shared group's members split over the workers (its unit runs repeated per part)."""
    budget = max(1, CHUNK_RUNS // max(n, 1))
    tasks: list[list[Part]] = []
    current: list[Part] = []
    for members in groups:
        if members.size == 1:
            current.append((members, True))
            if len(current) >= budget:
                tasks.append(current)
                current = []
            continue
        for part in np.array_split(members, min(workers, members.size)):
            tasks.append([(part, False)])
    if current:
        tasks.append(current)
    return tasks


def _task(p: TwoStateParams, parts: list[Part], n: int, seed: int, streams: Array,
          spreads: Mapping[str, float], keep_draws: bool) -> tuple[Array, dict[str, Array]]:
    """Draws, NPVs and summaries of one task: ``(members, their summaries)``."""
    direct = np.concatenate([m for m, d in parts if d]) if any(d for _, d in parts) else None
    shared = [m for m, d in parts if not d]
    # Scenarios to run: the direct ones as they are, each shared group as its two units.
    idx = [] if direct is None else list(direct)
    for members in shared:
        idx += [int(members[0])] * 2
    rows = np.asarray(idx)
    sub = replace(p, **{f: getattr(p, f)[rows] for f in p.__dataclass_fields__})
    if shared:
        persons, inflow = np.array(sub.persons, dtype=float), np.array(sub.inflow, dtype=float)
        start = 0 if direct is None else direct.size
        persons[start:], inflow[start:] = np.tile([[1.0, 0.0], [0.0, 1.0]], len(shared))
        sub = replace(sub, persons=persons, inflow=inflow)
    values = _draw_buffers(rows.size, np.shape(p.cost)[-1], n)
    cache: Cache = {}
    for row, i in enumerate(rows):
        _draw_into(p, int(i), seed, spreads, values, row, int(streams[i]), cache)
    by_payer = _evaluate(sub, values, n)  # (b, K, n): draws last, contiguous
    pieces: list[dict[str, Array]] = []
    members: list[Array] = []
    if direct is not None:
        total = by_payer[:direct.size].sum(1)
        stats = _stats(by_payer[:direct.size], total)
        if keep_draws:
            stats["draws"] = total.T
        pieces.append(stats)
        members.append(direct)
    start = 0 if direct is None else direct.size
    for g, group in enumerate(shared):
        unit = by_payer[start + 2 * g:start + 2 * g + 2]
        pieces.append(_member_stats(unit, np.asarray(p.persons[group], dtype=float),
                                    np.asarray(p.inflow[group], dtype=float), keep_draws))
        members.append(group)
    merged = {key: np.concatenate([s[key] for s in pieces], axis=1 if key == "draws" else 0)
              for key in pieces[0]}
    return np.concatenate(members), merged


def monte_carlo(
    p: TwoStateParams,
    n: int | None = None,
    cv: float | Mapping[str, float] | None = None,
    seed: int = 1,
    *,
    keep_draws: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    streams: Array | list[int] | None = None,
) -> MonteCarloSummary:
    """Monte Carlo of a 1-D batch of scenarios (``B`` issues, or issues × JSTs).

    ``n`` draws (default: the parameter base's ``losowania``); ``cv``: one coefficient of
    variation for every uncertain input, or a mapping from input name (``UNCERTAIN``) to its
    own (default, and for inputs the mapping omits: the base's ``zmiennosc``). ``streams``:
    each scenario's stream ``(B,)`` (``stream_of`` its issue code, so the JSTs of a region
    share the draws of the figures they share); default: its position in the batch.
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
    ids = np.arange(b) if streams is None else np.asarray(streams, dtype=np.int64).reshape(b)
    workers = WORKERS or os.cpu_count() or 1
    tasks = _plan(_groups(p, ids), n, workers)
    keys = [k for k in MonteCarloSummary.__dataclass_fields__ if k != "draws"]
    payers = p.financing.shape[-1]
    out = {k: np.empty((b, payers) if k.startswith("payer") else b) for k in keys}
    draws = np.empty((n, b)) if keep_draws else None

    def one(parts: list[Part]) -> tuple[Array, dict[str, Array]]:
        return _task(p, parts, n, seed, ids, spreads, keep_draws)

    # Tasks are independent (draws depend only on their keys), so they run on every core;
    # numpy releases the GIL while drawing and computing.
    workers = min(len(tasks), workers)
    done = 0
    with ThreadPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
        results = pool.map(one, tasks) if pool else map(one, tasks)
        for members, stats in results:
            for key in keys:
                out[key][members] = stats[key]
            if draws is not None:
                draws[:, members] = stats["draws"]
            done += members.size
            if on_progress:
                on_progress(done, b)
    return MonteCarloSummary(**out, draws=draws)
