"""Severity levels and duration states as the shipped defaults (issue 10, item 2): the
multi-state models of bezradność, sieroctwo, choroba, niepełnosprawność and bezdomność, how a
scenario maps onto them, their working, and KKZ_ANALIZA_STANY."""

from __future__ import annotations

import math
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.engine import run as engine_run
from kkz_xl.engine import severity
from kkz_xl.engine.cohort import simulate
from kkz_xl.engine.run import run_inputs, run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.payers import Payer, payer_index
from kkz_xl.model.scenario import IssueScenario, Scenario, resolve_issue
from kkz_xl.model.severity import StateInputs, StateLine, resolve_states, uses_state_model
from kkz_xl.params.base import default_base
from kkz_xl.params.state_models import MODELS, shipped_models
from kkz_xl.reporting import tables
from tests.naive_model import Naive

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
CODES = ("bezradnosc", "sieroctwo", "choroba", "niepelnosprawnosc", "bezdomnosc")
GMINA, POWIAT = payer_index(Payer.GMINA), payer_index(Payer.POWIAT)


def _inputs(code: str, persons: float = 40.0, **own: object) -> StateInputs:
    base = default_base()
    issue = IssueScenario.model_validate({"kod": code, "osoby": persons, **own})
    return resolve_states(issue, base, base.price_year)


def _line(inp: StateInputs, name_part: str, payer: Payer) -> int:
    return next(j for j, line in enumerate(inp.lines)
                if name_part in line.name and line.payer == payer)


def test_shipped_models_cover_the_escalation_issues() -> None:
    assert set(CODES) <= set(shipped_models())
    scenario = Scenario.load(SAMPLE)
    assert {i.code for i in scenario.issues if uses_state_model(i)} == set(CODES)


# ---------------------------------------------------------------- the engine, two-state case

@settings(max_examples=40, deadline=None)
@given(q=st.floats(0, 1), r=st.floats(0, 1), s=st.floats(0, 1), e=st.floats(0, 1),
       c=st.floats(0, 50_000), c_p=st.floats(0, 20_000), n=st.floats(0, 1_000),
       a=st.floats(0, 50), years=st.integers(1, 12), repeat=st.booleans())
def test_two_states_through_the_multi_state_path_equal_the_scalar_model(
        q: float, r: float, s: float, e: float, c: float, c_p: float, n: float, a: float,
        years: int, repeat: bool) -> None:
    """A two-state issue written as a multi-state model (edge q, relapse r, a programme that
    leads out with s) is the independent scalar model of model.md."""
    inp = StateInputs(
        code="t", name="dwa stany", unit="osoba", state_ids=("d", "i"),
        state_names=("zależna", "samodzielna"), self_reliant=(False, True),
        initial=np.array([n, 0.0]), inflow_split=np.array([1.0, 0.0]), inflow=a,
        edge_from=(0, 1), edge_to=(1, 0), edge_values=np.array([q, r]), next_state=(0, 1),
        lines=(StateLine("koszt", Payer.GMINA, None, False),), amounts=np.array([[c], [0.0]]),
        enrollable=np.array([1.0, 0.0]), effects=((0, "wyprowadza"),), programme_id="p",
        programme_name="p", programme_rozdzial=None, programme_cost=c_p, success=s,
        coverage=e, repeat=repeat, financing={Payer.GMINA: 1.0}, from_base=())
    oracle = Naive(N=n, c=[[c] * years] + [[0.0] * years] * 4, q=q, s=s, c_p=c_p, T=years,
                   rho=0.03, e=e, r=r, a=a, R=repeat)
    got = float(severity.run_point(inp, years, 0.03).indicators.npv)
    assert got == pytest.approx(oracle.npv(), rel=1e-9, abs=1e-6)
    assert float(severity.npv(inp, years, 0.03)) == pytest.approx(got, rel=1e-9, abs=1e-6)


# ---------------------------------------------------------------- conservation

@settings(max_examples=25, deadline=None)
@given(code=st.sampled_from(CODES), n=st.floats(0, 5_000), a=st.floats(0, 200),
       e=st.floats(0, 1), s=st.floats(0, 1), years=st.integers(1, 20), repeat=st.booleans())
