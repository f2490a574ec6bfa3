"""Running the server with uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from kkz_xl.addin.settings import AddinSettings, load_settings


def serve(settings: AddinSettings | None = None) -> int:
    """Serve until interrupted; returns the process exit code."""
    from kkz_xl.addin.app import create_app  # imported here: it switches xlwings' mode

    settings = settings or load_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        # Office keeps connections open; bounded so a stuck client cannot hold a slot forever.
        timeout_keep_alive=30,
        limit_concurrency=500,
    )
    uvicorn.Server(config).run()
    return 0
