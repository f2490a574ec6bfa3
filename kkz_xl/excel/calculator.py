"""The Kalkulator Społeczny's Excel functions (contract functions 1–11 and 14): arguments as
Excel hands them in, answers shaped for a cell or a spilled range."""

from __future__ import annotations

from typing import Any

import numpy as np

from kkz_xl.engine.discount import npv
from kkz_xl.engine.montecarlo import monte_carlo
from kkz_xl.engine.run import IssueResult, run_inputs, run_state_issue, run_states, stack
from kkz_xl.engine.threshold import break_even_success
from kkz_xl.engine.two_state import npv as two_state_npv
from kkz_xl.errors import InputError
from kkz_xl.excel.convert import (
    as_float_if_integral,
    cells,
    grid,
    require_number,
    row,
    scalar,
    validated,
)
from kkz_xl.excel.memo import remembered
from kkz_xl.model.inputs import MAX_HORIZON, Horizon, IssueInputs
from kkz_xl.model.labels import (
    FLOW_COLUMNS,
    FLOW_GAIN_COLUMNS,
    INDICATOR_ROWS,
    ISSUES_HEADER,
    MONTE_CARLO_ROWS,
    NO_BREAK_EVEN,
    NOT_REACHABLE,
    PAYERS_HEADER,
    UNDEFINED,
)
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.model.scenario import IssueScenario, MonteCarloSettings, resolve_issue
from kkz_xl.model.severity import StateInputs, cost_cells, has_state_model, resolve_states
from kkz_xl.params.base import default_base
from kkz_xl.params.lookup import parameter_value
from kkz_xl.params.state_models import shipped_models
from kkz_xl.polish import fmt_plain

Cell = float | int | str
Table = list[list[Cell]]


def _payer_row(value: Any, name: str) -> list[Any]:
    values = row(value, name, len(PAYERS))
    if not values or all(v is None for v in values):
        raise InputError(name, "oczekiwano liczby lub wiersza do 5 liczb (gmina, powiat, "
                               "budżet państwa, NFZ, ZUS/Fundusz Pracy), otrzymano pustą komórkę")
    return values


def _payer_lines(value: Any, name: str, *, required: bool) -> list[dict[str, Any]]:
    """``koszt_roczny`` or ``korzysc_roczna`` as engine lines: one number or a row/column of up
    to 5 (payer order), or a table with one row per year and one column per payer (at least
    two of each; the last row holds for the later years), for amounts that change by year.
    An optional argument left empty gives no lines. Signs are the model's rule
    (``model.inputs``): costs never negative; a gain negative only for the state budget, whose
    JST PIT shares can exceed the worker's PIT."""
    rows = grid(value)
    what = "kosztów" if required else "korzyści"
    if len(rows) > 1 and max(len(r) for r in rows) > 1:
        width = max(len(r) for r in rows)
        if width > len(PAYERS):
            raise InputError(name, f"tabela {what} w latach: oczekiwano najwyżej "
                             f"{len(PAYERS)} kolumn (płatników), otrzymano {width}")
        if len(rows) > MAX_HORIZON:
            raise InputError(name, f"tabela {what} w latach: najwyżej {MAX_HORIZON} "
                             f"wierszy (lat), otrzymano {len(rows)}")
        # Amount 1 with the yearly amounts as the profile: series(t) = the amount of year t.
        return [{"platnik": p, "kwota": 1.0, "nazwa": PAYER_LABELS[p],
                 "profil": [0.0 if r[k] is None else r[k] if k < len(r) else 0.0
                            for r in rows]}
                for k, p in enumerate(PAYERS[:width])]
    if not required and not [v for v in row(value, name, len(PAYERS)) if v is not None]:
        return []
    return [{"platnik": p, "kwota": 0.0 if v is None else v, "nazwa": PAYER_LABELS[p]}
            for p, v in zip(PAYERS, _payer_row(value, name), strict=False)]


