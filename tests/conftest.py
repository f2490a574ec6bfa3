"""Shared fixtures: the worked example of ``docs/metoda.md`` ("Przykład do sprawdzenia
ręcznie") and the UDF module on the path."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "udfs"))

from kkz_xl.engine.run import stack  # noqa: E402
from kkz_xl.engine.two_state import TwoStateParams  # noqa: E402
from kkz_xl.model.inputs import IssueInputs  # noqa: E402

# docs/metoda.md's worked example:
# N=100, c=10 000, q=0.1, s=0.3, c_p=5 000, e=1, r=0, a=0, T=3, rho=0.
WORKED = dict(osoby=100.0, koszty=[{"platnik": "gmina", "kwota": 10_000.0}], odplyw=0.1,
              skutecznosc=0.3, koszt_uczestnika=5_000.0)
WORKED_ARGS = (100, 10_000, 0.1, 0.3, 5_000, 3, 0)


@pytest.fixture
def worked_inputs() -> IssueInputs:
    return IssueInputs.model_validate(WORKED)


@pytest.fixture
def worked_params(worked_inputs: IssueInputs) -> TwoStateParams:
    params, _ = stack([worked_inputs], 3, 0.0)
    return params


def first(p: TwoStateParams) -> TwoStateParams:
    """The first scenario of a batch, as a scalar batch."""
    return TwoStateParams(**{f: np.asarray(getattr(p, f))[0] for f in p.__dataclass_fields__})


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI output in tests is read as text: a wide console keeps table cells whole whatever
    width the first test happened to create the shared console with."""
    from kkz_xl.cli import common

    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "width", 250)
