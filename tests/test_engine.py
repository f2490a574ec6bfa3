"""The method of docs/metoda.md through the engine: worked example, properties, general form."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kkz_xl.engine.cohort import CohortModel, simulate
from kkz_xl.engine.discount import npv
from kkz_xl.engine.indicators import indicators
from kkz_xl.engine.run import run_inputs, stack
from kkz_xl.engine.threshold import break_even_success
from kkz_xl.engine.two_state import TwoStateParams, run, to_cohort
from kkz_xl.model.inputs import IssueInputs
from tests.conftest import first
from tests.naive_model import naive_of


def test_worked_example_to_the_cent(worked_inputs: IssueInputs) -> None:
    r = run_inputs(worked_inputs, 3, 0.0, threshold=True)
    assert r.dependent_z.tolist() == pytest.approx([100, 90, 81])
    assert r.dependent_a.tolist() == pytest.approx([100, 63, 56.7])
    assert r.cost_z.tolist() == pytest.approx([1_000_000, 900_000, 810_000], abs=0.005)
    assert r.cost_a.tolist() == pytest.approx([1_500_000, 630_000, 567_000], abs=0.005)
    assert r.pv_z == pytest.approx(2_710_000, abs=0.005)
    assert r.pv_a == pytest.approx(2_697_000, abs=0.005)
    assert r.npv == pytest.approx(13_000, abs=0.005)
    assert r.pv_programme == pytest.approx(500_000, abs=0.005)
    assert r.bcr == pytest.approx(1.026)
    assert r.roi == pytest.approx(0.026)
    assert r.cumulative.tolist() == pytest.approx([-500_000, -230_000, 13_000], abs=0.005)
    assert r.break_even_year == 3
    assert r.payback == pytest.approx(2 + 230_000 / 243_000)
    assert r.break_even_success == pytest.approx(0.2924, abs=5e-5)


def test_break_even_success_gives_zero_npv(worked_params: TwoStateParams) -> None:
    s = break_even_success(worked_params)
    at = run(worked_params.with_value("success", s))[1].npv
    assert at == pytest.approx(0.0, abs=1e-3)
    just_below = run(worked_params.with_value("success", s - 1e-6))[1].npv
    assert just_below < 0


def test_no_programme_cost_no_success_gives_zero(worked_params: TwoStateParams) -> None:
    p = worked_params.with_value("success", [0.0]).with_value("programme_cost", [0.0])
    _, ind = run(p)
    assert ind.npv[0] == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(ind.bcr[0]) and np.isnan(ind.roi[0])


def test_unreachable_threshold_is_nan(worked_params: TwoStateParams) -> None:
    expensive = worked_params.with_value("programme_cost", [10_000_000.0])
    assert np.isnan(break_even_success(expensive)[0])


def test_no_break_even_within_horizon(worked_params: TwoStateParams) -> None:
    _, ind = run(worked_params.with_value("success", [0.1]))
    assert ind.break_even_year[0] == 0
    assert np.isnan(ind.payback[0])


def test_discounting_year_zero_is_undiscounted() -> None:
    assert npv(0.05, [100.0]) == 100.0
    flows = [-500.0, 200.0, 300.0, 400.0]
    assert npv(0.04, flows) == pytest.approx(npf.npv(0.04, flows))


def test_time_varying_cost_applies_by_year() -> None:
    """The gmina's foster-care share 10 % → 30 % → 50 %: year t costs profile[t]·amount."""
    item = IssueInputs.model_validate({
        "osoby": 10.0, "odplyw": 0.0, "skutecznosc": 0.0, "koszt_uczestnika": 0.0,
        "koszty": [{"platnik": "gmina", "kwota": 1000.0, "profil": [0.1, 0.3, 0.5]},
                   {"platnik": "powiat", "kwota": 1000.0, "profil": [0.9, 0.7, 0.5]}],
    })
    r = run_inputs(item, 4, 0.0)
    assert r.payer_z[:, 0].tolist() == pytest.approx([1000, 3000, 5000, 5000])
    assert r.payer_z[:, 1].tolist() == pytest.approx([9000, 7000, 5000, 5000])


