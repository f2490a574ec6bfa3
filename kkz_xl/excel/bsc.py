"""Excel functions of the BSC of a network of services: ``KKZ_BSC_WYNIK``, ``KKZ_BSC_SWIATLO``,
``KKZ_DOTACJA``."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kkz_xl.bsc.criteria import FundingCriteria, Thresholds
from kkz_xl.bsc.funding import FundingInput, funding
from kkz_xl.bsc.labels import DIRECTION_LABELS, Category, Direction
from kkz_xl.bsc.score import traffic_light, weighted_score
from kkz_xl.errors import InputError
from kkz_xl.excel.convert import cell_number, cell_text, cell_vector, scalar
from kkz_xl.model.validation import polish_errors
from kkz_xl.polish import fmt_plain

# Accepted spellings of a direction in a cell (lower-case, stripped).
_DIRECTIONS: dict[str, Direction] = {
    "wyżej": Direction.WYZEJ, "wyzej": Direction.WYZEJ, "+": Direction.WYZEJ,
    "1": Direction.WYZEJ, DIRECTION_LABELS[Direction.WYZEJ]: Direction.WYZEJ,
    "niżej": Direction.NIZEJ, "nizej": Direction.NIZEJ, "-": Direction.NIZEJ,
    "-1": Direction.NIZEJ, DIRECTION_LABELS[Direction.NIZEJ]: Direction.NIZEJ,
}


def _direction(value: Any, i: int) -> Direction:
    if value is None or value == "":
        return Direction.WYZEJ
    key = (str(int(value)) if isinstance(value, int | float) and not isinstance(value, bool)
           else str(value)).strip().lower()
    if key not in _DIRECTIONS:
        raise InputError(f"kierunki[{i}]", "dozwolone: „wyżej” (im więcej, tym lepiej) lub "
                         f"„niżej” (im mniej, tym lepiej), otrzymano {fmt_plain(value)}")
    return _DIRECTIONS[key]


def kkz_bsc_wynik(wartosci: Any, cele: Any, wagi: Any, kierunki: Any = None) -> float:
    """Weighted BSC score 0–1 of indicators; empty values are left out with their weights."""
    values = cell_vector(wartosci, "wartosci")
    targets = cell_vector(cele, "cele")
    weights = cell_vector(wagi, "wagi")
    dirs = cell_vector(kierunki, "kierunki") if kierunki is not None else [None] * len(values)
    if len(dirs) == 1 and len(values) > 1:
        dirs = dirs * len(values)
    for name, items in (("cele", targets), ("wagi", weights), ("kierunki", dirs)):
        if len(items) != len(values):
            raise InputError(name, f"oczekiwano {len(values)} pozycji (tyle, ile wartości), "
                             f"otrzymano {len(items)}")
    vals = [None if v in (None, "") else cell_number(v, f"wartosci[{i}]")
            for i, v in enumerate(values, start=1)]
    tgts = [cell_number(t, f"cele[{i}]", low=0) for i, t in enumerate(targets, start=1)]
    wgts = [cell_number(w, f"wagi[{i}]", low=0) for i, w in enumerate(weights, start=1)]
    directions = [_direction(d, i) for i, d in enumerate(dirs, start=1)]
    return weighted_score(vals, tgts, wgts, directions)


def kkz_bsc_swiatlo(wynik: Any, prog_zielony: Any = None, prog_zolty: Any = None) -> str:
    """Traffic light (``zielone``, ``żółte``, ``czerwone``) of a 0–1 score."""
    score = cell_number(wynik, "wynik", low=0, high=1)
    fields: dict[str, float] = {}
    if scalar(prog_zielony, "prog_zielony") not in (None, ""):
        fields["zielony"] = cell_number(prog_zielony, "prog_zielony", low=0, high=1)
    if scalar(prog_zolty, "prog_zolty") not in (None, ""):
        fields["zolty"] = cell_number(prog_zolty, "prog_zolty", low=0, high=1)
    try:
        thresholds = Thresholds(**fields)
    except ValidationError as err:
        _field, message = polish_errors(err)[0]
        raise InputError("prog_zolty", message) from None
    return traffic_light(score, thresholds).value


def kkz_dotacja(
    etaty: Any, koszt_na_etat: Any, oplaty: Any, koszty: Any, kategoria: Any = None,
    limit_udzialu: Any = None, wspolczynnik_b: Any = None,
) -> float:
    """Regional funding of a service: min((etaty × koszt_na_etat − opłaty) × współczynnik
    kategorii; limit_udzialu × koszty − opłaty), so subsidy and fees together stay within the
    cap (the rule itself lives in ``kkz_xl.bsc.funding``)."""
    cat = cell_text(kategoria, "kategoria", default="A").upper()
    if cat not in {c.value for c in Category}:
        raise InputError("kategoria", f"dozwolone: A lub B, otrzymano {fmt_plain(kategoria)}")
    data = FundingInput(
        etaty=_positive(etaty, "etaty", 10_000),
        koszt_na_etat=cell_number(koszt_na_etat, "koszt_na_etat", low=0, high=1e8),
        oplaty=cell_number(oplaty, "oplaty", low=0, high=1e10, default=0.0),
        koszty=_positive(koszty, "koszty", 1e11),
        kategoria=Category(cat),
    )
    defaults = FundingCriteria()
    factors = dict(defaults.wspolczynniki)
    if scalar(wspolczynnik_b, "wspolczynnik_b") not in (None, ""):
        factors[Category.B] = cell_number(wspolczynnik_b, "wspolczynnik_b", low=0, high=1)
    cap = defaults.limit_udzialu
    if scalar(limit_udzialu, "limit_udzialu") not in (None, ""):
        cap = cell_number(limit_udzialu, "limit_udzialu")
        if not 0 < cap < 1:
            raise InputError("limit_udzialu", (
                "oczekiwano liczby większej od 0 i mniejszej od 1 (dotacja nigdy nie pokrywa "
                f"100 % kosztów), otrzymano {fmt_plain(cap)}"))
    criteria = FundingCriteria(limit_udzialu=cap, wspolczynniki=factors)
    return funding(data, criteria).dotacja


def _positive(value: Any, name: str, high: float) -> float:
    number = cell_number(value, name, high=high)
    if number <= 0:
        raise InputError(name, f"oczekiwano liczby większej od 0, otrzymano {fmt_plain(number)}")
    return number