def test_multi_state_defaults_conserve_people(code: str, n: float, a: float, e: float,
                                              s: float, years: int, repeat: bool) -> None:
    inp = _inputs(code, n, naplyw=a, zasieg=e, skutecznosc=s, powtarzaj=repeat)
    flows = severity.run_point(inp, years, 0.03).flows
    expected = n + a * np.arange(years)
    for counts in (flows.counts_z, flows.counts_a):
        assert (counts >= -1e-9).all()
        np.testing.assert_allclose(counts.sum(-1), expected, rtol=1e-9, atol=1e-7)


# ---------------------------------------------------------------- duration states

def test_gmina_foster_share_follows_the_childs_year_in_care() -> None:
    """One child placed at the start of year 3 of the horizon: the gmina pays 10 % of its cost
    in that year, 30 % in the next, 50 % after; the powiat the rest."""
    inp = _inputs("sieroctwo", 0.0)
    model = severity.cohort(inp, 6, 0.03)
    arrival = np.zeros((6, inp.states))
    arrival[2, inp.state_ids.index("rodzinna_1")] = 1.0
    flows = simulate(replace(model, inflow=arrival))
    gmina = _line(inp, "Piecza rodzinna – udział gminy", Payer.GMINA)
    powiat = _line(inp, "Piecza rodzinna – część powiatu", Payer.POWIAT)
    cost = 15_530.0
    stays = 1 - 0.040 - 0.083
    assert flows.line_z[:2, gmina].tolist() == [0.0, 0.0]
    assert flows.line_z[2, gmina] == pytest.approx(0.1 * cost)
    assert flows.line_z[2, powiat] == pytest.approx(0.9 * cost)
    assert flows.line_z[3, gmina] == pytest.approx(0.3 * cost * stays)
    ids = inp.state_ids
    third = flows.counts_z[:, ids.index("rodzinna_3")]
    assert third[4] == pytest.approx(stays**2) and third[5] == pytest.approx(stays**3)
    # Every year the gmina pays by each child's year in care (a child placed again after a
    # return starts over at 10 %).
    n1, n2 = flows.counts_z[:, ids.index("rodzinna_1")], flows.counts_z[:, ids.index("rodzinna_2")]
    np.testing.assert_allclose(flows.line_z[:, gmina], cost * (0.1 * n1 + 0.3 * n2 + 0.5 * third))
    # ... the child returned home in year 4 is placed again at the model's re-entry rate
    back, again = ids.index("powrot"), ids.index("rodzinna_1")
    edges = zip(inp.edge_from, inp.edge_to, inp.edge_values, strict=True)
    reentry = next(float(v) for f, t, v in edges if (f, t) == (back, again))
    assert n1[4] == pytest.approx(0.040 * reentry)


def test_children_already_in_care_pay_half() -> None:
    inp = _inputs("sieroctwo", 40.0)
    flows = severity.run_point(inp, 7, 0.03).flows
    family = _line(inp, "Piecza rodzinna – udział gminy", Payer.GMINA)
    home = _line(inp, "Placówka opiekuńczo-wychowawcza – udział gminy", Payer.GMINA)
    assert flows.line_z[0, family] == pytest.approx(0.5 * 15_530 * 0.773 * 40)
    assert flows.line_z[0, home] == pytest.approx(0.5 * 99_600 * 0.227 * 40)
    assert flows.payer_z[0, GMINA] == pytest.approx(flows.payer_z[0, POWIAT])


def test_the_real_mix_of_family_and_institutional_care() -> None:
    inp = _inputs("sieroctwo", 100.0)
    counts = severity.run_point(inp, 7, 0.03).flows.counts_z[0]
    ids = inp.state_ids
    assert counts[ids.index("rodzinna_3")] == pytest.approx(77.3)
    assert counts[ids.index("placowka_3")] == pytest.approx(22.7)
    # A child in a placówka costs more than six children in family care.
    amounts = inp.amounts
    assert amounts[ids.index("placowka_3")].sum() > 6 * amounts[ids.index("rodzinna_3")].sum()