# ------------------------------------------------------------------ properties

probability = st.floats(0.0, 1.0)
money = st.floats(0.0, 50_000.0)
inputs_strategy = st.fixed_dictionaries({
    "osoby": st.floats(0.0, 5_000.0),
    "koszty": st.lists(st.fixed_dictionaries({
        "platnik": st.sampled_from(["gmina", "powiat", "budzet_panstwa", "nfz", "zus_fp"]),
        "kwota": money,
        "profil": st.none() | st.lists(st.floats(0.0, 2.0), min_size=1, max_size=4),
    }), min_size=1, max_size=4),
    "korzysci": st.lists(st.fixed_dictionaries({
        "platnik": st.sampled_from(["gmina", "zus_fp", "nfz"]), "kwota": money,
    }) | st.fixed_dictionaries({  # the state budget's net gain is signed (the JST PIT shares)
        "platnik": st.just("budzet_panstwa"), "kwota": st.floats(-50_000.0, 50_000.0),
        "profil": st.none() | st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4),
    }), max_size=3),
    "odplyw": probability,
    "skutecznosc": probability,
    "koszt_uczestnika": money,
    "zasieg": probability,
    "nawroty": probability,
    "naplyw": st.floats(0.0, 100.0),
    "powtarzaj": st.booleans(),
})
horizon = st.integers(1, 12)
rate = st.floats(0.0, 0.15)


def _magnitude(item: IssueInputs, years: int) -> float:
    """The size of the flows being summed: round-off is relative to it, not to the NPV."""
    amounts = sum(max(map(abs, c.series(years))) for c in item.costs + item.gains)
    persons = item.persons + item.inflow * years
    return 1.0 + years * persons * (amounts + item.programme_cost)


@settings(max_examples=150, deadline=None)
@given(inputs_strategy, horizon, rate)
def test_engine_equals_independent_scalar_model(data: dict, years: int, rho: float) -> None:
    item = IssueInputs.model_validate(data)
    r = run_inputs(item, years, rho)
    naive = naive_of(item, years, rho)
    scale = _magnitude(item, years)
    assert r.npv == pytest.approx(naive.npv(), abs=1e-9 * scale)
    assert r.npv_by_payer == pytest.approx(naive.payer_npv(), abs=1e-9 * scale)