def model_inputs(
    osoby: Any, koszt_roczny: Any, odplyw: Any, skutecznosc: Any, koszt_uczestnika: Any,
    horyzont: Any = None, stopa: Any = None, zasieg: Any = None, nawroty: Any = None,
    naplyw: Any = None, powtarzaj: Any = None, finansowanie: Any = None,
    korzysc_roczna: Any = None,
) -> tuple[IssueInputs, Horizon]:
    """The model arguments of the contract (in its order), validated, as the engine's inputs."""
    data: dict[str, Any] = {
        "osoby": scalar(osoby, "osoby"),
        "koszty": _payer_lines(koszt_roczny, "koszt_roczny", required=True),
        "korzysci": _payer_lines(korzysc_roczna, "korzysc_roczna", required=False),
        "odplyw": scalar(odplyw, "odplyw"),
        "skutecznosc": scalar(skutecznosc, "skutecznosc"),
        "koszt_uczestnika": scalar(koszt_uczestnika, "koszt_uczestnika"),
        "zasieg": scalar(zasieg, "zasieg"),
        "nawroty": scalar(nawroty, "nawroty"),
        "naplyw": scalar(naplyw, "naplyw"),
        "powtarzaj": scalar(powtarzaj, "powtarzaj"),
    }
    if finansowanie is not None:
        shares = row(finansowanie, "finansowanie", len(PAYERS))
        if shares:
            data["finansowanie"] = {p: 0.0 if v is None else v
                                    for p, v in zip(PAYERS, shares, strict=False)}
    try:
        inputs = validated(IssueInputs, data)
    except InputError as err:
        raise _excel_name(err) from None
    horizon = validated(Horizon, {
        "horyzont": _default_horizon(as_float_if_integral(scalar(horyzont, "horyzont"))),
        "stopa": _default_rate(scalar(stopa, "stopa")),
    })
    return inputs, horizon


def _excel_name(err: InputError) -> InputError:
    """``koszty[2].kwota`` → ``koszt_roczny (powiat)``: name the argument the user typed."""
    for internal, argument in (("koszty", "koszt_roczny"), ("korzysci", "korzysc_roczna"),
                               ("finansowanie", "finansowanie")):
        if err.field.startswith(internal):
            position = err.field[len(internal):].split("]")[0].lstrip("[.")
            label = ""
            if position.isdigit() and 0 < int(position) <= len(PAYERS):
                label = f" ({PAYER_LABELS[PAYERS[int(position) - 1]]})"
            elif position in {p.value for p in PAYERS}:
                label = f" ({PAYER_LABELS[PAYERS[[p.value for p in PAYERS].index(position)]]})"
            return InputError(f"{argument}{label}", err.message)
    return err


def _default_horizon(value: Any) -> Any:
    """An empty ``horyzont``: the base's horizon (as KKZ_ANALIZA's)."""
    return default_base().horizon if value is None else value


def _default_rate(value: Any) -> Any:
    return default_base().discount_rate if value is None else value


#: The contract's eleven model arguments (``model_inputs``' leading parameters); every model
#: function takes them first and ``korzysc_roczna`` last, after its own extra arguments.
N_MODEL_ARGS = 11


def _split(args: tuple[Any, ...], extra: int) -> tuple[list[Any], list[Any], Any]:
    """Excel's positional arguments → (model arguments, the function's own extra arguments,
    ``korzysc_roczna``); missing trailing ones are empty."""
    padded = list(args) + [None] * (N_MODEL_ARGS + extra + 1 - len(args))
    if len(padded) > N_MODEL_ARGS + extra + 1:
        raise InputError("argumenty", f"za dużo argumentów ({len(args)})")
    return (padded[:N_MODEL_ARGS], padded[N_MODEL_ARGS:N_MODEL_ARGS + extra],
            padded[N_MODEL_ARGS + extra])


def _result(*args: Any, threshold: bool = False) -> IssueResult:
    model, _, gains = _split(args, 0)
    inputs, horizon = model_inputs(*model, korzysc_roczna=gains)
    return run_inputs(inputs, horizon.years, horizon.rate, threshold=threshold)


def _opt(value: float | int | None, text: str) -> Cell:
    return text if value is None else value


def indicator_table(r: IssueResult) -> Table:
    """Two columns (label, value) in the contract's order, no header."""
    values: list[Cell] = [
        r.npv, r.pv_z, r.pv_a, r.pv_programme, r.gross_benefit,
        _opt(r.bcr, UNDEFINED), _opt(r.roi, UNDEFINED), _opt(r.break_even_year, NO_BREAK_EVEN),
    ]
    return [[label, v] for label, v in zip(INDICATOR_ROWS, values, strict=True)]


