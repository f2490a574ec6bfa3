"""Issues on shipped multi-state models (severity levels, duration states) through the one
cohort engine: the point run as a general-form issue (``engine.general``, the same working that
``kkz model-ogolny --kwestia`` shows), and batches of it for Monte Carlo, the tornado and the
break-even success rate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from kkz_xl.engine.cohort import Array, CohortModel, payer_npv_direct
from kkz_xl.engine.general import GeneralResult, run_general
from kkz_xl.engine.montecarlo import CHUNK_RUN_YEARS, beta_draws, gamma_draws
from kkz_xl.engine.threshold import first_crossing
from kkz_xl.engine.tornado import MONEY_SEARCH_FACTOR, SWITCH_GRID, TornadoRow
from kkz_xl.model.general import GeneralIssue
from kkz_xl.model.severity import StateInputs, matrices

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
                    "rozdzial": line.rozdzial, "kwoty": [float(x) for x in inp.amounts[:, j]]}
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
        state_cost=np.broadcast_to(inp.amounts, (years, *inp.amounts.shape)),
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
        lambda k: float(cv.get(k, 0.2)))
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


REFINE_POINTS = 33
REFINE_ROUNDS = 5  # each round narrows a bracket 32×: 32^5 ≈ 3·10^7 of the grid's step


def _switching(f: Callable[[Array], Array], point: float, lo: float, hi: float
               ) -> float | None:
    """Where NPV changes sign nearest ``point`` within ``[lo, hi]``: a grid finds the brackets,
    finer grids (one batched model run each) narrow them; a multi-state model run costs too
    much for a bisection's fifty sequential runs."""
    xs = np.union1d(np.linspace(lo, hi, SWITCH_GRID), [point])
    ys = f(xs)
    keep = ys != 0
    xs, ys = xs[keep], ys[keep]
    brackets = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) < 0)
    found = []
    for i in brackets:
        a, b, fa = xs[i], xs[i + 1], ys[i]
        for _ in range(REFINE_ROUNDS):
            grid = np.linspace(a, b, REFINE_POINTS)
            values = f(grid)
            flip = np.flatnonzero(np.sign(values) != np.sign(fa))
            k = int(flip[0]) if flip.size else REFINE_POINTS - 1
            a, b = grid[max(k - 1, 0)], grid[k]
            fa = float(values[max(k - 1, 0)])
        found.append(float(0.5 * (a + b)))
    return min(found, key=lambda v: abs(v - point)) if found else None


def tornado(inp: StateInputs, years: int, rate: float, spread: float = 0.2
            ) -> list[TornadoRow]:
    """One-way sensitivity: every transition with a probability, the programme's inputs, the
    inflow, the rate and every line, each at ±``spread``; sorted by swing."""
    rows: list[TornadoRow] = []

    def add(name: str, line: int | None, point: float, top: float | None,
            f: Callable[[Array], Array]) -> None:
        low = max(0.0, point * (1 - spread))
        high = point * (1 + spread) if top is None else min(top, point * (1 + spread))
        if low == high == point:
            return
        values = f(np.array([low, high]))
        search_top = top if top is not None else max(point, 1.0) * MONEY_SEARCH_FACTOR
        rows.append(TornadoRow(name, line, point, low, high, float(values[0]),
                               float(values[1]), _switching(f, point, 0.0, search_top)))

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
