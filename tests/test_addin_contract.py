"""The add-in server answering the real Excel functions of ``udfs/kkz_udfs.py`` over HTTP.

Expected figures come from the worked example of ``shared/spec/model.md`` (N = 100,
c = 10 000, q = 0.1, s = 0.3, c_p = 5 000, T = 3, rho = 0), and argument orders from the
contract table of ``shared/spec/excel-functions.md``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kkz_xl.addin.locations import default_udfs_dir
from tests.addin_server import RunningServer, running_server
from tests.contract import CONTRACT

CALL = "/xlwings/custom-functions-call"
SHIPPED_FIRST = set(CONTRACT) - {"KKZ_KATALOG", "KKZ_LIDERZY"}  # functions 1–11 and 14
#: The worked example: N, c, q, s, c_p, T, rho (rho = 0 given explicitly), rest empty;
#: integral values as JavaScript's JSON.stringify writes them (``100``, not ``100.0``).
EXAMPLE = [100, 10000, 0.1, 0.3, 5000, 3, 0, None, None, None, None]


def decorated_functions() -> set[str]:
    """Names of the ``@xw.func`` functions, read from the module's source (not imported)."""
    tree = ast.parse((default_udfs_dir() / "kkz_udfs.py").read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr == "func":
                    names.add(node.name)
    return names


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def meta(client: httpx.Client) -> dict[str, dict]:
    return {f["name"]: f for f in client.get("/xlwings/custom-functions-meta.json").json()[
        "functions"]}


def office_body(func_name: str, *args: object) -> dict[str, object]:
    """Exactly what the Office.js glue posts; each argument a 2-D list, empty cell [[null]]."""
    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": [a if isinstance(a, list) else [[a]] for a in args],
        "caller_address": "[Kalkulator.xlsx]Kalkulator!C5",
        "session_id": "b7e1f2a0-0c1d-4e5f-9a8b-123456789abc",
        "culture_info_name": "pl-PL",
        "date_format": "dd.MM.yyyy",
        "version": "0.37.8",
        "runtime": "1.4",
    }


def call(client: httpx.Client, func_name: str, *args: object) -> object:
    answer = client.post(CALL, json=office_body(func_name, *args))
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


def test_metadata_lists_every_function_of_the_module(meta: dict[str, dict]) -> None:
    module_functions = {name.upper() for name in decorated_functions()}
    assert set(meta) == module_functions
    assert module_functions >= SHIPPED_FIRST


def test_descriptions_are_polish_and_arguments_in_contract_order(meta: dict[str, dict]) -> None:
    for name, entry in meta.items():
        assert entry["description"] and not entry["description"].startswith("Python function")
        for param in entry["parameters"]:
            assert param["description"] and not param["description"].startswith("Positional")
        if name in CONTRACT:
            expected = CONTRACT[name]
            assert [p["name"] for p in entry["parameters"]][: len(expected)] == expected, name
    polish = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
    assert any(ch in polish for entry in meta.values() for ch in entry["description"])
    koszt = meta["KKZ_KOSZT_ZANIECHANIA"]["parameters"]
    assert [p.get("optional", False) for p in koszt] == [False] * 5 + [True] * 7


def test_worked_example_npv(client: httpx.Client) -> None:
    assert call(client, "kkz_koszt_zaniechania", *EXAMPLE) == [[pytest.approx(13000.0)]]


def test_cost_as_a_payer_row_gives_the_same(client: httpx.Client) -> None:
    args = list(EXAMPLE)
    args[1] = [[10000, 0, 0, 0, 0]]
    assert call(client, "kkz_koszt_zaniechania", *args) == [[pytest.approx(13000.0)]]


def test_worked_example_indicators_spill_whole(client: httpx.Client) -> None:
    rows = call(client, "kkz_wskazniki", *EXAMPLE)
    assert len(rows) == 8 and all(len(r) == 2 for r in rows)
    values = [r[1] for r in rows]
    assert values == [pytest.approx(v) for v in
                      (13000, 2710000, 2697000, 500000, 513000, 1.026, 0.026, 3)]


def test_worked_example_flows_spill_whole(client: httpx.Client) -> None:
    rows = call(client, "kkz_przeplywy", *EXAMPLE)
    assert len(rows) == 4 and len({len(r) for r in rows}) == 1  # header + T rows, rectangular
    body = rows[1:]
    assert [r[0] for r in body] == [1, 2, 3]
    assert [r[1] for r in body] == [pytest.approx(v) for v in (100, 90, 81)]
    assert [r[2] for r in body] == [pytest.approx(v) for v in (100, 63, 56.7)]
    assert rows[0][7] == "różnica zdyskontowana narastająco"
    assert [r[7] for r in body] == [pytest.approx(v) for v in (-500000, -230000, 13000)]
    assert [r[-2:] for r in body] == [[0, 0]] * 3  # no korzysc_roczna: no gains


def test_worked_example_break_even(client: httpx.Client) -> None:
    assert call(client, "kkz_rok_zwrotu", *EXAMPLE) == [[3]]
    payback = call(client, "kkz_okres_zwrotu", *EXAMPLE)[0][0]
    assert payback == pytest.approx(2 + 230000 / 243000)
    without_s = EXAMPLE[:3] + EXAMPLE[4:10]
    assert call(client, "kkz_prog_skutecznosci", *without_s)[0][0] == pytest.approx(0.2924,
                                                                                   abs=1e-4)


def test_issue_list_spills_with_header(client: httpx.Client) -> None:
    rows = call(client, "kkz_kwestie")
    assert rows[0] == ["kod", "nazwa"] and len(rows) > 1


@pytest.mark.parametrize(
    ("position", "value", "fragment"),
    [(3, 1.5, "skutecznosc"), (0, "sto", "osoby"), (5, 0.0, "horyzont")],
)
def test_bad_argument_is_400_naming_it(client: httpx.Client, position: int, value: object,
                                       fragment: str) -> None:
    args = list(EXAMPLE)
    args[position] = value
    answer = client.post(CALL, json=office_body("kkz_koszt_zaniechania", *args))
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith(fragment)
    assert call(client, "kkz_koszt_zaniechania", *EXAMPLE) == [[pytest.approx(13000.0)]]


def test_fifty_concurrent_calls_all_answer_right(server: RunningServer) -> None:
    # NPV scales with N when nobody flows in (a = 0): 130 zł per person in the example.
    def one(n: int) -> tuple[int, float]:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            answer = c.post(CALL, json=office_body("kkz_koszt_zaniechania", n,
                                                   *EXAMPLE[1:]))
            return answer.status_code, answer.json()["result"][0][0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(one, range(1, 51)))
    assert answers == [(200, pytest.approx(130.0 * n)) for n in range(1, 51)]
