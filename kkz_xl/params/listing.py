"""The parameter base as plain data (``kkz parametry --json``): every value with its kind, payer,
unit, year, source and grade. Other tools read these keys; keep them stable (add, never rename).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.gains import DERIVED_PREFIX
from kkz_xl.params.schema import IssueParams
from kkz_xl.params.state_models import model_values, shipped_models

Kind = Literal["koszt", "korzysc", "przejscie", "program", "inne"]

# Fields of a programme that are the JST's own decision about its plan, not a figure about the
# world: a programme's coverage (zasięg) is how many places the gmina funds. The base's value is
# a placeholder plan; it is listed with its source but not graded as evidence (not counted among
# the assumptions and not ranked among the figures to check first; docs/metoda.md).
DECISION_FIELDS = ("zasieg",)


def is_decision(parameter: str) -> bool:
    """Whether a base value (``cis.zasieg``, ``model.asystent_rodziny.zasieg``) is a decision
    of the JST rather than a figure to verify."""
    head, _, field = parameter.rpartition(".")
    return bool(head) and field in DECISION_FIELDS


def _value(parameter: str, kind: Kind, item: Any, payer: str | None = None) -> dict[str, Any]:
    year = getattr(item, "rok", None)
    if year is None:
        year = item.rok_cen
    return {"parametr": parameter, "rodzaj": kind, "platnik": payer, "wartosc": item.wartosc,
            "jednostka": item.jednostka, "rok": year, "zrodlo": item.zrodlo.strip(),
            "stopien": item.stopien, "decyzja_jst": is_decision(parameter)}


def issue_values(issue: IssueParams) -> Iterator[dict[str, Any]]:
    """One issue's values: costs, gains, transitions, employment share, programmes."""
    for kind, items in (("koszt", issue.koszty), ("korzysc", issue.korzysci)):
        for c in items:
            yield _value(c.id, kind, c, c.platnik.value)  # type: ignore[arg-type]
    yield _value("odplyw", "przejscie", issue.odplyw)
    yield _value("nawroty", "przejscie", issue.nawroty)
    if issue.udzial_zatrudnienia is not None:
        yield _value("udzial_zatrudnienia", "inne", issue.udzial_zatrudnienia)
    for p in issue.programy:
        for field in ("koszt_uczestnika", "skutecznosc", "zasieg"):
            yield _value(f"{p.id}.{field}", "program", getattr(p, field))


def general_values(base: ParameterBase) -> Iterator[dict[str, Any]]:
    """The general parameters and the pay figures behind the fiscal gains."""
    g = base.general
    for name in type(g).model_fields:
        yield _value(name, "inne", getattr(g, name))
    w = base.wages
    for year, item in w.placa_minimalna.items():
        yield _value(f"placa_minimalna.{year}", "inne", item)
    for group in ("skladki", "pit", "udzialy_jst"):
        obj = getattr(w, group)
        for key in type(obj).model_fields:
            yield _value(f"{group}.{key}", "inne", getattr(obj, key))
    yield _value("opoznienie_udzialow_jst", "inne", w.opoznienie_udzialow_jst)


def base_listing(base: ParameterBase | None = None) -> dict[str, Any]:
    """``{"kwestie": [{kod, nazwa, stany, wartosci}], "ogolne": [...]}``."""
    base = base or default_base()
    return {
        "kwestie": [{"kod": code, "nazwa": issue.nazwa, "stany": base.states(code),
                     "wartosci": list(issue_values(issue)) + _model_values(code)}
                    for code, issue in base.issues.items()],
        "ogolne": list(general_values(base)),
    }


def _model_values(code: str) -> list[dict[str, Any]]:
    """The values of the issue's shipped multi-state model (its default form), named
    ``model.…``; the two-state values above stay (``model: dwustanowy``)."""
    model = shipped_models().get(code)
    return ([v | {"decyzja_jst": is_decision(str(v["parametr"]))} for v in model_values(model)]
            if model else [])


def graded_values(base: ParameterBase | None = None, *, derived: bool = False,
                  decisions: bool = True) -> list[tuple[str | None, dict[str, Any]]]:
    """Every independent value of the base as (issue code or None, value); the fiscal gains
    derived from the pay figures only with ``derived`` (they are not values of their own); the
    JST's decisions (``is_decision``) unless ``decisions`` is False (they are not evidence)."""
    listing = base_listing(base)
    out: list[tuple[str | None, dict[str, Any]]] = []
    for issue in listing["kwestie"]:
        for v in issue["wartosci"]:
            if derived or not (v["rodzaj"] == "korzysc"
                                and v["parametr"].startswith(DERIVED_PREFIX)):
                out.append((issue["kod"], v))
    out += [(None, v) for v in listing["ogolne"]]
    return out if decisions else [(where, v) for where, v in out if not v["decyzja_jst"]]