def flow_table(r: IssueResult) -> Table:
    """Header, then one row per year (contract function 3); the gain columns last."""
    out: Table = [[*FLOW_COLUMNS, *FLOW_GAIN_COLUMNS]]
    diff = r.cost_z - r.cost_a
    gain_lines = [j for j, line in enumerate(r.lines) if line.gain]
    # Gain lines enter the engine's line costs negatively (−I_t·g_k).
    gains_z = -r.line_z[:, gain_lines].sum(-1)
    gains_a = -r.line_a[:, gain_lines].sum(-1)
    for t in range(r.years):
        out.append([t + 1, float(r.dependent_z[t]), float(r.dependent_a[t]),
                    float(r.cost_z[t]), float(r.cost_a[t]), float(r.programme[t]),
                    float(diff[t]), float(r.cumulative[t]), float(gains_z[t]) + 0.0,
                    float(gains_a[t]) + 0.0])
    return out


# ------------------------------------------------------------------ contract functions


def koszt_zaniechania(*args: Any) -> float:
    """1. KKZ_KOSZT_ZANIECHANIA: the engine's NPV alone (the most called function: no result
    object with every year, line and payer is built for one number)."""
    model, _, gains = _split(args, 0)
    inputs, horizon = model_inputs(*model, korzysc_roczna=gains)
    params, _ = stack([inputs], horizon.years, horizon.rate)
    return float(two_state_npv(params)[0])


@remembered
def wskazniki(*args: Any) -> Table:
    """2. KKZ_WSKAZNIKI."""
    return indicator_table(_result(*args))


@remembered
def przeplywy(*args: Any) -> Table:
    """3. KKZ_PRZEPLYWY."""
    return flow_table(_result(*args))


def rok_zwrotu(*args: Any) -> Cell:
    """4. KKZ_ROK_ZWROTU."""
    return _opt(_result(*args).break_even_year, NO_BREAK_EVEN)


@remembered
def monte_carlo_table(*args: Any) -> Table:
    """5. KKZ_MONTE_CARLO: model arguments, then losowania, zmiennosc, ziarno, korzysc_roczna."""
    model, extra, gains = _split(args, 3)
    inputs, horizon = model_inputs(*model, korzysc_roczna=gains)
    settings = validated(MonteCarloSettings, {
        "losowania": as_float_if_integral(scalar(extra[0], "losowania")),
        "zmiennosc": scalar(extra[1], "zmiennosc"),
        "ziarno": as_float_if_integral(scalar(extra[2], "ziarno")),
    })
    params, _ = stack([inputs], horizon.years, horizon.rate)
    s = monte_carlo(params, settings.draws, settings.spread, settings.seed)
    values = [s.mean[0], s.p5[0], s.p50[0], s.p95[0], s.prob_positive[0]]
    return [[label, float(v)] for label, v in zip(MONTE_CARLO_ROWS, values, strict=True)]


def prog_skutecznosci(osoby: Any, koszt_roczny: Any, odplyw: Any, koszt_uczestnika: Any,
                      *rest: Any) -> Cell:
    """6. KKZ_PROG_SKUTECZNOSCI: the model arguments without ``skutecznosc``."""
    model, _, gains = _split((osoby, koszt_roczny, odplyw, 0.0, koszt_uczestnika, *rest), 0)
    inputs, horizon = model_inputs(*model, korzysc_roczna=gains)
    params, _ = stack([inputs], horizon.years, horizon.rate)
    s = float(break_even_success(params)[0])
    return NOT_REACHABLE if np.isnan(s) else s


@remembered
def platnicy(*args: Any) -> Table:
    """7. KKZ_PLATNICY: model arguments, then ``finansowanie``, ``korzysc_roczna``."""
    model, extra, gains = _split(args, 1)
    inputs, horizon = model_inputs(*model, finansowanie=extra[0], korzysc_roczna=gains)
    r = run_inputs(inputs, horizon.years, horizon.rate)
    return [list(PAYERS_HEADER)] + [[PAYER_LABELS[p], v]
                                   for p, v in zip(PAYERS, r.npv_by_payer, strict=True)]


def kkz_npv(stopa: Any, przeplywy: Any) -> float:
    """8. KKZ_NPV: Σ przeplywy_t·(1+stopa)^-t, t from 0."""
    horizon = validated(Horizon, {"horyzont": 1, "stopa": scalar(stopa, "stopa")})
    values = row(przeplywy, "przeplywy", 10_000)
    if not values:
        raise InputError("przeplywy", "oczekiwano wiersza lub kolumny liczb, otrzymano pusty "
                                      "zakres")
    flows = [require_number(0.0 if v is None else v, "przeplywy") for v in values]
    return npv(horizon.rate, flows)


