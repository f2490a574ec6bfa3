"""Shared fixtures: the worked example of ``docs/metoda.md`` ("Przykład do sprawdzenia
ręcznie") and the UDF module on the path."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

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



def _shares_a_fixture(path: Path) -> bool:
    """Whether a test module defines a module-, class- or package-scoped fixture."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("fixture"):
            for kw in node.keywords:
                if (kw.arg == "scope" and isinstance(kw.value, ast.Constant)
                        and kw.value.value in ("module", "class", "package")):
                    return True
    return False


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``-n`` without ``--dist``: xdist's ``load``, except that a module with a module-scoped
    fixture goes to one worker whole, so its expensive build (a workbook loaded into
    ``formulas``, a server, a LibreOffice run) is made once instead of once per worker. Those
    modules are sent first, largest first; every other test is spread one by one. (xdist's own
    ``loadgroup`` would do this, but it no longer groups under pytest 9.2: pytest-xdist#1386.)"""
    if config.getvalue("dist") != "load":
        return None  # an explicit --dist is obeyed
    from xdist.scheduler import LoadScopeScheduling

    grouped = {f"tests/{p.name}" for p in ROOT.joinpath("tests").glob("test_*.py")
               if _shares_a_fixture(p)}

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in grouped else nodeid

    return SharedFixtureScheduling(config, log)
