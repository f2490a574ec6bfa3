"""Switch xlwings' UDF decorators into their Office.js (server) form for this process.

On Linux and macOS ``@xw.func`` is a no-op unless ``XLWINGS_ON_SERVER=true`` was set before
the first ``import xlwings``; then the decorators come from ``xlwings.server``, which also
wants the free ``noncommercial`` licence key (PolyForm Noncommercial, which permits use by
government institutions). The choice is made once, at import time, so it must happen here,
before anything imports xlwings.
"""

from __future__ import annotations

import importlib.util
import os
import sys

SERVER_ENV: dict[str, str] = {
    "XLWINGS_ON_SERVER": "true",
    # The licence key xlwings documents for noncommercial use; a commercial key set by the
    # operator in the environment wins.
    "XLWINGS_LICENSE_KEY": "noncommercial",
}


def server_mode_possible() -> bool:
    """True when this process can still serve the UDFs: xlwings not yet imported, or imported
    already in server mode."""
    xlwings = sys.modules.get("xlwings")
    return xlwings is None or bool(getattr(xlwings, "on_server", False))


def enable_server_mode() -> None:
    """Set the environment xlwings reads at import; fail loudly if it is too late for that."""
    for key, value in SERVER_ENV.items():
        if key == "XLWINGS_ON_SERVER":
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)
    # xlwings tries ``from pyodide.ffi import JsNull`` for every argument cell; outside
    # Pyodide that import fails each time after a search of sys.path (failures are not
    # cached), which was two thirds of a call's time. A None entry makes it fail at once.
    if "pyodide" not in sys.modules and importlib.util.find_spec("pyodide") is None:
        sys.modules["pyodide"] = None  # type: ignore[assignment]
    if not server_mode_possible():
        raise RuntimeError(
            "xlwings was imported before server mode was enabled; start the add-in server "
            "in a fresh interpreter (python -m kkz_xl.addin)"
        )