def kwestie() -> Table:
    """9. KKZ_KWESTIE."""
    return [list(ISSUES_HEADER)] + [[code, i.nazwa] for code, i in default_base().issues.items()]


def parametr(kwestia: Any, nazwa: Any, rok_cen: Any = None) -> float:
    """10. KKZ_PARAMETR."""
    year = as_float_if_integral(scalar(rok_cen, "rok_cen"))
    return parameter_value(_text(kwestia, "kwestia"), _text(nazwa, "nazwa"), year)


def analiza(kwestia: Any, osoby: Any, horyzont: Any = None, stopa: Any = None) -> Table:
    """11. KKZ_ANALIZA: as KKZ_WSKAZNIKI with the issue's parameters from the base."""
    base = default_base()
    issue = validated(IssueScenario, {"kod": _text(kwestia, "kwestia"),
                                      "osoby": scalar(osoby, "osoby")})
    base.issue(issue.code)
    horizon = validated(Horizon, {
        "horyzont": _default_horizon(as_float_if_integral(scalar(horyzont, "horyzont"))),
        "stopa": _default_rate(scalar(stopa, "stopa")),
    })
    resolved = resolve_issue(issue, base, base.price_year)
    return indicator_table(run_inputs(resolved.inputs, horizon.years, horizon.rate))


def okres_zwrotu(*args: Any) -> Cell:
    """14. KKZ_OKRES_ZWROTU."""
    return _opt(_result(*args).payback, NO_BREAK_EVEN)


def _text(value: Any, name: str) -> str:
    v = scalar(value, name)
    if not isinstance(v, str) or not v.strip():
        raise InputError(name, f"oczekiwano tekstu (kodu), otrzymano {fmt_plain(v)}")
    return v.strip()


# ------------------------------------------------------------------ multi-state models
# KKZ_ANALIZA_STANY (added after the contract's functions 1–14; add, never rename).


def analiza_stany(kwestia: Any, osoby: Any, horyzont: Any = None, stopa: Any = None,
                  naplyw: Any = None, program: Any = None, zasieg: Any = None,
                  skutecznosc: Any = None) -> Table:
    """KKZ_ANALIZA_STANY: the rows of KKZ_WSKAZNIKI for an issue on its shipped multi-state
    model (severity levels, duration states), computed as ``kkz oblicz`` computes it."""
    base = default_base()
    code = _text(kwestia, "kwestia")
    base.issue(code)  # a Polish error for an unknown code
    if not has_state_model(code):
        raise InputError("kwestia", f"kwestia {code!r} nie ma modelu wielostanowego; modele: "
                         f"{', '.join(shipped_models())} (dla pozostałych: KKZ_ANALIZA)")
    prog = scalar(program, "program")
    issue = validated(IssueScenario, {
        "kod": code, "osoby": scalar(osoby, "osoby"), "model": "wielostanowy",
        "naplyw": scalar(naplyw, "naplyw"),
        "program": _text(prog, "program") if prog is not None else None,
        "zasieg": scalar(zasieg, "zasieg"), "skutecznosc": scalar(skutecznosc, "skutecznosc"),
    })
    horizon = validated(Horizon, {
        "horyzont": _default_horizon(as_float_if_integral(scalar(horyzont, "horyzont"))),
        "stopa": _default_rate(scalar(stopa, "stopa")),
    })
    return indicator_table(run_state_issue(issue, horizon.years, horizon.rate, base))


# The functions of an issue on its multi-state model with every figure as an argument (the
# calculator workbook's Stany sheet hands its ranges over), added after KKZ_ANALIZA_STANY.
#: Their leading arguments, in order; then each function's own, then ``korzysc_roczna``.
STATE_ARGS: tuple[str, ...] = (
    "kwestia", "osoby", "podzial", "koszty_stanow", "przejscia", "naplyw", "program",
    "koszt_uczestnika", "skutecznosc", "zasieg", "powtarzaj", "horyzont", "stopa",
)
#: Scenario fields as the Excel arguments name them (errors name what the user typed).
_STATE_FIELDS = {"osoby_wg_stanow": "podzial", "korzysci": "korzysc_roczna"}
SPLIT_TOLERANCE = 1e-6


