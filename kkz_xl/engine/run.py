"""Running validated inputs through the engine: from issues to a results object that the
workbook, the Excel functions, the CLI and the documents all read the same way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from kkz_xl.engine import severity
from kkz_xl.engine.cohort import Array, Flows
from kkz_xl.engine.indicators import Indicators, break_even, ratio
from kkz_xl.engine.montecarlo import MonteCarloSummary, monte_carlo, stream_of
from kkz_xl.engine.threshold import break_even_success
from kkz_xl.engine.tornado import TornadoRow, tornado
from kkz_xl.engine.two_state import TwoStateParams, run
from kkz_xl.errors import InputError
from kkz_xl.model.inputs import CostLine, IssueInputs
from kkz_xl.model.payers import N_PAYERS, Payer, payer_index
from kkz_xl.model.scenario import IssueScenario, Scenario
from kkz_xl.model.severity import (
    MULTI_STATE,
    StateInputs,
    has_state_model,
    resolve_states,
    uses_state_model,
)
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.state_models import shipped_models


@dataclass(frozen=True)
class LineInfo:
    """A cost line (or gain line) of an issue: what it is, who pays, where in the budget."""

    name: str
    payer: Payer
    rozdzial: str | None
    gain: bool


def stack(items: Sequence[IssueInputs], years: int, rate: float | Array
          ) -> tuple[TwoStateParams, list[list[LineInfo]]]:
    """The engine's arrays for a batch of issues (lines padded to the longest issue)."""
    width = max(len(i.costs) + len(i.gains) for i in items)
    b = len(items)
    cost = np.zeros((b, years, width))
    gain = np.zeros((b, years, width))
    line_payer = np.zeros((b, width, N_PAYERS))
    line_payer[:, :, 0] = 1.0  # padding lines: zero amounts, any payer
    financing = np.zeros((b, N_PAYERS))
    infos: list[list[LineInfo]] = []
    for n, item in enumerate(items):
        lines: list[tuple[CostLine, bool]] = [(c, False) for c in item.costs]
        lines += [(g, True) for g in item.gains]
        infos.append([LineInfo(c.name, c.payer, c.rozdzial, g) for c, g in lines])
        for j, (line, is_gain) in enumerate(lines):
            (gain if is_gain else cost)[n, :, j] = line.series(years)
            line_payer[n, j] = 0.0
            line_payer[n, j, payer_index(line.payer)] = 1.0
        for payer, share in item.financing.items():
            financing[n, payer_index(payer)] = share

    def col(attr: str) -> Array:
        return np.array([getattr(i, attr) for i in items], dtype=float)

    params = TwoStateParams(
        persons=col("persons"), exit_rate=col("exit_rate"), success=col("success"),
        programme_cost=col("programme_cost"), rate=np.broadcast_to(np.asarray(rate, float), (b,)),
        coverage=col("coverage"), relapse=col("relapse"), inflow=col("inflow"),
        repeat=np.array([i.repeat for i in items]), cost=cost, gain=gain,
        line_payer=line_payer, financing=financing,
        cost_mult=np.ones((b, width)), gain_mult=np.ones((b, width)),
    )
    return params, infos


def _opt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


@dataclass(frozen=True)
class MonteCarloStats:
    mean: float
    p5: float
    p50: float
    p95: float
    prob_positive: float
    payer_mean: list[float]
    payer_p5: list[float]
    payer_p95: list[float]


def _mc_stats(s: MonteCarloSummary, i: int) -> MonteCarloStats:
    return MonteCarloStats(
        float(s.mean[i]), float(s.p5[i]), float(s.p50[i]), float(s.p95[i]),
        float(s.prob_positive[i]), s.payer_mean[i].tolist(), s.payer_p5[i].tolist(),
        s.payer_p95[i].tolist(),
    )


