"""The Office.js glue script, run in Node against the real server with Office mocked.

Checks the two ends meet: the script posts the body the server expects, a result comes back
as the cell's value, and a 400's Polish message becomes the Excel error's message (what the
accountant sees on the cell's error flag). Skips without Node unless ``CI`` is set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

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

HARNESS = textwrap.dedent(
    """
    const fs = require("fs");
    const serverUrl = process.argv[2];
    const token = process.argv[3] || null;
    const posted = [];
    const associated = {};
    class CfError extends Error {
      constructor(code, message) { super(message); this.code = code; }
    }
    globalThis.window = { location: { origin: serverUrl } };
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
