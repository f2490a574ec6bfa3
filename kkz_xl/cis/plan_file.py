"""A CIS plan file (YAML): the calculator's inputs, the monitoring schedule and the graduates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kkz_xl.cis.financing import CisInput
from kkz_xl.cis.monitoring import Graduate, Schedule, standard_2011
from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_validation_message
from kkz_xl.storage.datafile import load_shipped, read_data


class CisPlan(BaseModel):
    """Everything one CIS keeps in its plan file."""

    model_config = ConfigDict(extra="forbid")

    kalkulator: CisInput
    harmonogram: Schedule = Field(default_factory=standard_2011)
    absolwenci: list[Graduate] = []


def load_plan(path: Path) -> CisPlan:
    """Read and validate a plan file; errors in Polish with the field path."""
    data = _read(Path(path))
    try:
        plan = CisPlan.model_validate(data)
    except ValidationError as err:
        raise InputError(str(path), "błędy w pliku:\n" + polish_validation_message(err)) from None
    ids = [g.id for g in plan.absolwenci]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InputError(f"{path}: absolwenci", f"powtórzone id: {', '.join(dup)}")
    return plan


def sample_plan() -> CisPlan:
    """The sample shipped with the package."""
    return load_shipped(resources.files("kkz_xl.cis") / "sample" / "cis.yaml", CisPlan)


def _read(path: Path) -> Any:
    return read_data(path)
