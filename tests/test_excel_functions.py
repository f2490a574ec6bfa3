"""The Excel functions of the contract, called as Excel would call the UDF module."""

from __future__ import annotations

import inspect

import kkz_udfs as udf
import numpy as np
import numpy_financial as npf
import pytest

from kkz_xl.errors import InputError
from kkz_xl.model.labels import (
    FLOW_COLUMNS,
    FLOW_GAIN_COLUMNS,
    INDICATOR_ROWS,
    MONTE_CARLO_ROWS,
    NO_BREAK_EVEN,
)
from kkz_xl.model.payers import PAYER_LABELS, Payer
from kkz_xl.params.base import default_base
from tests.conftest import WORKED_ARGS
from tests.contract import CONTRACT, MODEL_ARGS, MODEL_FUNCTIONS


def test_every_contract_function_is_in_the_module() -> None:
    in_module = {n.upper() for n, f in inspect.getmembers(udf, inspect.isfunction)
                 if n.startswith("kkz_")}
    assert set(CONTRACT) <= in_module


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_names_and_argument_order_follow_the_contract(name: str) -> None:
    func = getattr(udf, name.lower())
    assert list(inspect.signature(func).parameters) == CONTRACT[name]
    assert func.__doc__ and func.__doc__.strip()


def test_worked_example_through_the_functions() -> None:
    assert udf.kkz_koszt_zaniechania(*WORKED_ARGS) == pytest.approx(13_000, abs=0.005)
    table = udf.kkz_wskazniki(*WORKED_ARGS)
    assert [r[0] for r in table] == list(INDICATOR_ROWS)
    values = dict(table)
    assert values["PV kosztów zaniechania"] == pytest.approx(2_710_000, abs=0.005)
    assert values["PV kosztów działania"] == pytest.approx(2_697_000, abs=0.005)
    assert values["PV kosztu programu"] == pytest.approx(500_000, abs=0.005)
    assert values["korzyści brutto"] == pytest.approx(513_000, abs=0.005)
    assert values["BCR"] == pytest.approx(1.026)
    assert values["ROI"] == pytest.approx(0.026)
    assert values["rok zwrotu"] == 3
    assert udf.kkz_rok_zwrotu(*WORKED_ARGS) == 3
    assert udf.kkz_okres_zwrotu(*WORKED_ARGS) == pytest.approx(2 + 230_000 / 243_000)
    assert udf.kkz_okres_zwrotu(*WORKED_ARGS) == pytest.approx(2.947, abs=5e-4)
    threshold = udf.kkz_prog_skutecznosci(100, 10_000, 0.1, 5_000, 3, 0)
    assert threshold == pytest.approx(0.2924, abs=5e-5)


def test_flows_table() -> None:
    table = udf.kkz_przeplywy(*WORKED_ARGS)
    assert table[0] == [*FLOW_COLUMNS, *FLOW_GAIN_COLUMNS]
    assert [row[0] for row in table[1:]] == [1, 2, 3]
    expected = [[1, 100, 100, 1_000_000, 1_500_000, 500_000, -500_000, -500_000],
                [2, 90, 63, 900_000, 630_000, 0, 270_000, -230_000],
                [3, 81, 56.7, 810_000, 567_000, 0, 243_000, 13_000]]
    for got, want in zip(table[1:], expected, strict=True):
        assert got == pytest.approx([*want, 0, 0], abs=0.005)


