"""Engine benchmarks (issue 2): Monte Carlo for one gmina against a per-draw Python loop, a whole
voivodeship deterministic and Monte Carlo (time, peak memory), one Excel function call."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "udfs")]

from kkz_xl.engine.cohort import payer_npv_direct  # noqa: E402
from kkz_xl.engine.montecarlo import (  # noqa: E402
    UNCERTAIN,
    _broadcast_batch,
    _draw_inputs,
    monte_carlo,
    stream_of,
)
from kkz_xl.engine.run import stack  # noqa: E402
from kkz_xl.engine.two_state import TwoStateParams, to_cohort  # noqa: E402
from kkz_xl.engine.two_state import run as run_two_state  # noqa: E402
from kkz_xl.model.inputs import IssueInputs  # noqa: E402
from kkz_xl.model.scenario import Scenario  # noqa: E402
from kkz_xl.params.base import default_base  # noqa: E402
from tests.naive_model import naive_of, per_draw_monte_carlo  # noqa: E402

SAMPLE = ROOT / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
DRAWS = 10_000
LOOP_DRAWS = 1_000
JST = 356  # Mazowieckie: 314 gminas and 42 powiats


def _best(f: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def _gmina_inputs() -> tuple[list[IssueInputs], int, float]:
    scenario = Scenario.load(SAMPLE)
    items = [r.inputs for r in scenario.resolve()]
    _, years, rate = scenario.settings(default_base())
    return items, years, rate


def _voivodeship(items: list[IssueInputs], years: int, rate: float) -> TwoStateParams:
    """356 JSTs × 10 issues: the sample's counts scaled by a plausible population spread."""
    params, _ = stack(items, years, rate)
    rng = np.random.default_rng(14)
    scale = rng.lognormal(0.0, 0.8, JST)  # gminas from ~3 000 to ~200 000 residents
    reps = {f: np.repeat(np.asarray(getattr(params, f))[None], JST, 0).reshape(
        JST * len(items), *np.shape(getattr(params, f))[1:]) for f in params.__dataclass_fields__}
    reps["persons"] = (np.asarray(params.persons)[None] * scale[:, None]).reshape(-1)
    return TwoStateParams(**reps)


def _per_draw_engine_loop(params: TwoStateParams, draws: int) -> float:
    """Seconds to evaluate ``draws`` draws per issue one at a time through the engine."""
    spreads = dict.fromkeys(UNCERTAIN, 0.2)
    batch = _broadcast_batch(params)
    elapsed = 0.0
    for i in range(batch.persons.shape[0]):
        drawn = _draw_inputs(batch, i, draws, 1, spreads)
        one = {f: np.asarray(getattr(batch, f))[i] for f in batch.__dataclass_fields__}
        t = time.perf_counter()
        for d in range(draws):
            draw = TwoStateParams(**{**one, **{k: v[d] for k, v in drawn.items()}})
            payer_npv_direct(to_cohort(draw))
        elapsed += time.perf_counter() - t
    return elapsed


def voivodeship_monte_carlo() -> dict[str, object]:
    """356 JST × 10 issues × 10 000 draws in this process (common random numbers: each issue's
    streams from its code, as ``run_scenario`` gives them): time and peak memory."""
    items, years, rate = _gmina_inputs()
    big = _voivodeship(items, years, rate)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    codes = [r.code for r in Scenario.load(SAMPLE).resolve()]
    summary = monte_carlo(big, DRAWS, 0.2, 1, streams=np.tile([stream_of(c) for c in codes], JST))
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "voivodeship_mc_seconds": round(took, 2),
        "voivodeship_mc_target_seconds": 60,
        "voivodeship_mc_peak_rss_mib": round(peak / 1024, 1),
        "voivodeship_rss_before_mc_mib": round(rss_before / 1024, 1),
        "voivodeship_mc_peak_target_mib": 1024,
        "voivodeship_mean_npv_total_pln": round(float(summary.mean.sum()), 0),
    }


def run() -> dict[str, object]:
    import kkz_udfs

    items, years, rate = _gmina_inputs()
    params, _ = stack(items, years, rate)
    out: dict[str, object] = {"issues": len(items), "years": years, "draws": DRAWS}

    # 1. Monte Carlo for one gmina, vectorised vs per-draw Python loops, side by side.
    monte_carlo(params, 100)  # warm-up
    vec = _best(lambda: monte_carlo(params, DRAWS, 0.2, 1), repeat=5)
    out["mc_gmina_seconds"] = round(vec, 4)
    out["mc_gmina_target_seconds"] = 0.2
    # (a) The same model (the engine) evaluated once per draw in a Python loop. Linear in the
    # number of draws, so timed on LOOP_DRAWS per issue and scaled to DRAWS.
    loop_a = _per_draw_engine_loop(params, LOOP_DRAWS) * DRAWS / LOOP_DRAWS
    out["mc_per_draw_engine_loop_seconds"] = round(loop_a, 2)
    out["mc_speedup_vs_per_draw_engine_loop"] = round(loop_a / vec, 1)
    # (b) An independent hand-written scalar model in plain Python (tests/naive_model.py),
    # all draws: the fastest a per-draw loop gets without numpy.
    naive_models = [naive_of(i, years, rate) for i in items]
    t = time.perf_counter()
    for n, model in enumerate(naive_models):
        per_draw_monte_carlo(model, DRAWS, 0.2, n)
    loop_b = time.perf_counter() - t
    out["mc_scalar_python_loop_seconds"] = round(loop_b, 3)
    out["mc_speedup_vs_scalar_python_loop"] = round(loop_b / vec, 1)
    out["mc_speedup_target"] = 100

    # 2. A voivodeship: deterministic here; Monte Carlo in its own process (peak memory).
    big = _voivodeship(items, years, rate)
    out["voivodeship_scenarios"] = int(big.persons.shape[0])
    out["voivodeship_deterministic_seconds"] = round(_best(lambda: run_two_state(big), 5), 4)
    out["voivodeship_deterministic_target_seconds"] = 0.1
    proc = subprocess.run([sys.executable, "-c", "import json, benchmarks.bench_engine as b; "
                           "print(json.dumps(b.voivodeship_monte_carlo()))"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    out.update(json.loads(proc.stdout.strip().splitlines()[-1]))

    # 3. One Excel function call in-process (median of many).
    args = (100, 10_000, 0.1, 0.3, 5_000, 7, 0.03)
    kkz_udfs.kkz_koszt_zaniechania(*args)
    calls = []
    for _ in range(2_000):
        t = time.perf_counter()
        kkz_udfs.kkz_koszt_zaniechania(*args)
        calls.append(time.perf_counter() - t)
    out["udf_call_median_ms"] = round(statistics.median(calls) * 1e3, 4)
    out["udf_call_p99_ms"] = round(float(np.percentile(calls, 99)) * 1e3, 4)
    out["udf_call_target_ms"] = 1.0
    return out
