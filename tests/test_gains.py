"""Fiscal gains of a person entering work: the payslip arithmetic, the split per payer, the
conservative variant, and what gains do to the results.

Expected payslip figures are the ones parameters.md §11 quotes from payroll calculators
(wprost.pl, e-pity.pl, gofin.pl), not recomputed with the code's own formula.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kkz_xl.engine.run import run_scenario
from kkz_xl.model.payers import PAYERS, Payer
from kkz_xl.model.scenario import Scenario
from kkz_xl.params.base import ParameterBase, load_base
from kkz_xl.params.gains import DERIVED_PREFIX, STATE_SHARES, derived_gains, worker_gain
from kkz_xl.params.schema import CostItem, GainItem
from kkz_xl.reporting import tables

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
WAGES_FILE = (Path(__file__).resolve().parents[1] / "kkz_xl" / "params" / "data"
              / "wynagrodzenie.yaml")
BASE = load_base()


# --- the payslip ---------------------------------------------------------------------------

def test_minimum_wage_2026_payslip_matches_the_calculators() -> None:
    w = worker_gain(BASE.wages, 2026)
    assert w.wage == 4806
    # ZUS 18 248, NFZ 4 479, FP + FGŚP 1 471, PIT 2 016 a year (parameters.md §11).
    assert w.zus_pension + w.zus_other == pytest.approx(18_248, abs=1)
    assert w.health == pytest.approx(4_479, abs=1)
    assert w.labour_funds == pytest.approx(1_471, abs=1)
    assert w.pit == pytest.approx(2_016, abs=1)
    # Net pay 3 605.85 zł a month: gross minus the employee's levies.
    employee_social = 658.91 * 12
    net = 12 * 4806 - employee_social - w.health - w.pit
    assert net / 12 == pytest.approx(3605.85, abs=0.01)


def test_minimum_wage_2025_public_revenue() -> None:
    w = worker_gain(BASE.wages, 2025)
    total = w.zus_pension + w.zus_other + w.labour_funds + w.health + w.pit
    assert total == pytest.approx(25_328, abs=2)  # parameters.md §11
    # Conservative variant: without the pension contributions, ≈ 14 400 zł a year.
    assert total - w.zus_pension == pytest.approx(14_400, abs=10)
    assert w.zus_pension == pytest.approx(0.1952 * 4666 * 12, abs=1)


def test_jst_shares_follow_the_residents_income_not_the_tax() -> None:
    w = worker_gain(BASE.wages, 2026)
    income = 4806 * 12 - 3000  # revenue minus costs of obtaining it (art. 2 pkt 1a)
    assert w.gmina_share == pytest.approx(0.07 * income)  # ≈ 3 827 zł
    assert w.powiat_share == pytest.approx(0.02 * income)
    # The shares exceed the worker's PIT: the state budget, which pays them, loses.
    assert w.gmina_share + w.powiat_share > w.pit
    assert w.by_payer(True)[Payer.BUDZET_PANSTWA] < 0


def _statutory_state_budget(year: int) -> tuple[float, float]:
    """(PIT, JST shares) a year of one minimum-wage worker, from the YAML as the statutes read:
    the monthly advance (art. 32 PIT: base rounded to the złoty, 12 % minus 300 zł, rounded),
    and the shares as rates of the income, revenue minus costs (Dz.U. 2024 poz. 1572 art. 2)."""
    data = yaml.safe_load(WAGES_FILE.read_text(encoding="utf-8"))
    gross = data["placa_minimalna"][year]["wartosc"]
    c = {k: v["wartosc"] for k, v in data["skladki"].items()}
    employee = sum(round(gross * c[k] + 1e-9, 2)
                   for k in ("emerytalna_pracownik", "rentowa_pracownik", "chorobowa"))
    pit = {k: v["wartosc"] for k, v in data["pit"].items()}
    base = round(gross - employee - pit["koszty_uzyskania"])
    advance = max(0, round(base * pit["stawka"] - pit["kwota_zmniejszajaca"]))
    income = 12 * (gross - pit["koszty_uzyskania"])
    rates = data["udzialy_jst"]
    shares = income * sum(rates[k]["wartosc"] for k in ("gmina", "powiat", "wojewodztwo"))
    return 12 * advance, shares


@pytest.mark.parametrize("year", sorted(BASE.wages.placa_minimalna))
def test_state_budget_net_effect_is_the_statutory_derivation(year: int) -> None:
    pit, shares = _statutory_state_budget(year)
    w = worker_gain(BASE.wages, year)
    assert w.pit == pytest.approx(pit)
    assert w.jst_shares == pytest.approx(shares)
    assert w.by_payer(True)[Payer.BUDZET_PANSTWA] == pytest.approx(pit - shares)
    assert pit - shares < 0  # at the minimum wage the shares exceed the tax
    # The issue's two state-budget lines: the PIT from year 1, the shares after the lag.
    issue = BASE.issue("bezrobocie")
    share = issue.udzial_zatrudnienia.wartosc
    lines = {g.id: g for g in derived_gains(issue, BASE.wages, year, True)
             if g.platnik == Payer.BUDZET_PANSTWA}
    tax, paid = lines[f"{DERIVED_PREFIX}budzet_panstwa"], lines[f"{DERIVED_PREFIX}{STATE_SHARES}"]
    assert tax.wartosc == pytest.approx(pit * share, abs=0.01) and tax.profil is None
    assert paid.wartosc == pytest.approx(-shares * share, abs=0.01)
    lag = int(BASE.wages.opoznienie_udzialow_jst.wartosc)
    assert paid.profil == [0.0] * lag + [1.0]
    gmina = next(g for g in derived_gains(issue, BASE.wages, year, True)
                 if g.platnik == Payer.GMINA)
    assert gmina.profil == paid.profil  # the state pays what the gmina receives, when it does


def test_only_the_state_budget_gain_may_be_negative() -> None:
    item = _derived("bezrobocie")[0].model_dump()
    assert item["platnik"] == Payer.GMINA
    with pytest.raises(ValidationError, match="tylko korzyść budżetu państwa"):
        GainItem.model_validate(item | {"wartosc": -1.0})
    GainItem.model_validate(item | {"wartosc": -1.0, "platnik": Payer.BUDZET_PANSTWA})
    with pytest.raises(ValidationError):
        GainItem.model_validate(item | {"wartosc": float("nan"),
                                        "platnik": Payer.BUDZET_PANSTWA})
    with pytest.raises(ValidationError):  # a cost line stays non-negative for every payer
        CostItem.model_validate(item | {"wartosc": -1.0, "platnik": Payer.BUDZET_PANSTWA})


# --- the lines of an issue -------------------------------------------------------------------

def _derived(code: str, base: ParameterBase = BASE) -> list:
    return [g for g in base.issue(code).korzysci if g.id.startswith(DERIVED_PREFIX)]


def test_derived_lines_per_payer_sum_to_the_worker_gain_times_the_share() -> None:
    for code, issue in BASE.issues.items():
        lines = _derived(code)
        if issue.udzial_zatrudnienia is None:
            assert not lines, code
            continue
        w = worker_gain(BASE.wages, BASE.price_year)
        share = issue.udzial_zatrudnienia.wartosc
        for payer, amount in w.by_payer(BASE.conservative_gains).items():
            assert sum(g.wartosc for g in lines if g.platnik == payer) == pytest.approx(
                amount * share, abs=0.05), (code, payer)
        assert len({g.id for g in lines}) == len(lines), code


def test_derived_lines_show_their_derivation() -> None:
    for g in _derived("bezrobocie"):
        text = g.zrodlo.replace("\u00a0", " ")  # Polish numbers keep a non-breaking space
        assert text.startswith("Wyliczenie")
        assert "4 666" in text and "0,382" in text
        assert 1 <= g.stopien <= 4


def test_jst_shares_start_after_the_statutory_lag() -> None:
    lines = {g.platnik: g for g in _derived("bezrobocie")}
    assert lines[Payer.GMINA].profil == [0.0, 0.0, 1.0]
    assert lines[Payer.GMINA].rozdzial == "75621" and lines[Payer.POWIAT].rozdzial == "75622"
    assert lines[Payer.NFZ].profil is None


def test_conservative_variant_is_the_default_and_can_be_switched_off() -> None:
    assert BASE.conservative_gains is True
    full = {g.platnik: g.wartosc for g in BASE.gains("bezrobocie", conservative=False)}
    cons = {g.platnik: g.wartosc for g in BASE.gains("bezrobocie")}
    share = BASE.issue("bezrobocie").udzial_zatrudnienia.wartosc
    pension = worker_gain(BASE.wages, 2025).zus_pension
    assert full[Payer.ZUS_FP] - cons[Payer.ZUS_FP] == pytest.approx(pension * share, abs=0.05)
    assert full[Payer.GMINA] == cons[Payer.GMINA]


# --- in the results ------------------------------------------------------------------------

def test_gains_per_payer_add_up_to_the_gains_total_and_the_gain_lines() -> None:
    result = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=0, with_tornado=False)
    for r in result.issues:
        assert sum(r.npv_gains_by_payer) == pytest.approx(r.npv_gains, abs=1e-6)
        assert sum(pv_a - pv_z for _, pv_z, pv_a in r.gain_line_pv) == pytest.approx(
            r.npv_gains, abs=1e-6)
    t = result.totals
    assert sum(t.npv_gains_by_payer) == pytest.approx(t.npv_gains)
    assert t.npv_gains > 0
    table = tables.gains(result)
    assert table["różnica (NPV)"].sum() == pytest.approx(t.npv_gains)
    by_payer = tables.payer_gains(result).set_index("kod").loc["RAZEM"]
    assert by_payer.sum() == pytest.approx(t.npv_gains)


def test_scenario_switch_changes_only_the_zus_gain() -> None:
    data = Scenario.load(SAMPLE).dump()
    full = run_scenario(Scenario.model_validate(data | {"korzysci_ostrozne": False}),
                        monte_carlo_draws=0, with_tornado=False)
    cons = run_scenario(Scenario.model_validate(data), monte_carlo_draws=0, with_tornado=False)
    zus = PAYERS.index(Payer.ZUS_FP)
    for k in range(len(PAYERS)):
        if k == zus:
            assert full.totals.npv_by_payer[k] > cons.totals.npv_by_payer[k]
        else:
            assert full.totals.npv_by_payer[k] == pytest.approx(cons.totals.npv_by_payer[k])


def _with_share(share: float) -> ParameterBase:
    issue = BASE.issue("bezrobocie")
    own = [g for g in issue.korzysci if not g.id.startswith(DERIVED_PREFIX)]
    changed = issue.model_copy(update={"udzial_zatrudnienia": issue.udzial_zatrudnienia
                                       .model_copy(update={"wartosc": share})})
    changed = changed.model_copy(update={"korzysci": own + derived_gains(
        changed, BASE.wages, BASE.price_year, BASE.conservative_gains)})
    return replace(BASE, issues={**BASE.issues, "bezrobocie": changed})


SCENARIO = Scenario.model_validate({"jst": {"nazwa": "Gmina Testowa", "teryt": "1401011"},
                                    "kwestie": [{"kod": "bezrobocie", "osoby": 100,
                                                 "naplyw": 5}]})


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.booleans())
def test_npv_rises_with_the_employment_share(a: float, b: float, conservative: bool) -> None:
    """All payers, the gmina, the powiat, NFZ and ZUS gain from more workers; the state budget
    loses (it pays the JST shares, larger than the PIT), and its loss never outweighs the
    others' gain."""
    lo, hi = sorted((a, b))
    scenario = SCENARIO.model_copy(update={"conservative_gains": conservative})
    t = [run_scenario(scenario, _with_share(x), monte_carlo_draws=0, with_tornado=False)
         .totals for x in (lo, hi)]
    assert t[1].npv >= t[0].npv - 1e-6
    state = PAYERS.index(Payer.BUDZET_PANSTWA)
    for k, payer in enumerate(PAYERS):
        low, high = t[0].npv_by_payer[k], t[1].npv_by_payer[k]
        if payer == Payer.BUDZET_PANSTWA:
            assert high <= low + 1e-6
        else:
            assert high >= low - 1e-6, payer
    if hi - lo > 0.05:
        assert t[1].npv > t[0].npv  # the programme adds self-reliant persons: gains count
        assert t[1].npv_by_payer[state] < t[0].npv_by_payer[state]
    for x in t:  # signed gains per payer still add up to the total
        assert sum(x.npv_by_payer) == pytest.approx(x.npv, abs=1e-6)
        assert sum(x.npv_gains_by_payer) == pytest.approx(x.npv_gains, abs=1e-6)


