"""Looking up one value of the parameter base by name (Excel's KKZ_PARAMETR)."""

from __future__ import annotations

from kkz_xl.errors import InputError
from kkz_xl.model.payers import Payer
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.schema import IssueParams, Programme

PROGRAMME_FIELDS = ("koszt_uczestnika", "skutecznosc", "zasieg")
PAYER_COSTS = {f"koszt_{p.value}": p for p in Payer}
PAYER_GAINS = {f"korzysc_{p.value}": p for p in Payer}


def parameter_names(issue: IssueParams) -> list[str]:
    """Every name ``parameter_value`` accepts for ``issue``."""
    names = ["odplyw", "nawroty", "koszt_roczny", "korzysc_roczna", *PAYER_COSTS, *PAYER_GAINS]
    names += [*PROGRAMME_FIELDS]
    names += [c.id for c in issue.koszty + issue.korzysci]
    names += [f"{p.id}.{f}" for p in issue.programy for f in PROGRAMME_FIELDS]
    return names


def parameter_value(code: str, name: str, price_year: int | None = None,
                    base: ParameterBase | None = None) -> float:
    """The base's value of ``name`` for issue ``code``; money at ``price_year`` prices.

    Costs are first-year amounts (a profile's first multiplier applied). Programme fields
    without a prefix are those of the issue's default (first) programme.
    """
    base = base or default_base()
    issue = base.issue(code)
    year = base.price_year if price_year is None else price_year
    if not isinstance(year, int):
        raise InputError("rok_cen", "oczekiwano roku (liczby całkowitej), np. 2025")

    def money(amount: float, from_year: int) -> float:
        return amount * base.price_factor(from_year, year)

    def first_year(items: list) -> float:
        return sum(money(c.wartosc * (c.profil or [1.0])[0], c.rok_cen) for c in items)

    key = name.strip().lower()
    if key in ("odplyw", "nawroty"):
        return getattr(issue, key).wartosc
    if key == "koszt_roczny":
        return first_year(issue.koszty)
    if key == "korzysc_roczna":
        return first_year(issue.korzysci)
    if key in PAYER_COSTS:
        return first_year([c for c in issue.koszty if c.platnik == PAYER_COSTS[key]])
    if key in PAYER_GAINS:
        return first_year([c for c in issue.korzysci if c.platnik == PAYER_GAINS[key]])
    for item in issue.koszty + issue.korzysci:
        if item.id == key:
            return first_year([item])
    programme: Programme = issue.programy[0]
    field = key
    if "." in key:
        prog_id, field = key.split(".", 1)
        found = [p for p in issue.programy if p.id == prog_id]
        if not found:
            raise _unknown(name, issue)
        programme = found[0]
    if field == "koszt_uczestnika":
        return money(programme.koszt_uczestnika.wartosc, programme.koszt_uczestnika.rok_cen)
    if field in ("skutecznosc", "zasieg"):
        return getattr(programme, field).wartosc
    raise _unknown(name, issue)


def _unknown(name: str, issue: IssueParams) -> InputError:
    return InputError("nazwa", f"nieznany parametr {name!r} kwestii {issue.kod}; dostępne: "
                               f"{', '.join(parameter_names(issue))}")
