"""The Dyfuzor's pages at ``/dyfuzor`` of ``kkz serwer``: plain server-rendered HTML (no
build chain, no script needed), Polish, accessible, usable on a phone.

Anonymous visitors search the regional catalogue and open programmes. A JST signs in with
the token the centre issued it and sends a register; the centre (its own token) sees each
submission's reconciliation and accepts or rejects it. Sessions are server-side keys in an
``HttpOnly``, ``SameSite=Strict`` cookie; a POST from another origin is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kkz_xl.dyfuzor import catalogue_view as view
from kkz_xl.dyfuzor.intake import Upload, read_upload, reconcile, regional_registers
from kkz_xl.dyfuzor.regional import accept, credit_sender, reject
from kkz_xl.dyfuzor.settings import DyfuzorSettings
from kkz_xl.dyfuzor.store import Identity, Store
from kkz_xl.errors import InputError, KKZError
from kkz_xl.polish import fmt_money, fmt_number, fmt_percent, plural
from kkz_xl.registers.reconcile import LABELS
from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import (
    CATALOGUE,
    CONSENT_CENTRE,
    CONSENT_SHARE,
    CONSENT_WITHDRAWN,
    EVIDENCE_LEVELS,
    LEADERS,
    issue_names,
)

COOKIE = "kkz_dyfuzor"
TEMPLATES = Path(__file__).with_name("templates")
access_log = logging.getLogger("kkz_xl.dyfuzor.dostep")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)

    def money(value: Any) -> str:
        return fmt_money(value, 0) if isinstance(value, int | float) else (value or "–")

    def percent(value: Any) -> str:
        return fmt_percent(value, 0) if isinstance(value, int | float) else (value or "–")

    def number(value: Any) -> str:
        return fmt_number(value, 0) if isinstance(value, int | float) else (value or "–")

    def day(value: Any) -> str:
        return value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else (value or "–")

    def moment(value: Any) -> str:
        try:
            local = dt.datetime.fromisoformat(str(value)).astimezone()
        except ValueError:
            return str(value)
        return local.strftime("%Y-%m-%d %H:%M")

    env.filters.update(zl=money, procent=percent, liczba=number, data=day, czas=moment)
    return env


class RegisterCache:
    """A regional register's sheets, read once per version of its file (size, mtime)."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[tuple[int, int], list[Register]]] = {}

    def get(self, path: Path | None, kind: str) -> list[Register]:
        if path is None or not path.exists():
            return []
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        cached = self._seen.get(path)
        if cached is None or cached[0] != stamp:
            regs = regional_registers(path, CATALOGUE if kind == "katalog" else LEADERS)
            self._seen[path] = (stamp, regs)
            return regs
        return cached[1]

    def one(self, path: Path | None, kind: str) -> Register | None:
        """The register sheet the pages show (a regional file has one)."""
        regs = self.get(path, kind)
        return regs[0] if regs else None


