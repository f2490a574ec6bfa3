"""The Excel function contract read from ``tests/data/excel_contract.yaml`` (one file for the
UDF-module test and the add-in server test)."""

from __future__ import annotations

from pathlib import Path

import yaml

CONTRACT_FILE = Path(__file__).with_name("data") / "excel_contract.yaml"


def _load() -> tuple[list[str], dict[str, list[str]]]:
    data = yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))
    model = list(data["model_args"])
    states = list(data["state_args"])
    groups = {"model": model, "model_without_s": [a for a in model if a != "skutecznosc"],
              "states": states,
              "states_without_s": [a for a in states if a != "skutecznosc"]}
    functions = {}
    for name, args in data["functions"].items():
        functions[name] = [a for arg in args for a in groups.get(arg, [arg])]
    return model, functions


#: The eleven model arguments, in order.
MODEL_ARGS, CONTRACT = _load()
#: The functions that take the model arguments (they all end with ``korzysc_roczna``).
MODEL_FUNCTIONS = sorted(n for n, args in CONTRACT.items() if args[:3] == MODEL_ARGS[:3])
