"""Bringing money from one price year to another with the CPI series of the parameter base."""

from __future__ import annotations

from kkz_xl.errors import InputError
from kkz_xl.params.schema import CpiSeries


def price_factor(cpi: CpiSeries, from_year: int, to_year: int) -> float:
    """Multiplier turning PLN at ``from_year`` prices into PLN at ``to_year`` prices.

    >>> round(price_factor(_demo_cpi(), 2023, 2025), 4)  # 1.036 * 1.036
    1.0733
    """
    if from_year == to_year:
        return 1.0
    lo, hi = sorted((from_year, to_year))
    factor = 1.0
    for year in range(lo + 1, hi + 1):
        entry = cpi.wartosci.get(year)
        if entry is None:
            years = sorted(cpi.wartosci)
            raise InputError(
                "rok_cen",
                f"brak wskaźnika cen (CPI) dla roku {year}; dostępne lata cen: "
                f"{years[0] - 1}–{years[-1]}",
            )
        factor *= entry.wartosc / 100.0
    return factor if to_year > from_year else 1.0 / factor


def _demo_cpi() -> CpiSeries:
    entry = {"wartosc": 103.6, "zrodlo": "test", "stopien": 1}
    return CpiSeries(opis="", jednostka="", wartosci={2024: entry, 2025: entry})
