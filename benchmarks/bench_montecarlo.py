"""Monte Carlo against its yardstick (issue 15), side by side in one run: the engine's
``monte_carlo`` and the hand-written vectorised kernel of ``benchmarks/mc_reference.py`` on the
sample gmina (10 000 draws × 10 issues × 7 years) and on a voivodeship (356 JST × 10 issues ×
10 000 draws, each side in its own process for its peak memory). Both draw common random
numbers (one set of draws per issue, input and distribution, shared by every JST using that
figure; ``docs/metoda.md``). The two must agree draw by draw on the gmina, and summary by
summary on the voivodeship, to 1e-9 (relative to the largest value) before any time is
reported."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from benchmarks import mc_reference as ref  # noqa: E402
from benchmarks.bench_engine import JST, SAMPLE, _gmina_inputs, _voivodeship  # noqa: E402
from kkz_xl.engine import montecarlo as mc  # noqa: E402
from kkz_xl.engine.run import stack  # noqa: E402
from kkz_xl.engine.two_state import TwoStateParams, payer_npv_draws  # noqa: E402
from kkz_xl.engine.two_state import run as run_two_state  # noqa: E402
from kkz_xl.model.payers import N_PAYERS  # noqa: E402
from kkz_xl.model.scenario import Scenario  # noqa: E402

DRAWS = 10_000
CV = 0.2
SEED = 1
REF_CHUNK = 20  # issues per reference call on the voivodeship (bounds its memory)
SUMMARIES = ("mean", "p5", "p50", "p95", "prob_positive", "payer_mean", "payer_p5", "payer_p95")


def streams() -> np.ndarray:
    """Each sample issue's stream (from its code), as ``run_scenario`` gives them."""
    return np.array([mc.stream_of(r.code) for r in Scenario.load(SAMPLE).resolve()])


def as_batch(p: TwoStateParams) -> ref.Batch:
    p = mc._broadcast_batch(p)
    return ref.Batch(
        persons=np.asarray(p.persons, float), exit_rate=np.asarray(p.exit_rate, float),
        success=np.asarray(p.success, float), relapse=np.asarray(p.relapse, float),
        coverage=np.asarray(p.coverage, float),
        programme_cost=np.asarray(p.programme_cost, float),
        inflow=np.asarray(p.inflow, float), repeat=np.asarray(p.repeat, bool),
        rate=np.asarray(p.rate, float), cost=np.asarray(p.cost, float),
        gain=np.asarray(p.gain, float), payer=np.asarray(p.line_payer).argmax(-1),
        financing=np.asarray(p.financing, float))


