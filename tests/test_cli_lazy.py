"""``kkz --help`` loads no command module; each command loads its own when it runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kkz_xl.cli.lazy import load_module_commands
from kkz_xl.cli.main import COMMANDS, app

CLI = Path(__file__).resolve().parents[1] / "kkz_xl" / "cli"
HEAVY = ("numpy", "pandas", "openpyxl", "xlwings", "pydantic", "docx", "yaml",
         "kkz_xl.engine", "kkz_xl.params", "kkz_xl.cli.calc", "kkz_xl.cli.common")


def _loaded_after(args: list[str]) -> list[str]:
    code = ("import json, sys\nfrom kkz_xl.cli.main import app\ntry:\n"
            f"    app({args!r})\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_root_help_imports_nothing_heavy() -> None:
    assert _loaded_after(["--help"]) == []


def test_a_command_loads_only_its_module() -> None:
    loaded = _loaded_after(["parametry", "--help"])
    assert "kkz_xl.cli.calc" not in loaded and "pandas" not in loaded


def test_listing_matches_each_command_own_help() -> None:
    """The one-line help in main.COMMANDS is the command's own (first paragraph)."""
    for command in COMMANDS:
        real = load_module_commands(command.module)[command.name]
        own = (real.short_help or real.help or "").split("\n\n")[0].strip()
        assert command.help == own, command.name


def test_every_registered_command_is_listed() -> None:
    listed = {c.name for c in COMMANDS}
    modules = sorted(p.stem for p in CLI.glob("*.py")
                     if "def register(" in p.read_text(encoding="utf-8"))
    assert modules == sorted({c.module for c in COMMANDS})
    for module in modules:
        assert set(load_module_commands(module)) <= listed, module


def test_a_lazy_command_runs_with_its_options(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["szkolenia", "przyklad", str(tmp_path / "s.yaml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.yaml").read_text(encoding="utf-8").strip()
