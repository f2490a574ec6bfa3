"""Scenarios: files, resolution from the parameter base, price years, Polish errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kkz_xl.engine.run import run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario
from kkz_xl.params.base import default_base
from kkz_xl.reporting import export, tables

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"


def _minimal(**issue: object) -> dict:
    return {"jst": {"nazwa": "Gmina Testowa", "teryt": "1401011"}, "rok_cen": 2025,
            "kwestie": [{"kod": "bezrobocie", "osoby": 50, **issue}]}


def test_sample_covers_every_issue_and_runs() -> None:
    scenario = Scenario.load(SAMPLE)
    assert [i.code for i in scenario.issues] == sorted(
        default_base().issues, key=[i.code for i in scenario.issues].index)
    assert set(i.code for i in scenario.issues) == set(default_base().issues)
    result = run_scenario(scenario, monte_carlo_draws=500)
    assert result.totals.npv == pytest.approx(sum(r.npv for r in result.issues))
    assert sum(result.totals.npv_by_payer) == pytest.approx(result.totals.npv)
    assert result.totals.monte_carlo is not None


def test_round_trip_yaml_and_json(tmp_path: Path) -> None:
    scenario = Scenario.load(SAMPLE)
    for name in ("s.yaml", "s.json"):
        scenario.save(tmp_path / name)
        assert Scenario.load(tmp_path / name) == scenario


def test_base_values_are_indexed_to_the_price_year() -> None:
    s25 = Scenario.model_validate(_minimal())
    s24 = Scenario.model_validate({**_minimal(), "rok_cen": 2024})
    c25 = s25.resolve()[0].inputs
    c24 = s24.resolve()[0].inputs
    assert c24.costs[0].amount == pytest.approx(c25.costs[0].amount / 1.036)
    assert c24.programme_cost == pytest.approx(c25.programme_cost / 1.036)
    assert c24.exit_rate == c25.exit_rate


def test_resolution_reports_what_came_from_the_base() -> None:
    resolved = Scenario.model_validate(_minimal(odplyw=0.3, skutecznosc=0.25)).resolve()[0]
    assert resolved.inputs.exit_rate == 0.3 and resolved.inputs.success == 0.25
    assert "odplyw" not in resolved.from_base and "skutecznosc" not in resolved.from_base
    assert {"nawroty", "koszty", "koszt_uczestnika"} <= set(resolved.from_base)


def test_programme_choice() -> None:
    resolved = Scenario.model_validate(_minimal(program="kis")).resolve()[0]
    kis = next(p for p in default_base().issue("bezrobocie").programy if p.id == "kis")
    assert resolved.inputs.success == kis.skutecznosc.wartosc
    with pytest.raises(InputError, match=r"kwestie\[1\]\.program: nieznany program"):
        Scenario.model_validate(_minimal(program="xyz")).resolve()


@pytest.mark.parametrize(("content", "message"), [
    ("jst: {nazwa: A}\n", "jst.nazwa: tekst za krótki"),
    ("jst: {nazwa: Gmina, teryt: '14'}\nkwestie: [{kod: bezrobocie, osoby: 1}]\n",
     "jst.teryt: niepoprawny format"),
    ("jst: {nazwa: Gmina, teryt: '1401011'}\nkwestie: [{kod: bezrobocie, osoby: -1}]\n",
     "kwestie[1].osoby: oczekiwano liczby nieujemnej"),
    ("jst: {nazwa: Gmina, teryt: '1401011'}\nkwestie: [{kod: bezrobocie, osoby: 1, "
     "skutecznosc: '30%'}]\n", "kwestie[1].skutecznosc: oczekiwano liczby"),
    ("jst: {nazwa: Gmina, teryt: '1401011'}\nkwestie: [{kod: bezrobocie, osob: 1}]\n",
     "kwestie[1].osoby: pole wymagane"),
    ("jst: {nazwa: Gmina, teryt: '1401011'}\nkwestie: [{kod: bezrobocie, osoby: 1}, "
     "{kod: bezrobocie, osoby: 2}]\n", "kwestia podana więcej niż raz: bezrobocie"),
    ("jst: {nazwa: Gmina, teryt: '1401011'}\nhoryzont: 80\nkwestie: [{kod: ubostwo, osoby: 1}]\n",
     "horyzont: oczekiwano liczby całkowitej od 1 do 50"),
    ("jst: [unclosed\n", "plik nie jest poprawnym YAML/JSON"),
])
def test_bad_scenario_files_name_the_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        Scenario.load(path)
    assert message in str(err.value)


def test_unknown_issue_code() -> None:
    with pytest.raises(InputError, match=r"kwestie\[1\]\.kod: nieznany kod kwestii"):
        Scenario.model_validate(_minimal() | {"kwestie": [{"kod": "xx", "osoby": 1}]}).resolve()


def test_budget_table_adds_up_to_the_flows() -> None:
    result = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=0, with_tornado=False)
    budget = tables.budget(result)
    assert budget["wydatki – zaniechanie"].sum() == pytest.approx(
        sum(r.cost_z.sum() for r in result.issues))
    assert budget["wydatki – działanie"].sum() == pytest.approx(
        sum(r.cost_a.sum() for r in result.issues))
    assert set(budget["rok"]) == set(range(1, result.horizon + 1))
    # Every classified line belongs to its dział.
    classified = budget[budget["rozdział"].str.isdigit()]
    assert (classified["dział"] == classified["rozdział"].str[:3]).all()


def test_exports(tmp_path: Path) -> None:
    import json

    import openpyxl

    result = run_scenario(Scenario.load(SAMPLE), monte_carlo_draws=200, with_tornado=False)
    for ext in export.FORMATS:
        export.write(result, tmp_path / f"w{ext}")
    data = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert data["Podsumowanie"][-1]["koszt zaniechania (NPV)"] == pytest.approx(result.totals.npv)
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert wb.sheetnames == ["Podsumowanie", "Przepływy", "Płatnicy", "Korzyści",
                             "Korzyści według płatnika", "Budżet"]
    # Gains are their own lines, and they add up to the gains' part of the total NPV.
    assert sum(r["różnica (NPV)"] for r in data["Korzyści"]) == pytest.approx(
        result.totals.npv_gains)
    assert data["Podsumowanie"][-1]["w tym korzyści fiskalne (NPV)"] == pytest.approx(
        result.totals.npv_gains)
    csv = (tmp_path / "w.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("kod;kwestia;osoby")
    with pytest.raises(InputError, match=r"nieobsługiwany format \.pdf"):
        export.write(result, tmp_path / "w.pdf")
