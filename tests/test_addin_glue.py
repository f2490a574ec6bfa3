"""The Office.js glue script, run in Node against the real server with Office mocked.

Checks the two ends meet: the script posts the body the server expects, a result comes back
as the cell's value, and a 400's Polish message becomes the Excel error's message (what the
accountant sees on the cell's error flag). Skips without Node unless ``CI`` is set.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import subprocess
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kkz_xl.addin.settings import load_settings
from kkz_xl.errors import InputError
from tests.addin_server import RunningServer, running_server

UDFS = textwrap.dedent(
    '''
    import xlwings as xw

    from kkz_xl.errors import InputError


    @xw.func
    @xw.arg("osoby", doc="liczba osób")
    @xw.arg("stawka", doc="stawka")
    def fx_iloczyn(osoby, stawka=2.0):
        """Iloczyn."""
        if not isinstance(osoby, float):
            raise InputError("osoby", f"oczekiwano liczby, otrzymano {osoby}")
        return [["wynik"], [osoby * stawka]]
    '''
)

#: Office.js as the glue script meets it in Excel: the globals it uses, mocked for Node. A
#: harness defines ``origin`` and ``token`` before it and reads ``posted`` and ``associated``.
OFFICE_MOCK = textwrap.dedent(
    """
    const posted = [];
    const associated = {};
    class CfError extends Error {
      constructor(code, message) { super(message); this.code = code; }
    }
    globalThis.window = { location: { origin: origin } };
    const store = new Map(token ? [["kkzServerToken", token]] : []);
    globalThis.localStorage = {
      getItem: (k) => (store.has(k) ? store.get(k) : null),
      setItem: (k, v) => store.set(k, v),
    };
    globalThis.Office = {
      onReady: (cb) => { if (cb) { cb({}); } return Promise.resolve({}); },
      context: { requirements: { isSetSupported: () => true } },
    };
    globalThis.CustomFunctions = {
      associate: (id, fn) => { associated[id] = fn; },
      Error: CfError,
      ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A" },
    };
    globalThis.Excel = {
      RequestContext: class {
        constructor() {
          this.application = { cultureInfo: { name: "pl-PL", load() {},
            datetimeFormat: { shortDatePattern: "dd.MM.yyyy", load() {} } } };
          this.workbook = { name: "Zeszyt1.xlsx", load() {} };
        }
        async sync() {}
      },
    };
    """
)

HARNESS = textwrap.dedent(
    """
    const fs = require("fs");
    const origin = process.argv[2];
    const token = process.argv[3] || null;
    """
) + OFFICE_MOCK + textwrap.dedent(
    """
    const realFetch = fetch;
    globalThis.fetch = async (url, init) => {
      posted.push({ url, headers: init.headers, body: JSON.parse(init.body) });
      return realFetch(url, init);
    };
    eval(fs.readFileSync(0, "utf8"));
    (async () => {
      const out = { associated: Object.keys(associated) };
      const inv = { address: "Arkusz1!B2" };
      const attempt = async (...args) => {
        try {
          return { value: await associated.FX_ILOCZYN(...args, inv) };
        } catch (e) {
          return { error: { code: e.code, message: e.message } };
        }
      };
      out.good = await attempt([[21]], null);
      out.bad = await attempt([["sto"]], null);
      out.posted = posted;
      console.log(JSON.stringify(out));
    })();
    """
)


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI for the glue-script test")
        pytest.skip("node not installed")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("udfs")
    (folder / "glue_udfs.py").write_text(UDFS, encoding="utf-8")
    env = {"KKZ_UDFS_DIR": str(folder), "KKZ_UDF_MODULE": "glue_udfs",
           "KKZ_SERVER_TOKEN": "tajne"}
    with running_server(env) as running:
        yield running


def run_glue(node: str, server: RunningServer, tmp_path: Path, token: str | None) -> dict:
    script = httpx.get(server.url + "/xlwings/custom-functions-code.js").text
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    done = subprocess.run([node, str(harness), server.url, token or ""], input=script,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_glue_posts_the_expected_body_and_returns_the_result(
    node: str, server: RunningServer, tmp_path: Path
) -> None:
    out = run_glue(node, server, tmp_path, "tajne")
    assert out["associated"] == ["FX_ILOCZYN"]
    assert out["good"] == {"value": [["wynik"], [42.0]]}
    first = out["posted"][0]
    assert first["url"] == server.url + "/xlwings/custom-functions-call"
    assert first["headers"]["Authorization"] == "Bearer tajne"
    body = first["body"]
    assert body["client"] == "Office.js" and body["func_name"] == "fx_iloczyn"
    assert body["args"] == [[[21]], None]
    assert body["caller_address"] == "[Zeszyt1.xlsx]Arkusz1!B2"
    assert body["culture_info_name"] == "pl-PL" and body["runtime"] == "1.4"
    assert body["version"] and body["session_id"]


def test_polish_message_reaches_the_cell_error(
    node: str, server: RunningServer, tmp_path: Path
) -> None:
    out = run_glue(node, server, tmp_path, "tajne")
    assert out["bad"] == {
        "error": {"code": "#VALUE!", "message": "osoby: oczekiwano liczby, otrzymano sto"}}


def test_missing_token_is_reported_in_the_cell(
    node: str, server: RunningServer, tmp_path: Path
) -> None:
    out = run_glue(node, server, tmp_path, None)
    assert out["good"]["error"]["code"] == "#VALUE!"
    assert "token dostępu" in out["good"]["error"]["message"]


# ------------------------------------------------------------------ faults between Excel and us

CALLS_HARNESS = textwrap.dedent(
    """
    const fs = require("fs");
    const [origin, token, callsJson] = process.argv.slice(2);
    """
) + OFFICE_MOCK + textwrap.dedent(
    """
    const realFetch = fetch;
    globalThis.fetch = async (url, init) => {
      posted.push({ url, bytes: init.body.length });
      return realFetch(url, init);
    };
    eval(fs.readFileSync(0, "utf8"));
    (async () => {
      const results = [];
      for (const call of JSON.parse(callsJson)) {
        const started = Date.now();
        try {
          const value = await associated[call.fn](...call.args, { address: "Arkusz1!B2" });
          results.push({ value, ms: Date.now() - started });
        } catch (e) {
          results.push({ error: { code: e.code, message: e.message }, ms: Date.now() - started });
        }
      }
      console.log(JSON.stringify({ results, posted }));
    })();
    """
)


class _Fault(http.server.BaseHTTPRequestHandler):
    """A server between Excel and KKZ that misbehaves the way proxies and portals do."""

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        kind = self.server.kind  # type: ignore[attr-defined]
        if kind == "silent":
            self.server.release.wait(30)  # type: ignore[attr-defined]
            return
        if kind == "reset":
            self.connection.shutdown(2)
            return
        status, body, ctype = {
            "502": (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
            "html": (200, "<html><body>Zaloguj się do portalu</body></html>".encode(),
                     "text/html; charset=utf-8"),
            "truncated": (200, b'{"result": [[13000.0', "application/json"),
            "413": (413, b"<html><body>413 Request Entity Too Large</body></html>",
                    "text/html"),
            "404": (404, b"<html>Not Found</html>", "text/html"),
            "nojson": (200, b'{"wynik": 1}', "application/json"),
        }[kind]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        # The truncated reply announces more than it sends, then the connection closes.
        self.send_header("Content-Length", str(len(body) + (500 if kind == "truncated" else 0)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if kind == "truncated":
            self.connection.shutdown(2)


@contextlib.contextmanager
def fault_server(kind: str) -> Iterator[str]:
    """A misbehaving HTTP server on 127.0.0.1, port 0; yields its origin."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Fault)
    server.kind = kind  # type: ignore[attr-defined]
    server.release = threading.Event()  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.release.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def prefixed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Published under a path prefix, short call time-out, small body limit."""
    folder = tmp_path_factory.mktemp("udfs_prefixed")
    (folder / "glue_udfs.py").write_text(UDFS, encoding="utf-8")
    env = {"KKZ_UDFS_DIR": str(folder), "KKZ_UDF_MODULE": "glue_udfs",
           "KKZ_SERVER_TOKEN": "tajne-Token_1.~+/=", "KKZ_SERVER_MAX_BODY_BYTES": "4096",
           "KKZ_SERVER_CALL_TIMEOUT_SECONDS": "2",
           "KKZ_SERVER_PUBLIC_URL": "https://uslugi.powiat.example/kkz"}
    with running_server(env) as running:
        yield running


def run_calls(node: str, script: str, origin: str, tmp_path: Path, calls: list[dict],
              token: str = "tajne-Token_1.~+/=") -> dict:
    harness = tmp_path / "calls.js"
    harness.write_text(CALLS_HARNESS, encoding="utf-8")
    done = subprocess.run([node, str(harness), origin, token, json.dumps(calls)],
                          input=script, capture_output=True, text=True, timeout=90,
                          check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


GOOD_CALL = {"fn": "FX_ILOCZYN", "args": [[[21]], None]}


def _script(server: RunningServer) -> str:
    return httpx.get(server.url + "/kkz/xlwings/custom-functions-code.js").text


def test_a_path_prefix_works_end_to_end(node: str, prefixed_server: RunningServer,
                                        tmp_path: Path) -> None:
    """--adres https://host/kkz: the script posts to /kkz/xlwings/…, and the server answers
    there (a proxy that passes the prefix on) as well as at the root (one that strips it)."""
    out = run_calls(node, _script(prefixed_server), prefixed_server.url, tmp_path, [GOOD_CALL])
    assert out["results"][0]["value"] == [["wynik"], [42.0]]
    assert out["posted"][0]["url"] == prefixed_server.url + "/kkz/xlwings/custom-functions-call"
    stripped = httpx.get(prefixed_server.url + "/xlwings/custom-functions-code.js")
    assert stripped.status_code == 200
    manifest = httpx.get(prefixed_server.url + "/kkz/manifest.xml").text
    assert "https://uslugi.powiat.example/kkz/taskpane.html" in manifest
    assert "<AppDomain>https://uslugi.powiat.example</AppDomain>" in manifest


@pytest.mark.parametrize(("kind", "fragment"), [
    ("502", "Serwer KKZ nie odpowiada (HTTP 502 od serwera pośredniczącego"),
    ("404", "Serwer KKZ nie odpowiada (HTTP 404"),
    ("html", "Serwer KKZ nie odpowiada poprawnie (odpowiedź nie jest wynikiem funkcji "
             "(text/html), np. strona logowania"),
    ("truncated", "Serwer KKZ nie odpowiada poprawnie (odpowiedź"),
    ("nojson", "Serwer KKZ nie odpowiada poprawnie (odpowiedź niepełna albo bez wyniku)"),
    ("reset", "Serwer KKZ nie odpowiada"),
    ("silent", "Serwer KKZ nie odpowiada (brak odpowiedzi w ciągu 2 s"),
])
def test_every_fault_is_one_documented_excel_error(node: str, prefixed_server: RunningServer,
                                                    tmp_path: Path, kind: str,
                                                    fragment: str) -> None:
    with fault_server(kind) as origin:
        out = run_calls(node, _script(prefixed_server), origin, tmp_path, [GOOD_CALL])
    result = out["results"][0]
    assert "value" not in result, result
    assert result["error"]["code"] == "#N/A"  # #N/D! in Polish Excel
    assert result["error"]["message"].startswith(fragment), result["error"]["message"]
    if kind == "silent":
        assert result["ms"] < 20_000  # the script's own time-out ended the wait


def test_nothing_listening_is_server_not_answering(node: str, prefixed_server: RunningServer,
                                                   tmp_path: Path) -> None:
    with fault_server("502") as origin:
        pass  # stopped: nothing listens on its port any more
    out = run_calls(node, _script(prefixed_server), origin, tmp_path, [GOOD_CALL])
    error = out["results"][0]["error"]
    assert error["code"] == "#N/A"
    assert error["message"].startswith("Serwer KKZ nie odpowiada (brak połączenia z ")


def test_a_request_over_the_body_limit_is_refused_naming_the_argument(
    node: str, prefixed_server: RunningServer, tmp_path: Path
) -> None:
    big = [[f"programme {i}"] for i in range(400)]  # well over the 4 096 bytes allowed
    calls = [{"fn": "FX_ILOCZYN", "args": [[[21]], big]}]
    out = run_calls(node, _script(prefixed_server), prefixed_server.url, tmp_path, calls)
    error = out["results"][0]["error"]
    assert error["code"] == "#VALUE!"
    assert error["message"].startswith("stawka: zakres za duży do wysłania na serwer KKZ")
    assert out["posted"] == []  # refused before sending
    # A proxy with a lower limit than the server's answers 413 itself: the same message.
    with fault_server("413") as origin:
        out = run_calls(node, _script(prefixed_server), origin, tmp_path,
                        [{"fn": "FX_ILOCZYN", "args": [[[21]], [["x"]] * 50]}])
    assert out["results"][0]["error"]["message"].startswith("stawka: zakres za duży")


def test_a_token_the_browser_cannot_send_is_named_in_the_cell(
    node: str, prefixed_server: RunningServer, tmp_path: Path
) -> None:
    out = run_calls(node, _script(prefixed_server), prefixed_server.url, tmp_path,
                    [GOOD_CALL], token="długi-losowy-ciąg")
    error = out["results"][0]["error"]
    assert error["code"] == "#VALUE!"
    assert error["message"].startswith("token dostępu zapisany w panelu KKZ zawiera znaki")
    assert out["posted"] == []
    wrong = run_calls(node, _script(prefixed_server), prefixed_server.url, tmp_path,
                      [GOOD_CALL], token="inny-token")
    assert "token dostępu" in wrong["results"][0]["error"]["message"]


@pytest.mark.parametrize("token", ["długi-losowy-ciąg", "ma spację", "tab\tulator", "zł"])
def test_the_server_refuses_at_start_up_a_token_a_browser_cannot_send(token: str) -> None:
    with pytest.raises(InputError, match=r"^konfiguracja serwera: .*token dostępu może "
                                         r"zawierać tylko widoczne znaki ASCII"):
        load_settings(environ={"KKZ_SERVER_TOKEN": token})
    assert load_settings(environ={"KKZ_SERVER_TOKEN": "Ab3-._~+/="}).token is not None
