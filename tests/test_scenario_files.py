"""load_scenario: scenario files read by the model, other formats by the layer registering them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kkz_xl.errors import InputError
from kkz_xl.model import scenario_files
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.scenario_files import load_scenario, register_reader

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"


def test_yaml_and_json_give_the_same_scenario(tmp_path: Path) -> None:
    from_yaml = load_scenario(SAMPLE)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(from_yaml.dump(), ensure_ascii=False), encoding="utf-8")
    assert load_scenario(path) == from_yaml


def test_unknown_suffix_refused_in_polish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setattr(scenario_files, "_READERS", {})
    with pytest.raises(InputError, match=r"oczekiwano pliku scenariusza \(\.yaml, \.yml, "
                                         r"\.json\)$"):
        load_scenario(tmp_path / "dane.csv")


def test_registered_reader_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario_files, "_READERS", {})
    seen: list[Path] = []

    def reader(path: Path) -> Scenario:
        seen.append(path)
        return Scenario.load(SAMPLE)

    register_reader([".XLSM"], reader)
    assert load_scenario(tmp_path / "Kalkulator.xlsm").jst.name == Scenario.load(SAMPLE).jst.name
    assert seen == [tmp_path / "Kalkulator.xlsm"]
    with pytest.raises(InputError, match=r"albo wypełnionego Kalkulatora KKZ \(\.xlsm\)"):
        load_scenario(tmp_path / "dane.ods")


def test_workbook_module_registers_the_calculator() -> None:
    from kkz_xl.workbook import scenario as workbook_scenario

    for suffix in workbook_scenario.WORKBOOK_SUFFIXES:
        assert scenario_files._READERS[suffix] is workbook_scenario.read_scenario
