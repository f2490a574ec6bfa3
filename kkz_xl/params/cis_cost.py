"""The cost of a CIS place and who pays it, derived once from the statute and one sourced
running-cost figure in ``params/data/cis.yaml`` (the base's programmes ``cis`` of bezrobocie and
``cis_po_zwolnieniu`` of zakład karny use it with ``koszt_z_cis: true``).

Per participant: the świadczenie integracyjne (``mnoznik_swiadczenia`` × the unemployment
benefit of the first 90 days) for ``miesiace_uczestnictwa`` months, with its contributions
(``stopa_skladek``), paid from the Fundusz Pracy through the PUP; plus the centre's running costs
per participant (``koszty_biezace_uczestnika``: staff, premises, materials), which fall on the
founder, the gmina (its EU funds and own revenue left out: the base counts public money). The
statute is the one in force on 1 July of the running cost's price year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kkz_xl.polish import fmt_number
from kkz_xl.storage.datafile import read_data

CIS_FILE = resources.files("kkz_xl.params") / "data" / "cis.yaml"
MID_YEAR = (7, 1)  # the day of the price year whose statute prices the place


@dataclass(frozen=True)
class CisPlaceCost:
    """One CIS participant's cost at constant prices of ``price_year`` and its split."""

    price_year: int
    benefit: float  # unemployment benefit, first 90 days, zł/month
    multiplier: float  # świadczenie integracyjne as a multiple of the benefit
    contributions: float  # contributions on the świadczenie, share of it
    months: float  # average months of participation
    running: float  # running costs per participant (zł)
    grade: int  # the weakest grade of the figures it is made of
    sources: tuple[str, ...]

    @property
    def fundusz_pracy(self) -> float:
        """The świadczenie integracyjne with its contributions (Fundusz Pracy, zł)."""
        return self.benefit * self.multiplier * self.months * (1 + self.contributions)

    @property
    def total(self) -> float:
        return self.fundusz_pracy + self.running

    def financing(self) -> dict[str, float]:
        """Shares by payer code: Fundusz Pracy (``zus_fp``) and the founder (``gmina``)."""
        fp = self.fundusz_pracy / self.total
        return {"zus_fp": fp, "gmina": 1.0 - fp}


def _in_force(series: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """The period of ``series`` in force on ``day`` (the oldest before all of them)."""
    periods = series["okresy"]
    chosen = periods[0]
    for period in periods:
        if period["od"] <= day:
            chosen = period
    return chosen


@cache
def cis_place_cost() -> CisPlaceCost:
    """The CIS place as the base prices it (``params/data/cis.yaml``)."""
    data = read_data(CIS_FILE)  # type: ignore[arg-type]
    running = data["koszty_biezace_uczestnika"]["okresy"][-1]
    year = running["od"].year
    day = dt.date(year, *MID_YEAR)
    parts = {key: _in_force(data[key], day) for key in (
        "zasilek_dla_bezrobotnych", "mnoznik_swiadczenia", "stopa_skladek",
        "miesiace_uczestnictwa")}
    items = [*parts.values(), running]
    return CisPlaceCost(
        price_year=year, benefit=float(parts["zasilek_dla_bezrobotnych"]["wartosc"]),
        multiplier=float(parts["mnoznik_swiadczenia"]["wartosc"]),
        contributions=float(parts["stopa_skladek"]["wartosc"]),
        months=float(parts["miesiace_uczestnictwa"]["wartosc"]),
        running=float(running["wartosc"]), grade=max(int(p["stopien"]) for p in items),
        sources=tuple(" ".join(str(p.get("skrot") or p["zrodlo"]).split()) + f" (stopień "
                      f"{p['stopien']})" for p in items))


def _zl(x: float) -> str:
    """``21 489,32`` (Polish grouping, two decimals; a whole number without them)."""
    return fmt_number(x, 0 if float(x).is_integer() else 2)


def cis_programme_fields() -> dict[str, Any]:
    """``koszt_uczestnika``, ``finansowanie`` and ``finansowanie_zrodlo`` of a base programme
    priced as a CIS place, with the derivation written out in Polish."""
    c = cis_place_cost()
    benefit = c.benefit * c.multiplier
    fp, total = c.fundusz_pracy, c.total
    share = c.financing()
    working = (
        f"Wyliczenie (params/data/cis.yaml, kkz_xl/params/cis_cost.py): świadczenie integracyjne "
        f"{fmt_number(c.multiplier * 100, 0)} % × {_zl(c.benefit)} zł = {_zl(benefit)} zł "
        f"miesięcznie × {fmt_number(c.months, 1)} mies. × (1 + "
        f"{fmt_number(c.contributions * 100, 2)} % składek) = {_zl(fp)} zł "
        f"(Fundusz Pracy) + koszty bieżące {_zl(c.running)} zł na uczestnika (założyciel – "
        f"gmina) = {_zl(total)} zł na uczestnika w cenach {c.price_year} r.")
    return {
        "koszt_uczestnika": {
            "wartosc": round(total, 2), "jednostka": "zł/uczestnika", "rok_cen": c.price_year,
            "zrodlo": working + " Źródła składników: " + "; ".join(c.sources)
                      + "; pełne źródła i wyliczenia: params/data/cis.yaml.",
            "stopien": c.grade,
        },
        "finansowanie": {"zus_fp": share["zus_fp"], "gmina": share["gmina"]},
        "finansowanie_zrodlo": (
            f"Świadczenie integracyjne ze składkami ({_zl(fp)} zł, "
            f"{fmt_number(100 * share['zus_fp'], 0)} %) refunduje z Funduszu Pracy powiatowy "
            "urząd pracy "
            "(art. 15 ustawy o zatrudnieniu socjalnym, t.j. Dz.U. 2025 poz. 83; "
            "http://pup.nysa.pl/informacje_dla_pracodawcow/"
            "CIS_refundacja_swiadczen_integracyjnych.html); "
            f"koszty bieżące ({_zl(c.running)} zł, {fmt_number(100 * share['gmina'], 0)} %) ponosi "
            "założyciel – gmina (środki UE i przychody własne CIS pominięte). " + working),
    }
