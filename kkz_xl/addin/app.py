"""The Office.js add-in server: FastAPI on the xlwings Server paths.

Routes: ``/xlwings/custom-functions-meta.json`` (the functions' metadata),
``/xlwings/custom-functions-code.js`` (the glue script), ``/xlwings/custom-functions-call``
(one call), ``/manifest.xml``, ``/taskpane.html``, ``/ikony/kkz-<n>.png`` and ``/zdrowie``
(also ``/health``: a health check). Under a path prefix (``public_url`` ``https://host/kkz``)
the same routes answer with and without the prefix, so the reverse proxy may pass it on or
strip it. Built once per process by :func:`create_app` (``create_app`` is also the factory
each worker process calls); the UDF module is imported then, with xlwings in server mode.

The access log (logger ``kkz_xl.addin.dostep``) has one line per request: method, route,
status, duration and size — never the client's address, the query, the token or the
arguments, which may be personal data.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkz_xl.addin import calls  # enables xlwings server mode before anything imports xlwings
from kkz_xl.addin.manifest import render_manifest
from kkz_xl.addin.pages import ICON_SIZES, icon_png, taskpane_html
from kkz_xl.addin.registry import UdfRegistry
from kkz_xl.addin.settings import OFFICE_ORIGIN_REGEX, AddinSettings, load_settings
from kkz_xl.dyfuzor.settings import load_dyfuzor_settings
from kkz_xl.dyfuzor.web import mount_dyfuzor

logger = logging.getLogger("kkz_xl.addin")
access_logger = logging.getLogger("kkz_xl.addin.dostep")

CALL_PATH = "/xlwings/custom-functions-call"
GLUE_JS = Path(__file__).with_name("static") / "custom-functions-code.js"
HTTP_MESSAGES = {
    401: "brak lub niepoprawny token dostępu (nagłówek Authorization: Bearer …)",
    404: "nie ma takiego adresu na serwerze KKZ",
    405: "niedozwolona metoda HTTP dla tego adresu",
    413: "treść żądania za duża",
}


def error_response(status: int, message: str) -> JSONResponse:
    """The one error shape: ``{"detail": "<Polish message>"}`` (read by the glue script)."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


