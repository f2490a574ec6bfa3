"""The add-in server answering the real Excel functions of ``udfs/kkz_udfs.py`` over HTTP.

Expected figures come from the worked example of ``shared/spec/model.md`` (N = 100,
c = 10 000, q = 0.1, s = 0.3, c_p = 5 000, T = 3, rho = 0), and argument orders from the
contract table of ``shared/spec/excel-functions.md``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kkz_xl.excel.locations import default_udfs_dir
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


# ------------------------------------------------------------------ hostile requests (Office.js)

JSON_CELLS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=8),
    st.sampled_from(["#N/A", "#DIV/0!", "", "bezrobocie", "0,3"]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, 0.3, 100.0, 1e15, 1e16, 1e300, -1.0, 45_839.0]),
    st.integers(-(10**30), 10**30),
    st.fixed_dictionaries({"type": st.just("Error"),
                           "errorType": st.sampled_from(["NotAvailable", "Div0", "Value"])}),
    st.fixed_dictionaries({"type": st.just("Double"),
                           "basicValue": st.floats(allow_nan=False, allow_infinity=False)}),
)
JSON_ARGS = st.one_of(
    JSON_CELLS.map(lambda c: [[c]]),
    st.lists(st.lists(JSON_CELLS, min_size=1, max_size=4), min_size=1, max_size=4),
    JSON_CELLS,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_junk_requests_get_a_finite_result_or_a_400_naming_an_argument(
    client: httpx.Client, meta: dict[str, dict], data: st.DataObject
) -> None:
    """What Office.js can post (JSON cells, error objects, ragged ranges, any count of
    arguments) to every function: 200 with finite numbers, or 400 whose message starts with
    an argument's name; never a 500 (an internal exception) or a hang."""
    name = data.draw(st.sampled_from(sorted(meta)))
    params = [p["name"] for p in meta[name]["parameters"]]
    args = data.draw(st.lists(JSON_ARGS, min_size=0, max_size=len(params) + 1))
    answer = client.post(CALL, json=office_body(name.lower(), *args), timeout=60)
    assert answer.status_code in (200, 400), (name, args, answer.text)
    if answer.status_code == 400:
        detail = answer.json()["detail"]
        first = detail.split(":", 1)[0].split(" (")[0].split("[")[0]
        assert first in {*params, "argumenty", "wynik", name, "kwestia"} or \
            detail.startswith(("żądanie", name)), (name, args, detail)
        return

    def finite(v: object) -> None:
        if isinstance(v, list):
            for x in v:
                finite(x)
        else:
            assert not isinstance(v, dict) or v.get("type") == "FormattedNumber", v
            assert not (isinstance(v, float) and not math.isfinite(v))

    finite(answer.json()["result"])


def test_register_dates_come_back_as_dates_not_bare_serials(client: httpx.Client) -> None:
    """Office.js sends a date cell as its serial number; KKZ_KATALOG answers a date (xlwings:
    a number with the workbook's date format), as classic Excel shows a date."""
    import datetime as dt

    from tests.test_excel_hostile import CATALOGUE_TABLE

    header = CATALOGUE_TABLE[0]
    column = header.index("Data aktualizacji")
    table = [list(header)]
    for row in CATALOGUE_TABLE[1:]:
        cells = [(v - dt.date(1899, 12, 30)).days if isinstance(v, dt.date) else v for v in row]
        cells[column] = 45_718  # 2025-03-01 as a serial
        table.append(cells)
    rows = call(client, "kkz_katalog", table, "bezrobocie")
    assert len(rows) > 1
    for row in rows[1:]:
        assert row[column] == {"type": "FormattedNumber", "basicValue": 45_718,
                               "numberFormat": "dd.MM.yyyy"}, row[column]


def test_an_error_cell_reads_the_same_in_both_runtimes(client: httpx.Client) -> None:
    """Office.js sends error objects; the message is the one classic xlwings users see."""
    import kkz_udfs  # the classic path: error cells arrive as text (err_to_str)

    from kkz_xl.errors import InputError

    error = {"type": "Error", "errorType": "Div0"}
    args = [*EXAMPLE]
    args[1] = [[10000, error]]
    answer = client.post(CALL, json=office_body("kkz_koszt_zaniechania", *args))
    assert answer.status_code == 400
    with pytest.raises(InputError) as classic:
        kkz_udfs.kkz_koszt_zaniechania(100, [[10000.0, "#DIV/0!"]], 0.1, 0.3, 5000, 3, 0)
    assert answer.json()["detail"] == str(classic.value) == (
        "koszt_roczny: komórka nr 2 zakresu zawiera błąd #DZIEL/0!")
    # A table (more than one row and column) names row and column, in both runtimes.
    args[1] = [[10000, 0], [10000, error]]
    answer = client.post(CALL, json=office_body("kkz_koszt_zaniechania", *args))
    with pytest.raises(InputError) as classic:
        kkz_udfs.kkz_koszt_zaniechania(100, [[1e4, 0.0], [1e4, "#DIV/0!"]], 0.1, 0.3, 5000, 3, 0)
    assert answer.json()["detail"] == str(classic.value) == (
        "koszt_roczny: komórka w wierszu 2, kolumnie 2 zakresu zawiera błąd #DZIEL/0!")