@pytest.mark.parametrize("gains", [1_200, [[0, 0, 700, 300, 200]], [[1_000, 200], [1_100, 250]]])
def test_yearly_gain_is_the_last_argument_of_every_model_function(gains: object) -> None:
    """korzysc_roczna (g_k): the engine with gain lines, whichever function asks."""
    from kkz_xl.engine.run import run_inputs
    from kkz_xl.excel.calculator import model_inputs

    inputs, _ = model_inputs(*WORKED_ARGS, None, None, None, None, korzysc_roczna=gains)
    assert inputs.gains, "gains reach the engine"
    expected = run_inputs(inputs, 3, 0.0)
    plain = run_inputs(model_inputs(*WORKED_ARGS)[0], 3, 0.0)
    assert expected.npv > plain.npv  # self-reliant persons pay taxes: acting gains more
    full = (*WORKED_ARGS, None, None, None, None)
    assert udf.kkz_koszt_zaniechania(*full, gains) == pytest.approx(expected.npv)
    assert dict(udf.kkz_wskazniki(*full, gains))["koszt zaniechania (NPV)"] == pytest.approx(
        expected.npv)
    assert udf.kkz_rok_zwrotu(*full, gains) == expected.break_even_year
    assert udf.kkz_okres_zwrotu(*full, gains) == pytest.approx(expected.payback)
    payers = dict(udf.kkz_platnicy(*full, None, gains)[1:])
    assert sum(payers.values()) == pytest.approx(expected.npv)
    mc = dict(udf.kkz_monte_carlo(*full, 500, 0.0001, 3, gains))
    assert mc["średnia"] == pytest.approx(expected.npv, rel=1e-3)
    s_args = (*WORKED_ARGS[:3], WORKED_ARGS[4], *WORKED_ARGS[5:], None, None, None, None)
    with_gain = udf.kkz_prog_skutecznosci(*s_args, gains)
    assert with_gain < udf.kkz_prog_skutecznosci(*s_args)
    flows = udf.kkz_przeplywy(*full, gains)
    gain_z = [r[-2] for r in flows[1:]]
    gain_a = [r[-1] for r in flows[1:]]
    per_person = [sum(line.series(3)[t] for line in inputs.gains) for t in range(3)]
    assert gain_z == pytest.approx([i * g for i, g in zip(expected.independent_z, per_person,
                                                          strict=True)])
    assert gain_a == pytest.approx([i * g for i, g in zip(expected.independent_a, per_person,
                                                          strict=True)])
    assert gain_a[1] > 0 and gain_z[0] == 0  # nobody self-reliant at the start


@pytest.mark.parametrize(("gains", "message"), [
    ("dużo", "korzysc_roczna (gmina): oczekiwano liczby"),
    ([[1, -2]], "korzysc_roczna (powiat): oczekiwano liczby nieujemnej"),
    ([[100, 0], [0, -5]], "korzysc_roczna (powiat): oczekiwano liczby nieujemnej"),
    ([[0, 0, float("nan")]], "korzysc_roczna: komórka nr 3 zakresu: oczekiwano skończonej"),
    ([[0, 0, -1e16]], "korzysc_roczna: komórka nr 3 zakresu: oczekiwano skończonej"),
    ([[0, 0, "dużo"]], "korzysc_roczna (budżet państwa): oczekiwano liczby"),
    ([[1, 2, 3, 4, 5, 6]], "korzysc_roczna: oczekiwano najwyżej 5 wartości"),
    ([[1, 2]] * 51, "korzysc_roczna: tabela korzyści w latach: najwyżej 50 wierszy"),
])
def test_bad_yearly_gain_is_refused_by_name(gains: object, message: str) -> None:
    with pytest.raises(InputError) as err:
        udf.kkz_koszt_zaniechania(*WORKED_ARGS, None, None, None, None, gains)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("gains", [[[0, 0, -3_000]], [[0, 0, 1_800], [0, 0, 1_800],
                                                  [0, 0, -3_100]]])
def test_state_budget_gain_may_be_negative(gains: object) -> None:
    """The state budget's net gain from a worker is negative when the JST's PIT shares exceed
    the worker's PIT: the functions take it, and it lowers the NPV of the state and of all."""
    from kkz_xl.excel.calculator import model_inputs  # as the test above: the engine's lines

    full = (*WORKED_ARGS, None, None, None, None)
    inputs, _ = model_inputs(*full, korzysc_roczna=gains)
    assert inputs.gains
    plain = udf.kkz_koszt_zaniechania(*full)
    signed = udf.kkz_koszt_zaniechania(*full, gains)
    assert signed < plain
    payers = dict(udf.kkz_platnicy(*full, None, gains)[1:])
    without = dict(udf.kkz_platnicy(*full, None)[1:])
    state = PAYER_LABELS[Payer.BUDZET_PANSTWA]
    assert payers[state] < without[state]
    assert sum(payers.values()) == pytest.approx(signed)
    flows = udf.kkz_przeplywy(*full, gains)
    assert min(r[-1] for r in flows[1:]) < 0  # the gain columns carry the sign


def test_payers_split_and_financing() -> None:
    args = (100, [[6_000, 4_000]], 0.1, 0.3, 5_000, 3, 0)
    table = udf.kkz_platnicy(*args)
    assert table[0] == ["płatnik", "koszt zaniechania"]
    rows = dict(table[1:])
    # Savings split 60/40 by cost share (513 000 gross), the programme all on the gmina.
    assert rows["gmina"] == pytest.approx(0.6 * 513_000 - 500_000)
    assert rows["powiat"] == pytest.approx(0.4 * 513_000)
    shared = dict(udf.kkz_platnicy(*args, None, None, None, None, [[0.5, 0.5]])[1:])
    assert shared["gmina"] == pytest.approx(0.6 * 513_000 - 250_000)
    assert sum(shared.values()) == pytest.approx(13_000)


