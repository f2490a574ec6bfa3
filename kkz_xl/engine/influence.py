"""Which figure to check first: every parameter of the base ranked by how much its plausible
range moves the NPV of a scenario (the JST's total and each issue).

A parameter's plausible range is ± a share of its value that widens with a weaker grade (the
base's ``zakresy_stopni``), clipped to the input's domain (the tornado's ``DOMAINS``). All
parameters at their low and high values are evaluated in one batch of the engine (leading axis
2 × parameters, then the scenario's issues): one call of ``two_state.npv``. Only values the
scenario takes from the base are ranked; a figure the JST gave itself is its own.

A programme's coverage (``zasieg``) is the JST's decision about its plan, not a figure to
verify (``params.listing.is_decision``): ``influence`` ranks the figures to check first without
decisions, ``decisions`` lists what depends on the gmina's own plan, each with its swing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace

import numpy as np

from kkz_xl.engine import severity
from kkz_xl.engine.run import stack
from kkz_xl.engine.tornado import DOMAINS
from kkz_xl.engine.two_state import npv
from kkz_xl.model.labels import INPUT_LABELS
from kkz_xl.model.scenario import ResolvedIssue, Scenario
from kkz_xl.model.severity import StateInputs, resolve_states, uses_state_model
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.gains import DERIVED_PREFIX, derived_gains, wage_year
from kkz_xl.params.listing import is_decision
from kkz_xl.params.schema import Sourced, WageParams
from kkz_xl.params.state_models import shipped_models


@dataclass(frozen=True)
class Influence:
    """One parameter: its range and how far it moves the total NPV and each issue's."""

    issue: str | None  # issue code; None for a general parameter (discount rate, wages)
    parameter: str  # as in `kkz parametry --json`
    name: str  # Polish, for people
    grade: int
    source: str
    reason: str | None  # why an assumption (grade 5) has no source
    value: float
    low: float
    high: float
    npv_low: float  # total NPV with the parameter at its low value
    npv_high: float
    by_issue: dict[str, float]  # issue code → |ΔNPV| of that issue

    @property
    def swing(self) -> float:
        """|ΔNPV| of the JST's total over the parameter's plausible range (zł)."""
        return abs(self.npv_high - self.npv_low)

    @property
    def decision(self) -> bool:
        """The JST's own decision (a programme's coverage), not a figure to verify."""
        return is_decision(self.parameter)


@dataclass(frozen=True)
class _Change:
    """A parameter as engine edits: field → [(issue position, line or None, low, high)]."""

    issue: str | None
    parameter: str
    name: str
    item: Sourced
    value: float
    low: float
    high: float
    edits: list[tuple[str, int, int | None, float, float]]


def _range(value: float, rel: float, domain: tuple[float, float | None]) -> tuple[float, float]:
    lo_dom, hi_dom = domain
    low, high = value * (1 - rel), value * (1 + rel)
    return max(low, lo_dom), (min(high, hi_dom) if hi_dom is not None else high)


