"""Office.js add-in server: one call's latency over loopback HTTP and throughput under load.

Starts ``kkz serwer``'s app (the real ``udfs/kkz_udfs.py``) in a child process on a free
127.0.0.1 port, then measures, in the same run:

- latency of one ``KKZ_KOSZT_ZANIECHANIA`` call (the worked example of ``model.md``) from a
  keep-alive client, sequentially: p50, p99 (target p50 ≤ 5 ms);
- throughput with 20 concurrent clients for 10 s (bounded; every answer checked, so a wrong
  figure counts as a failure);
- a regional centre's load: 50 concurrent clients for 30 s against ``--workers 2``, every
  answer checked, p50 and p99 of the calls (target: 0 failed calls);
- the same function called in-process (no HTTP, no JSON), for the overhead the server adds,
  with and without the argument checks of ``kkz_xl.excel.convert`` side by side, and the
  engine's share (target ≤ 0.2 ms per call).

Run: ``python -m benchmarks.bench_addin`` (prints JSON).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import statistics
import sys
import time

import httpx

from kkz_xl.excel.locations import UDF_MODULE, default_udfs_dir
from tests.addin_server import running_server

CALL = "/xlwings/custom-functions-call"
EXAMPLE = [100.0, 10000.0, 0.1, 0.3, 5000.0, 3.0, 0.0, None, None, None, None]
EXPECTED = 13000.0
LATENCY_CALLS = 2000
WARMUP_CALLS = 200
CLIENTS = 20
DURATION_S = 10.0
TIMEOUT_S = 5.0
LOAD_CLIENTS = 50
LOAD_DURATION_S = 30.0
LOAD_WORKERS = 2
#: Under load a call may queue; one that takes longer than this counts as failed.
LOAD_TIMEOUT_S = 30.0


def office_body() -> dict[str, object]:
    return {
        "client": "Office.js",
        "func_name": "kkz_koszt_zaniechania",
        "args": [[[a]] for a in EXAMPLE],
        "caller_address": "[Kalkulator.xlsx]Kalkulator!C5",
        "session_id": "benchmark",
        "culture_info_name": "pl-PL",
        "date_format": "dd.MM.yyyy",
        "version": "0.37.8",
        "runtime": "1.4",
    }


def _percentile(sorted_ms: list[float], q: float) -> float:
    index = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return sorted_ms[index]


def _ok(answer: httpx.Response) -> bool:
    if answer.status_code != 200:
        return False
    value = answer.json()["result"][0][0]
    return abs(value - EXPECTED) < 1e-6


def measure_baseline(url: str) -> dict[str, float]:
    """A GET of the health page: the HTTP round trip with no function work, for scale."""
    times: list[float] = []
    with httpx.Client(base_url=url, timeout=TIMEOUT_S) as client:
        for _ in range(WARMUP_CALLS):
            client.get("/zdrowie")
        for _ in range(LATENCY_CALLS):
            start = time.perf_counter()
            client.get("/zdrowie")
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(_percentile(times, 0.5), 3),
        "p99_ms": round(_percentile(times, 0.99), 3),
    }


def server_stack() -> dict[str, str]:
    """Which HTTP parser and event loop uvicorn picks here (both matter for latency)."""
    found = {name: importlib.util.find_spec(name) is not None for name in ("httptools", "uvloop")}
    return {
        "http_parser": "httptools" if found["httptools"] else "h11",
        "event_loop": "uvloop" if found["uvloop"] else "asyncio",
    }


def measure_latency(url: str) -> dict[str, float | int]:
    body = office_body()
    times: list[float] = []
    failed = 0
    with httpx.Client(base_url=url, timeout=TIMEOUT_S) as client:
        for _ in range(WARMUP_CALLS):
            client.post(CALL, json=body)
        for _ in range(LATENCY_CALLS):
            start = time.perf_counter()
            answer = client.post(CALL, json=body)
            times.append((time.perf_counter() - start) * 1000)
            failed += not _ok(answer)
    times.sort()
    return {
        "calls": LATENCY_CALLS,
        "p50_ms": round(_percentile(times, 0.50), 3),
        "p99_ms": round(_percentile(times, 0.99), 3),
        "mean_ms": round(statistics.fmean(times), 3),
        "failed": failed,
    }


async def _throughput(url: str) -> dict[str, float | int]:
    body = office_body()
    deadline = time.perf_counter() + DURATION_S
    counts = {"ok": 0, "failed": 0}

    async def one_client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S) as client:
            while time.perf_counter() < deadline:
                try:
                    answer = await client.post(CALL, json=body)
                    counts["ok" if _ok(answer) else "failed"] += 1
                except httpx.HTTPError:
                    counts["failed"] += 1

    start = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - start
    return {
        "clients": CLIENTS,
        "seconds": round(elapsed, 2),
        "calls_ok": counts["ok"],
        "calls_failed": counts["failed"],
        "calls_per_s": round(counts["ok"] / elapsed, 1),
    }


async def _load(url: str) -> dict[str, float | int]:
    """LOAD_CLIENTS clients calling as fast as answers come, for LOAD_DURATION_S."""
    body = office_body()
    deadline = time.perf_counter() + LOAD_DURATION_S
    times: list[float] = []
    counts = {"ok": 0, "failed": 0}

    async def one_client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=LOAD_TIMEOUT_S) as client:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    answer = await client.post(CALL, json=body)
                    ok = _ok(answer)
                except httpx.HTTPError:
                    ok = False
                times.append((time.perf_counter() - start) * 1000)
                counts["ok" if ok else "failed"] += 1

    start = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(LOAD_CLIENTS)))
    elapsed = time.perf_counter() - start
    times.sort()
    return {
        "clients": LOAD_CLIENTS,
        "workers": LOAD_WORKERS,
        "seconds": round(elapsed, 2),
        "calls_ok": counts["ok"],
        "calls_failed": counts["failed"],
        "calls_per_s": round(counts["ok"] / elapsed, 1),
        "p50_ms": round(_percentile(times, 0.50), 2),
        "p99_ms": round(_percentile(times, 0.99), 2),
        "max_ms": round(times[-1], 2),
    }


def _median_ms(func: object, args: list[object], repeats: int) -> float:
    for _ in range(WARMUP_CALLS):
        func(*args)  # type: ignore[operator]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func(*args)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 4)


def measure_in_process(repeats: int = LATENCY_CALLS) -> dict[str, float]:
    """The UDF called directly, side by side in one run: with the argument and result checks
    (what Excel calls), without them (the function as it was before the checks), and the
    engine alone (validated inputs → NPV, the function's path; and the full results object
    that the table functions build)."""
    from kkz_xl.engine.run import run_inputs, stack
    from kkz_xl.engine.two_state import npv
    from kkz_xl.excel.calculator import model_inputs

    folder = str(default_udfs_dir())
    if folder not in sys.path:
        sys.path.insert(0, folder)
    udf = importlib.import_module(UDF_MODULE).kkz_koszt_zaniechania
    args = list(EXAMPLE)
    assert abs(float(udf(*args)) - EXPECTED) < 1e-6
    inputs, horizon = model_inputs(*args)
    checked = _median_ms(udf, args, repeats)
    unchecked = _median_ms(udf.__wrapped__, args, repeats)
    engine = _median_ms(lambda *a: npv(stack(*a)[0]), [[inputs], horizon.years, horizon.rate],
                        repeats)
    full = _median_ms(run_inputs, [inputs, horizon.years, horizon.rate], repeats)
    convert = _median_ms(model_inputs, args, repeats)
    return {
        "p50_ms": checked,
        "p50_without_checks_ms": unchecked,
        "checks_overhead_ms": round(checked - unchecked, 4),
        "p50_convert_and_validate_ms": convert,
        "p50_engine_ms": engine,
        "p50_engine_full_result_ms": full,
        "target_ms": 0.2,
    }


def run() -> dict[str, object]:
    """Measure; returns the figures (milliseconds, calls per second, counts)."""
    in_process = measure_in_process()
    with running_server() as server:
        baseline = measure_baseline(server.url)
        latency = measure_latency(server.url)
        throughput = asyncio.run(_throughput(server.url))
    with running_server({"KKZ_SERVER_WORKERS": str(LOAD_WORKERS)}) as server:
        load = asyncio.run(_load(server.url))
    return {
        "server_stack": server_stack(),
        "http_latency": latency,
        "http_empty_round_trip": baseline,
        "http_throughput": throughput,
        "http_load_regional_centre": load,
        "in_process": in_process,
        "http_overhead_p50_ms": round(latency["p50_ms"] - in_process["p50_ms"], 3),
        "target_p50_ms": 5.0,
        "meets_target": latency["p50_ms"] <= 5.0
        and latency["failed"] == 0
        and throughput["calls_failed"] == 0
        and load["calls_failed"] == 0,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
