"""The container image's commands, run without Docker (no image registry here): the files the
Dockerfile copies are installed as a package (not editable, as ``pip install .`` in the image),
the server starts with the image's environment from its CMD, answers a call, and the image's
HEALTHCHECK command passes against it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.addin_server import running_server

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
CALL = "/xlwings/custom-functions-call"


def _instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in _instructions():
        if word == "ENV":
            env.update(dict(part.split("=", 1) for part in shlex.split(rest)))
    return env


def test_the_image_is_python_311_slim_and_runs_unprivileged() -> None:
    steps = _instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert ("USER", "kkz") in steps
    assert any(w == "HEALTHCHECK" for w, _ in steps)
    assert _env()["KKZ_SERVER_HOST"] == "0.0.0.0"


def test_the_images_commands_install_start_and_pass_the_health_check(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    for word, rest in _instructions():
        if word == "COPY":
            *sources, _ = rest.split()
            for source in sources:
                src = ROOT / source
                if src.is_dir():
                    shutil.copytree(src, app / source, ignore=shutil.ignore_patterns(
                        "__pycache__"))
                else:
                    shutil.copy(src, app / source)
    site = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                            "--target", str(site), "."], cwd=app, capture_output=True,
                           text=True, timeout=300, check=False)
    if built.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(built.stderr)
        pytest.skip(f"pip could not build the package here: {built.stderr[-300:]}")
    assert (site / "kkz_xl" / "addin" / "static" / "custom-functions-code.js").exists()
    env = _env()
    env["KKZ_UDFS_DIR"] = str(app / "udfs")  # /app/udfs in the image
    env["KKZ_SERVER_HOST"] = "127.0.0.1"  # the image's 0.0.0.0, kept on loopback here
    env["KKZ_SERVER_PORT"] = "0"
    env["PYTHONPATH"] = str(site)  # the installed copy, not this checkout
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    cmd = next(rest for word, rest in _instructions() if word == "CMD")
    argv = [str(a) for a in json.loads(cmd)]
    assert argv == ["kkz", "serwer"]
    kkz = [sys.executable, "-c", "from kkz_xl.cli.main import app; app()"]
    # Started outside both checkouts, so `python -c` cannot import kkz_xl from its folder.
    with running_server(env, command=[*kkz, *argv[1:]], cwd=str(tmp_path)) as server:
        assert "2 procesy" in server.log_text()  # KKZ_SERVER_WORKERS=2 from the image
        answer = httpx.post(server.url + CALL, json={
            "client": "Office.js", "func_name": "kkz_koszt_zaniechania",
            "args": [[[100]], [[10000]], [[0.1]], [[0.3]], [[5000]], [[3]], [[0]]],
            "version": "x", "runtime": "1.4"}, timeout=30)
        assert answer.json() == {"result": [[13000.0]]}
        health = next(rest for word, rest in _instructions() if word == "HEALTHCHECK")
        check = shlex.split(health.split(" CMD ", 1)[1])
        assert check[0] == "python"
        port = server.url.rsplit(":", 1)[1]
        done = subprocess.run([sys.executable, *check[1:]], env={**env, "KKZ_SERVER_PORT": port},
                              capture_output=True, text=True, timeout=30, check=False,
                              cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        from_package = subprocess.run(
            [sys.executable, "-c", "import kkz_xl; print(kkz_xl.__file__)"], env=env,
            capture_output=True, text=True, timeout=30, check=True, cwd=tmp_path).stdout
        assert from_package.startswith(str(site))