def _issue_changes(n: int, r: ResolvedIssue, base: ParameterBase, rel: dict[int, float],
                   conservative: bool | None) -> Iterator[_Change]:
    """The base values issue ``r`` (position ``n``) takes from the base, as engine edits."""
    params = base.issue(r.code)
    prog = next((p for p in params.programy if p.nazwa == r.inputs.programme_name),
                params.programy[0])
    for key, field, item in (("odplyw", "exit_rate", params.odplyw),
                             ("nawroty", "relapse", params.nawroty),
                             ("skutecznosc", "success", prog.skutecznosc),
                             ("zasieg", "coverage", prog.zasieg),
                             ("koszt_uczestnika", "programme_cost", prog.koszt_uczestnika)):
        if key not in r.from_base:
            continue
        point = float(getattr(r.inputs, field))
        low, high = _range(point, rel[item.stopien], DOMAINS[field])
        name = key if key in ("odplyw", "nawroty") else f"{prog.id}.{key}"
        label = (INPUT_LABELS[field] if key in ("odplyw", "nawroty")
                 else f"{prog.nazwa}: {INPUT_LABELS[field]}")
        yield _Change(r.code, name, label, item, point, low, high,
                      [(field, n, None, low, high)])
    if "koszty" in r.from_base:
        for j, c in enumerate(params.koszty):
            lo, hi = _range(1.0, rel[c.stopien], DOMAINS["cost_mult"])
            yield _Change(r.code, c.id, c.nazwa, c, c.wartosc, c.wartosc * lo, c.wartosc * hi,
                          [("cost_mult", n, j, lo, hi)])
    if "korzysci" in r.from_base:
        gains = base.gains(r.code, conservative)
        first = len(params.koszty)
        derived = [first + j for j, g in enumerate(gains) if g.id.startswith(DERIVED_PREFIX)]
        for j, g in enumerate(gains):
            if not g.id.startswith(DERIVED_PREFIX):
                lo, hi = _range(1.0, rel[g.stopien], DOMAINS["gain_mult"])
                yield _Change(r.code, g.id, g.nazwa, g, g.wartosc, g.wartosc * lo,
                              g.wartosc * hi, [("gain_mult", n, first + j, lo, hi)])
        share = params.udzial_zatrudnienia
        if share is not None and derived:
            low, high = _range(share.wartosc, rel[share.stopien], (0.0, 1.0))
            lo, hi = low / share.wartosc, high / share.wartosc
            yield _Change(r.code, "udzial_zatrudnienia", "udział pracujących wśród osób "
                          "samodzielnych", share, share.wartosc, low, high,
                          [("gain_mult", n, line, lo, hi) for line in derived])


def _wage_items(wages: WageParams, year: int) -> Iterator[tuple[str, str, Sourced, tuple]]:
    """(parameter, Polish name, item, path in WageParams) of every figure the gains use."""
    yield (f"placa_minimalna.{year}", f"płaca minimalna {year}", wages.placa_minimalna[year],
           ("placa_minimalna", year))
    for group, label in (("skladki", "składka"), ("pit", "PIT"), ("udzialy_jst", "udział JST")):
        obj = getattr(wages, group)
        for key in type(obj).model_fields:
            yield (f"{group}.{key}", f"{label}: {key.replace('_', ' ')}", getattr(obj, key),
                   (group, key))


def _wages_with(wages: WageParams, path: tuple, value: float) -> WageParams:
    group, key = path
    if group == "placa_minimalna":
        changed = dict(wages.placa_minimalna)
        changed[key] = changed[key].model_copy(update={"wartosc": value})
        return wages.model_copy(update={"placa_minimalna": changed})
    obj = getattr(wages, group)
    item = getattr(obj, key).model_copy(update={"wartosc": value})
    return wages.model_copy(update={group: obj.model_copy(update={key: item})})


def _general_changes(scenario: Scenario, resolved: list[ResolvedIssue], base: ParameterBase,
                     rel: dict[int, float]) -> Iterator[_Change]:
    """The discount rate and the pay figures behind the derived gains, for every issue."""
    g = base.general.stopa_dyskontowa
    if scenario.rate is None:
        low, high = _range(g.wartosc, rel[g.stopien], DOMAINS["rate"])
        yield _Change(None, "stopa_dyskontowa", INPUT_LABELS["rate"], g, g.wartosc, low, high,
                      [("rate", n, None, low, high) for n in range(len(resolved))])
    year = wage_year(base.wages, base.price_year)
    users = [(n, r) for n, r in enumerate(resolved)
             if "korzysci" in r.from_base and base.issue(r.code).udzial_zatrudnienia]
    for parameter, name, item, path in _wage_items(base.wages, year):
        low, high = _range(item.wartosc, rel[item.stopien], (0.0, None))
        edits: list[tuple[str, int, int | None, float, float]] = []
        for n, r in users:
            issue = base.issue(r.code)
            conservative = scenario.conservative_gains
            variant = base.conservative_gains if conservative is None else conservative
            gains = base.gains(r.code, conservative)
            first = len(issue.koszty)
            at = {
                v: {d.id: d.wartosc for d in derived_gains(
                    issue, _wages_with(base.wages, path, v), base.price_year, variant)}
                for v in (low, high)
            }
            for j, line in enumerate(gains):
                if line.id.startswith(DERIVED_PREFIX) and line.wartosc:
                    edits.append(("gain_mult", n, first + j,
                                  at[low].get(line.id, 0.0) / line.wartosc,
                                  at[high].get(line.id, 0.0) / line.wartosc))
        if edits:
            yield _Change(None, parameter, name, item, item.wartosc, low, high, edits)