def test_monte_carlo_table_is_seeded() -> None:
    args = (*WORKED_ARGS, None, None, None, None, 2_000, 0.2, 11)
    a = udf.kkz_monte_carlo(*args)
    assert [r[0] for r in a] == list(MONTE_CARLO_ROWS)
    assert a == udf.kkz_monte_carlo(*args)
    assert 0 <= a[4][1] <= 1 and a[1][1] <= a[2][1] <= a[3][1]


def test_npv_equals_numpy_financial() -> None:
    flows = [-1_000.0, 300.0, 400.0, 500.0, 200.0]
    assert udf.kkz_npv(0.05, [flows]) == pytest.approx(npf.npv(0.05, flows))
    assert udf.kkz_npv(0.05, [[v] for v in flows]) == pytest.approx(npf.npv(0.05, flows))
    assert udf.kkz_npv(0.0, np.array(flows)) == pytest.approx(sum(flows))


def test_issues_parameters_and_analysis() -> None:
    table = udf.kkz_kwestie()
    assert table[0] == ["kod", "nazwa"]
    assert [r[0] for r in table[1:]] == list(default_base().issues)
    assert len(table) == len(default_base().issues) + 1
    q = udf.kkz_parametr("bezrobocie", "odplyw")
    assert q == default_base().issue("bezrobocie").odplyw.wartosc
    cost_2025 = udf.kkz_parametr("bezrobocie", "koszt_roczny")
    assert udf.kkz_parametr("bezrobocie", "koszt_roczny", 2024) == pytest.approx(cost_2025 / 1.036)
    analysis = dict(udf.kkz_analiza("bezrobocie", 100))
    base = default_base().issue("bezrobocie")
    programme = base.programy[0]
    # A self-reliant person's gain g is, for the NPV, the same as a dependent person's extra
    # cost g (D + I is the same in both futures): the years × payers table carries both, each
    # line's yearly profile applied.
    payers = ("gmina", "powiat", "budzet_panstwa", "nfz", "zus_fp")
    yearly = [[sum(c.wartosc * (c.profil or [1.0])[min(t, len(c.profil or [1.0]) - 1)]
                   for c in base.koszty + base.korzysci if c.platnik.value == p)
               for p in payers] for t in range(7)]
    assert any(base.korzysci)
    direct = udf.kkz_koszt_zaniechania(
        100, yearly,
        base.odplyw.wartosc, programme.skutecznosc.wartosc, programme.koszt_uczestnika.wartosc,
        7, None, programme.zasieg.wartosc, base.nawroty.wartosc, 0, programme.powtarzaj)
    assert analysis["koszt zaniechania (NPV)"] == pytest.approx(direct)


def test_texts_for_undefined_results() -> None:
    assert udf.kkz_rok_zwrotu(100, 10_000, 0.1, 0.05, 5_000, 3, 0) == NO_BREAK_EVEN
    assert udf.kkz_okres_zwrotu(100, 10_000, 0.1, 0.05, 5_000, 3, 0) == NO_BREAK_EVEN
    assert udf.kkz_prog_skutecznosci(100, 10, 0.1, 5_000, 3, 0) == "nieosiągalny"


