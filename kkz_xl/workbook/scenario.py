"""A filled calculator workbook as a scenario: what the strategy documents and the CLI read
when a JST works in Excel rather than in a scenario file. Importing this module registers the
workbook with ``kkz_xl.model.scenario_files.load_scenario``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kkz_xl.errors import InputError
from kkz_xl.model.payers import PAYERS
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.scenario_files import load_scenario, register_reader
from kkz_xl.model.severity import MULTI_STATE, TWO_STATE
from kkz_xl.model.validation import polish_errors
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.workbook.inputs import (
    IssueRow,
    WorkbookInputs,
    find_programme,
    is_yes,
    programme_table,
    share_key,
)
from kkz_xl.workbook.layout import CALC, JST, PARAMS


def _line(line: Any, factor: float) -> dict[str, Any]:
    return {"nazwa": line.label, "platnik": line.payer, "kwota": float(line.used(factor)),
            "rozdzial": line.rozdzial, "profil": list(line.profile) if line.profile else None}


def _state_issue(row: IssueRow, factor: float, programme: str | None) -> dict[str, Any]:
    """An issue computed on its multi-state model, as the scenario of ``kkz oblicz``: the
    model with the values the user typed on Stany (the split by state, amounts per line and
    state, transitions) and the programme's figures the workbook uses."""
    def used(key: str) -> Any:
        return row.param(key).used(factor)

    persons = float(row.persons or 0.0)
    split = row.state_rows("podzial")
    out: dict[str, Any] = {
        "kod": row.code, "model": MULTI_STATE, "osoby": persons, "naplyw": float(row.inflow),
        "korzysci": [_line(line, factor) for line in row.lines if line.gain],
        "program": programme, "nazwa_programu": row.programme_label,
        "koszt_uczestnika": float(used("koszt_uczestnika")),
        "skutecznosc": float(used("skutecznosc")), "zasieg": float(used("zasieg")),
        "powtarzaj": is_yes(used("powtarzaj")),
        "finansowanie": {p.value: float(used(share_key(p))) for p in PAYERS
                         if float(used(share_key(p)))},
    }
    if any(r.own is not None for r in split):
        out["osoby_wg_stanow"] = {r.key.split(".", 1)[1]: float(r.used(factor)) * persons
                                  for r in split}
    costs: dict[str, dict[str, float]] = {}
    for r in row.state_rows("koszt"):
        if r.own is not None:
            _, line, state = r.key.split(".")
            costs.setdefault(line, {})[state] = float(r.used(factor))
    transitions: dict[str, dict[str, float]] = {}
    for r in row.state_rows("przejscie"):
        if r.own is not None:
            _, z, to = r.key.split(".")
            transitions.setdefault(z, {})[to] = float(r.used(factor))
    return out | {"koszty_stanow": costs or None, "przejscia": transitions or None}


def scenario_of(data: WorkbookInputs, base: ParameterBase | None = None) -> Scenario:
    """The scenario the workbook's input cells describe: every issue with persons given, with
    the values the workbook uses (defaults or the user's own), cost lines with their yearly
    profiles and budget rozdział."""
    base = base or default_base()
    factor = data.price_factor(base)
    issues: list[dict[str, Any]] = []
    for row in data.issues:
        if row.persons is None:
            continue

        def used(key: str, row: Any = row) -> Any:
            return row.param(key).used(factor)

        if row.programme_problem:
            raise InputError(f"{PARAMS}: {row.code}", row.programme_problem)
        prog = find_programme(programme_table(row, base), row.programme)
        if row.multi:
            issues.append(_state_issue(row, factor, prog.id if prog else None))
            continue

        issues.append({
            # Two-state form: a multi-state model's issue when the workbook shows that form.
            "kod": row.code, "model": TWO_STATE, "osoby": float(row.persons),
            "naplyw": float(row.inflow),
            "koszty": [_line(line, factor) for line in row.lines if not line.gain],
            "korzysci": [_line(line, factor) for line in row.lines if line.gain],
            "odplyw": float(used("odplyw")), "nawroty": float(used("nawroty")),
            "program": prog.id if prog else None, "nazwa_programu": row.programme_label,
            "koszt_uczestnika": float(used("koszt_uczestnika")),
            "skutecznosc": float(used("skutecznosc")), "zasieg": float(used("zasieg")),
            "powtarzaj": is_yes(used("powtarzaj")),
            "finansowanie": {p.value: float(used(share_key(p))) for p in PAYERS
                             if float(used(share_key(p)))},
        })
    if not issues:
        raise InputError(CALC, "nie podano liczby osób dla żadnej kwestii – wypełnij "
                                 "kolumnę liczby osób w arkuszu Kalkulator")
    try:
        return Scenario.model_validate({
            "jst": {"nazwa": data.jst_name, "teryt": data.teryt, "rodzaj": data.kind,
                    "wojewodztwo": data.voivodeship or "mazowieckie",
                    "mieszkancy": data.residents},
            "rok_cen": data.price_year, "horyzont": data.horizon, "stopa": data.rate,
            "kwestie": [{k: v for k, v in i.items() if v is not None} for i in issues],
            "monte_carlo": {"losowania": data.draws, "zmiennosc": data.spread,
                            "ziarno": data.seed},
        })
    except ValidationError as err:
        field, message = polish_errors(err)[0]
        sheet = JST if field.startswith("jst") else PARAMS
        raise InputError(f"{sheet}: {field}", message) from None


def read_scenario(path: Path, base: ParameterBase | None = None) -> Scenario:
    """The scenario of a filled calculator workbook (``.xlsm`` or ``.xlsx``)."""
    # Local: openpyxl and the sheet builders load only when a workbook is read (start-up time
    # of every command that registers this reader).
    from kkz_xl.workbook.report import read_inputs

    return scenario_of(read_inputs(path, base), base)


WORKBOOK_SUFFIXES = (".xlsm", ".xlsx")
register_reader(WORKBOOK_SUFFIXES, read_scenario)

__all__ = ["load_scenario", "read_scenario", "scenario_of"]  # load_scenario: older imports