def _state_vector(value: Any, name: str, keys: list[Any], what: str) -> list[float] | None:
    """A one-row or one-column range of ``len(keys)`` numbers in the model's order, or None
    (empty: the model's values)."""
    values = row(value, name, 10_000)
    if not values or all(v is None for v in values):
        return None
    # Empty cells at the end count as 0 (a range of the model's size, as Stany hands it).
    values += [None] * max(0, min(len(cells(value)), len(keys)) - len(values))
    if len(values) != len(keys):
        raise InputError(name, f"oczekiwano {len(keys)} wartości ({what} w kolejności "
                               f"modelu, jak w arkuszu Stany), otrzymano {len(values)}")
    return [require_number(0.0 if v is None else v, name) for v in values]


def state_arguments(args: tuple[Any, ...], extra: tuple[str, ...] = (), *,
                    with_success: bool = True) -> dict[str, Any]:
    """Excel's positional arguments of a multi-state function by name: ``STATE_ARGS``
    (without ``skutecznosc`` unless ``with_success``), the function's ``extra`` ones, then
    ``korzysc_roczna``; missing trailing ones are empty."""
    names = [a for a in STATE_ARGS if with_success or a != "skutecznosc"]
    names += [*extra, "korzysc_roczna"]
    if len(args) > len(names):
        raise InputError("argumenty", f"za dużo argumentów ({len(args)}), funkcja przyjmuje "
                         f"najwyżej {len(names)}")
    return dict(zip(names, list(args) + [None] * (len(names) - len(args)), strict=True))


def state_issue(a: dict[str, Any]) -> tuple[IssueScenario, Horizon]:
    """The named arguments of a multi-state function (``state_arguments``), validated, as a
    scenario issue on the model and the horizon."""
    base = default_base()
    code = _text(a["kwestia"], "kwestia")
    base.issue(code)  # a Polish error for an unknown code
    if not has_state_model(code):
        raise InputError("kwestia", f"kwestia {code!r} nie ma modelu wielostanowego; modele: "
                         f"{', '.join(shipped_models())} (dla pozostałych: funkcje bez _STANY)")
    model = shipped_models()[code]
    persons = scalar(a["osoby"], "osoby")
    data: dict[str, Any] = {"kod": code, "osoby": persons, "model": "wielostanowy"}
    for key in ("naplyw", "koszt_uczestnika", "skutecznosc", "zasieg", "powtarzaj"):
        data[key] = scalar(a.get(key), key)
    prog = scalar(a["program"], "program")
    data["program"] = _text(prog, "program") if prog is not None else None
    ids = model.state_ids()
    split = _state_vector(a["podzial"], "podzial", ids, "udziały stanów")
    if split is not None:
        total = sum(split)
        if abs(total - 1.0) > SPLIT_TOLERANCE or min(split) < 0:
            raise InputError("podzial", f"udziały stanów muszą być ≥ 0 i sumować się do 1 "
                             f"(100 %), otrzymano sumę {fmt_plain(total)}")
        number = require_number(persons, "osoby") if persons is not None else 0.0
        data["osoby_wg_stanow"] = {s: share * number for s, share in zip(ids, split,
                                                                        strict=True)}
    pairs_cost = cost_cells(model)
    costs = _state_vector(a["koszty_stanow"], "koszty_stanow", pairs_cost,
                          "kwoty linii w stanach")
    if costs is not None:
        own: dict[str, dict[str, float]] = {}
        for (line, state), v in zip(pairs_cost, costs, strict=True):
            own.setdefault(line, {})[state] = v
        data["koszty_stanow"] = own
    pairs = [(t.z, t.do) for t in model.przejscia]
    probabilities = _state_vector(a["przejscia"], "przejscia", pairs,
                                  "prawdopodobieństwa przejść")
    if probabilities is not None:
        trans: dict[str, dict[str, float]] = {}
        for (z, do), v in zip(pairs, probabilities, strict=True):
            trans.setdefault(z, {})[do] = v
        data["przejscia"] = trans
    gains = _payer_lines(a.get("korzysc_roczna"), "korzysc_roczna", required=False)
    if gains:
        data["korzysci"] = gains
    if a.get("finansowanie") is not None:
        shares = row(a["finansowanie"], "finansowanie", len(PAYERS))
        if shares:
            data["finansowanie"] = {p.value: 0.0 if v is None else v
                                    for p, v in zip(PAYERS, shares, strict=False)}
    try:
        issue = validated(IssueScenario, {k: v for k, v in data.items() if v is not None})
    except InputError as err:
        raise _state_name(err) from None
    horizon = validated(Horizon, {
        "horyzont": _default_horizon(as_float_if_integral(scalar(a["horyzont"], "horyzont"))),
        "stopa": _default_rate(scalar(a["stopa"], "stopa")),
    })
    return issue, horizon