BAD_CALLS = [
    ("kkz_koszt_zaniechania", (100, 10_000, 0.1, 1.5, 5_000),
     "skutecznosc: oczekiwano liczby od 0 do 1, otrzymano 1,5"),
    ("kkz_koszt_zaniechania", ("sto", 10_000, 0.1, 0.3, 5_000), "osoby: oczekiwano liczby"),
    ("kkz_koszt_zaniechania", (-5, 10_000, 0.1, 0.3, 5_000), "osoby: oczekiwano liczby nieujemnej"),
    ("kkz_koszt_zaniechania", (100, [[1, 2, 3, 4, 5, 6]], 0.1, 0.3, 5_000),
     "koszt_roczny: oczekiwano najwyżej 5 wartości"),
    ("kkz_koszt_zaniechania", (100, [[1, "x"]], 0.1, 0.3, 5_000),
     "koszt_roczny (powiat): oczekiwano liczby"),
    ("kkz_koszt_zaniechania", (100, None, 0.1, 0.3, 5_000), "koszt_roczny: oczekiwano liczby"),
    ("kkz_koszt_zaniechania", (100, 10_000, 0.1, 0.3, 5_000, 0), "horyzont: oczekiwano liczby "
                                                                  "całkowitej od 1 do 50"),
    ("kkz_koszt_zaniechania", (100, 10_000, 0.1, 0.3, 5_000, 7.5), "horyzont: oczekiwano liczby "
                                                                    "całkowitej"),
    ("kkz_koszt_zaniechania", (100, 10_000, 0.1, 0.3, 5_000, 7, 1.2), "stopa: oczekiwano liczby"),
    ("kkz_koszt_zaniechania", (100, 10_000, 0.1, True, 5_000), "skutecznosc: oczekiwano liczby"),
    ("kkz_koszt_zaniechania", (100, 10_000, 0.1, 0.3, 5_000, 7, 0.03, 1, 0, 0, "tak"),
     "powtarzaj: oczekiwano wartości logicznej"),
    ("kkz_koszt_zaniechania", ([[1, 2]], 10_000, 0.1, 0.3, 5_000), "osoby: oczekiwano jednej "
                                                                     "wartości"),
    ("kkz_wskazniki", (100, 10_000, 2, 0.3, 5_000), "odplyw: oczekiwano liczby od 0 do 1"),
    ("kkz_przeplywy", (100, 10_000, 0.1, 0.3, float("nan")), "koszt_uczestnika: oczekiwano"),
    ("kkz_rok_zwrotu", (100, 10_000, 0.1, 0.3, 5_000, 7, 0.03, 1.2), "zasieg: oczekiwano "
                                                                      "liczby od 0 do 1"),
    ("kkz_okres_zwrotu", (100, 10_000, 0.1, 0.3, 5_000, 7, 0.03, 1, -0.1), "nawroty: "),
    ("kkz_monte_carlo", (*WORKED_ARGS, None, None, None, None, 10), "losowania: "),
    ("kkz_monte_carlo", (*WORKED_ARGS, None, None, None, None, 1000, "duża"), "zmiennosc: "),
    ("kkz_prog_skutecznosci", (100, 10_000, "x", 5_000), "odplyw: oczekiwano liczby"),
    ("kkz_platnicy", (*WORKED_ARGS, None, None, None, None, [[0.5, 0.6]]),
     "finansowanie: udziały płatników w finansowaniu programu muszą sumować się do 1"),
    ("kkz_npv", ("5%", [1, 2]), "stopa: oczekiwano liczby"),
    ("kkz_npv", (0.05, [[1, "a"]]), "przeplywy: oczekiwano liczby"),
    ("kkz_npv", (0.05, [[1, 2], [3, 4]]), "przeplywy: oczekiwano jednego wiersza"),
    ("kkz_parametr", ("bezdomnoscc", "odplyw"), "kwestia: nieznany kod kwestii"),
    ("kkz_parametr", ("bezrobocie", "nieznany"), "nazwa: nieznany parametr"),
    ("kkz_parametr", ("bezrobocie", "koszt_roczny", 1980), "rok_cen: brak wskaźnika cen"),
    ("kkz_parametr", (5, "odplyw"), "kwestia: oczekiwano tekstu"),
    ("kkz_analiza", ("bezrobocie", "x"), "osoby: oczekiwano liczby"),
    ("kkz_analiza", ("xyz", 10), "kwestia: nieznany kod kwestii"),
]


@pytest.mark.parametrize(("name", "args", "message"), BAD_CALLS,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(BAD_CALLS)])
def test_bad_arguments_give_polish_errors(name: str, args: tuple, message: str) -> None:
    with pytest.raises(InputError) as err:
        getattr(udf, name)(*args)
    assert str(err.value).startswith(message)


def test_every_model_function_rejects_text_in_each_numeric_argument() -> None:
    for name in MODEL_FUNCTIONS:
        if "skutecznosc" not in CONTRACT[name]:
            continue
        for position, arg in enumerate(MODEL_ARGS[:10]):
            args = [100, 10_000, 0.1, 0.3, 5_000, 3, 0.0, 1.0, 0.0, 0.0]
            args[position] = "abc"
            with pytest.raises(InputError) as err:
                getattr(udf, name.lower())(*args)
            assert str(err.value).startswith(arg), (name, arg, str(err.value))


def test_excel_shapes_are_accepted() -> None:
    """1×1 ranges, numpy scalars and arrays, integral floats: as Excel and ``formulas`` pass."""
    got = udf.kkz_koszt_zaniechania([[100.0]], np.array([[10_000.0]]), np.float64(0.1),
                                    [[0.3]], 5_000, 3.0, 0.0, None, None, None, False)
    assert got == pytest.approx(13_000, abs=0.005)
    column = udf.kkz_koszt_zaniechania(100, [[10_000], [0], [None]], 0.1, 0.3, 5_000, 3, 0)
    assert column == pytest.approx(13_000, abs=0.005)


