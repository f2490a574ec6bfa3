"""Monte Carlo: repeatable with a seed, tends to the deterministic NPV as the spread vanishes,
summaries consistent, independent of batch composition; common random numbers across JSTs
(shared figures share draws, own values get their own, the shared path equals the direct one)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kkz_xl.engine.montecarlo import beta_draws, gamma_draws, monte_carlo, stream_of
from kkz_xl.engine.run import stack
from kkz_xl.engine.tornado import tornado
from kkz_xl.engine.two_state import TwoStateParams, run
from kkz_xl.model.inputs import IssueInputs
from tests.conftest import WORKED, first
from tests.test_engine import _magnitude, horizon, inputs_strategy, rate


def test_same_seed_same_figures(worked_params: TwoStateParams) -> None:
    a = monte_carlo(worked_params, 2_000, 0.2, seed=7)
    b = monte_carlo(worked_params, 2_000, 0.2, seed=7)
    c = monte_carlo(worked_params, 2_000, 0.2, seed=8)
    assert (a.mean, a.p5, a.p95) == (b.mean, b.p5, b.p95)
    assert a.mean[0] != c.mean[0]


def test_tends_to_deterministic_as_spread_vanishes(worked_params: TwoStateParams) -> None:
    exact = run(worked_params)[1].npv[0]
    errors = [abs(monte_carlo(worked_params, 2_000, cv, seed=3).mean[0] - exact)
              for cv in (0.2, 0.02, 0.002)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.01 * abs(exact) + 50


def test_summary_is_consistent(worked_params: TwoStateParams) -> None:
    s = monte_carlo(worked_params, 5_000, 0.2, seed=1, keep_draws=True)
    draws = s.draws[:, 0]
    assert s.p5[0] <= s.p50[0] <= s.p95[0]
    assert s.mean[0] == pytest.approx(draws.mean())
    assert s.prob_positive[0] == pytest.approx((draws > 0).mean())
    assert s.payer_mean[0].sum() == pytest.approx(s.mean[0])


def test_figures_do_not_depend_on_the_rest_of_the_batch() -> None:
    other = IssueInputs.model_validate({**WORKED, "osoby": 55.0, "odplyw": 0.3})
    worked = IssueInputs.model_validate(WORKED)
    alone, _ = stack([worked], 3, 0.0)
    both, _ = stack([worked, other], 3, 0.0)
    a = monte_carlo(alone, 1_000, 0.2, seed=5)
    b = monte_carlo(both, 1_000, 0.2, seed=5)
    # The same draws; only numpy's summation order may differ with the batch's shape.
    assert a.mean[0] == pytest.approx(b.mean[0], rel=1e-12)
    assert a.p95[0] == pytest.approx(b.p95[0], rel=1e-12)


def test_distributions_have_requested_mean_and_spread() -> None:
    rng = np.random.default_rng(0)
    b = beta_draws(rng, 0.3, 0.2, 200_000)
    g = gamma_draws(rng, 5_000.0, 0.2, 200_000)
    assert b.mean() == pytest.approx(0.3, rel=0.01) and b.std() == pytest.approx(0.06, rel=0.02)
    assert g.mean() == pytest.approx(5_000, rel=0.01)
    assert g.std() == pytest.approx(1_000, rel=0.02)
    assert ((b >= 0) & (b <= 1)).all() and (g >= 0).all()
    assert (beta_draws(rng, 1.0, 0.2, 10) == 1.0).all()


def test_tornado_sorted_with_switching_values(worked_params: TwoStateParams) -> None:
    rows = tornado(first(worked_params))
    swings = [r.swing for r in rows]
    assert swings == sorted(swings, reverse=True)
    by_name = {r.name: r for r in rows}
    assert by_name["success"].switching == pytest.approx(0.2924, abs=5e-5)
    # NPV is linear in the programme cost: 13 000 = 100·(c*_p − 5 000) → c*_p = 5 130.
    assert by_name["programme_cost"].switching == pytest.approx(5_130.0, abs=1e-4)
    for r in rows:
        if r.switching is not None:
            p = first(worked_params)
            name = r.name.split("[")[0]
            value = np.array(getattr(p, name), dtype=float)
            if r.line is not None:
                value[r.line] = r.switching
            else:
                value = np.asarray(r.switching)
            assert run(p.with_value(name, value))[1].npv == pytest.approx(0.0, abs=1e-3)
    # Coverage 0 gives NPV 0 without a change of sign: no switching value.
    assert by_name["coverage"].switching is None


def test_chunking_does_not_change_the_figures(worked_params: TwoStateParams,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import kkz_xl.engine.montecarlo as mc

    whole = monte_carlo(worked_params, 3_000, 0.2, seed=4, keep_draws=True)
    monkeypatch.setattr(mc, "CHUNK_RUNS", 333)  # slices of 333 draws
    sliced = monte_carlo(worked_params, 3_000, 0.2, seed=4, keep_draws=True)
    assert sliced.draws == pytest.approx(whole.draws, rel=1e-12)
    assert sliced.p95[0] == pytest.approx(whole.p95[0], rel=1e-12)


@settings(max_examples=80, deadline=None)
@given(st.lists(inputs_strategy, min_size=1, max_size=3), horizon, rate,
       st.integers(1, 6), st.integers(0, 2**16))
def test_two_state_draw_path_equals_the_general_cohort_model(
        data: list[dict], years: int, rho: float, n: int, seed: int) -> None:
    """Monte Carlo's specialised two-state path (payer_npv_draws) is the general cohort model
    (payer_npv_direct of to_cohort) draw by draw, for any inputs and any drawn values."""
    from kkz_xl.engine.cohort import payer_npv_direct
    from kkz_xl.engine.montecarlo import UNCERTAIN, _broadcast_batch, _draw_buffers, _draw_into
    from kkz_xl.engine.two_state import payer_npv_draws, to_cohort

    items = [IssueInputs.model_validate(d) for d in data]
    params = _broadcast_batch(stack(items, years, rho)[0])
    b = len(items)
    drawn = _draw_buffers(b, params.cost.shape[-1], n)
    for i in range(b):
        _draw_into(params, i, seed, dict.fromkeys(UNCERTAIN, 0.3), drawn, i)
    fast = payer_npv_draws(params, drawn)  # (b, K, n)
    per_draw = {k: np.moveaxis(v, -1, 0) for k, v in drawn.items()}  # draw axis first
    general = payer_npv_direct(to_cohort(replace(params, **per_draw)))  # (n, b, K)
    scale = max(_magnitude(item, years) for item in items)
    assert np.moveaxis(fast, -1, 0) == pytest.approx(general, rel=1e-10, abs=1e-9 * scale)
    # Lines carrying a cost and a gain at once (not built by stack, but allowed).
    mixed = params.with_value("gain", params.gain + 0.25 * params.cost)
    general = payer_npv_direct(to_cohort(replace(mixed, **per_draw)))
    assert np.moveaxis(payer_npv_draws(mixed, drawn), -1, 0) == pytest.approx(
        general, rel=1e-10, abs=1e-9 * scale)


def test_threads_do_not_change_the_figures(worked_params: TwoStateParams,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import kkz_xl.engine.montecarlo as mc

    monkeypatch.setattr(mc, "CHUNK_RUNS", 500)  # many chunks of one scenario
    batch = replace(worked_params, **{f: np.repeat(np.asarray(getattr(worked_params, f)), 6, 0)
                                      for f in worked_params.__dataclass_fields__})
    monkeypatch.setattr(mc, "WORKERS", 1)
    serial = monte_carlo(batch, 1_000, 0.2, seed=2, keep_draws=True)
    monkeypatch.setattr(mc, "WORKERS", 4)
    threaded = monte_carlo(batch, 1_000, 0.2, seed=2, keep_draws=True)
    assert np.array_equal(serial.draws, threaded.draws)
    assert np.array_equal(serial.payer_p95, threaded.payer_p95)
    assert len(set(serial.mean.round(6))) == 6  # each scenario its own stream


def _region(counts: list[tuple[float, float]], **changes: float) -> TwoStateParams:
    """One issue (the worked example with a 5-year horizon) in several JSTs: ``(persons,
    inflow)`` per JST, other inputs as given."""
    items = [IssueInputs.model_validate({**WORKED, "osoby": n, "naplyw": a, **changes})
             for n, a in counts]
    return stack(items, 5, 0.03)[0]


COUNTS = [(100.0, 0.0), (40.0, 0.0), (250.0, 12.0), (3.0, 1.0), (0.0, 5.0), (77.0, 30.0)]


def test_jsts_on_the_same_figures_share_draws_per_person() -> None:
    """Shared draws: without inflow, each JST's NPV draws are its persons × one per-person
    distribution, so every per-person summary is the same."""
    region = _region([(100.0, 0.0), (40.0, 0.0), (7.0, 0.0)])
    s = monte_carlo(region, 2_000, 0.2, seed=3, keep_draws=True, streams=[9, 9, 9])
    per_person = s.draws / np.array([100.0, 40.0, 7.0])
    assert per_person[:, 1] == pytest.approx(per_person[:, 0], rel=1e-12)
    assert per_person[:, 2] == pytest.approx(per_person[:, 0], rel=1e-12)
    for key in ("mean", "p5", "p50", "p95"):
        assert getattr(s, key) / [100.0, 40.0, 7.0] == pytest.approx(
            [getattr(s, key)[0] / 100.0] * 3, rel=1e-12)
    assert len(set(s.prob_positive)) == 1


def test_shared_path_equals_each_jst_computed_alone() -> None:
    """The model is linear in the counts; the shared path (two unit runs per group) gives each
    JST exactly what its own direct run with the same streams gives, inflow included."""
    region = _region(COUNTS, powtarzaj=True)
    ids = [stream_of("ubostwo")] * len(COUNTS)
    together = monte_carlo(region, 3_000, 0.2, seed=11, keep_draws=True, streams=ids)
    for j, (n, a) in enumerate(COUNTS):
        alone = monte_carlo(_region([(n, a)], powtarzaj=True), 3_000, 0.2, seed=11,
                            keep_draws=True, streams=ids[:1])
        scale = max(1.0, float(np.abs(alone.draws).max()))
        assert together.draws[:, j] == pytest.approx(alone.draws[:, 0], abs=1e-9 * scale)
        for key in ("mean", "p5", "p50", "p95", "payer_mean", "payer_p5", "payer_p95"):
            assert getattr(together, key)[j] == pytest.approx(getattr(alone, key)[0],
                                                              abs=1e-9 * scale)
        assert together.prob_positive[j] == alone.prob_positive[0]


def test_own_value_gets_own_draws_the_rest_stays_shared() -> None:
    """A JST with its own success rate draws that input on its own (independent of the base
    figure's draws); the inputs it shares with the others keep the shared draws."""
    from kkz_xl.engine.montecarlo import UNCERTAIN, _broadcast_batch, _draw_buffers, _draw_into

    base = _region([(100.0, 0.0)])
    own = _region([(50.0, 0.0)], skutecznosc=0.45)
    batch = _broadcast_batch(replace(base, **{
        f: np.concatenate([getattr(base, f), getattr(own, f)]) for f in base.__dataclass_fields__}))
    drawn = _draw_buffers(2, batch.cost.shape[-1], 5_000)
    for row in range(2):
        _draw_into(batch, row, 4, dict.fromkeys(UNCERTAIN, 0.2), drawn, row, stream=1)
    for name in ("exit_rate", "relapse", "coverage", "programme_cost", "cost_mult"):
        assert np.array_equal(drawn[name][0], drawn[name][1])
    assert abs(np.corrcoef(drawn["success"])[0, 1]) < 0.05  # independent draws
    assert drawn["success"][1].mean() == pytest.approx(0.45, rel=0.01)


def test_region_total_keeps_the_common_uncertainty() -> None:
    """Shared draws make a region's JSTs move together: the regional total's spread is the sum
    of the JSTs' spreads, not the far smaller one of independent draws (diversification that
    does not exist); its mean is the deterministic sum within Monte Carlo error (small spread,
    so the model's curvature adds less than the error)."""
    counts = [(float(n), 0.0) for n in range(20, 420, 10)]
    region = _region(counts)
    shared = monte_carlo(region, 4_000, 0.2, seed=5, keep_draws=True,
                         streams=[1] * len(counts))
    independent = monte_carlo(region, 4_000, 0.2, seed=5, keep_draws=True)
    spread_shared = shared.draws.sum(1).std()
    assert spread_shared == pytest.approx(shared.draws.std(0).sum(), rel=1e-9)
    assert spread_shared > 4 * independent.draws.sum(1).std()
    exact = float(run(region)[1].npv.sum())
    small = monte_carlo(region, 4_000, 0.02, seed=5, keep_draws=True, streams=[1] * len(counts))
    error = small.draws.sum(1).std() / np.sqrt(4_000)
    assert abs(small.mean.sum() - exact) < 4 * error


def test_shared_groups_split_over_threads_and_chunks_keep_the_figures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import kkz_xl.engine.montecarlo as mc

    region = _region(COUNTS * 5)
    ids = [2] * len(COUNTS) * 5
    monkeypatch.setattr(mc, "WORKERS", 1)
    serial = monte_carlo(region, 1_000, 0.2, seed=2, keep_draws=True, streams=ids)
    monkeypatch.setattr(mc, "WORKERS", 4)
    monkeypatch.setattr(mc, "CHUNK_RUNS", 3_000)  # member slices of a few JSTs
    threaded = monte_carlo(region, 1_000, 0.2, seed=2, keep_draws=True, streams=ids)
    assert np.array_equal(serial.draws, threaded.draws)
    assert np.array_equal(serial.payer_p95, threaded.payer_p95)