def _state_name(err: InputError) -> InputError:
    """``przejscia.ulica`` → ``przejscia``, ``osoby_wg_stanow`` → ``podzial``: the argument's
    name first, the detail in the message."""
    head = err.field.split(".")[0].split("[")[0]
    name = _STATE_FIELDS.get(head, head)
    detail = err.field[len(head):].lstrip(".")
    if name == err.field:
        return err
    return InputError(name, f"{detail}: {err.message}" if detail else err.message)


def state_inputs(issue: IssueScenario) -> StateInputs:
    """The engine's multi-state inputs of a validated issue (the base's price year)."""
    base = default_base()
    try:
        return resolve_states(issue, base, base.price_year, "")
    except InputError as err:
        raise _state_name(err) from None


def state_result(a: dict[str, Any], *, threshold: bool = False, draws: int = 0,
                 spread: float | None = None, seed: int = 1, tornado: bool = False
                 ) -> IssueResult:
    """A multi-state function's named arguments through the engine (as ``kkz oblicz`` runs the
    issue); Monte Carlo with ``draws`` (``spread``: the base's ``zmiennosc`` unless given),
    the engine's tornado with ``tornado``."""
    issue, horizon = state_issue(a)
    inp = state_inputs(issue)
    return run_states(inp, horizon.years, horizon.rate, draws=draws, spread=spread,
                      seed=seed, with_tornado=tornado, threshold=threshold)[0]


def koszt_zaniechania_stany(*args: Any) -> float:
    """KKZ_KOSZT_ZANIECHANIA_STANY."""
    return state_result(state_arguments(args)).npv


@remembered
def wskazniki_stany(*args: Any) -> Table:
    """KKZ_WSKAZNIKI_STANY."""
    return indicator_table(state_result(state_arguments(args)))


@remembered
def przeplywy_stany(*args: Any) -> Table:
    """KKZ_PRZEPLYWY_STANY (persons in the system: those not in a self-reliant state)."""
    return flow_table(state_result(state_arguments(args)))


def rok_zwrotu_stany(*args: Any) -> Cell:
    """KKZ_ROK_ZWROTU_STANY."""
    return _opt(state_result(state_arguments(args)).break_even_year, NO_BREAK_EVEN)


def okres_zwrotu_stany(*args: Any) -> Cell:
    """KKZ_OKRES_ZWROTU_STANY."""
    return _opt(state_result(state_arguments(args)).payback, NO_BREAK_EVEN)


def prog_skutecznosci_stany(*args: Any) -> Cell:
    """KKZ_PROG_SKUTECZNOSCI_STANY: the leading arguments without ``skutecznosc``."""
    s = state_result(state_arguments(args, with_success=False), threshold=True)
    return NOT_REACHABLE if s.break_even_success is None else s.break_even_success


@remembered
def platnicy_stany(*args: Any) -> Table:
    """KKZ_PLATNICY_STANY: the leading arguments, ``finansowanie``, ``korzysc_roczna``."""
    r = state_result(state_arguments(args, ("finansowanie",)))
    return [list(PAYERS_HEADER)] + [[PAYER_LABELS[p], v]
                                   for p, v in zip(PAYERS, r.npv_by_payer, strict=True)]


@remembered
def monte_carlo_stany(*args: Any) -> Table:
    """KKZ_MONTE_CARLO_STANY: the leading arguments, losowania, zmiennosc, ziarno,
    korzysc_roczna."""
    a = state_arguments(args, ("losowania", "zmiennosc", "ziarno"))
    settings = validated(MonteCarloSettings, {
        "losowania": as_float_if_integral(scalar(a["losowania"], "losowania")),
        "zmiennosc": scalar(a["zmiennosc"], "zmiennosc"),
        "ziarno": as_float_if_integral(scalar(a["ziarno"], "ziarno")),
    })
    mc = state_result(a, draws=settings.draws, spread=settings.spread,
                      seed=settings.seed).monte_carlo
    assert mc is not None  # draws ≥ 100 by MonteCarloSettings
    values = [mc.mean, mc.p5, mc.p50, mc.p95, mc.prob_positive]
    return [[label, float(v)] for label, v in zip(MONTE_CARLO_ROWS, values, strict=True)]