def create_dyfuzor_app(settings: DyfuzorSettings, root: str = "/dyfuzor") -> FastAPI:
    """The Dyfuzor as an ASGI app, to mount at ``root`` of the add-in server."""
    store = Store(settings.database)
    env = _environment()
    cache = RegisterCache()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.settings = settings

    def base(request: Request) -> str:
        """The Dyfuzor's own address as the browser sees it: the mount point under whatever
        prefix the server runs (``/kkz/dyfuzor`` behind a proxy), else ``root``."""
        return str(request.scope.get("root_path") or root).rstrip("/")

    def who(request: Request) -> Identity | None:
        return store.identity_for_session(request.cookies.get(COOKIE))

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(root=base(request), who=who(request),
                                                 **context)
        return HTMLResponse(html, status_code=status,
                            headers={"Cache-Control": "no-store",
                                     "Content-Security-Policy": "default-src 'none'; "
                                     "style-src 'unsafe-inline'; form-action 'self'; "
                                     "frame-ancestors 'none'; base-uri 'none'",
                                     "Referrer-Policy": "same-origin"})

    def message(request: Request, title: str, text: str, status: int,
                back: str | None = None) -> HTMLResponse:
        return page(request, "message.html", status, title=title, message=text, back=back,
                    kind="error")

    @app.middleware("http")
    async def _guard_and_log(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        if request.method == "POST" and not _same_origin(request):
            response: Response = message(request, "Odmowa", "Formularz wysłano z innej "
                                         "strony niż Dyfuzor; otwórz stronę Dyfuzora i spróbuj "
                                         "ponownie.", 403)
        else:
            response = await call_next(request)
        # No query string, no address, no cookie: only what a request did and how it went.
        route = request.scope.get("route")
        access_log.info("%s %s%s %d %.0f ms", request.method, root,
                        getattr(route, "path", "/?"), response.status_code,
                        1000 * (time.perf_counter() - started))
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        texts = {404: "Nie ma takiej strony w Dyfuzorze.", 405: "Niedozwolona metoda.",
                 422: "Formularz jest niekompletny albo ma złe wartości."}
        return message(request, "Błąd", texts.get(exc.status_code, "Błąd żądania."),
                       exc.status_code if exc.status_code in texts else 400, back=base(request))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return message(request, "Błąd", "Formularz jest niekompletny albo ma złe wartości.",
                       400, back=base(request))

    @app.get("", response_class=HTMLResponse)
    @app.get("/", response_class=HTMLResponse)
    def _search(request: Request) -> HTMLResponse:
        catalogue = cache.one(settings.katalog, "katalog")
        query = dict(request.query_params)
        context: dict[str, Any] = {
            "title": "Katalog programów", "available": catalogue is not None,
            "issues": list(issue_names().items()), "levels": list(EVIDENCE_LEVELS.items()),
            "jsts": view.jst_values(catalogue) if catalogue else [], "error": None,
            "items": [], "found_text": "", "more": None,
            "koszt_max": query.get("koszt_max", ""),
            "skutecznosc_min": query.get("skutecznosc_min", ""), "f": view.Filters()}
        if catalogue is None:
            return page(request, "search.html", **context)
        try:
            filters = view.Filters.parse(query)
            offset = int(query.get("od", "0") or 0)
        except (InputError, ValueError) as err:
            context["error"] = str(err)
            return page(request, "search.html", 400, **context)
        items = view.find(catalogue, filters)
        shown = items[offset:offset + view.PAGE]
        context.update(
            f=filters, items=shown,
            found_text=(f"Znaleziono {plural(len(items), 'program', 'programy', 'programów')}"
                        + (f"; pokazano {offset + 1}–{offset + len(shown)}."
                           if len(items) > view.PAGE else ".")),
            more=(f"{base(request)}?{urlencode({**query, 'od': offset + view.PAGE})}"
                  if offset + view.PAGE < len(items) else None))
        return page(request, "search.html", **context)

    def _programme(request: Request, programme_id: str) -> tuple[Register, int] | HTMLResponse:
        catalogue = cache.one(settings.katalog, "katalog")
        if catalogue is None:
            return message(request, "Brak katalogu", "Serwer nie prowadzi katalogu.", 404,
                           base(request))
        try:
            return catalogue, view.by_id(catalogue, programme_id)
        except KeyError:
            return message(request, "Nie ma takiego programu",
                           "W katalogu regionalnym nie ma programu o tym identyfikatorze.", 404,
                           base(request))

    @app.get("/program/{programme_id}", response_class=HTMLResponse)
    def _programme_page(request: Request, programme_id: str) -> HTMLResponse:
        found = _programme(request, programme_id)
        if isinstance(found, HTMLResponse):
            return found
        catalogue, index = found
        it = view.item(catalogue, index)
        leaders, count = view.leaders_for(cache.one(settings.liderzy, "liderzy"), it,
                                          signed_in=who(request) is not None)
        level = it["poziom_dowodow"]
        return page(request, "programme.html", title=str(it["nazwa"]), it=it,
                    names=issue_names(), leaders=leaders, leaders_count=count,
                    leaders_count_text=_leaders_text(count),
                    level_text=(f"{level} – {EVIDENCE_LEVELS[level]}"
                                if level in EVIDENCE_LEVELS else (level or "–")))

    @app.get("/program/{programme_id}/scenariusz.yaml")
    def _fragment(request: Request, programme_id: str, kwestia: str | None = None) -> Response:
        found = _programme(request, programme_id)
        if isinstance(found, HTMLResponse):
            return found
        catalogue, index = found
        try:
            text = view.scenario_fragment(catalogue, index, kwestia,
                                          settings.katalog.name if settings.katalog else "")
        except InputError as err:
            return message(request, "Nie można utworzyć fragmentu scenariusza", str(err), 400,
                           f"{base(request)}/program/{programme_id}")
        return Response(text, media_type="application/x-yaml; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="scenariusz-{_safe(programme_id)}.yaml"'})

    @app.get("/logowanie", response_class=HTMLResponse)
    def _login_form(request: Request, dalej: str = "") -> HTMLResponse:
        return page(request, "login.html", title="Logowanie", error=None,
                    next=_local(dalej, base(request)))

    @app.post("/logowanie")
    def _login(request: Request, token: str = Form(""), dalej: str = Form("")) -> Response:
        identity = store.identity_for_token(token) if token.strip() else None
        if identity is None:
            return page(request, "login.html", 401, title="Logowanie",
                        next=_local(dalej, base(request)),
                        error="Nieznany albo wycofany token. Sprawdź go albo poproś centrum "
                              "regionalne o nowy.")
        response = RedirectResponse(_local(dalej, base(request)), status_code=303)
        response.set_cookie(COOKIE, store.open_session(identity), httponly=True,
                            samesite="strict", secure=_https(request), path=base(request))
        return response

    @app.post("/wyloguj")
    def _logout(request: Request) -> Response:
        store.close_session(request.cookies.get(COOKIE))
        response = RedirectResponse(base(request), status_code=303)
        response.delete_cookie(COOKIE, path=base(request))
        return response

    def _signed_in(request: Request, here: str) -> Identity | Response:
        identity = who(request)
        if identity is None:
            return RedirectResponse(f"{base(request)}/logowanie?{urlencode({'dalej': here})}",
                                    status_code=303)
        return identity

    @app.get("/wyslij", response_class=HTMLResponse)
    def _upload_form(request: Request) -> Response:
        identity = _signed_in(request, f"{base(request)}/wyslij")
        if not isinstance(identity, Identity):
            return identity
        return page(request, "upload.html", title="Wyślij rejestr", error=None, kind="katalog",
                    limit=_size(settings.max_upload_bytes),
                    submissions=store.submissions(jst=identity.jst))

    @app.post("/wyslij")
    def _upload(request: Request, plik: UploadFile, rejestr: str = Form("katalog")) -> Response:
        # A plain ``def``: reading a workbook takes a while and must not stall the event loop.
        identity = _signed_in(request, f"{base(request)}/wyslij")
        if not isinstance(identity, Identity):
            return identity
        content = plik.file.read(settings.max_upload_bytes + 1)
        name = _safe(Path(plik.filename or "plik").name) or "plik"
        try:
            if settings.register_path(rejestr) is None:
                raise InputError("rejestr", f"serwer nie prowadzi rejestru „{rejestr}”")
            sent = read_upload(Upload(name, content, rejestr), settings.max_upload_bytes)
            credit_sender(sent, identity.jst)
            target = settings.register_path(rejestr)
            assert target is not None
            # A copy: the preview's merge marks and may touch the registers it is given.
            regional = [dataclasses.replace(reg, rows=[dict(r) for r in reg.rows],
                                            headers=list(reg.headers))
                        for reg in cache.get(target, rejestr)]
            summary = reconcile(sent, regional, target, identity.jst)
        except KKZError as err:
            return page(request, "upload.html", 400, title="Wyślij rejestr", error=str(err),
                        kind=rejestr, limit=_size(settings.max_upload_bytes),
                        submissions=store.submissions(jst=identity.jst))
        sub_id = store.add_submission(rejestr, identity.jst, name, content, summary)
        return RedirectResponse(f"{base(request)}/zgloszenia/{sub_id}?wyslano=1", status_code=303)

    @app.get("/zgloszenia/{sub_id}", response_class=HTMLResponse)
    def _submission(request: Request, sub_id: int, wyslano: int = 0) -> Response:
        identity = _signed_in(request, f"{base(request)}/zgloszenia/{sub_id}")
        if not isinstance(identity, Identity):
            return identity
        sub = store.submission(sub_id)
        if sub is None or sub.stan == "stan_pliku" or (
                not identity.is_centre and sub.jst != identity.jst):
            return message(request, "Nie ma takiego zgłoszenia",
                           "Nie ma zgłoszenia o tym numerze wśród zgłoszeń Twojej JST.", 404,
                           f"{base(request)}/wyslij")
        return page(request, "submission.html", title=f"Zgłoszenie nr {sub.id}", s=sub,
                    r=sub.uzgodnienie, balance=_balance(sub.uzgodnienie),
                    message=("Plik przyjęto do sprawdzenia; centrum regionalne zdecyduje o "
                             "scaleniu." if wyslano else None))

    @app.get("/centrum", response_class=HTMLResponse)
    def _centre(request: Request) -> Response:
        identity = _signed_in(request, f"{base(request)}/centrum")
        if not isinstance(identity, Identity):
            return identity
        if not identity.is_centre:
            return message(request, "Odmowa", "Tę stronę widzi tylko centrum regionalne.", 403,
                           base(request))
        subs = [s for s in store.submissions() if s.stan != "stan_pliku"]
        return page(request, "centre.html", title="Zgłoszenia",
                    pending=[s for s in subs if s.stan == "oczekuje"],
                    decided=[s for s in subs if s.stan != "oczekuje"], events=store.events())

    @app.post("/centrum/zgloszenia/{sub_id}")
    def _decide(request: Request, sub_id: int, decyzja: str = Form(...),
                uwagi: str = Form("")) -> Response:
        identity = _signed_in(request, f"{base(request)}/zgloszenia/{sub_id}")
        if not isinstance(identity, Identity):
            return identity
        note = uwagi.strip()[:500] or None
        try:
            if decyzja == "przyjmij":
                accept(store, settings, sub_id, identity, note)
            elif decyzja == "odrzuc":
                reject(store, sub_id, identity, note)
            else:
                raise InputError("decyzja", "wybierz „przyjmij” albo „odrzuć”")
        except KKZError as err:
            return message(request, "Nie zapisano decyzji", str(err), 400,
                           f"{base(request)}/zgloszenia/{sub_id}")
        return RedirectResponse(f"{base(request)}/zgloszenia/{sub_id}", status_code=303)

    @app.get("/prywatnosc", response_class=HTMLResponse)
    def _privacy(request: Request) -> HTMLResponse:
        fields = [(c.header, c.help) for c in LEADERS.columns]
        return page(request, "privacy.html", title="Dane liderów i zgody", fields=fields,
                    contact=settings.kontakt, share=CONSENT_SHARE, centre=CONSENT_CENTRE,
                    withdrawn=CONSENT_WITHDRAWN)

    return app


def _balance(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The reconciliation as rows of label and value, in the order a person reads it: where
    every row and cell would go (the balance of ``kkz … scal``), then what it means."""
    rows: list[tuple[str, Any]] = [(LABELS[k], v) for k, v in r.get("bilans", {}).items()]
    rows += [("wiersze w pliku", r.get("wiersze")), ("niepuste komórki", r.get("komorki")),
            ("nowe programy lub osoby w rejestrze regionalnym", r.get("nowe_wiersze")),
            ("połączone z wierszami już w rejestrze", r.get("polaczone_z_regionalnym")),
            ("powtórzenia w samym pliku (połączone)", r.get("powtorzenia_w_pliku")),
            ("wiersze bez nazwy lub JST (osobno, do uzupełnienia)", r.get("niepelne_wiersze")),
            ("nowe wartości sporne (arkusz Konflikty)", r.get("nowe_konflikty")),
            ("kontakty bez ważnej zgody – zostaną usunięte", r.get("usuniete_kontakty_bez_zgody")),
            ("wiersze w rejestrze po scaleniu", r.get("wiersze_po_scaleniu")),
            ("wiersze, w których „Przesłał(a)” wskazuje inną JST", r.get("inny_nadawca")),
            ("błędy / ostrzeżenia", f"{r.get('bledy', 0)} / {r.get('ostrzezenia', 0)}")]
    return [(label, fmt_number(v, 0) if isinstance(v, int | float) else str(v))
            for label, v in rows if v is not None]


def _leaders_text(count: int) -> str:
    """``działa 1 lider Sieci``, ``działają 3 liderzy Sieci``, ``działa 5 liderów Sieci``."""
    noun = plural(count, "lider Sieci", "liderzy Sieci", "liderów Sieci")
    verb = "działają" if noun.endswith("liderzy Sieci") else "działa"
    return f"{verb} {noun}"


def _safe(name: str) -> str:
    """A name for headers and display: printable, no quotes or separators, bounded."""
    kept = "".join(ch for ch in name if ch.isprintable() and ch not in '"\\/;\r\n')
    return kept[:120]


def _size(limit: int) -> str:
    return f"{fmt_number(limit / 1_000_000, 0)} MB" if limit >= 1_000_000 else f"{limit} B"


def _local(target: str, root: str) -> str:
    """Only a path of the Dyfuzor itself may follow a login (no open redirect)."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith(root):
        return root
    return target


def _https(request: Request) -> bool:
    return (request.url.scheme == "https"
            or request.headers.get("x-forwarded-proto", "").lower() == "https")


def _same_origin(request: Request) -> bool:
    """A form sent from the Dyfuzor's own pages: no ``Origin`` (older browsers), or one whose
    host is the one the browser asked for (``Host``, or ``X-Forwarded-Host`` behind a proxy
    that rewrites ``Host``)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    hosts = {request.headers.get("host", ""), request.headers.get("x-forwarded-host", "")}
    return urlsplit(origin).netloc in hosts - {""}


def mount_dyfuzor(app: FastAPI, settings: DyfuzorSettings | None, root: str = "/dyfuzor") -> bool:
    """Mount the Dyfuzor's pages on the add-in server when it was given a register."""
    if settings is None:
        return False
    app.mount(root, create_dyfuzor_app(settings, root))
    return True