def _state_issues(scenario: Scenario, base: ParameterBase) -> list[StateInputs]:
    """The scenario's issues computed on their shipped multi-state models (as ``run_scenario``
    computes them)."""
    price_year, _, _ = scenario.settings(base)
    return [resolve_states(i, base, price_year, f"kwestie[{n + 1}]",
                           conservative=scenario.conservative_gains, runner=scenario.jst.kind)
            for n, i in enumerate(scenario.issues) if uses_state_model(i)]


def _state_general(change: _Change, inp: StateInputs, scenario: Scenario, base: ParameterBase,
                   years: int, rate: float) -> tuple[float, float] | None:
    """A multi-state issue's NPV with a general parameter (discount rate, a pay figure behind
    the derived gains) at its low and high values; None when it does not use it."""
    if change.parameter == "stopa_dyskontowa":
        values = severity.npv(inp, years, np.array([change.low, change.high]))
        return float(values[0]), float(values[1])
    path = next((p for name, _, _, p in _wage_items(base.wages, wage_year(
        base.wages, base.price_year)) if name == change.parameter), None)
    if path is None or "korzysci" not in inp.from_base:
        return None
    issue = base.issue(inp.code)
    conservative = scenario.conservative_gains
    variant = base.conservative_gains if conservative is None else conservative
    gains = base.gains(inp.code, conservative)
    first = len(inp.lines) - len(gains)
    mult = np.ones((2, len(inp.lines)))
    for v, x in enumerate((change.low, change.high)):
        at = {d.id: d.wartosc for d in derived_gains(
            issue, _wages_with(base.wages, path, x), base.price_year, variant)}
        for j, line in enumerate(gains):
            if line.id.startswith(DERIVED_PREFIX) and line.wartosc:
                mult[v, first + j] = at.get(line.id, 0.0) / line.wartosc
    values = severity.npv(inp, years, rate, line_mult=mult)
    return float(values[0]), float(values[1])


def influence(scenario: Scenario, base: ParameterBase | None = None, *,
              with_decisions: bool = False) -> list[Influence]:
    """The figures to check first: every base figure the scenario uses, ranked by the swing of
    the total NPV; the JST's decisions (a programme's coverage) only with ``with_decisions``.

    Issues on a shipped multi-state model are ranked by their model's values (transitions,
    costs per state, the programme's figures); the two-state issues by the base's."""
    rows = _ranked(scenario, base or default_base())
    return rows if with_decisions else [r for r in rows if not r.decision]


def decisions(scenario: Scenario, base: ParameterBase | None = None) -> list[Influence]:
    """What depends on the gmina's own plan: the base's decisions the scenario uses (a
    programme's coverage), ranked by the swing of the total NPV over the same range."""
    return [r for r in _ranked(scenario, base or default_base()) if r.decision]


