"""Running the server with uvicorn: one process, or ``workers`` processes sharing one socket
(uvicorn's own supervisor restarts a worker that dies).

With several workers each process builds its app from the environment (:func:`worker_app`),
so :func:`serve` puts the settings there first. The port actually bound (``port: 0`` means any
free one) is announced on standard output as ``KKZ_PORT=<n>`` before the first request can
arrive.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from kkz_xl.addin.settings import AddinSettings, load_settings

PORT_LINE = "KKZ_PORT="
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging() -> None:
    """The server's log on standard error: warnings, errors and the access log."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)


def worker_app() -> Any:
    """The app of one worker process (uvicorn calls this factory in each of them)."""
    from kkz_xl.addin.app import create_app  # imported here: it switches xlwings' mode

    configure_logging()
    return create_app(load_settings())


def _uvicorn_config(settings: AddinSettings, app: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        workers=settings.workers,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        # uvicorn's own access log has the client's address: ours (kkz_xl.addin.dostep) not.
        access_log=False,
        server_header=False,
        # Office keeps connections open; bounded so a stuck client cannot hold a slot forever.
        timeout_keep_alive=30,
        limit_concurrency=500,
    )


def _announce(sock: socket.socket) -> None:
    print(f"{PORT_LINE}{sock.getsockname()[1]}", flush=True)


def _bind(settings: AddinSettings) -> tuple[socket.socket, AddinSettings]:
    """The listening socket, and the settings with the port it got (for port 0)."""
    sock = _uvicorn_config(settings, None).bind_socket()
    port = int(sock.getsockname()[1])
    _announce(sock)
    return sock, settings.model_copy(update={"port": port})


def serve(settings: AddinSettings | None = None) -> int:
    """Serve until interrupted; returns the process exit code."""
    settings = settings or load_settings()
    configure_logging()
    sock, settings = _bind(settings)
    if settings.workers == 1:
        # Imported here: importing the app switches xlwings into server mode.
        from kkz_xl.addin.app import create_app

        server = uvicorn.Server(_uvicorn_config(settings, create_app(settings)))
        server.run(sockets=[sock])
        return 0 if server.started else 1
    os.environ.update(settings.to_env())
    config = _uvicorn_config(settings, "kkz_xl.addin.run:worker_app")

    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[sock]).run()
    sys.stdout.flush()
    return 0