def test_gains_are_looked_up_by_payer_like_costs() -> None:
    from kkz_xl.params.lookup import parameter_value

    lines = {g.id.removeprefix(DERIVED_PREFIX): g for g in _derived("bezrobocie")}
    assert parameter_value("bezrobocie", "korzysc_nfz") == pytest.approx(lines["nfz"].wartosc)
    # First-year amounts: the JST's PIT shares arrive from the third year, and so does the
    # state budget's outflow that pays them; its PIT comes from the first.
    assert parameter_value("bezrobocie", "korzysc_gmina") == 0.0
    assert parameter_value("bezrobocie", "korzysc_budzet_panstwa") == pytest.approx(
        lines["budzet_panstwa"].wartosc)
    assert parameter_value("bezrobocie", "korzysc_roczna") == pytest.approx(
        lines["nfz"].wartosc + lines["zus_fp"].wartosc + lines["budzet_panstwa"].wartosc)


def test_multi_state_gains_follow_the_lag_like_the_two_state_form() -> None:
    """On a multi-state model (niepełnosprawność) the JST shares, and the state's outflow that
    pays them, also arrive from the third year; the state's PIT from the first. Each gain
    line's flow is the persons in the gain states × the amount × the year's multiplier."""
    from kkz_xl.model.severity import resolve_states  # the multi-state inputs, as run uses them

    scenario = Scenario.load(SAMPLE)
    issue = next(i for i in scenario.issues if i.code == "niepelnosprawnosc")
    inp = resolve_states(issue, BASE, BASE.price_year)
    result = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False).issue(
        "niepelnosprawnosc")
    assert result.states is not None
    lag = int(BASE.wages.opoznienie_udzialow_jst.wartosc)
    lines = {g.id.removeprefix(DERIVED_PREFIX): g for g in BASE.gains("niepelnosprawnosc")}
    names = [line.name for line in result.lines]
    gain_states = inp.amounts[:, names.index(lines["gmina"].nazwa)] != 0
    persons = result.states.counts_a[:, gain_states].sum(-1)
    assert persons[:lag].any()  # there are workers in the first years
    for key, line in lines.items():
        j = names.index(line.nazwa)
        prof = line.profil or [1.0]
        per_year = [prof[min(t, len(prof) - 1)] for t in range(result.years)]
        expected = [-p * line.wartosc * m for p, m in zip(persons, per_year, strict=True)]
        assert result.line_a[:, j] == pytest.approx(expected, rel=1e-9, abs=1e-9), key
    shares = result.line_a[:, names.index(lines[STATE_SHARES].nazwa)]
    assert not shares[:lag].any() and (shares[lag:] > 0).all()  # an outflow: a positive cost


