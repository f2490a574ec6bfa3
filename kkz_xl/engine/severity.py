"""Issues on shipped multi-state models (severity levels, duration states) through the one
cohort engine: the point run as a general-form issue (``engine.general``, the same working that
``kkz model-ogolny --kwestia`` shows), and batches of it for Monte Carlo, the tornado and the
break-even success rate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kkz_xl.engine.cohort import Array, CohortModel, payer_npv_direct
from kkz_xl.engine.general import GeneralResult, run_general
from kkz_xl.engine.montecarlo import CHUNK_RUN_YEARS, beta_draws, gamma_draws
from kkz_xl.engine.threshold import first_crossing, refine_grid, sign_changes
from kkz_xl.engine.tornado import MONEY_SEARCH_FACTOR, SWITCH_GRID, TornadoRow
from kkz_xl.model.general import GeneralIssue
from kkz_xl.model.labels import INPUT_LABELS
from kkz_xl.model.severity import StateInputs, line_profiles, matrices
from kkz_xl.params.base import default_base
from kkz_xl.params.state_models import MODEL_PREFIX, StateModelParams

TRANSITION = "transition"  # tornado rows of transition group g: "transition[g]"


def to_general(inp: StateInputs, years: int, rate: float) -> GeneralIssue:
    """The general-form issue of ``inp``: states, both matrices, costs per state and payer."""
    trans_z, trans_a = matrices(inp, inp.edge_values, np.asarray(inp.success),
                                np.asarray(inp.coverage))
    self_reliant = [s for s, ok in zip(inp.state_names, inp.self_reliant, strict=True) if ok]
    return GeneralIssue.model_validate({
        "nazwa": inp.name, "stany": list(inp.state_names), "samodzielne": self_reliant,
        "osoby": [float(x) for x in inp.initial],
        "naplyw": [float(x) for x in inp.inflow * inp.inflow_split],
        "przejscia_zaniechanie": trans_z.tolist(), "przejscia_dzialanie": trans_a.tolist(),
        "objeci": [float(inp.coverage * x) for x in inp.enrollable],
        "koszty": [{"nazwa": line.name, "platnik": line.payer.value,
                    "rozdzial": line.rozdzial, "kwoty": [float(x) for x in inp.amounts[:, j]],
                    "profil": list(line.profile) if line.profile else None}
                   for j, line in enumerate(inp.lines)],
        "koszt_uczestnika": float(inp.programme_cost), "powtarzaj": inp.repeat,
        "finansowanie": {p.value: float(v) for p, v in inp.financing.items()},
        "horyzont": int(years), "stopa": float(rate),
    })


def run_point(inp: StateInputs, years: int, rate: float) -> GeneralResult:
    """Both futures of ``inp`` at its point values."""
    return run_general(to_general(inp, years, rate))


def cohort(
    inp: StateInputs,
    years: int,
    rate: float | Array,
    *,
    edges: Array | None = None,
    success: Array | None = None,
    coverage: Array | None = None,
    programme_cost: Array | None = None,
    inflow: Array | None = None,
    line_mult: Array | None = None,
) -> CohortModel:
    """A batch of ``inp`` with some inputs replaced by arrays sharing leading batch axes
    (``edges`` and ``line_mult`` carry one more trailing axis: edges, lines)."""
    p = np.asarray(inp.edge_values if edges is None else edges, dtype=float)
    s = np.asarray(inp.success if success is None else success, dtype=float)
    e = np.asarray(inp.coverage if coverage is None else coverage, dtype=float)
    c_p = np.asarray(inp.programme_cost if programme_cost is None else programme_cost, float)
    a = np.asarray(inp.inflow if inflow is None else inflow, dtype=float)
    mult = np.asarray(1.0 if line_mult is None else line_mult, dtype=float)
    r = np.asarray(rate, dtype=float)
    n = inp.states
    trans_z, trans_prog = matrices(inp, p, s, e)
    t = np.arange(years)
    programme_year = np.full(years, True) if inp.repeat else t == 0
    batch = np.broadcast_shapes(trans_z.shape[:-2], c_p.shape, a.shape, r.shape,
                                mult.shape[:-1] if mult.ndim else ())
    z = np.broadcast_to(trans_z[..., None, :, :], (*batch, years, n, n))
    act = np.where(programme_year[:, None, None], trans_prog[..., None, :, :],
                   trans_z[..., None, :, :])
    flow = np.zeros((*a.shape, years, n))
    flow[..., 1:, :] = a[..., None, None] * inp.inflow_split
    enrol = (e[..., None, None] * inp.enrollable) * programme_year[:, None]
    return CohortModel(
        initial=inp.initial,
        trans_z=z,
        trans_a=np.broadcast_to(act, (*batch, years, n, n)),
        inflow=flow,
        state_cost=inp.amounts[None, :, :] * line_profiles(inp.lines, years)[:, None, :],
        line_payer=inp.line_payer(),
        enrol=np.broadcast_to(enrol, (*np.shape(e), years, n)),
        programme_cost=c_p,
        financing=inp.financing_row(),
        rate=np.broadcast_to(r, batch),
        cost_mult=mult[..., None, :] if mult.ndim else 1.0,
    )


def npv(inp: StateInputs, years: int, rate: float | Array, **overrides: Array) -> Array:
    """NPV of a batch (see ``cohort``)."""
    return payer_npv_direct(cohort(inp, years, rate, **overrides)).sum(-1)


def break_even_success(inp: StateInputs, years: int, rate: float) -> float | None:
    """Smallest success rate in [0, 1] with NPV ≥ 0, or None."""
    x = first_crossing(lambda s: npv(inp, years, rate, success=s), np.zeros(()), np.ones(()))
    return float(x) if np.isfinite(x) else None


def monte_carlo_draws(inp: StateInputs, years: int, rate: float, n: int,
                      cv: float | Mapping[str, float], seed: int, index: int) -> Array:
    """Per-payer NPV ``(n, K)`` of ``n`` joint draws: Beta for every transition probability,
    the success rate and the coverage, Gamma for the programme cost and a multiplier of every
    line (the two-state Monte Carlo's distributions, ``engine.montecarlo``)."""
    spread = (lambda k: float(cv)) if not isinstance(cv, Mapping) else (
        lambda k: float(cv.get(k, default_base().monte_carlo_spread)))
    rng = np.random.default_rng([seed, index, 2])
    groups = inp.groups()
    drawn = np.stack([beta_draws(rng, float(inp.edge_values[inp.group_edges(g)[0]]),
                                 spread("exit_rate"), n)
                      for g in range(max(groups) + 1)], axis=-1)
    edges = drawn[:, list(groups)]
    success = beta_draws(rng, inp.success, spread("success"), n)
    coverage = beta_draws(rng, inp.coverage, spread("coverage"), n)
    cost = gamma_draws(rng, inp.programme_cost, spread("programme_cost"), n)
    mult = np.stack([gamma_draws(rng, 1.0, spread("cost_mult"), n)
                     for _ in inp.lines], axis=-1)
    step = max(1, CHUNK_RUN_YEARS // (years * max(1, inp.states)))
    parts = [payer_npv_direct(cohort(inp, years, rate, edges=edges[lo:lo + step],
                                     success=success[lo:lo + step],
                                     coverage=coverage[lo:lo + step],
                                     programme_cost=cost[lo:lo + step],
                                     line_mult=mult[lo:lo + step]))
             for lo in range(0, n, step)]
    return np.concatenate(parts, axis=0)


def tornado(inp: StateInputs, years: int, rate: float, spread: float | None = None
            ) -> list[TornadoRow]:
    """One-way sensitivity (``engine.tornado``'s rows and switching-value search): every
    transition with a probability, the programme's inputs, the inflow, the rate and every
    line, each at ±``spread`` (default: the base's ``zakres_tornado``); sorted by swing."""
    spread = default_base().tornado_spread if spread is None else spread
    rows: list[TornadoRow] = []

    def add(name: str, line: int | None, point: float, top: float | None,
            f: Callable[[Array], Array]) -> None:
        low = max(0.0, point * (1 - spread))
        high = point * (1 + spread) if top is None else min(top, point * (1 + spread))
        if low == high == point:
            return
        values = f(np.array([low, high]))
        search_top = top if top is not None else max(point, 1.0) * MONEY_SEARCH_FACTOR
        def flat(x: Array) -> Array:  # the search hands in arrays of any shape
            return f(np.asarray(x, dtype=float).reshape(-1)).reshape(np.shape(x))

        # A multi-state run costs milliseconds: grids, not fifty halvings, narrow the bracket.
        found = sign_changes(flat, 0.0, search_top, SWITCH_GRID, also=point,
                             refiner=refine_grid)
        switching = float(found[np.argmin(np.abs(found - point))]) if found.size else None
        rows.append(TornadoRow(name, line, point, low, high, float(values[0]),
                               float(values[1]), switching))

    for g in range(max(inp.groups(), default=-1) + 1):
        members = inp.group_edges(g)
        value = float(inp.edge_values[members[0]])
        if value <= 0:
            continue

        def f_edge(x: Array, members: list[int] = members) -> Array:
            edges = np.broadcast_to(inp.edge_values, (len(x), len(inp.edge_values))).copy()
            edges[:, members] = np.asarray(x)[:, None]
            return npv(inp, years, rate, edges=edges)

        add(f"{TRANSITION}[{g}]", None, value, 1.0, f_edge)
    scalars = (("success", inp.success, 1.0), ("coverage", inp.coverage, 1.0),
               ("programme_cost", inp.programme_cost, None), ("inflow", inp.inflow, None))
    for name, value, top in scalars:
        add(name, None, float(value), top,
            lambda x, name=name: npv(inp, years, rate, **{name: x}))
    add("rate", None, float(rate), 0.99, lambda x: npv(inp, years, x))
    for j, line in enumerate(inp.lines):
        if not inp.amounts[:, j].any():
            continue

        def f_line(x: Array, j: int = j) -> Array:
            mult = np.ones((len(x), len(inp.lines)))
            mult[:, j] = x
            return npv(inp, years, rate, line_mult=mult)

        add(f"{'gain_mult' if line.gain else 'cost_mult'}[{j}]", j, 1.0, None, f_line)
    rows.sort(key=lambda r: r.swing, reverse=True)
    return rows


@dataclass(frozen=True)
class ValueChange:
    """One sourced value of a multi-state model at the ends of its plausible range, with the
    issue's NPV there (for ``kkz parametry --wplyw``)."""

    parameter: str  # as in ``params.state_models.model_values`` ("model.…")
    name: str  # Polish, for people
    item: Any  # the sourced value (wartosc, zrodlo, stopien, uzasadnienie_zalozenia)
    value: float
    low: float
    high: float
    npv_low: float
    npv_high: float


def value_changes(inp: StateInputs, model: StateModelParams, years: int, rate: float,
                  rel: Mapping[int, float], gain_items: Sequence[Any] = ()
                  ) -> list[ValueChange]:
    """Every base value the issue takes (transitions, costs, the programme's figures, gains)
    at ± ``rel[grade]`` of its value, probabilities clipped to [0, 1]."""
    out: list[ValueChange] = []

    def add(parameter: str, name: str, item: Any, value: float, top: float | None,
            f: Callable[[Array], Array], scale: float = 1.0) -> None:
        low = value * (1 - rel[item.stopien])
        low = max(0.0, low) if value >= 0 else low  # a signed gain (the state's) keeps its sign
        high = value * (1 + rel[item.stopien])
        high = min(high, top) if top is not None else high
        npvs = f(np.array([low, high]) / scale)
        out.append(ValueChange(MODEL_PREFIX + parameter, name, item, value * 1.0, low, high,
                               float(npvs[0]), float(npvs[1])))

    seen: set[int] = set()
    for t, k in zip(model.przejscia, range(len(model.przejscia)), strict=True):
        g = inp.groups()[k]
        if g in seen:
            continue
        seen.add(g)
        members = inp.group_edges(g)

        def f_edge(x: Array, members: list[int] = members) -> Array:
            edges = np.broadcast_to(inp.edge_values, (len(x), len(inp.edge_values))).copy()
            edges[:, members] = x[:, None]
            return npv(inp, years, rate, edges=edges)

        add(f"przejscie.{t.z}.{t.do}", f"przejście: {inp.group_label(g)}", t, t.wartosc, 1.0,
            f_edge)
    line = {c.id: j for j, c in enumerate(model.koszty)}
    gain_first = len(model.koszty)
    for c in model.koszty:

        def f_line(x: Array, j: int = line[c.id]) -> Array:
            mult = np.ones((len(x), len(inp.lines)))
            mult[:, j] = x
            return npv(inp, years, rate, line_mult=mult)

        add(c.id, c.nazwa, c, c.wartosc, None, f_line, scale=c.wartosc or 1.0)
    for j, g in enumerate(gain_items):

        def f_gain(x: Array, j: int = gain_first + j) -> Array:
            mult = np.ones((len(x), len(inp.lines)))
            mult[:, j] = x
            return npv(inp, years, rate, line_mult=mult)

        add(g.id, g.nazwa, g, g.wartosc, None, f_gain, scale=g.wartosc or 1.0)
    prog = next(p for p in model.programy if p.id == inp.programme_id)
    for key, field, top in (("koszt_uczestnika", "programme_cost", None),
                            ("skutecznosc", "success", 1.0), ("zasieg", "coverage", 1.0)):
        if key not in inp.from_base:
            continue
        item = getattr(prog, key)
        point = float(getattr(inp, field))

        def f_prog(x: Array, field: str = field) -> Array:
            return npv(inp, years, rate, **{field: x})

        low = max(0.0, point * (1 - rel[item.stopien]))
        high = point * (1 + rel[item.stopien])
        high = min(high, top) if top is not None else high
        npvs = f_prog(np.array([low, high]))
        out.append(ValueChange(f"{MODEL_PREFIX}{prog.id}.{key}",
                               f"{prog.nazwa}: {INPUT_LABELS[field]}", item,
                               point, low, high, float(npvs[0]), float(npvs[1])))
    return out
