"""Strategy document benchmarks (issues 6 and 15): one document without PDF (target ≤ 0.5 s),
and a regional batch of 100 JSTs (target ≤ 60 s; time and peak memory, measured in a child
process; the batch builds in one worker process per core)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from kkz_xl.documents.batch import (  # noqa: E402
    MIN_PER_WORKER,
    build_many,
    build_strategy,
    template_for,
)
from kkz_xl.documents.strategy import strategy_context  # noqa: E402
from kkz_xl.engine.run import run_scenario  # noqa: E402
from kkz_xl.model.scenario import Scenario  # noqa: E402
from kkz_xl.office.render import render_docx  # noqa: E402

SAMPLE = ROOT / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
BATCH = 100
BATCH_DRAWS = 1_000  # Monte Carlo draws per JST in the batch (the engine has its own benchmark)


def _one_document(out_dir: Path, repeat: int = 3) -> dict[str, float]:
    scenario = Scenario.load(SAMPLE)
    t = time.perf_counter()
    results = run_scenario(scenario)
    engine = time.perf_counter() - t
    template = template_for(scenario.jst.kind)
    strategy_context(scenario, results)  # warm-up: imports, fonts
    best: dict[str, float] = {}
    for n in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        context = strategy_context(scenario, results)
        t1 = time.perf_counter()
        render_docx(template, context, out_dir / f"one_{n}.docx")
        t2, c2 = time.perf_counter(), time.process_time()
        for key, value in (("context", t1 - t0), ("render", t2 - t1), ("total", t2 - t0),
                           ("cpu", c2 - c0)):
            best[key] = min(best.get(key, value), value)
    # One JST as a batch builds it (1 000 draws), in CPU seconds: what a free core needs,
    # whatever the machine's load (the batch's wall time divides it among the workers).
    c0 = time.process_time()
    for _ in range(repeat):
        build_strategy(SAMPLE, out_dir, draws=BATCH_DRAWS)
    jst_cpu = (time.process_time() - c0) / repeat
    return {
        "one_document_s": round(best["total"], 3),
        "one_document_context_s": round(best["context"], 3),
        "one_document_render_charts_and_save_s": round(best["render"], 3),
        "one_document_cpu_s": round(best["cpu"], 3),
        "one_jst_with_engine_1000_draws_cpu_s": round(jst_cpu, 3),
        "one_document_issues": len(results.issues),
        "engine_10000_draws_s": round(engine, 3),
        "one_document_target_s": 0.5,
    }


def _charts_share(out_dir: Path, repeat: int = 3) -> dict[str, float]:
    """What the 22 native charts add to one document: the same document rendered with and
    without its charts, side by side (context, chart parts and save)."""
    scenario = Scenario.load(SAMPLE)
    results = run_scenario(scenario, monte_carlo_draws=0)
    template = template_for(scenario.jst.kind)
    best = {True: float("inf"), False: float("inf")}
    for _ in range(repeat):
        for with_charts in (True, False):
            t = time.perf_counter()
            context = strategy_context(scenario, results, with_charts=with_charts)
            render_docx(template, context, out_dir / f"charts_{with_charts}.docx")
            best[with_charts] = min(best[with_charts], time.perf_counter() - t)
    return {
        "document_with_charts_s": round(best[True], 3),
        "document_without_charts_s": round(best[False], 3),
        "charts_share_of_document": round(1 - best[False] / best[True], 3),
        "charts_in_document": _chart_count(out_dir / "charts_True.docx"),
    }


def _chart_count(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(name.startswith("word/charts/chart") for name in archive.namelist())


def _scenarios(folder: Path, count: int) -> list[Path]:
    base = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    paths = []
    for n in range(count):
        data = json.loads(json.dumps(base))
        data["jst"]["nazwa"] = f"Gmina Testowa {n + 1}"
        data["jst"]["teryt"] = f"14{n:03d}12"
        for issue in data["kwestie"]:
            issue["osoby"] = issue["osoby"] * (0.5 + (n % 10) / 10)
        path = folder / f"jst_{n + 1:03d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


def _batch_child(count: int) -> None:
    """Run in a child process: build ``count`` strategies, print timing as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = _scenarios(Path(tmp), count)
        t = time.perf_counter()
        outcomes = build_many(paths, Path(tmp) / "out", draws=BATCH_DRAWS)
        elapsed = time.perf_counter() - t
    errors = sorted({o.error for o in outcomes if o.error})[:3]
    print(json.dumps({"seconds": elapsed, "ok": sum(o.ok for o in outcomes), "errors": errors}))


def run(batch: int = BATCH) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        figures: dict[str, object] = _one_document(Path(tmp))
        figures.update(_charts_share(Path(tmp)))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, __file__, "--batch", str(batch)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    figures.update({
        "batch_jst": batch,
        "batch_draws_per_jst": BATCH_DRAWS,
        "batch_seconds": round(child["seconds"], 1),
        "batch_seconds_per_jst": round(child["seconds"] / batch, 3),
        "batch_ok": child["ok"],
        "batch_errors": child["errors"],
        "batch_peak_memory_mb": round(max(peak_kb, before) / 1024, 1),
        "batch_workers": min(os.cpu_count() or 1, batch // MIN_PER_WORKER),
        "batch_target_seconds": 60,
    })
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        _batch_child(int(sys.argv[2]))
    else:
        print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else BATCH), indent=2))
