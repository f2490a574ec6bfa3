"""Opening a workbook in LibreOffice headless as on a PC without this project's Python (no
add-in): what it shows comes from the file's cached values, or from its own recalculation
with a profile that asks for one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice_or_skip() -> str:
    """The LibreOffice executable; a test without it is skipped (failed when CI is set)."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required when CI is set")
        pytest.skip("LibreOffice (soffice) not installed")
    return path


def no_python_env(home: Path) -> dict[str, str]:
    """The environment of a PC without this project's Python: no PYTHONPATH, no venv."""
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if ".venv" not in p)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, "PATH": path, "HOME": str(home)}


def convert(soffice: str, book: Path, target: str, out: Path, profile: Path) -> None:
    """``soffice --convert-to target`` of ``book`` into ``out`` with the profile directory
    ``profile`` (its parent is the home directory), without this project's Python."""
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", target, "--outdir", str(out), str(book)], check=True,
                   capture_output=True, timeout=300, env=no_python_env(profile.parent))