@dataclass(frozen=True)
class StateBreakdown:
    """Persons per state and year of an issue on a multi-state model (both futures)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    self_reliant: tuple[bool, ...]
    counts_z: Array  # (T, S)
    counts_a: Array
    edge_labels: tuple[str, ...]  # per transition group (tornado rows "transition[g]")


@dataclass(frozen=True)
class IssueResult:
    """One issue's results: every figure of the working (both futures, per year, line, payer)."""

    code: str
    name: str
    inputs: IssueInputs | StateInputs
    from_base: list[str]
    lines: list[LineInfo]
    discount: Array  # (T,)
    dependent_z: Array  # (T,) D_t in inaction
    dependent_a: Array
    independent_z: Array  # (T,) I_t
    independent_a: Array
    participants: Array  # (T,)
    line_z: Array  # (T, L)
    line_a: Array
    programme: Array  # (T,)
    payer_z: Array  # (T, K)
    payer_a: Array
    cumulative: Array  # (T,)
    npv: float
    pv_z: float
    pv_a: float
    pv_programme: float
    gross_benefit: float
    bcr: float | None
    roi: float | None
    break_even_year: int | None
    payback: float | None
    npv_by_payer: list[float]
    break_even_success: float | None
    monte_carlo: MonteCarloStats | None = None
    tornado: list[TornadoRow] = field(default_factory=list)
    states: StateBreakdown | None = None  # set for an issue on a multi-state model

    @property
    def years(self) -> int:
        return len(self.discount)

    @property
    def cost_z(self) -> Array:
        return self.payer_z.sum(-1)

    @property
    def cost_a(self) -> Array:
        return self.payer_a.sum(-1)

    # Fiscal gains (korzyści) as their own figures: a gain line's flow is −I_t·g (a negative
    # cost), so the gains of each future are the negated flows of the gain lines.

    @property
    def gain_lines(self) -> list[int]:
        """Positions of the gain lines among ``lines``."""
        return [j for j, line in enumerate(self.lines) if line.gain]

    def _gains_by_payer(self, flows: Array) -> Array:
        out = np.zeros((self.years, N_PAYERS))
        for j in self.gain_lines:
            out[:, payer_index(self.lines[j].payer)] -= flows[:, j]
        return out

    @property
    def gains_z(self) -> Array:
        """Yearly fiscal gains per payer ``(T, K)`` in the inaction future."""
        return self._gains_by_payer(self.line_z)

    @property
    def gains_a(self) -> Array:
        """Yearly fiscal gains per payer ``(T, K)`` in the action future."""
        return self._gains_by_payer(self.line_a)

    @property
    def gain_line_pv(self) -> list[tuple[LineInfo, float, float]]:
        """Each gain line with its present value in inaction and in action."""
        return [(self.lines[j], float(-self.discount @ self.line_z[:, j]),
                 float(-self.discount @ self.line_a[:, j])) for j in self.gain_lines]

    @property
    def npv_gains_by_payer(self) -> list[float]:
        """The part of each payer's NPV that comes from fiscal gains (PV of action − inaction)."""
        return (self.discount @ (self.gains_a - self.gains_z)).tolist()

    @property
    def npv_gains(self) -> float:
        """The part of the NPV that comes from fiscal gains."""
        return float(sum(self.npv_gains_by_payer))