def test_own_split_by_state_replaces_the_default() -> None:
    inp = _inputs("sieroctwo", 10.0, osoby_wg_stanow={"rodzinna_1": 6.0, "placowka_2": 4.0})
    assert inp.initial[inp.state_ids.index("rodzinna_1")] == 6.0
    assert "osoby_wg_stanow" not in inp.from_base
    with pytest.raises(InputError, match=r"osoby_wg_stanow: suma osób w stanach"):
        _inputs("sieroctwo", 11.0, osoby_wg_stanow={"rodzinna_1": 6.0, "placowka_2": 4.0})
    with pytest.raises(InputError, match=r"osoby_wg_stanow: nieznany stan 'dom'"):
        _inputs("sieroctwo", 6.0, osoby_wg_stanow={"dom": 6.0})


# ---------------------------------------------------------------- programmes act on transitions

def test_preventing_placements_lowers_powiat_and_gmina_costs() -> None:
    inp = _inputs("bezradnosc", 45.0, naplyw=4.0)
    f = severity.run_point(inp, 7, 0.03).flows
    care = [j for j, line in enumerate(inp.lines) if "iecza" in line.name
            or "Placówka" in line.name]
    for payer in (Payer.GMINA, Payer.POWIAT):
        lines = [j for j in care if inp.lines[j].payer == payer]
        z, a = f.line_z[:, lines].sum(-1), f.line_a[:, lines].sum(-1)
        assert (a[1:] < z[1:]).all(), payer
    placed = [inp.state_ids.index(s) for s in inp.state_ids if s != "wspierana"
              and s != "samodzielna"]
    assert (f.counts_a[1:, placed].sum(-1) < f.counts_z[1:, placed].sum(-1)).all()
    stronger = replace(inp, success=0.5)
    g = severity.run_point(stronger, 7, 0.03).flows
    assert (g.counts_a[1:, placed].sum(-1) < f.counts_a[1:, placed].sum(-1)).all()


def test_delaying_dps_changes_only_the_transition_to_dps() -> None:
    inp = _inputs("choroba", 100.0)
    trans_z, trans_a = severity.matrices(inp, inp.edge_values, np.asarray(inp.success),
                                         np.asarray(inp.coverage))
    home, dps = inp.state_ids.index("dom_znaczna"), inp.state_ids.index("dps")
    assert trans_a[home, dps] == pytest.approx(trans_z[home, dps] * (1 - 0.3 * 0.5))
    changed = np.argwhere(~np.isclose(trans_z, trans_a))
    assert {tuple(x) for x in changed} == {(home, dps), (home, home)}
    np.testing.assert_allclose(trans_a.sum(-1), 1.0)


def test_a_self_reliant_person_keeps_the_costs_that_continue() -> None:
    def continuing(inp: StateInputs, state: str) -> float:
        costs = [j for j, line in enumerate(inp.lines) if not line.gain]
        return float(inp.amounts[inp.state_ids.index(state), costs].sum())

    # The zasiłek pielęgnacyjny continues in work; the housing allowance after homelessness.
    assert continuing(_inputs("niepelnosprawnosc", 10.0), "praca") > 0
    assert continuing(_inputs("bezdomnosc", 10.0), "samodzielna") > 0


# ---------------------------------------------------------------- the scenario runner

def test_sample_runs_on_the_multi_state_models_in_the_usual_shape() -> None:
    result = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=300)
    for code in CODES:
        r = result.issue(code)
        assert r.states is not None and r.monte_carlo is not None
        assert r.npv == pytest.approx(sum(r.npv_by_payer))
        assert r.dependent_z[0] + r.independent_z[0] == pytest.approx(r.inputs.persons)
        assert r.tornado and any(t.name.startswith("transition[") for t in r.tornado)
        names = tables.tornado(r)["parametr"].tolist()
        assert any(n.startswith("przejście: ") and "→" in n for n in names)
        assert r.monte_carlo.p5 <= r.monte_carlo.p50 <= r.monte_carlo.p95
    assert result.totals.npv == pytest.approx(sum(i.npv for i in result.issues))
    assert result.totals.monte_carlo is not None
    flows = tables.flows(result.issue("sieroctwo"))
    assert flows.iloc[:, 3].sum() == pytest.approx(result.issue("sieroctwo").cost_z.sum())