@pytest.mark.parametrize("years", [2, 3, 7])  # year 1: nobody self-reliant yet
def test_state_budget_gains_before_the_shares_arrive_and_loses_after(years: int) -> None:
    """Over a horizon within the lag the state only collects the PIT; from the third year it
    pays the shares too. The JST's gain and the state's outflow are one transfer: the gmina's,
    powiat's and state's share lines cancel but for the voivodeship's share."""
    scenario = SCENARIO.model_copy(update={"horizon": years})
    r = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False).issue("bezrobocie")
    lag = int(BASE.wages.opoznienie_udzialow_jst.wartosc)
    state = r.npv_gains_by_payer[PAYERS.index(Payer.BUDZET_PANSTWA)]
    pv = {line.name: pv_a - pv_z for line, pv_z, pv_a in r.gain_line_pv}
    names = {g.id.removeprefix(DERIVED_PREFIX): g.nazwa for g in _derived("bezrobocie")}
    if years <= lag:
        assert state > 0 and pv[names[STATE_SHARES]] == 0
    else:
        assert pv[names[STATE_SHARES]] < 0
        s = BASE.wages.udzialy_jst
        voivodeship = s.wojewodztwo.wartosc / (s.gmina.wartosc + s.powiat.wartosc
                                               + s.wojewodztwo.wartosc)
        transfer = pv[names["gmina"]] + pv[names["powiat"]] + pv[names[STATE_SHARES]]
        assert transfer == pytest.approx(voivodeship * pv[names[STATE_SHARES]], rel=1e-3)
    if years == 7:
        assert state < 0  # the default horizon: the outflow outweighs the PIT