def test_yearly_cost_table_equals_the_engine_with_a_profile() -> None:
    """Foster care: gmina 10 % → 30 % → 50 % of 18 000, powiat the rest, as a years × payers
    table; the same as cost lines with profiles in the engine."""
    from kkz_xl.engine.run import run_inputs
    from kkz_xl.model.inputs import IssueInputs

    table = [[1_800, 16_200], [5_400, 12_600], [9_000, 9_000]]
    got = dict(udf.kkz_wskazniki(40, table, 0.065, 0.5, 12_000, 7, 0.03, 0.5, 0.1, 3))
    item = IssueInputs.model_validate({
        "osoby": 40.0, "odplyw": 0.065, "skutecznosc": 0.5, "koszt_uczestnika": 12_000.0,
        "zasieg": 0.5, "nawroty": 0.1, "naplyw": 3.0,
        "koszty": [{"platnik": "gmina", "kwota": 18_000.0, "profil": [0.1, 0.3, 0.5]},
                   {"platnik": "powiat", "kwota": 18_000.0, "profil": [0.9, 0.7, 0.5]}],
    })
    expected = run_inputs(item, 7, 0.03)
    assert got["koszt zaniechania (NPV)"] == pytest.approx(expected.npv, rel=1e-12)
    assert got["PV kosztów zaniechania"] == pytest.approx(expected.pv_z, rel=1e-12)
    payers = dict(udf.kkz_platnicy(40, table, 0.065, 0.5, 12_000, 7, 0.03, 0.5, 0.1, 3)[1:])
    assert payers["powiat"] == pytest.approx(expected.npv_by_payer[1], rel=1e-12)


@pytest.mark.parametrize(("table", "message"), [
    ([[1, 2], [3, "x"]], "koszt_roczny (powiat): oczekiwano liczby"),
    ([[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]], "koszt_roczny: tabela kosztów w latach: "
                                               "oczekiwano najwyżej 5 kolumn"),
    ([[1, -2], [3, 4]], "koszt_roczny (powiat): oczekiwano liczby nieujemnej"),
    ([[1, 2]] * 51, "koszt_roczny: tabela kosztów w latach: najwyżej 50 wierszy"),
])
def test_bad_yearly_cost_tables(table: list, message: str) -> None:
    with pytest.raises(InputError) as err:
        udf.kkz_koszt_zaniechania(10, table, 0.1, 0.3, 100)
    assert str(err.value).startswith(message)


def test_empty_horizon_is_the_bases_horizon_as_in_kkz_analiza() -> None:
    base = default_base()
    args = (100, 10_000, 0.1, 0.3, 5_000)
    assert udf.kkz_koszt_zaniechania(*args) == udf.kkz_koszt_zaniechania(*args, base.horizon)
    assert udf.kkz_koszt_zaniechania(*args) != udf.kkz_koszt_zaniechania(*args, base.horizon + 1)
    assert dict(udf.kkz_analiza("bezrobocie", 100)) == dict(
        udf.kkz_analiza("bezrobocie", 100, base.horizon))
    with pytest.raises(InputError, match=r"^horyzont: oczekiwano liczby całkowitej od 1"):
        udf.kkz_analiza("bezrobocie", 100, 0)  # 0 is not "empty": refused, not the default


def test_help_texts_quote_the_defaults_from_their_one_home() -> None:
    """No legal amount or base value is written into udfs/: the texts are built from the
    parameter files, so they follow a new amount."""
    from pathlib import Path

    from kkz_xl.cis.params import cis_params
    from kkz_xl.excel import help as texts
    from kkz_xl.polish import fmt_money

    source = Path(udf.__file__).read_text(encoding="utf-8")
    benefit = cis_params().zasilek_dla_bezrobotnych.wartosc
    for figure in (fmt_money(benefit).replace("\u00a0", " "), "1 721,90", "1721", "0,3652",
                   "36,52", "domyślnie 7", "10 000"):
        assert figure not in source, figure
    assert fmt_money(benefit) in texts.cis()["zasilek_swiadczenie"]
    assert str(default_base().horizon) in texts.horizon()
    assert udf.kkz_cis_swiadczenie.__doc__ == texts.cis()["swiadczenie"]
    assert "120" in udf.kkz_cis_swiadczenie.__doc__