@settings(max_examples=150, deadline=None)
@given(inputs_strategy, horizon, rate)
def test_population_invariant_and_payer_sum(data: dict, years: int, rho: float) -> None:
    item = IssueInputs.model_validate(data)
    r = run_inputs(item, years, rho)
    expected = item.persons + item.inflow * np.arange(years)
    for d, i in ((r.dependent_z, r.independent_z), (r.dependent_a, r.independent_a)):
        assert (d + i) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert sum(r.npv_by_payer) == pytest.approx(r.npv, rel=1e-12, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(inputs_strategy, horizon, rate, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_npv_rises_with_success(data: dict, years: int, rho: float, s1: float,
                                s2: float) -> None:
    data = {**data, "nawroty": min(data["nawroty"], 1 - data["odplyw"])}  # no oscillation
    lo, hi = sorted((s1, s2))
    item = IssueInputs.model_validate({**data, "skutecznosc": lo})
    # A self-reliant person must not cost the payers together more than a dependent one: the
    # state budget's gain may be negative (the JST PIT shares), the sum of all gains is not.
    yearly = [sum(g.series(years)[t] for g in item.gains) for t in range(years)]
    assume(min(yearly) >= 0)
    params, _ = stack([item], years, rho)
    npvs = run(params.with_value("success", [lo, hi]))[1].npv
    assert npvs[1] >= npvs[0] - 1e-9 * max(1.0, abs(npvs[0]))


@settings(max_examples=80, deadline=None)
@given(inputs_strategy, horizon, rate)
def test_general_form_with_two_states_equals_two_state_model(data: dict, years: int,
                                                             rho: float) -> None:
    """Build M^Z, M^A and costs by hand from docs/metoda.md's general form; compare."""
    item = IssueInputs.model_validate(data)
    params, _ = stack([item], years, rho)
    p = first(params)
    q, r, e, s = item.exit_rate, item.relapse, item.coverage, item.success
    trans_z = np.tile([[1 - q, q], [r, 1 - r]], (years, 1, 1))
    trans_a = trans_z.copy()
    enrol = np.zeros((years, 2))
    for t in range(years):
        if item.repeat or t == 0:
            qa = q + e * s * (1 - q)
            trans_a[t] = [[1 - qa, qa], [r, 1 - r]]
            enrol[t, 0] = e
    inflow = np.zeros((years, 2))
    inflow[1:, 0] = item.inflow
    model = CohortModel(
        initial=np.array([item.persons, 0.0]), trans_z=trans_z, trans_a=trans_a, inflow=inflow,
        state_cost=np.stack([p.cost, -p.gain], axis=-2), line_payer=p.line_payer, enrol=enrol,
        programme_cost=np.asarray(item.programme_cost), financing=p.financing,
        rate=np.asarray(rho),
    )
    general = indicators(simulate(model))
    two_state = indicators(simulate(to_cohort(p)))
    assert general.npv == pytest.approx(two_state.npv, rel=1e-12, abs=1e-6)
    assert general.npv_by_payer == pytest.approx(two_state.npv_by_payer, rel=1e-12, abs=1e-6)


def test_general_form_three_severity_levels() -> None:
    """Severity levels light → severe, with self-reliance; obligatory costs by level."""
    # States: lekki, ciężki, samodzielny. Without action 20 % of light worsen each year.
    mz = np.array([[0.7, 0.2, 0.1], [0.0, 0.95, 0.05], [0.0, 0.0, 1.0]])
    ma = np.array([[0.6, 0.05, 0.35], [0.0, 0.95, 0.05], [0.0, 0.0, 1.0]])
    years = 4
    cost = np.zeros((years, 3, 1))
    cost[:, 0, 0], cost[:, 1, 0] = 2_000.0, 20_000.0
    model = CohortModel(
        initial=np.array([100.0, 10.0, 0.0]), trans_z=np.tile(mz, (years, 1, 1)),
        trans_a=np.stack([ma] + [mz] * (years - 1)), inflow=np.zeros((years, 3)),
        state_cost=cost, line_payer=np.array([[1.0, 0, 0, 0, 0]]),
        enrol=np.array([[1.0, 0, 0]] + [[0.0, 0, 0]] * (years - 1)),
        programme_cost=np.asarray(3_000.0), financing=np.array([1.0, 0, 0, 0, 0]),
        rate=np.asarray(0.0),
    )
    flows = simulate(model)
    # Year 1 (t = 1) by hand: n_Z = [70, 20 + 9.5, 10 + 0.5]; n_A = [60, 5 + 9.5, 35 + 0.5].
    assert flows.counts_z[1].tolist() == pytest.approx([70, 29.5, 10.5])
    assert flows.counts_a[1].tolist() == pytest.approx([60, 14.5, 35.5])
    assert flows.counts_z.sum(-1) == pytest.approx(np.full(years, 110.0))
    ind = indicators(flows)
    gross_saving = (flows.line_z - flows.line_a).sum()  # obligatory costs Z − A
    assert ind.npv == pytest.approx(gross_saving - 300_000.0)


@settings(max_examples=80, deadline=None)
@given(inputs_strategy, horizon, rate, st.floats(0.5, 1.5), st.floats(0.5, 1.5))
def test_direct_payer_npv_equals_the_flows(data: dict, years: int, rho: float, cm: float,
                                           gm: float) -> None:
    """Monte Carlo's early-reduced path gives the same per-payer NPV as the full flows,
    uncertainty multipliers included."""
    from kkz_xl.engine.cohort import payer_npv_direct
    from kkz_xl.engine.indicators import payer_npv

    item = IssueInputs.model_validate(data)
    params, _ = stack([item], years, rho)
    params = params.with_value("cost_mult", params.cost_mult * cm).with_value(
        "gain_mult", params.gain_mult * gm)
    model = to_cohort(params)
    full = payer_npv(simulate(model))
    direct = payer_npv_direct(model)
    assert direct == pytest.approx(full, rel=1e-10, abs=1e-9 * _magnitude(item, years))