def _best(f: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def agreement(p: TwoStateParams, n: int) -> float:
    """Largest difference of any draw's NPV (total and per payer), relative to the largest."""
    ids = streams()
    engine = mc.monte_carlo(p, n, CV, SEED, keep_draws=True, streams=ids)
    mine = ref.monte_carlo(as_batch(p), n, CV, SEED, N_PAYERS, ids)
    scale = float(np.abs(mine["draws"]).max())
    worst = float(np.abs(engine.draws - mine["draws"]).max())
    for key in ("mean", "p5", "p50", "p95", "payer_mean", "payer_p5", "payer_p95"):
        worst = max(worst, float(np.abs(getattr(engine, key) - mine[key]).max()))
    return worst / scale


def voivodeship(side: str, save: str) -> dict[str, float]:
    """One side on the voivodeship in this process: seconds and peak memory; its summaries
    saved to ``save`` (.npz) for the agreement check."""
    items, years, rate = _gmina_inputs()
    big = _voivodeship(items, years, rate)
    ids = np.tile(streams(), JST)
    t = time.perf_counter()
    if side == "engine":
        s = mc.monte_carlo(big, DRAWS, CV, SEED, streams=ids)
        summaries = {k: getattr(s, k) for k in SUMMARIES}
    else:
        b = big.persons.shape[0]
        cache: dict[tuple[int, ...], np.ndarray] = {}
        parts = []
        for lo in range(0, b, REF_CHUNK):
            part = replace(big, **{f: getattr(big, f)[lo:lo + REF_CHUNK]
                                   for f in big.__dataclass_fields__})
            got = ref.monte_carlo(as_batch(part), DRAWS, CV, SEED, N_PAYERS,
                                  ids[lo:lo + REF_CHUNK], cache)
            parts.append({k: got[k] for k in SUMMARIES})
        summaries = {k: np.concatenate([p[k] for p in parts]) for k in SUMMARIES}
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.savez(save, **summaries)
    return {"seconds": round(took, 2), "peak_rss_mib": round(peak, 1),
            "mean_npv_total_pln": round(float(summaries["mean"].sum()), 0)}


def _in_process(side: str, save: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", "import json, benchmarks.bench_montecarlo as b; "
         f"print(json.dumps(b.voivodeship({side!r}, {save!r})))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run() -> dict[str, object]:
    items, years, rate = _gmina_inputs()
    params, _ = stack(items, years, rate)
    batch = as_batch(params)
    ids = streams()
    out: dict[str, object] = {"issues": len(items), "years": years, "draws": DRAWS,
                              "cores": os.cpu_count()}
    out["engine_vs_reference_max_rel_difference"] = agreement(params, DRAWS)
    if out["engine_vs_reference_max_rel_difference"] > 1e-9:  # type: ignore[operator]
        raise AssertionError(f"engine and reference disagree: {out}")

    # The sample gmina, alternating the sides so both see the same machine load.
    mc.monte_carlo(params, 100, streams=ids)
    ref.monte_carlo(batch, 100, CV, SEED, N_PAYERS, ids)
    engine, single, reference = [], [], []
    for _ in range(5):
        engine.append(_best(lambda: mc.monte_carlo(params, DRAWS, CV, SEED, streams=ids), 1))
        mc.WORKERS = 1
        single.append(_best(lambda: mc.monte_carlo(params, DRAWS, CV, SEED, streams=ids), 1))
        mc.WORKERS = None
        reference.append(_best(lambda: ref.monte_carlo(batch, DRAWS, CV, SEED, N_PAYERS, ids), 1))
    out["mc_gmina_engine_seconds"] = round(min(engine), 4)
    out["mc_gmina_engine_one_thread_seconds"] = round(min(single), 4)
    out["mc_gmina_reference_seconds"] = round(min(reference), 4)
    out["mc_gmina_engine_over_reference"] = round(min(engine) / min(reference), 2)
    out["mc_gmina_engine_one_thread_over_reference"] = round(min(single) / min(reference), 2)
    out["mc_gmina_target_ratio"] = 2.0
    # The kernels alone (the same draws, already in each side's layout): NPVs from draws.
    drawn = ref.draws(batch, DRAWS, CV, SEED, ids)
    mine = {k: np.ascontiguousarray(np.moveaxis(v, 0, -1)) for k, v in drawn.items()}
    wide = mc._broadcast_batch(params)
    out["kernel_engine_seconds"] = round(_best(lambda: payer_npv_draws(wide, mine), 7), 4)
    out["kernel_reference_seconds"] = round(
        _best(lambda: ref.payer_npv(batch, drawn, N_PAYERS), 7), 4)
    out["kernel_engine_over_reference"] = round(
        out["kernel_engine_seconds"] / out["kernel_reference_seconds"], 2)  # type: ignore[operator]

    # The voivodeship, each side in its own process (peak memory is per process).
    out["voivodeship_scenarios"] = JST * len(items)
    with tempfile.TemporaryDirectory() as tmp:
        for side in ("engine", "reference"):
            for key, value in _in_process(side, f"{tmp}/{side}.npz").items():
                out[f"voivodeship_{side}_{key}"] = value
        engine, mine = np.load(f"{tmp}/engine.npz"), np.load(f"{tmp}/reference.npz")
        worst = max(float(np.abs(engine[k] - mine[k]).max() / np.abs(mine[k]).max())
                    for k in SUMMARIES)
    out["voivodeship_engine_vs_reference_max_rel_difference"] = worst
    if worst > 1e-9:
        raise AssertionError(f"engine and reference disagree on the voivodeship: {out}")
    out["voivodeship_engine_over_reference"] = round(
        out["voivodeship_engine_seconds"] / out["voivodeship_reference_seconds"], 3)  # type: ignore[operator]
    # The deterministic NPV of the region: the Monte Carlo mean must be near it.
    big = _voivodeship(items, years, rate)
    out["voivodeship_deterministic_npv_total_pln"] = round(float(run_two_state(big)[1].npv.sum()))
    out["voivodeship_target_seconds"] = 10
    out["voivodeship_target_peak_mib"] = 1024
    return out
