"""The general form through its user-facing spec: validation, equality with the two-state
model, gross and net savings, and the ``kkz model-ogolny`` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.engine.general import run_general
from kkz_xl.engine.run import run_inputs
from kkz_xl.errors import InputError
from kkz_xl.model.general import GeneralIssue
from kkz_xl.model.inputs import IssueInputs


def _two_state_as_general(q: float, s: float, e: float, r: float, **extra: object) -> dict:
    qa = q + e * s * (1 - q)
    return {
        "nazwa": "Dwa stany", "stany": ["zależny", "samodzielny"], "samodzielne": ["samodzielny"],
        "osoby": [100.0, 0.0], "naplyw": [4.0, 0.0],
        "przejscia_zaniechanie": [[1 - q, q], [r, 1 - r]],
        "przejscia_dzialanie": [[1 - qa, qa], [r, 1 - r]],
        "objeci": [e, 0.0], "koszt_uczestnika": 5_000.0, "horyzont": 6, "stopa": 0.035,
        "koszty": [{"nazwa": "zasiłki", "platnik": "gmina", "kwoty": [10_000.0, 0.0]},
                   {"nazwa": "świadczenia", "platnik": "budzet_panstwa", "kwoty": [4_000.0, 0.0]}],
        **extra,
    }


@pytest.mark.parametrize("repeat", [False, True])
def test_two_states_equal_the_two_state_model(repeat: bool) -> None:
    spec = GeneralIssue.model_validate(_two_state_as_general(0.1, 0.3, 0.6, 0.05,
                                                             powtarzaj=repeat))
    general = run_general(spec)
    item = IssueInputs.model_validate({
        "osoby": 100.0, "odplyw": 0.1, "skutecznosc": 0.3, "zasieg": 0.6, "nawroty": 0.05,
        "naplyw": 4.0, "koszt_uczestnika": 5_000.0, "powtarzaj": repeat,
        "koszty": [{"platnik": "gmina", "kwota": 10_000.0},
                   {"platnik": "budzet_panstwa", "kwota": 4_000.0}],
    })
    two = run_inputs(item, 6, 0.035)
    assert float(general.indicators.npv) == pytest.approx(two.npv, rel=1e-12)
    assert general.indicators.npv_by_payer.tolist() == pytest.approx(two.npv_by_payer, rel=1e-12)
    assert general.net_savings == pytest.approx(general.gross_savings - two.pv_programme)


def test_sample_linked_problems_runs_and_keeps_people() -> None:
    sample = Path(__file__).resolve().parents[1] / "kkz_xl/sample/model_ogolny_powiazane.yaml"
    spec = GeneralIssue.load(sample)
    result = run_general(spec)
    totals = result.flows.counts_z.sum(-1)
    inflow = sum(spec.inflow or [])
    assert totals.tolist() == pytest.approx([sum(spec.persons) + inflow * t
                                             for t in range(spec.horizon)])
    # Homelessness is more costly than unemployment: fewer homeless with action than without.
    assert result.flows.counts_a[-1, 2] < result.flows.counts_z[-1, 2]


@pytest.mark.parametrize(("change", "message"), [
    ({"przejscia_zaniechanie": [[0.5, 0.4], [0.0, 1.0]]},
     "wiersz stanu „zależny” sumuje się do 0,9, a musi do 1"),
    ({"objeci": [0.5]}, "objeci: oczekiwano 2 wartości"),
    ({"samodzielne": ["wolny"]}, "samodzielne: nieznane stany wolny"),
    ({"przejscia_dzialanie": [[1.2, -0.2], [0.0, 1.0]]}, "oczekiwano liczby od 0 do 1"),
    ({"koszty": [{"platnik": "gmina", "kwoty": [1.0, 2.0, 3.0]}]},
     "koszty[1].kwoty: oczekiwano 2 wartości"),
    ({"stany": ["a", "a"]}, "nazwy stanów muszą być różne"),
])
def test_bad_specs_name_the_field(tmp_path: Path, change: dict, message: str) -> None:
    import yaml

    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(_two_state_as_general(0.1, 0.3, 1.0, 0.0) | change,
                                   allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        GeneralIssue.load(path)
    assert message in str(err.value)


def test_command_prints_working_and_writes_xlsx(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "og.xlsx"
    result = CliRunner().invoke(app, ["model-ogolny", "-w", str(out)])
    assert result.exit_code == 0, result.output
    assert "oszczędności brutto" in result.output and "bezdomny" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Stany – zaniechanie", "Stany – działanie", "Koszty", "Wskaźniki"]