def test_monte_carlo_is_repeatable_and_centred() -> None:
    inp = _inputs("bezdomnosc", 50.0, naplyw=5.0)
    a = severity.monte_carlo_draws(inp, 7, 0.03, 2000, 0.2, 7, 0)
    b = severity.monte_carlo_draws(inp, 7, 0.03, 2000, 0.2, 7, 0)
    np.testing.assert_array_equal(a, b)
    point = float(severity.npv(inp, 7, 0.03))
    assert a.sum(-1).mean() == pytest.approx(point, rel=0.1, abs=2_000)


def test_monte_carlo_spread_defaults_to_the_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a spread (or for inputs a mapping omits) the multi-state Monte Carlo takes the
    base's ``zmiennosc``: a base with another value moves the draws."""
    inp = _inputs("bezdomnosc", 50.0, naplyw=5.0)
    base = default_base()
    zmiennosc = base.general.zmiennosc.model_copy(update={"wartosc": 0.45})
    other = replace(base, general=base.general.model_copy(update={"zmiennosc": zmiennosc}))
    monkeypatch.setattr(engine_run, "default_base", lambda: other)
    monkeypatch.setattr(severity, "default_base", lambda: other)
    _, drawn = engine_run.run_states(inp, 7, 0.03, draws=300, seed=3, with_tornado=False,
                                     threshold=False)
    _, wide = engine_run.run_states(inp, 7, 0.03, draws=300, spread=0.45, seed=3,
                                    with_tornado=False, threshold=False)
    _, usual = engine_run.run_states(inp, 7, 0.03, draws=300, spread=0.2, seed=3,
                                     with_tornado=False, threshold=False)
    np.testing.assert_array_equal(drawn, wide)
    assert not np.array_equal(drawn, usual)
    omitted = severity.monte_carlo_draws(inp, 7, 0.03, 300, {"success": 0.45}, 3, 0)
    np.testing.assert_array_equal(omitted, severity.monte_carlo_draws(inp, 7, 0.03, 300, 0.45,
                                                                      3, 0))


def test_the_two_state_form_stays_available() -> None:
    data = {"jst": {"nazwa": "Gmina Testowa", "teryt": "1401011"}, "rok_cen": 2025,
            "kwestie": [{"kod": "sieroctwo", "osoby": 40, "model": "dwustanowy"},
                        {"kod": "choroba", "osoby": 20, "odplyw": 0.1}]}
    scenario = Scenario.model_validate(data)
    result = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    base = default_base()
    for issue in scenario.issues:
        expected = run_inputs(resolve_issue(issue, base, 2025).inputs, 7, base.discount_rate)
        got = result.issue(issue.code)
        assert got.states is None and got.npv == pytest.approx(expected.npv)
    bad = {**data, "kwestie": [{"kod": "choroba", "osoby": 20, "odplyw": 0.1,
                                "model": "wielostanowy"}]}
    with pytest.raises(InputError, match=r"kwestie\[1\]\.odplyw: pole postaci dwustanowej"):
        run_scenario(Scenario.model_validate(bad), monte_carlo_draws=0)
    no_model = {**data, "kwestie": [{"kod": "bezrobocie", "osoby": 20, "model": "wielostanowy"}]}
    with pytest.raises(InputError, match=r"kwestie\[1\]\.model: kwestia 'bezrobocie' nie ma"):
        run_scenario(Scenario.model_validate(no_model), monte_carlo_draws=0)
    unknown = {**data, "kwestie": [{"kod": "sieroctwo", "osoby": 20,
                                    "program": "usamodzielnienie"}]}
    with pytest.raises(InputError, match=r"kwestie\[1\]\.program: .*model: dwustanowy"):
        run_scenario(Scenario.model_validate(unknown), monte_carlo_draws=0)


def test_break_even_success_is_where_npv_turns() -> None:
    inp = _inputs("sieroctwo", 40.0, naplyw=3.0)
    s = severity.break_even_success(inp, 7, 0.03)
    assert s is not None and 0 < s < 1
    assert float(severity.npv(inp, 7, 0.03, success=np.asarray(s))) == pytest.approx(0, abs=1e-3)