def _ranked(scenario: Scenario, base: ParameterBase) -> list[Influence]:
    """Every base value the scenario uses, figures and decisions, largest swing first."""
    rel = dict(base.general.zakresy_stopni.wartosc)
    _, years, rate = scenario.settings(base)
    two = [n for n, i in enumerate(scenario.issues) if not uses_state_model(i)]
    states = _state_issues(scenario, base)
    resolved = scenario.resolve(base, two)
    state_point = {inp.code: float(severity.npv(inp, years, rate)) for inp in states}
    point_states = sum(state_point.values())
    state_rows = _state_rows(scenario, states, base, years, rate, rel)
    if not resolved:
        return sorted(_with_states([], state_rows, states, scenario, base, years, rate,
                                   state_point), key=lambda row: row.swing, reverse=True)
    params, _ = stack([r.inputs for r in resolved], years, rate)
    changes = [c for n, r in enumerate(resolved)
               for c in _issue_changes(n, r, base, rel, scenario.conservative_gains)]
    changes += list(_general_changes(scenario, resolved, base, rel))
    if not changes:
        point_two = float(npv(params).sum())
        return sorted([replace(row, npv_low=row.npv_low + point_two,
                               npv_high=row.npv_high + point_two) for row in state_rows],
                      key=lambda row: row.swing, reverse=True)
    # One batch: axis 0 = the 2·P variants (each parameter low, then high), axis 1 = issues.
    variants = 2 * len(changes)
    arrays = {f.name: np.array(np.broadcast_to(np.asarray(getattr(params, f.name), float),
                                               (variants, *np.shape(getattr(params, f.name)))))
              for f in fields(params) if f.name != "repeat"}
    for k, change in enumerate(changes):
        for field, n, line, low, high in change.edits:
            for v, x in ((2 * k, low), (2 * k + 1, high)):
                if line is None:
                    arrays[field][v, n] = x
                else:
                    arrays[field][v, n, line] = x
    batch = replace(params, **arrays,
                    repeat=np.broadcast_to(params.repeat, (variants, len(resolved))))
    out = npv(batch).reshape(len(changes), 2, len(resolved))  # (P, low/high, issues)
    rows = [
        Influence(
            issue=c.issue, parameter=c.parameter, name=c.name, grade=c.item.stopien,
            source=c.item.zrodlo, reason=c.item.uzasadnienie_zalozenia, value=c.value,
            low=c.low, high=c.high, npv_low=float(out[k, 0].sum()) + point_states,
            npv_high=float(out[k, 1].sum()) + point_states,
            by_issue={r.code: float(abs(out[k, 1, n] - out[k, 0, n]))
                      for n, r in enumerate(resolved)},
        )
        for k, c in enumerate(changes)
    ]
    point_two = float(npv(params).sum())
    rows = _with_states([(c, row) for c, row in zip(changes, rows, strict=True)],
                        [replace(row, npv_low=row.npv_low + point_two,
                                 npv_high=row.npv_high + point_two) for row in state_rows],
                        states, scenario, base, years, rate, state_point)
    rows.sort(key=lambda row: row.swing, reverse=True)
    return rows


def _state_rows(scenario: Scenario, states: list[StateInputs], base: ParameterBase,
                years: int, rate: float, rel: dict[int, float]) -> list[Influence]:
    """The multi-state issues' own values; their totals hold the other multi-state issues at
    their point NPVs (the two-state issues' point total is added by the caller)."""
    point = {inp.code: float(severity.npv(inp, years, rate)) for inp in states}
    rows: list[Influence] = []
    for inp in states:
        model = shipped_models()[inp.code]
        gains = ([g for g in base.gains(inp.code, scenario.conservative_gains)
                  if not g.id.startswith(DERIVED_PREFIX)] if "korzysci" in inp.from_base
                 else [])
        others = sum(v for code, v in point.items() if code != inp.code)
        for v in severity.value_changes(inp, model, years, rate, rel, gains):
            rows.append(Influence(
                issue=inp.code, parameter=v.parameter, name=v.name, grade=v.item.stopien,
                source=v.item.zrodlo, reason=getattr(v.item, "uzasadnienie_zalozenia", None),
                value=v.value, low=v.low, high=v.high, npv_low=v.npv_low + others,
                npv_high=v.npv_high + others,
                by_issue={inp.code: abs(v.npv_high - v.npv_low)}))
    return rows


def _with_states(two_rows: list[tuple[_Change, Influence]], state_rows: list[Influence],
                 states: list[StateInputs], scenario: Scenario, base: ParameterBase,
                 years: int, rate: float, state_point: dict[str, float]) -> list[Influence]:
    """The two-state rows with the multi-state issues' response to the general parameters
    (the rate, the pay figures) folded in, then the multi-state issues' own rows."""
    out: list[Influence] = []
    for change, row in two_rows:
        low, high, by_issue = row.npv_low, row.npv_high, dict(row.by_issue)
        if change.issue is None:
            for inp in states:
                moved = _state_general(change, inp, scenario, base, years, rate)
                if moved is None:
                    continue
                low += moved[0] - state_point[inp.code]
                high += moved[1] - state_point[inp.code]
                by_issue[inp.code] = abs(moved[1] - moved[0])
        out.append(replace(row, npv_low=low, npv_high=high, by_issue=by_issue))
    return out + state_rows
