"""The engine's figures for every computed cell of the workbook (the values-only report, and
what the tests compare the evaluated formulas with)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from kkz_xl.engine.montecarlo import monte_carlo
from kkz_xl.engine.run import IssueResult, run_inputs, stack
from kkz_xl.engine.tornado import tornado as engine_tornado
from kkz_xl.engine.two_state import TwoStateParams
from kkz_xl.excel.calculator import flow_table, indicator_table, state_result
from kkz_xl.model.inputs import IssueInputs
from kkz_xl.model.labels import INPUT_LABELS, MONTE_CARLO_ROWS, PAYERS_HEADER
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.workbook.inputs import WorkbookInputs, state_arguments

TORNADO_SPREAD: float = default_base().tornado_spread  # general.yaml: zakres_tornado
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

    def __init__(self, data: WorkbookInputs, *, full: bool = True,
                 base: ParameterBase | None = None) -> None:
        """``full=False``: no Monte Carlo or threshold search (layout only)."""
        self.data = data
        self.base = base or default_base()
        self.full = full
        self._cache: dict[str, IssueFigures] = {}

    def inputs(self, code: str) -> IssueInputs:
        return self.data.model_inputs(code, self.base)

    def issue(self, code: str) -> IssueFigures:
        if code not in self._cache and self.data.issue(code).multi:
            self._cache[code] = self._state_issue(code)
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

    def _state_issue(self, code: str) -> IssueFigures:
        """An issue on its multi-state model: the ``…_STANY`` functions' own path, with the
        arguments the workbook's cells hand them (so cached values equal the formulas)."""
        d = self.data
        args = state_arguments(d, code, self.base)
        r = state_result(args, threshold=self.full, draws=d.draws if self.full else 0,
                         spread=d.spread, seed=d.seed)
        mc = [0.0] * len(MONTE_CARLO_ROWS)
        if r.monte_carlo is not None:
            m = r.monte_carlo
            mc = [m.mean, m.p5, m.p50, m.p95, m.prob_positive]
        return IssueFigures(r, mc)

    def state_tornado(self, code: str) -> IssueResult:
        """An issue on its multi-state model with the engine's tornado (every transition,
        programme input and line at ± the base's ``zakres_tornado``), as the strategy has it."""
        args = state_arguments(self.data, code, self.base)
        return state_result(args, tornado=True)

    def active(self, code: str) -> bool:
        return self.data.issue(code).active

    def tornado(self, code: str, spread: float | None = None) -> list[TornadoLine]:
        """The engine's tornado (``engine.tornado``, grouped by payer) in the sheet's row
        order: each input, then each payer's whole yearly cost. An input the engine leaves
        out (no range: zero inflow) keeps the point NPV at both ends."""
        spread = self.spread if spread is None else spread
        item = self.inputs(code)
        d = self.data
        batch, _ = stack([item], d.horizon, d.rate)
        one = TwoStateParams(**{f.name: np.asarray(getattr(batch, f.name))[0]
                                for f in fields(batch)})  # the batch's only issue
        rows = {r.name: r for r in engine_tornado(one, spread, by="payer")}
        point_npv = self.issue(code).result.npv
        keys = [a for _, a, _ in TORNADO_INPUTS] + [f"cost_mult[{p.value}]" for p in PAYERS]
        out: list[TornadoLine] = []
        for key, label in zip(keys, tornado_labels(), strict=True):
            row = rows.get(key)
            if row is not None:
                out.append(TornadoLine(label, row.point, row.low, row.high, row.npv_low,
                                       row.npv_high))
                continue
            point = 1.0 if key.startswith("cost_mult") else (
                d.rate if key == "rate" else float(getattr(item, key)))
            out.append(TornadoLine(label, point, point * (1 - spread), point * (1 + spread),
                                   point_npv, point_npv))
        return out

    @property
    def spread(self) -> float:
        """The tornado's one-way range: the parameter base's."""
        return self.base.tornado_spread

    def tornado_sorted(self, code: str, spread: float | None = None) -> list[TornadoLine]:
        lines = self.tornado(code, spread)
        keys = [sort_key(t.swing, i) for i, t in enumerate(lines)]
        order = np.argsort(-np.array(keys), kind="stable")
        return [lines[i] for i in order]
