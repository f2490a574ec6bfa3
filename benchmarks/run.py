"""Run every benchmark module (``benchmarks/bench_*.py``), each in its own process so peak
memory figures are its own, and write its figures to ``benchmarks/results/<name>.json``.

Usage: ``python -m benchmarks.run [name ...]`` (names without ``bench_``; default all).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main(names: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if m.removeprefix("bench_") in names]
    RESULTS.mkdir(exist_ok=True)
    failed = 0
    for module in modules:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c",
             f"import json; from benchmarks.{module} import run; print(json.dumps(run()))"],
            cwd=HERE.parent, capture_output=True, text=True,
        )
        took = time.perf_counter() - started
        name = module.removeprefix("bench_")
        if proc.returncode != 0:
            failed += 1
            print(f"[{name}] BŁĄD po {took:.1f} s:\n{proc.stderr[-3000:]}")
            continue
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        figures["_wall_seconds"] = round(took, 2)
        # The machine's load when the module finished: wall times on a shared machine grow
        # with it, ratios measured side by side in one run do not.
        figures["_load_average_1min"] = round(os.getloadavg()[0], 2)
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False)
                                              + "\n", encoding="utf-8")
        print(f"[{name}] {took:.1f} s → {RESULTS / (name + '.json')}")
        for key, value in figures.items():
            print(f"    {key}: {value}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
