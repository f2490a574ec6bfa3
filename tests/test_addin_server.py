"""The Office.js add-in server over real HTTP, against a small UDF module of the test's own.

The server runs in a child process (xlwings picks its decorators at first import, so the
server's interpreter must switch to server mode before that); the module is generic: the
server must answer whatever ``@xw.func`` functions a module has.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from tests.addin_server import RunningServer, running_server

CALL = "/xlwings/custom-functions-call"
META = "/xlwings/custom-functions-meta.json"

FIXTURE_MODULE = textwrap.dedent(
    '''
    """A throwaway UDF module for the add-in server's tests."""
    import xlwings as xw

    from kkz_xl.errors import InputError


    def _number(field, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(field, f"oczekiwano liczby, otrzymano {value!r}")
        return float(value)


    @xw.func
    @xw.arg("osoby", doc="liczba osób w grupie")
    @xw.arg("stawka", doc="koszt roczny jednej osoby")
    @xw.arg("lata", doc="liczba lat (domyślnie 1)")
    def fx_koszt(osoby, stawka, lata=1.0):
        """Koszt grupy w całym okresie.

        Drugi akapit nie trafia do opisu w Excelu."""
        return _number("osoby", osoby) * _number("stawka", stawka) * _number("lata", lata)


    @xw.func
    @xw.arg("wiersze", doc="liczba wierszy tabeli")
    def fx_tabela(wiersze):
        """Tabela lat z nagłówkiem."""
        n = int(_number("wiersze", wiersze))
        return [["rok", "kwadrat"]] + [[t, t * t] for t in range(1, n + 1)]


    @xw.func
    @xw.arg("wartosci", doc="zakres liczb")
    def fx_suma(wartosci):
        """Suma zakresu."""
        return sum(v for row in wartosci for v in row if v is not None)


    @xw.func
    def fx_blad():
        """Funkcja z błędem programu."""
        raise RuntimeError("SEKRETNY-SLAD-STOSU")


    @xw.func
    def fx_nieskonczonosc():
        """Wynik nieskończony."""
        return [[float("inf"), float("nan"), 1.0]]


    @xw.func
    @xw.arg("folder", doc="folder z plikami sterującymi testu")
    def fx_wolna(folder):
        """Długie obliczenie (jak duża analiza Monte Carlo): trwa, aż test pozwoli skończyć."""
        import pathlib
        import time
        flags = pathlib.Path(folder)
        (flags / "trwa").touch()
        deadline = time.monotonic() + 30
        while not (flags / "koniec").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return 3.0


    def pomocnicza(x):
        return x
    '''
)


@pytest.fixture(scope="module")
def udfs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("udfs")
    (folder / "fx_udfs.py").write_text(FIXTURE_MODULE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(udfs_dir: Path) -> Iterator[RunningServer]:
    env = {"KKZ_UDFS_DIR": str(udfs_dir), "KKZ_UDF_MODULE": "fx_udfs",
           "KKZ_SERVER_MAX_BODY_BYTES": "20000"}
    with running_server(env) as running:
        yield running


@pytest.fixture()
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def office_body(func_name: str, *args: object) -> dict[str, object]:
    """What the Office.js glue posts: every argument as a 2-D list (a cell is [[v]])."""
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": [a if isinstance(a, list) else [[a]] for a in args],
        "caller_address": "[Zeszyt1.xlsx]Arkusz1!B2",
        "session_id": "3f0c1c7e-test",
        "culture_info_name": "pl-PL",
        "date_format": "dd.MM.yyyy",
        "version": "0.37.8",
        "runtime": "1.4",
    }


def test_metadata_lists_the_decorated_functions_only(client: httpx.Client) -> None:
    meta = client.get(META).json()
    names = {f["name"] for f in meta["functions"]}
    assert names == {"FX_KOSZT", "FX_TABELA", "FX_SUMA", "FX_BLAD", "FX_NIESKONCZONOSC",
                     "FX_WOLNA"}
    koszt = next(f for f in meta["functions"] if f["name"] == "FX_KOSZT")
    assert koszt["description"] == "Koszt grupy w całym okresie."
    assert [p["name"] for p in koszt["parameters"]] == ["osoby", "stawka", "lata"]
    assert [p["description"] for p in koszt["parameters"]] == [
        "liczba osób w grupie", "koszt roczny jednej osoby", "liczba lat (domyślnie 1)"]
    assert [p.get("optional", False) for p in koszt["parameters"]] == [False, False, True]
    assert koszt["result"]["dimensionality"] == "matrix"


def test_call_with_the_office_js_body(client: httpx.Client) -> None:
    answer = client.post(CALL, json=office_body("fx_koszt", 100.0, 10000.0, 3.0))
    assert answer.status_code == 200
    assert answer.json() == {"result": [[3_000_000.0]]}


def test_empty_optional_cell_takes_the_default(client: httpx.Client) -> None:
    answer = client.post(CALL, json=office_body("fx_koszt", 2.0, 5.0, None))
    assert answer.json() == {"result": [[10.0]]}
    # Omitted trailing optional argument (not even sent) behaves the same.
    body = office_body("fx_koszt", 2.0, 5.0)
    assert client.post(CALL, json=body).json() == {"result": [[10.0]]}


def test_ranges_arrive_as_rows(client: httpx.Client) -> None:
    answer = client.post(CALL, json=office_body("fx_suma", [[1.0, 2.0], [3.0, None]]))
    assert answer.json() == {"result": [[6.0]]}


def test_spilled_table_comes_back_whole(client: httpx.Client) -> None:
    answer = client.post(CALL, json=office_body("fx_tabela", 30.0))
    rows = answer.json()["result"]
    assert rows[0] == ["rok", "kwadrat"]
    assert len(rows) == 31
    assert rows[-1] == [30, 900]


def test_input_error_is_400_with_the_polish_message(client: httpx.Client) -> None:
    answer = client.post(CALL, json=office_body("fx_koszt", "sto", 10000.0, 3.0))
    assert answer.status_code == 400
    assert answer.json() == {"detail": "osoby: oczekiwano liczby, otrzymano 'sto'"}
    assert answer.headers["x-content-type-options"] == "nosniff"
    # ... and the server keeps serving.
    assert client.post(CALL, json=office_body("fx_koszt", 1.0, 2.0, 3.0)).json() == {
        "result": [[6.0]]}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{nie json", "nie jest poprawnym JSON-em"),
        (b"[1, 2]", "oczekiwano obiektu JSON"),
        (json.dumps({"func_name": "fx_koszt", "args": []}).encode(), "pole wymagane"),
        (json.dumps(office_body("pomocnicza", 1.0)).encode(), "nieznana funkcja: pomocnicza"),
        (json.dumps(office_body("__import__", "os")).encode(), "nieznana funkcja"),
        (json.dumps(office_body("fx_koszt", 1.0, 2.0, 3.0, 4.0)).encode(), "za dużo argumentów"),
        (json.dumps(office_body("fx_koszt", 1.0)).encode(), "brak wymaganego argumentu stawka"),
        (json.dumps(office_body("fx_koszt", {"type": "Error", "errorType": "Div0"}, 1.0))
         .encode(), "osoby: komórka zawiera błąd #DZIEL/0!"),
        (json.dumps(office_body("fx_koszt", [["a"], "b"], 1.0)).encode(),
         "osoby: oczekiwano zakresu"),
    ],
)
def test_bad_requests_are_400_in_polish(client: httpx.Client, body: bytes, fragment: str) -> None:
    answer = client.post(CALL, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert fragment in answer.json()["detail"]


def test_bug_is_500_without_traceback(client: httpx.Client, server: RunningServer) -> None:
    answer = client.post(CALL, json=office_body("fx_blad"))
    assert answer.status_code == 500
    detail = answer.json()["detail"]
    assert "błąd wewnętrzny serwera KKZ" in detail
    assert "SEKRETNY" not in answer.text and "Traceback" not in answer.text
    incident = detail.rsplit(" ", 1)[-1].rstrip(")")
    log = server.log_text()
    assert incident in log and "SEKRETNY-SLAD-STOSU" in log  # the operator can find it
    assert client.post(CALL, json=office_body("fx_koszt", 1.0, 1.0, 1.0)).status_code == 200


def test_non_finite_numbers_become_excel_errors(client: httpx.Client) -> None:
    answer = client.post(CALL, json=office_body("fx_nieskonczonosc"))
    num = {"type": "Error", "errorType": "Num"}
    assert answer.json() == {"result": [[num, num, 1.0]]}


def test_oversized_body_is_refused(client: httpx.Client) -> None:
    big = office_body("fx_suma", [[1.0] * 100 for _ in range(100)])
    answer = client.post(CALL, json=big)
    assert answer.status_code == 413
    assert "za duża" in answer.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield json.dumps(big).encode()

    streamed = client.post(CALL, content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_unknown_path_and_method_in_polish(client: httpx.Client) -> None:
    assert client.get("/nie-ma").json()["detail"].startswith("nie ma takiego adresu")
    assert client.get(CALL).status_code == 405


def test_fifty_concurrent_calls_all_answer_right(server: RunningServer) -> None:
    def one(i: int) -> tuple[int, object]:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            r = c.post(CALL, json=office_body("fx_koszt", float(i), 3.0, 2.0))
            return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(one, range(1, 51)))
    assert answers == [(200, {"result": [[6.0 * i]]}) for i in range(1, 51)]


def test_a_long_calculation_does_not_hold_up_other_cells(server: RunningServer,
                                                         tmp_path: Path) -> None:
    """A call that runs until the test releases it; meanwhile another cell is answered.
    No timing: the order of events proves it."""
    def slow() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            return c.post(CALL, json=office_body("fx_wolna", str(tmp_path)))

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(slow)
        deadline = time.monotonic() + 30
        while not (tmp_path / "trwa").exists():  # the slow call is running on the server
            assert time.monotonic() < deadline and not pending.done(), "slow call not started"
            time.sleep(0.01)
        with httpx.Client(base_url=server.url, timeout=30) as c:
            quick = c.post(CALL, json=office_body("fx_koszt", 1.0, 2.0, 3.0))
        assert quick.json() == {"result": [[6.0]]}
        assert not pending.done()  # answered while the long one still runs
        (tmp_path / "koniec").touch()
        assert pending.result().json() == {"result": [[3.0]]}


def test_cors_allows_office_hosts_only(client: httpx.Client) -> None:
    office = "https://excel.officeapps.live.com"
    pre = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type"}
    ok = client.options(CALL, headers={"Origin": office, **pre})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == office
    bad = client.options(CALL, headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in bad.headers
    simple = client.post(CALL, json=office_body("fx_koszt", 1.0, 1.0, 1.0),
                         headers={"Origin": "https://officeapps.live.com.evil.example"})
    assert "access-control-allow-origin" not in simple.headers


def test_glue_script_binds_every_function(client: httpx.Client) -> None:
    js = client.get("/xlwings/custom-functions-code.js")
    assert js.headers["content-type"].startswith("text/javascript")
    for name in ("fx_koszt", "fx_tabela", "fx_suma", "fx_blad", "fx_nieskonczonosc"):
        assert f'CustomFunctions.associate("{name.upper()}", kkzFunction("{name}", [' in js.text
    assert 'kkzFunction("fx_koszt", ["osoby", "stawka", "lata"])' in js.text
    assert "__KKZ_" not in js.text
    assert '"/xlwings/custom-functions-call"' in js.text
    assert "data.detail" in js.text  # a 400's Polish message is what the cell shows


def test_pages_office_loads(client: httpx.Client) -> None:
    page = client.get("/taskpane.html")
    assert page.status_code == 200
    assert "office.js" in page.text and "xlwings/custom-functions-code.js" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    icon = client.get("/ikony/kkz-32.png")
    assert icon.headers["content-type"] == "image/png" and icon.content[:4] == b"\x89PNG"
    assert client.get("/ikony/kkz-33.png").status_code == 404


def test_token_required_when_configured(udfs_dir: Path) -> None:
    env = {"KKZ_UDFS_DIR": str(udfs_dir), "KKZ_UDF_MODULE": "fx_udfs",
           "KKZ_SERVER_TOKEN": "tajne-123"}
    body = office_body("fx_koszt", 1.0, 2.0, 3.0)
    with running_server(env) as srv, httpx.Client(base_url=srv.url, timeout=10) as c:
        missing = c.post(CALL, json=body)
        assert missing.status_code == 401
        assert "token" in missing.json()["detail"]
        assert c.post(CALL, json=body, headers={"Authorization": "Bearer zle"}).status_code == 401
        assert c.post(CALL, json=body, headers={"Authorization": "tajne-123"}).status_code == 401
        good = c.post(CALL, json=body, headers={"Authorization": "Bearer tajne-123"})
        assert good.json() == {"result": [[6.0]]}
        # Office fetches metadata and script itself, without the header.
        assert c.get(META).status_code == 200
        c.get("/wp-login.php?user=jan.kowalski@gmina.example")  # a scanner's probe
        personal = office_body("fx_koszt", 1.0, 2.0, 3.0)
        personal["caller_address"] = "[Budżet Jana Kowalskiego.xlsx]Arkusz1!B2"
        c.post(CALL, json=personal, headers={"Authorization": "Bearer tajne-123"})
        log = srv.log_text()
    # The access log: a line per request, without the token, the arguments, the caller's
    # workbook, the client's address, the query string or an unknown path.
    lines = [line for line in log.splitlines() if "kkz_xl.addin.dostep" in line]
    assert any("POST /xlwings/custom-functions-call 401" in line for line in lines)
    assert any("POST /xlwings/custom-functions-call 200" in line for line in lines)
    assert any("GET inny 404" in line for line in lines)
    for secret in ("tajne-123", "zle", "127.0.0.1", "Kowalsk", "wp-login", "user=", "Budżet",
                   "fx_koszt"):
        assert secret not in log, secret


def test_manifest_urls_are_served(client: httpx.Client, server: RunningServer) -> None:
    manifest = client.get("/manifest.xml")
    assert manifest.status_code == 200
    urls = set(re.findall(r'DefaultValue="(http[^"]+)"', manifest.text))
    assert urls, "the manifest names the add-in's pages"
    port = server.url.rsplit(":", 1)[1]
    for url in urls:
        assert url.startswith(f"http://localhost:{port}/")
        path = url.split(port, 1)[1]
        assert client.get(path).status_code == 200, path


def test_kkz_serwer_command_serves(udfs_dir: Path) -> None:
    kkz = Path(sys.executable).with_name("kkz")
    if not kkz.exists():
        pytest.skip("the kkz script is not installed next to this Python")
    env = {"KKZ_UDFS_DIR": str(udfs_dir), "KKZ_UDF_MODULE": "fx_udfs"}
    with running_server(env, command=[str(kkz), "serwer", "--port", "0"]) as srv:
        answer = httpx.post(srv.url + CALL, json=office_body("fx_koszt", 2.0, 3.0, 4.0))
        assert answer.json() == {"result": [[24.0]]}
        assert "manifest.xml" in srv.log_text()


def test_kkz_serwer_refuses_a_folder_without_the_module(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serwer"], env={"KKZ_UDFS_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert "kkz_udfs.py" in result.output