# ---------------------------------------------------------------- the Excel function

def _udfs() -> ModuleType:
    sys.path.insert(0, str(ROOT / "udfs"))
    try:
        import kkz_udfs
    finally:
        sys.path.pop(0)
    return kkz_udfs


@pytest.mark.parametrize("code", CODES)
def test_excel_function_equals_the_scenario_runner(code: str) -> None:
    scenario = Scenario.model_validate({
        "jst": {"nazwa": "Gmina Testowa", "teryt": "1401011"}, "horyzont": 9, "stopa": 0.035,
        "kwestie": [{"kod": code, "osoby": 37, "naplyw": 2, "zasieg": 0.4}]})
    expected = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False).issue(code)
    got = dict(_udfs().kkz_analiza_stany(code, 37.0, 9.0, 0.035, 2.0, None, 0.4))
    assert got["koszt zaniechania (NPV)"] == pytest.approx(expected.npv, rel=1e-12)
    assert got["PV kosztów zaniechania"] == pytest.approx(expected.pv_z, rel=1e-12)
    assert got["PV kosztów działania"] == pytest.approx(expected.pv_a, rel=1e-12)
    assert got["PV kosztu programu"] == pytest.approx(expected.pv_programme, rel=1e-12)


@pytest.mark.parametrize(("args", "message"), [
    (("bezrobocie", 10), "kwestia: kwestia 'bezrobocie' nie ma modelu wielostanowego"),
    (("xyz", 10), "kwestia: nieznany kod kwestii"),
    (("sieroctwo", "dużo"), "osoby: oczekiwano liczby"),
    (("sieroctwo", 10, None, None, None, "xx"), "program: nieznany program 'xx'"),
    (("sieroctwo", 10, None, None, None, None, 1.5), "zasieg: oczekiwano liczby od 0 do 1"),
])
def test_excel_function_refuses_bad_input_by_name(args: tuple, message: str) -> None:
    with pytest.raises(InputError, match=message):
        _udfs().kkz_analiza_stany(*args)


# ---------------------------------------------------------------- evidence and working

def _sourced(node: object, where: str, found: list[tuple[str, int, str]]) -> None:
    """Every mapping with a ``wartosc`` carries a source, a year (or price year) and a grade."""
    if isinstance(node, dict):
        if "wartosc" in node:
            assert str(node.get("zrodlo", "")).strip(), where
            assert isinstance(node.get("rok", node.get("rok_cen")), int), where
            assert node.get("stopien") in (1, 2, 3, 4, 5), where
            found.append((where, node["stopien"], node["zrodlo"]))
        for k, v in node.items():
            _sourced(v, f"{where}.{k}", found)
    elif isinstance(node, list):
        for n, v in enumerate(node):
            _sourced(v, f"{where}[{n}]", found)


@pytest.mark.parametrize("code", CODES)
def test_every_value_in_the_model_files_has_source_year_and_grade(code: str) -> None:
    raw = yaml.safe_load((MODELS / f"{code}.yaml").read_text(encoding="utf-8"))
    found: list[tuple[str, int, str]] = []
    _sourced(raw, code, found)
    model = shipped_models()[code]
    counted = (len(model.przejscia) + len(model.koszty) + 2 + 3 * len(model.programy))
    assert len(found) == counted
    for where, grade, source in found:
        if grade == 5:  # an assumption says so, and why
            assert any(w in source for w in ("Założenie", "założenie", "nie znaleziono",
                                             "brak")), where
    for p in model.programy:
        assert p.finansowanie_zrodlo.strip()