def _issue_results(
    names: Sequence[tuple[str, str, list[str]]],
    infos: list[list[LineInfo]],
    items: Sequence[IssueInputs],
    flows: Flows,
    ind: Indicators,
    thresholds: Array,
    mc: MonteCarloSummary | None,
    tornados: Sequence[list[TornadoRow]] | None,
) -> list[IssueResult]:
    """Slice the batch's arrays into one result per issue (padding lines dropped)."""
    out = []
    for n, ((code, name, from_base), item, lines) in enumerate(zip(names, items, infos,
                                                                  strict=True)):
        width = len(lines)
        out.append(IssueResult(
            code=code, name=name, inputs=item, from_base=from_base, lines=lines,
            discount=flows.discount[n], dependent_z=flows.counts_z[n, :, 0],
            dependent_a=flows.counts_a[n, :, 0], independent_z=flows.counts_z[n, :, 1],
            independent_a=flows.counts_a[n, :, 1], participants=flows.participants[n],
            line_z=flows.line_z[n, :, :width], line_a=flows.line_a[n, :, :width],
            programme=flows.programme[n], payer_z=flows.payer_z[n], payer_a=flows.payer_a[n],
            cumulative=ind.cumulative[n], npv=float(ind.npv[n]), pv_z=float(ind.pv_z[n]),
            pv_a=float(ind.pv_a[n]), pv_programme=float(ind.pv_programme[n]),
            gross_benefit=float(ind.gross_benefit[n]), bcr=_opt(ind.bcr[n]),
            roi=_opt(ind.roi[n]),
            break_even_year=int(ind.break_even_year[n]) or None,
            payback=_opt(ind.payback[n]), npv_by_payer=ind.npv_by_payer[n].tolist(),
            break_even_success=_opt(thresholds[n]),
            monte_carlo=_mc_stats(mc, n) if mc is not None else None,
            tornado=list(tornados[n]) if tornados else [],
        ))
    return out


def _one(params: TwoStateParams, n: int) -> TwoStateParams:
    return TwoStateParams(**{f: np.asarray(getattr(params, f))[n]
                             for f in params.__dataclass_fields__})


@dataclass(frozen=True)
class Totals:
    """All issues added up (they are treated as independent)."""

    npv: float
    pv_z: float
    pv_a: float
    pv_programme: float
    bcr: float | None
    roi: float | None
    npv_by_payer: list[float]
    cost_z: Array  # (T,)
    cost_a: Array
    cumulative: Array
    break_even_year: int | None
    monte_carlo: MonteCarloStats | None
    npv_gains_by_payer: list[float] = field(default_factory=list)
    #: Total NPV at each discount rate of public appraisal (the base's stopy_wrazliwosci).
    npv_by_rate: dict[float, float] = field(default_factory=dict)

    @property
    def npv_gains(self) -> float:
        """The part of the total NPV that comes from fiscal gains."""
        return float(sum(self.npv_gains_by_payer))


def npv_at_rates(params: TwoStateParams, rates: Sequence[float]) -> Array:
    """NPV of every issue of the batch at each discount rate ``(R, B)``, in one run."""
    r = np.asarray(rates, dtype=float).reshape(-1, *([1] * np.ndim(params.rate)))
    return run(params.lead_axis().with_value("rate", np.broadcast_to(
        r, (r.shape[0], *np.shape(params.rate)))))[1].npv


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    price_year: int
    horizon: int
    rate: float
    issues: list[IssueResult]
    totals: Totals

    def issue(self, code: str) -> IssueResult:
        return next(i for i in self.issues if i.code == code)


def _totals(issues: list[IssueResult], draws: Array | None) -> Totals:
    """``draws``: the NPV of every Monte Carlo draw per issue ``(n, B)``, or None."""
    npv = sum(i.npv for i in issues)
    c = sum(i.pv_programme for i in issues)
    pv_z = sum(i.pv_z for i in issues)
    cumulative = np.sum([i.cumulative for i in issues], axis=0)
    year, _ = break_even(cumulative, pv_z)
    stats = None
    if draws is not None:
        total = draws.sum(axis=1)
        pct = np.percentile(total, (5, 50, 95))
        payer_mean = np.sum([i.monte_carlo.payer_mean for i in issues if i.monte_carlo], axis=0)
        stats = MonteCarloStats(float(total.mean()), float(pct[0]), float(pct[1]),
                                float(pct[2]), float((total > 0).mean()), payer_mean.tolist(),
                                [], [])
    return Totals(
        npv=npv, pv_z=pv_z, pv_a=sum(i.pv_a for i in issues),
        pv_programme=c, bcr=_opt(ratio(npv + c, c)), roi=_opt(ratio(npv, c)),
        npv_by_payer=np.sum([i.npv_by_payer for i in issues], axis=0).tolist(),
        cost_z=np.sum([i.cost_z for i in issues], axis=0),
        cost_a=np.sum([i.cost_a for i in issues], axis=0),
        cumulative=cumulative,
        break_even_year=int(year) or None,
        monte_carlo=stats,
        npv_gains_by_payer=np.sum([i.npv_gains_by_payer for i in issues], axis=0).tolist(),
    )


