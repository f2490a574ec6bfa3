"""Which figure to check first: every parameter of the base ranked by how much its plausible
range moves the NPV of a scenario (the JST's total and each issue).

A parameter's plausible range is ± a share of its value that widens with a weaker grade (the
base's ``zakresy_stopni``), clipped to the input's domain (the tornado's ``DOMAINS``). All
parameters at their low and high values are evaluated in one batch of the engine (leading axis
2 × parameters): one call of ``two_state.npv`` for the two-state issues, one of
``severity.npv`` per issue on a multi-state model (its transitions, cost lines and programme
from ``params/data/models``). Only values the scenario takes from the base are ranked; a figure
the JST gave itself is its own.
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
from kkz_xl.model.scenario import ResolvedIssue, Scenario, resolve_issue
from kkz_xl.model.severity import StateInputs, resolve_states, uses_state_model
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.gains import DERIVED_PREFIX, derived_gains, wage_year
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


def _state_changes(n: int, inp: StateInputs, base: ParameterBase, rel: dict[int, float],
                   conservative: bool | None) -> Iterator[_Change]:
    """The values an issue on its multi-state model takes from the base, as engine edits."""
    model = shipped_models()[inp.code]
    prog = next(p for p in model.programy if p.id == inp.programme_id)
    state = {st.id: st.nazwa for st in model.stany}
    for k, t in enumerate(model.przejscia):
        if t.wartosc <= 0:
            continue
        low, high = _range(t.wartosc, rel[t.stopien], (0.0, 1.0))
        yield _Change(inp.code, f"model.{t.z}-{t.do}",
                      f"przejście: {state[t.z]} → {state[t.do]}", t,
                      t.wartosc, low, high, [("edges", n, k, low, high)])
    for key, field in (("skutecznosc", "success"), ("zasieg", "coverage"),
                       ("koszt_uczestnika", "programme_cost")):
        if key not in inp.from_base:
            continue
        item = getattr(prog, key)
        point = float(getattr(inp, field))
        low, high = _range(point, rel[item.stopien], DOMAINS[field])
        yield _Change(inp.code, f"model.{prog.id}.{key}", f"{prog.nazwa}: {INPUT_LABELS[field]}",
                      item, point, low, high, [(field, n, None, low, high)])
    for j, c in enumerate(model.koszty):
        lo, hi = _range(1.0, rel[c.stopien], DOMAINS["cost_mult"])
        yield _Change(inp.code, f"model.{c.id}", c.nazwa, c, c.wartosc, c.wartosc * lo,
                      c.wartosc * hi, [("line_mult", n, j, lo, hi)])
    if "korzysci" in inp.from_base:
        first = len(model.koszty)
        gains = base.gains(inp.code, conservative)
        derived = [first + j for j, g in enumerate(gains) if g.id.startswith(DERIVED_PREFIX)]
        share = base.issue(inp.code).udzial_zatrudnienia
        if share is not None and derived:
            low, high = _range(share.wartosc, rel[share.stopien], (0.0, 1.0))
            yield _Change(inp.code, "udzial_zatrudnienia", "udział pracujących wśród osób "
                          "samodzielnych", share, share.wartosc, low, high,
                          [("line_mult", n, line, low / share.wartosc, high / share.wartosc)
                           for line in derived])


def _general_changes(scenario: Scenario, issues: list[tuple[str, list[str], int]],
                     base: ParameterBase, rel: dict[int, float]) -> Iterator[_Change]:
    """The discount rate and the pay figures behind the derived gains, for every issue.

    ``issues``: per scenario position (code, values taken from the base, first gain line)."""
    g = base.general.stopa_dyskontowa
    if scenario.rate is None:
        low, high = _range(g.wartosc, rel[g.stopien], DOMAINS["rate"])
        yield _Change(None, "stopa_dyskontowa", INPUT_LABELS["rate"], g, g.wartosc, low, high,
                      [("rate", n, None, low, high) for n in range(len(issues))])
    year = wage_year(base.wages, base.price_year)
    conservative = scenario.conservative_gains
    variant = base.conservative_gains if conservative is None else conservative
    users = [(n, code, first) for n, (code, from_base, first) in enumerate(issues)
             if "korzysci" in from_base and base.issue(code).udzial_zatrudnienia]
    for parameter, name, item, path in _wage_items(base.wages, year):
        low, high = _range(item.wartosc, rel[item.stopien], (0.0, None))
        edits: list[tuple[str, int, int | None, float, float]] = []
        for n, code, first in users:
            issue = base.issue(code)
            at = {
                v: {d.id: d.wartosc for d in derived_gains(
                    issue, _wages_with(base.wages, path, v), base.price_year, variant)}
                for v in (low, high)
            }
            for j, line in enumerate(base.gains(code, conservative)):
                if line.id.startswith(DERIVED_PREFIX) and line.wartosc:
                    edits.append(("gain_mult", n, first + j,
                                  at[low].get(line.id, 0.0) / line.wartosc,
                                  at[high].get(line.id, 0.0) / line.wartosc))
        if edits:
            yield _Change(None, parameter, name, item, item.wartosc, low, high, edits)


# Two-state engine inputs → the multi-state engine's overrides (severity.cohort).
STATE_FIELDS = {"gain_mult": "line_mult", "cost_mult": "line_mult"}


def influence(scenario: Scenario, base: ParameterBase | None = None) -> list[Influence]:
    """Every base parameter the scenario uses, ranked by the swing of the total NPV."""
    base = base or default_base()
    rel = dict(base.general.zakresy_stopni.wartosc)
    price_year, years, rate = scenario.settings(base)
    conservative = scenario.conservative_gains
    issues = scenario.issues
    multi = {n: resolve_states(i, base, price_year, f"kwestie[{n + 1}]",
                               conservative=conservative)
             for n, i in enumerate(issues) if uses_state_model(i)}
    two = [n for n in range(len(issues)) if n not in multi]
    resolved = {n: resolve_issue(issues[n], base, price_year, f"kwestie[{n + 1}]",
                                 conservative=conservative) for n in two}
    changes: list[_Change] = []
    for n in range(len(issues)):
        if n in multi:
            changes += _state_changes(n, multi[n], base, rel, conservative)
        else:
            changes += _issue_changes(n, resolved[n], base, rel, conservative)
    summary = [(multi[n].code, list(multi[n].from_base), len(shipped_models()[multi[n].code]
                                                              .koszty))
               if n in multi else (resolved[n].code, resolved[n].from_base,
                                   len(base.issue(resolved[n].code).koszty))
               for n in range(len(issues))]
    changes += list(_general_changes(scenario, summary, base, rel))
    if not changes:
        return []
    variants = 2 * len(changes)
    out = np.zeros((variants, len(issues)))  # NPV of each issue in each variant
    if two:
        params, _ = stack([resolved[n].inputs for n in two], years, rate)
        column = {n: k for k, n in enumerate(two)}
        # One batch: axis 0 = the 2·P variants (each parameter low, then high), axis 1 = issues.
        arrays = {f.name: np.array(np.broadcast_to(
            np.asarray(getattr(params, f.name), float),
            (variants, *np.shape(getattr(params, f.name)))))
            for f in fields(params) if f.name != "repeat"}
        for k, change in enumerate(changes):
            for field, n, line, low, high in change.edits:
                if n not in column:
                    continue
                for v, x in ((2 * k, low), (2 * k + 1, high)):
                    if line is None:
                        arrays[field][v, column[n]] = x
                    else:
                        arrays[field][v, column[n], line] = x
        batch = replace(params, **arrays,
                        repeat=np.broadcast_to(params.repeat, (variants, len(two))))
        out[:, two] = npv(batch)
    for n, inp in multi.items():
        over = {"edges": np.tile(inp.edge_values, (variants, 1)),
                "success": np.full(variants, inp.success),
                "coverage": np.full(variants, inp.coverage),
                "programme_cost": np.full(variants, inp.programme_cost),
                "line_mult": np.ones((variants, len(inp.lines)))}
        rates = np.full(variants, rate)
        for k, change in enumerate(changes):
            for field, m, line, low, high in change.edits:
                if m != n:
                    continue
                field = STATE_FIELDS.get(field, field)
                for v, x in ((2 * k, low), (2 * k + 1, high)):
                    if field == "rate":
                        rates[v] = x
                    elif line is None:
                        over[field][v] = x
                    else:
                        over[field][v, line] = x
        out[:, n] = severity.npv(inp, years, rates, **over)
    out = out.reshape(len(changes), 2, len(issues))  # (P, low/high, issues)
    codes = [i.code for i in issues]
    rows = [
        Influence(
            issue=c.issue, parameter=c.parameter, name=c.name, grade=c.item.stopien,
            source=c.item.zrodlo, reason=getattr(c.item, "uzasadnienie_zalozenia", None),
            value=c.value, low=c.low, high=c.high, npv_low=float(out[k, 0].sum()),
            npv_high=float(out[k, 1].sum()),
            by_issue={code: float(abs(out[k, 1, n] - out[k, 0, n]))
                      for n, code in enumerate(codes)},
        )
        for k, c in enumerate(changes)
    ]
    rows.sort(key=lambda row: row.swing, reverse=True)
    return rows