def test_working_of_a_shipped_model_is_shown(tmp_path: Path) -> None:
    out = tmp_path / "model.yaml"
    result = CliRunner().invoke(app, ["model-ogolny", "--kwestia", "sieroctwo", "--osoby", "40",
                                      "--zapisz-model", str(out)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for text in ("Macierz przejść – bez działania", "M.P. 2024 poz. 230", "art. 191",
                 "Osoby w stanach – działanie", "koszt zaniechania (NPV)"):
        assert text in result.output
    book = tmp_path / "w.xlsx"
    written = CliRunner().invoke(app, ["model-ogolny", "-k", "choroba", "-w", str(book)])
    assert written.exit_code == 0, written.output
    import openpyxl

    wb = openpyxl.load_workbook(book)
    assert {"Wartości i źródła", "Macierz – zaniechanie", "Macierz – rok programu",
            "Koszty na osobę w stanie", "Stany – działanie"} <= set(wb.sheetnames)
    grades = [r[7] for r in wb["Wartości i źródła"].iter_rows(min_row=2, values_only=True)]
    assert grades and all(g in (1, 2, 3, 4, 5) for g in grades)
    again = CliRunner().invoke(app, ["model-ogolny", str(out)], env={"COLUMNS": "250"})
    assert again.exit_code == 0, again.output
    assert math.isfinite(float(severity.npv(_inputs("sieroctwo", 40.0), 7, 0.03)))
    bad = CliRunner().invoke(app, ["model-ogolny", "--kwestia", "bezrobocie"])
    assert bad.exit_code != 0 and "nie ma wbudowanego modelu" in bad.output


def test_working_of_a_scenario_issue_is_what_the_runner_computes(tmp_path: Path) -> None:
    from kkz_xl.cli.general_cmd import _shipped
    from kkz_xl.engine.general import run_general

    path = tmp_path / "s.yaml"
    path.write_text(
        "jst: {nazwa: Gmina Testowa, teryt: '1401011'}\nhoryzont: 10\nstopa: 0.04\nkwestie:\n"
        "  - {kod: sieroctwo, osoby: 12, naplyw: 2, program: rodzinna_zamiast_placowki,\n"
        "     osoby_wg_stanow: {rodzinna_1: 2, rodzinna_2: 2, rodzinna_3: 6, placowka_3: 2}}\n",
        encoding="utf-8")
    expected = run_scenario(Scenario.load(path), monte_carlo_draws=0, with_tornado=False)
    spec = _shipped("sieroctwo", None, None, None, path)
    assert spec.horizon == 10 and spec.rate == 0.04
    assert float(run_general(spec).indicators.npv) == pytest.approx(
        expected.issue("sieroctwo").npv, rel=1e-12)


@pytest.mark.parametrize("code", CODES)
def test_monte_carlo_without_spread_is_the_point_run(code: str) -> None:
    inp = _inputs(code, 30.0, naplyw=2.0)
    draws = severity.monte_carlo_draws(inp, 7, 0.03, 50, 0.0, 1, 0)
    point = severity.run_point(inp, 7, 0.03).indicators
    np.testing.assert_allclose(draws, np.broadcast_to(point.npv_by_payer, draws.shape),
                               rtol=1e-9, atol=1e-6)


def test_one_sourced_transition_is_one_parameter() -> None:
    """The exits from each year in care are one figure: drawn together, one tornado row."""
    inp = _inputs("sieroctwo", 40.0)
    groups = inp.groups()
    returns = [k for k in range(len(groups)) if inp.state_ids[inp.edge_to[k]] == "powrot"
               and inp.state_ids[inp.edge_from[k]].startswith("rodzinna")]
    assert len(returns) == 3 and len({groups[k] for k in returns}) == 1
    label = inp.group_label(groups[returns[0]])
    assert label.endswith("(i 2 inne)")
    rows = [t for t in severity.tornado(inp, 7, 0.03) if t.name.startswith("transition[")]
    assert len(rows) == max(groups) + 1 - sum(  # programme-only transitions have no value
        1 for g in range(max(groups) + 1) if inp.edge_values[inp.group_edges(g)[0]] == 0)


@settings(max_examples=30, deadline=None)
@given(root=st.floats(0.01, 0.99), scale=st.floats(0.1, 10))
def test_grid_refinement_finds_what_bisection_finds(root: float, scale: float) -> None:
    from kkz_xl.engine.threshold import refine, refine_grid

    def f(x: np.ndarray) -> np.ndarray:
        return scale * (x - root) ** 3

    a, b = np.array([0.0]), np.array([1.0])
    assert refine_grid(f, a, b)[0] == pytest.approx(refine(f, a, b)[0], abs=1e-7)