def run_scenario(
    scenario: Scenario,
    base: ParameterBase | None = None,
    *,
    monte_carlo_draws: int | None = None,
    with_tornado: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScenarioResult:
    """Compute every issue of ``scenario``: indicators, thresholds, Monte Carlo, tornado.

    Issues with a shipped multi-state model (``kkz_xl/params/data/models``) are computed on it
    unless the scenario keeps the two-state form (``model: dwustanowy``, or its own two-state
    figures); the others in the two-state form. ``monte_carlo_draws``: override the scenario's
    number of draws (0 skips Monte Carlo).
    """
    base = base or default_base()
    price_year, years, rate = scenario.settings(base)
    settings = scenario.monte_carlo
    draws = settings.draws if monte_carlo_draws is None else monte_carlo_draws
    where = {n: f"kwestie[{n + 1}]" for n in range(len(scenario.issues))}
    for n, i in enumerate(scenario.issues):
        if i.model == MULTI_STATE and not has_state_model(i.code):
            raise InputError(f"{where[n]}.model", f"kwestia {i.code!r} nie ma modelu "
                             f"wielostanowego; modele: {', '.join(shipped_models())}")
    multi = [uses_state_model(i) for i in scenario.issues]
    two = [n for n, m in enumerate(multi) if not m]
    states = {n: resolve_states(scenario.issues[n], base, price_year, where[n],
                                conservative=scenario.conservative_gains,
                                runner=scenario.jst.kind)
              for n, m in enumerate(multi) if m}
    by_position: dict[int, IssueResult] = {}
    columns: dict[int, Array] = {}
    if two:
        resolved = scenario.resolve(base, two)
        items = [r.inputs for r in resolved]
        params, infos = stack(items, years, rate)
        flows, ind = run(params)
        thresholds = break_even_success(params)
        progress = None if on_progress is None else (
            lambda done, _total: on_progress(done, len(scenario.issues)))
        # Streams by issue code: every JST drawing an issue from the same figures draws the
        # same numbers (a region's total keeps the base's common uncertainty).
        mc = (monte_carlo(params, draws, settings.spread, settings.seed, keep_draws=True,
                          on_progress=progress, streams=[stream_of(r.code) for r in resolved])
              if draws else None)
        tornados = ([tornado(_one(params, k)) for k in range(len(items))]
                    if with_tornado else None)
        names = [(r.code, r.name, r.from_base) for r in resolved]
        results = _issue_results(names, infos, items, flows, ind, thresholds, mc, tornados)
        for k, n in enumerate(two):
            by_position[n] = results[k]
            if mc is not None and mc.draws is not None:
                columns[n] = mc.draws[:, k]
    for n, inp in states.items():
        by_position[n], column = run_states(inp, years, rate, draws=draws,
                                            spread=settings.spread, seed=settings.seed,
                                            index=n, with_tornado=with_tornado)
        if column is not None:
            columns[n] = column
        if on_progress:
            on_progress(n + 1, len(scenario.issues))
    issues = [by_position[n] for n in range(len(scenario.issues))]
    matrix = (np.column_stack([columns[n] for n in range(len(issues))])
              if draws and len(columns) == len(issues) else None)
    rates = base.sensitivity_rates
    by_rate = np.zeros(len(rates))
    if two:
        by_rate += npv_at_rates(params, rates).sum(-1)
    for inp in states.values():
        by_rate += [float(severity.run_point(inp, years, r).indicators.npv) for r in rates]
    totals = replace(_totals(issues, matrix),
                     npv_by_rate=dict(zip(rates, by_rate.tolist(), strict=True)))
    return ScenarioResult(scenario, price_year, years, rate, issues, totals)


def _stats_of(by_payer: Array) -> MonteCarloStats:
    """Monte Carlo figures of one issue from its per-payer draws ``(n, K)``."""
    total = by_payer.sum(-1)
    pct = np.percentile(total, (5, 50, 95))
    payer_pct = np.percentile(by_payer, (5.0, 95.0), axis=0)
    return MonteCarloStats(float(total.mean()), float(pct[0]), float(pct[1]), float(pct[2]),
                           float((total > 0).mean()), by_payer.mean(0).tolist(),
                           payer_pct[0].tolist(), payer_pct[1].tolist())


def run_states(inp: StateInputs, years: int, rate: float, *, draws: int = 0,
               spread: float | None = None, seed: int = 1, index: int = 0,
               with_tornado: bool = True, threshold: bool = True
               ) -> tuple[IssueResult, Array | None]:
    """One issue on its multi-state model, in the results' usual shape; with the NPV of every
    Monte Carlo draw (or None) for adding issues up. Persons "in the system" are those in the
    states that are not self-reliant. ``spread``: the base's ``zmiennosc`` unless given."""
    if spread is None:
        spread = default_base().monte_carlo_spread
    point = severity.run_point(inp, years, rate)
    f, ind = point.flows, point.indicators
    mask = np.array(inp.self_reliant)
    lines = [LineInfo(line.name, line.payer, line.rozdzial, line.gain) for line in inp.lines]
    by_payer = (severity.monte_carlo_draws(inp, years, rate, draws, spread, seed, index)
                if draws else None)
    result = IssueResult(
        code=inp.code, name=inp.issue_name or inp.name, inputs=inp,
        from_base=list(inp.from_base), lines=lines,
        discount=f.discount, dependent_z=f.counts_z[:, ~mask].sum(-1),
        dependent_a=f.counts_a[:, ~mask].sum(-1), independent_z=f.counts_z[:, mask].sum(-1),
        independent_a=f.counts_a[:, mask].sum(-1), participants=f.participants,
        line_z=f.line_z, line_a=f.line_a, programme=f.programme, payer_z=f.payer_z,
        payer_a=f.payer_a, cumulative=ind.cumulative, npv=float(ind.npv),
        pv_z=float(ind.pv_z), pv_a=float(ind.pv_a), pv_programme=float(ind.pv_programme),
        gross_benefit=float(ind.gross_benefit), bcr=_opt(ind.bcr), roi=_opt(ind.roi),
        break_even_year=int(ind.break_even_year) or None, payback=_opt(ind.payback),
        npv_by_payer=ind.npv_by_payer.tolist(),
        break_even_success=(severity.break_even_success(inp, years, rate) if threshold
                            else None),
        monte_carlo=_stats_of(by_payer) if by_payer is not None else None,
        tornado=severity.tornado(inp, years, rate) if with_tornado else [],
        states=StateBreakdown(inp.state_ids, inp.state_names, inp.self_reliant, f.counts_z,
                              f.counts_a, tuple(inp.group_label(g)
                                                for g in range(max(inp.groups()) + 1))),
    )
    return result, (by_payer.sum(-1) if by_payer is not None else None)


def run_state_issue(issue: IssueScenario, years: int, rate: float,
                    base: ParameterBase | None = None, price_year: int | None = None, *,
                    threshold: bool = False) -> IssueResult:
    """One scenario issue on its multi-state model, without Monte Carlo or tornado (the Excel
    function's path)."""
    base = base or default_base()
    inp = resolve_states(issue, base, price_year or base.price_year, "")
    return run_states(inp, years, rate, with_tornado=False, threshold=threshold)[0]


def run_inputs(item: IssueInputs, years: int, rate: float, *,
               threshold: bool = False) -> IssueResult:
    """One issue without Monte Carlo or tornado (the Excel functions' path); the break-even
    success rate (some fifty model runs) only when asked for."""
    params, infos = stack([item], years, rate)
    flows, ind = run(params)
    thresholds = break_even_success(params) if threshold else np.full(1, np.nan)
    return _issue_results([("", "", [])], infos, [item], flows, ind, thresholds,
                         None, None)[0]

