"""A filled calculator workbook read back as a scenario: the same figures as the scenario it
was filled from, budget rozdziały kept, and `kkz strategia` accepts the workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.engine.run import run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario
from kkz_xl.reporting import tables
from kkz_xl.workbook.build import write_workbook
from kkz_xl.workbook.inputs import from_scenario
from kkz_xl.workbook.scenario import read_scenario

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "kalkulator.xlsm"
    write_workbook(path, from_scenario(Scenario.load(SAMPLE)))
    return path


def test_read_back_gives_the_same_figures(filled: Path) -> None:
    original = run_scenario(Scenario.load(SAMPLE).in_two_state_form(), monte_carlo_draws=0,
                            with_tornado=False)
    scenario = read_scenario(filled)
    again = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    assert scenario.jst.name == "Gmina Przykładowa" and scenario.jst.teryt == "1499012"
    assert sorted(i.code for i in again.issues) == sorted(i.code for i in original.issues)
    for a in again.issues:
        b = original.issue(a.code)
        assert a.npv == pytest.approx(b.npv, rel=1e-9), a.code
        assert a.npv_by_payer == pytest.approx(b.npv_by_payer, rel=1e-9, abs=1e-6), a.code
    budget = tables.budget(again)
    assert {"85214", "85508", "85203"} <= set(budget["rozdział"])


def test_unfilled_workbook_is_a_polish_error(tmp_path: Path) -> None:
    blank = tmp_path / "pusty.xlsm"
    write_workbook(blank)
    with pytest.raises(InputError, match="nie podano liczby osób dla żadnej kwestii"):
        read_scenario(blank)


def test_strategy_from_the_workbook(tmp_path: Path, filled: Path) -> None:
    result = CliRunner().invoke(app, ["strategia", str(filled), "-o", str(tmp_path),
                                      "--losowania", "200"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "strategia_1499012_gmina_przykladowa.docx").is_file()
