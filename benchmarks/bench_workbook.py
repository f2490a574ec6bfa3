"""Calculator workbook: build time (target ≤ 2 s), values-only report, and a full evaluation
of its formulas with ``formulas`` (the KKZ_ functions answered by the UDF module)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path


def run() -> dict[str, object]:
    from kkz_xl.model.scenario import Scenario
    from kkz_xl.workbook import blank_inputs, from_scenario, write_workbook
    from tests.workbook_verify import evaluate  # test-only helper (formulas)

    sample = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
    data = from_scenario(Scenario.load(sample))
    blank_inputs()  # load the parameter base once, outside the timings
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        _, writer = write_workbook(Path(tmp) / "blank.xlsm")
        out["build_blank_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        book, writer = write_workbook(Path(tmp) / "filled.xlsm", data)
        out["build_filled_s"] = round(time.perf_counter() - t, 3)
        out["build_target_s"] = 2.0
        out["formula_cells"] = len(writer.formula_cells)
        out["kkz_cells"] = len(writer.udf_cells)
        t = time.perf_counter()
        write_workbook(Path(tmp) / "report.xlsx", data, values=True)
        out["values_report_s"] = round(time.perf_counter() - t, 3)
        out["monte_carlo_draws"] = data.draws
        t = time.perf_counter()
        evaluate(book)
        out["formulas_full_evaluation_s"] = round(time.perf_counter() - t, 3)
        light = replace(data, draws=100)
        book2, _ = write_workbook(Path(tmp) / "light.xlsm", light)
        t = time.perf_counter()
        evaluate(book2)
        out["formulas_evaluation_100_draws_s"] = round(time.perf_counter() - t, 3)
    return out


if __name__ == "__main__":
    print(run())
