"""``python -m kkz_xl.addin``: run the add-in server in a fresh interpreter.

``kkz serwer`` uses this when xlwings was already imported in its own process (then the UDF
decorators could no longer be switched to server mode). Settings come from the environment
and ``KKZ_SERVER_CONFIG``.
"""

from __future__ import annotations

from kkz_xl.addin.server_mode import enable_server_mode

enable_server_mode()

from kkz_xl.addin.run import serve  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(serve())
