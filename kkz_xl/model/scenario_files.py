"""Reading a scenario from whatever file a user hands in.

A scenario file (YAML, JSON) is read here. Other formats belong to the layer that knows them
(a filled calculator workbook is read by ``kkz_xl.workbook``), which registers its reader with
:func:`register_reader`; the model never imports those layers, so data keeps flowing one way.
The screens (the CLI) import the readers they offer before loading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario

ScenarioReader = Callable[[Path], Scenario]

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
_READERS: dict[str, ScenarioReader] = {}


def register_reader(suffixes: Iterable[str], reader: ScenarioReader) -> None:
    """Read files ending in ``suffixes`` (lower case, with the dot) with ``reader``."""
    for suffix in suffixes:
        _READERS[suffix.lower()] = reader


def known_suffixes() -> tuple[str, ...]:
    """Every suffix :func:`load_scenario` accepts now, scenario files first."""
    return (*SCENARIO_SUFFIXES, *(s for s in _READERS if s not in SCENARIO_SUFFIXES))


def load_scenario(path: Path) -> Scenario:
    """A scenario from a YAML/JSON file or from any registered format (a filled calculator
    workbook, .xlsm/.xlsx, once ``kkz_xl.workbook.scenario`` is imported)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in SCENARIO_SUFFIXES:
        return Scenario.load(path)
    if suffix in _READERS:
        return _READERS[suffix](path)
    extra = [s for s in known_suffixes() if s not in SCENARIO_SUFFIXES]
    also = f" albo wypełnionego Kalkulatora KKZ ({', '.join(extra)})" if extra else ""
    raise InputError(str(path), f"oczekiwano pliku scenariusza "
                                f"({', '.join(SCENARIO_SUFFIXES)}){also}")
