"""A Katalog programme pulled into a scenario: values set, the author's comments kept, errors
in Polish, the previous file backed up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.scenario_edit import set_programme

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
runner = CliRunner()


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return Path(shutil.copy(SAMPLE, tmp_path / "gmina.yaml"))


def test_set_programme_keeps_comments_and_validates(scenario: Path) -> None:
    original = scenario.read_text(encoding="utf-8")
    before, after, backup = set_programme(scenario, "bezrobocie", "Klub „Start” & Co", 4_800.0,
                                          0.31)
    text = scenario.read_text(encoding="utf-8")
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in text for c in comments)
    issue = next(i for i in Scenario.load(scenario).issues if i.code == "bezrobocie")
    assert (issue.programme_name, issue.programme_cost, issue.success) == (
        "Klub „Start” & Co", 4_800.0, 0.31)
    assert after.issues[1] == issue and before.issues[1].programme_cost is None
    assert backup is not None and backup.read_text(encoding="utf-8") == original


def test_bad_values_leave_the_file_untouched(scenario: Path) -> None:
    original = scenario.read_bytes()
    with pytest.raises(InputError, match="kwestia: scenariusz nie zawiera kwestii 'xyz'"):
        set_programme(scenario, "xyz", "P", 1.0, 0.1)
    with pytest.raises(InputError, match=r"kwestie\[2\]\.skutecznosc: oczekiwano liczby od 0 do 1"):
        set_programme(scenario, "bezrobocie", "P", 1.0, 1.5)
    assert scenario.read_bytes() == original


def test_command_from_the_sample_catalogue(tmp_path: Path, scenario: Path) -> None:
    catalogue = tmp_path / "kat.xlsx"
    assert runner.invoke(app, ["katalog", "utworz", str(catalogue), "--przyklad"]).exit_code == 0
    result = runner.invoke(app, ["katalog", "do-scenariusza", str(catalogue), "K-001",
                                 str(scenario)])
    assert result.exit_code == 0, result.output
    assert "Koszt zaniechania (NPV) tej kwestii" in result.output
    missing = runner.invoke(app, ["katalog", "do-scenariusza", str(catalogue), "K-999",
                                  str(scenario)])
    assert missing.exit_code == 2 and "nie ma programu o identyfikatorze 'K-999'" in missing.output