class BodyLimit:
    """Refuse request bodies above ``limit`` bytes (413) before any of it is parsed; paths
    under a prefix of ``limits`` have their own limit (the Dyfuzor's uploads)."""

    def __init__(self, app: ASGIApp, limit: int, limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.limits = limits or {}

    def _limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.limits.items() if path.startswith(prefix)),
                    self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope.get("path", ""))
        too_big = error_response(413, f"{HTTP_MESSAGES[413]} (najwyżej {limit} bajtów)")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_big(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await too_big(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class NoSniff:
    """``X-Content-Type-Options: nosniff`` on every response (plain ASGI: Starlette's
    ``BaseHTTPMiddleware`` costs a noticeable part of a millisecond per call)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_header)


class RootPath:
    """Serve under ``prefix`` whatever the ASGI server: sets ``root_path`` so that Starlette
    routes ``/kkz/xlwings/…`` and ``/xlwings/…`` alike (a proxy may keep or strip the
    prefix). The path gets the prefix too, as ASGI expects (``path`` includes ``root_path``):
    without it a mounted app (the Dyfuzor) would not find its routes."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not scope.get("root_path"):
            path = scope["path"]
            if path != self.prefix and not path.startswith(self.prefix + "/"):
                path = self.prefix + path
            scope = {**scope, "root_path": self.prefix, "path": path}
        await self.app(scope, receive, send)


#: Routes as logged: anything else is logged as "inny" (a scanner's paths are not kept).
_LOGGED_ROUTES = ("/xlwings/custom-functions-call", "/xlwings/custom-functions-meta.json",
                  "/xlwings/custom-functions-meta", "/xlwings/custom-functions-code.js",
                  "/xlwings/custom-functions-code", "/manifest.xml", "/taskpane.html", "/",
                  "/zdrowie", "/health")


class AccessLog:
    """One line per request without personal data: ``POST /xlwings/custom-functions-call
    200 3,1 ms 52 B``. No client address, query string, headers or body."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0
        size = 0

        async def counting_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            path = scope["path"]
            if self.prefix and path.startswith(self.prefix + "/"):
                path = path[len(self.prefix):]
            if path.startswith("/ikony/"):
                path = "/ikony/…"
            elif path not in _LOGGED_ROUTES:
                path = "inny"
            access_logger.info("%s %s %d %.1f ms %d B", scope["method"], path, status,
                               (time.perf_counter() - start) * 1000, size)


def _token_ok(settings: AddinSettings, header: str | None) -> bool:
    if settings.token is None:
        return True
    if not header or not header.startswith("Bearer "):
        return False
    given = header.removeprefix("Bearer ").strip().encode()
    return hmac.compare_digest(given, settings.token.get_secret_value().encode())


def _glue_script(registry: UdfRegistry, settings: AddinSettings) -> str:
    import xlwings  # already imported, in server mode, by calls

    js = (
        GLUE_JS.read_text(encoding="utf-8")
        .replace("__KKZ_CALL_PATH__", settings.path_prefix + CALL_PATH)
        .replace("__KKZ_XLWINGS_VERSION__", xlwings.__version__)
        .replace("__KKZ_MAX_BODY_BYTES__", str(settings.max_body_bytes))
        .replace("__KKZ_TIMEOUT_MS__", str(round(settings.call_timeout_seconds * 1000)))
    )
    lines = [
        f'CustomFunctions.associate("{udf.python_name.upper()}", '
        f'kkzFunction("{udf.python_name}", {json.dumps([p.name for p in udf.params])}));'
        for udf in registry.functions.values()
    ]
    return js + "\n".join(lines) + "\n"


def _metadata(registry: UdfRegistry) -> dict[str, Any]:
    """xlwings' metadata, with each description cut to the docstring's first paragraph."""
    meta = calls.xlwings.server.custom_functions_meta(registry.module)
    by_id = {udf.python_name.upper(): udf for udf in registry.functions.values()}
    for entry in meta["functions"]:
        udf = by_id.get(entry["id"])
        if udf is not None:
            entry["description"] = udf.description
    return meta


def create_app(settings: AddinSettings | None = None) -> FastAPI:
    """The server for ``settings`` (default: from the environment and config file)."""
    settings = settings or load_settings()
    registry = UdfRegistry.load(settings.udfs_dir, settings.udf_module)
    # Fixed for the process: computed once, served as bytes.
    meta_bytes = json.dumps(_metadata(registry), ensure_ascii=False).encode()
    glue_bytes = _glue_script(registry, settings).encode()
    manifest_bytes: bytes | None = None
    if settings.insecure_address:
        # Served anyway (the functions work for a test on this network), but Office would
        # refuse the manifest: say so at start-up and instead of the manifest.
        logger.warning("UWAGA: %s", settings.insecure_address)
    else:
        manifest_bytes = render_manifest(settings).encode()
    taskpane_bytes = taskpane_html(settings.base_url, settings.namespace).encode()

    app = FastAPI(
        title="Kalkulator Kosztów Zaniechania – serwer dodatku Excel",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.registry = registry

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, HTTP_MESSAGES.get(exc.status_code, "błąd żądania"))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        rejected = calls.internal_error()
        return error_response(rejected.status, rejected.message)

    @app.get("/xlwings/custom-functions-meta.json")
    @app.get("/xlwings/custom-functions-meta")
    async def _meta() -> Response:
        return Response(meta_bytes, media_type="application/json; charset=utf-8")

    @app.get("/xlwings/custom-functions-code.js")
    @app.get("/xlwings/custom-functions-code")
    async def _code() -> Response:
        return Response(glue_bytes, media_type="text/javascript; charset=utf-8")

    @app.post(CALL_PATH)
    async def _call(request: Request) -> Response:
        if not _token_ok(settings, request.headers.get("authorization")):
            return error_response(401, HTTP_MESSAGES[401])
        body = await request.body()
        try:
            answer = await calls.answer(registry, body)
        except calls.CallRejectedError as rejected:
            return error_response(rejected.status, rejected.message)
        except Exception:
            rejected = calls.internal_error()
            return error_response(rejected.status, rejected.message)
        return JSONResponse(answer)

    @app.get("/manifest.xml")
    async def _manifest() -> Response:
        if manifest_bytes is None:
            return error_response(409, settings.insecure_address or "")
        return Response(
            manifest_bytes,
            media_type="application/xml; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="kkz-manifest.xml"'},
        )

    @app.get("/taskpane.html")
    @app.get("/")
    async def _taskpane() -> Response:
        return Response(taskpane_bytes, media_type="text/html; charset=utf-8")

    @app.get("/ikony/kkz-{size}.png")
    async def _icon(size: int) -> Response:
        if size not in ICON_SIZES:
            return error_response(404, HTTP_MESSAGES[404])
        return Response(icon_png(size), media_type="image/png")

    dyfuzor = load_dyfuzor_settings()
    mount_dyfuzor(app, dyfuzor)

    @app.get("/zdrowie")
    @app.get("/health")
    async def _health() -> dict[str, object]:
        return {"stan": "ok", "funkcje": len(registry.functions)}

    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allowed_origins),
        allow_origin_regex=OFFICE_ORIGIN_REGEX,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    # Outermost, so an oversized body is refused before anything else reads it.
    # Multipart overhead on top of the largest register file a gmina may send.
    upload_limits = ({f"{prefix}/dyfuzor/": dyfuzor.max_upload_bytes + 65_536
                      for prefix in {"", settings.path_prefix}} if dyfuzor else {})
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, limits=upload_limits)
    app.add_middleware(NoSniff)
    if settings.access_log:
        app.add_middleware(AccessLog, prefix=settings.path_prefix)
    if settings.path_prefix:
        app.add_middleware(RootPath, prefix=settings.path_prefix)
    return app
