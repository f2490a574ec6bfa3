"""Start the add-in server in a child process on 127.0.0.1, port 0 (tests, benchmarks).

A child process, because xlwings chooses its decorators when it is first imported: the
server's interpreter must set ``XLWINGS_ON_SERVER`` before that, whatever the test process
has imported already. The server binds port 0 itself and reports the port it got
(``KKZ_PORT=<n>`` on its standard output), so parallel test processes never race for a port.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

PORT_LINE = re.compile(rb"^KKZ_PORT=(\d+)$", re.MULTILINE)


@dataclass
class RunningServer:
    """A started server: its base URL, its process and its log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def log_text(self) -> str:
        """What the server has logged so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def bound_port(process: subprocess.Popen[bytes], log: IO[bytes], timeout: float) -> int:
    """The port the server reports once it has bound its socket."""
    deadline = time.monotonic() + timeout
    while True:
        log.flush()
        log.seek(0)
        found = PORT_LINE.search(log.read())
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"add-in server exited early:\n{log.read().decode()}")
        if time.monotonic() > deadline:
            raise RuntimeError("add-in server did not report its port in time")
        time.sleep(0.05)


def _wait_until_up(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"add-in server exited early:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url + "/zdrowie", timeout=1.0) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"add-in server did not start in time:\n{server.log_text()}")
        time.sleep(0.1)


@contextmanager
def running_server(
    env: dict[str, str] | None = None, timeout: float = 60.0,
    command: list[str] | None = None, cwd: str | None = None,
) -> Iterator[RunningServer]:
    """``python -m kkz_xl.addin`` (or ``command``) on 127.0.0.1, port 0, with ``env`` added;
    stopped on exit.

    Variables ``KKZ_*`` and ``XLWINGS_*`` of this process are not passed on, so only ``env``
    configures the child."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("KKZ_", "XLWINGS_"))}
    child_env.update({"KKZ_SERVER_HOST": "127.0.0.1", "KKZ_SERVER_PORT": "0"})
    child_env.update(env or {})
    # A file, not a pipe: a pipe nobody reads would stall the server once its log fills it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command or [sys.executable, "-m", "kkz_xl.addin"],
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,  # a worker supervisor and its workers stop together
        )
        server = RunningServer(url="", process=process, log=log)
        try:
            server.url = f"http://127.0.0.1:{bound_port(process, log, timeout)}"
            _wait_until_up(server, timeout)
            yield server
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (its workers too), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
