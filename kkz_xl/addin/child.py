"""Start the add-in server on a free loopback port in a child process (tests, benchmarks).

A child process, because xlwings chooses its decorators when it is first imported: the
server's interpreter must set ``XLWINGS_ON_SERVER`` before that, whatever the test process
has imported already.
"""

from __future__ import annotations

import os
import socket
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


def free_port() -> int:
    """A loopback TCP port nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
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
    env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[RunningServer]:
    """``python -m kkz_xl.addin`` on 127.0.0.1:<free port> with ``env`` added; stopped on exit.

    Variables ``KKZ_*`` and ``XLWINGS_*`` of this process are not passed on, so only ``env``
    configures the child."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("KKZ_", "XLWINGS_"))}
    child_env.update({"KKZ_SERVER_HOST": "127.0.0.1", "KKZ_SERVER_PORT": str(port)})
    child_env.update(env or {})
    # A file, not a pipe: a pipe nobody reads would stall the server once its log fills it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kkz_xl.addin"],
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = RunningServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
        try:
            _wait_until_up(server, timeout)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
