"""``kkz --help`` start-up (issue 15: ≤ 0.3 s), side by side with the interpreter's own
start-up (the floor) and with every command module imported (how ``kkz`` started before the
commands became lazy). Each figure is the median wall time of fresh processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15

HELP = "from kkz_xl.cli.main import app; app(['--help'])"
EAGER = ("from kkz_xl.cli.main import COMMANDS, app; from kkz_xl.cli.lazy import "
         "load_module_commands; [load_module_commands(m) for m in "
         "dict.fromkeys(c.module for c in COMMANDS)]; app(['--help'])")


def _median(code: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run() -> dict[str, object]:
    # Interleaved, so the three see the same machine load.
    floor, lazy, eager = [], [], []
    for _ in range(3):
        floor.append(_median("pass"))
        lazy.append(_median(HELP))
        eager.append(_median(EAGER))
    out: dict[str, object] = {
        "python_startup_seconds": round(min(floor), 3),
        "kkz_help_seconds": round(min(lazy), 3),
        "kkz_help_all_modules_imported_seconds": round(min(eager), 3),
        "kkz_help_target_seconds": 0.3,
    }
    out["kkz_help_over_python_startup"] = round(min(lazy) / min(floor), 2)
    out["all_modules_over_lazy"] = round(min(eager) / min(lazy), 2)
    return out
