"""The engine's figures for every computed cell of the workbook (the values-only report, and
what the tests compare the evaluated formulas with)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kkz_xl.engine.montecarlo import monte_carlo
from kkz_xl.engine.run import IssueResult, run_inputs, stack
from kkz_xl.excel.calculator import flow_table, indicator_table
from kkz_xl.model.inputs import IssueInputs
from kkz_xl.model.labels import INPUT_LABELS, MONTE_CARLO_ROWS, PAYERS_HEADER
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.workbook.inputs import WorkbookInputs

TORNADO_SPREAD = 0.2  # the engine's default one-way range: ±20 %
# Tornado inputs in the workbook's order: (key, engine attribute, domain high or None).
TORNADO_INPUTS: tuple[tuple[str, str, float | None], ...] = (
    ("exit_rate", "exit_rate", 1.0), ("success", "success", 1.0),
    ("relapse", "relapse", 1.0), ("coverage", "coverage", 1.0),
    ("programme_cost", "programme_cost", None), ("inflow", "inflow", None),
    ("rate", "rate", 0.99),
)


def tornado_labels() -> list[str]:
    labels = [INPUT_LABELS[k] for k, _, _ in TORNADO_INPUTS]
    return labels + [f"{INPUT_LABELS['cost_mult']} – {PAYER_LABELS[p]}" for p in PAYERS]


@dataclass(frozen=True)
class TornadoLine:
    label: str
    point: float
    low: float
    high: float
    npv_low: float
    npv_high: float

    @property
    def swing(self) -> float:
        return abs(self.npv_high - self.npv_low)


def sort_key(swing: float, position: int) -> float:
    """The sheet's sort key: the swing, ties broken by the row (earlier first)."""
    return swing + (100 - position) * 1e-9


@dataclass(frozen=True)
class IssueFigures:
    result: IssueResult
    mc: list[float]  # mean, p5, p50, p95, P(NPV > 0)

    def mc_table(self) -> list[list[object]]:
        return [[label, v] for label, v in zip(MONTE_CARLO_ROWS, self.mc, strict=True)]

    def payers_table(self) -> list[list[object]]:
        return [list(PAYERS_HEADER)] + [[PAYER_LABELS[p], v] for p, v in
                                       zip(PAYERS, self.result.npv_by_payer, strict=True)]

    def indicators(self) -> list[list[object]]:
        return indicator_table(self.result)

    def flows(self) -> list[list[object]]:
        return flow_table(self.result)


class Figures:
    """Engine results per issue for one filled workbook, computed on demand once."""

    def __init__(self, data: WorkbookInputs, *, full: bool = True) -> None:
        """``full=False``: no Monte Carlo or threshold search (the formulas' workbook needs
        no values; only its layout)."""
        self.data = data
        self.full = full
        self._cache: dict[str, IssueFigures] = {}

    def inputs(self, code: str) -> IssueInputs:
        return self.data.model_inputs(code)

    def issue(self, code: str) -> IssueFigures:
        if code not in self._cache:
            item = self.inputs(code)
            d = self.data
            r = run_inputs(item, d.horizon, d.rate, threshold=self.full)
            mc = [0.0] * len(MONTE_CARLO_ROWS)
            if self.full:
                params, _ = stack([item], d.horizon, d.rate)
                s = monte_carlo(params, d.draws, d.spread, d.seed)
                mc = [float(x[0]) for x in (s.mean, s.p5, s.p50, s.p95, s.prob_positive)]
            self._cache[code] = IssueFigures(r, mc)
        return self._cache[code]

    def active(self, code: str) -> bool:
        return bool(self.data.issue(code).persons)

    def tornado(self, code: str, spread: float = TORNADO_SPREAD) -> list[TornadoLine]:
        """Each input at its low and high value, the others at their point values."""
        item = self.inputs(code)
        d = self.data
        out: list[TornadoLine] = []
        labels = tornado_labels()
        for (_, attr, top), label in zip(TORNADO_INPUTS, labels, strict=False):
            point = d.rate if attr == "rate" else float(getattr(item, attr))
            low = max(0.0, point * (1 - spread))
            high = point * (1 + spread) if top is None else min(top, point * (1 + spread))
            npvs = []
            for x in (low, high):
                if attr == "rate":
                    npvs.append(run_inputs(item, d.horizon, x).npv)
                else:
                    npvs.append(run_inputs(item.model_copy(update={attr: x}), d.horizon,
                                           d.rate).npv)
            out.append(TornadoLine(label, point, low, high, npvs[0], npvs[1]))
        # A payer's whole yearly column times a multiplier (the sheet's table × a row).
        for k, label in enumerate(labels[len(TORNADO_INPUTS):]):
            low, high = 1.0 - spread, 1.0 + spread
            npvs = []
            for m in (low, high):
                costs = [c if j != k else c.model_copy(
                    update={"profile": [x * m for x in c.profile or [1.0]]})
                    for j, c in enumerate(item.costs)]
                npvs.append(run_inputs(item.model_copy(update={"costs": costs}), d.horizon,
                                       d.rate).npv)
            out.append(TornadoLine(label, 1.0, low, high, npvs[0], npvs[1]))
        return out

    def tornado_sorted(self, code: str, spread: float = TORNADO_SPREAD) -> list[TornadoLine]:
        lines = self.tornado(code, spread)
        keys = [sort_key(t.swing, i) for i, t in enumerate(lines)]
        order = np.argsort(-np.array(keys), kind="stable")
        return [lines[i] for i in order]
