"""The CIS legal amounts and rates from the parameter base (``kkz_xl/params/data/cis.yaml``),
each with its period of validity and source.

A value is a list of periods (``od`` … ``obowiazuje_do``). :func:`cis_params` gives the values in
force on a day (default: today); when the day is past the newest period's end, the newest value
is used and :func:`validity_warnings` says so in Polish, so an out-of-date base is never silent.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kkz_xl.polish import fmt_date
from kkz_xl.storage.datafile import load_shipped

BASE_FILE = "kkz_xl/params/data/cis.yaml"


class CisPeriod(BaseModel):
    """One period of validity of a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wartosc: float = Field(ge=0)
    od: dt.date
    obowiazuje_do: dt.date | None = None
    zrodlo: str = Field(min_length=3)
    stopien: int = Field(ge=1, le=5)
    skrot: str | None = Field(None, min_length=3, description="the source in a few words")


class CisSeries(BaseModel):
    """A value's periods, oldest first, not overlapping."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jednostka: str
    okresy: list[CisPeriod] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> CisSeries:
        for a, b in zip(self.okresy, self.okresy[1:], strict=False):
            if a.obowiazuje_do is None or a.obowiazuje_do >= b.od:
                raise ValueError(f"okres od {a.od} nakłada się na okres od {b.od}")
        return self

    def on(self, day: dt.date) -> CisValue:
        """The value in force on ``day`` (the newest one if ``day`` is past every period, the
        oldest one if it is before all)."""
        chosen = self.okresy[0]
        for period in self.okresy:
            if period.od <= day:
                chosen = period
        return CisValue(jednostka=self.jednostka, **chosen.model_dump())


class CisValue(CisPeriod):
    """A value as used: the period in force and its unit."""

    jednostka: str

    @property
    def rok(self) -> int:
        """The year the value is in force from (as the parameter base's other values carry)."""
        return self.od.year

    def expired(self, day: dt.date) -> bool:
        return self.obowiazuje_do is not None and day > self.obowiazuje_do

    def validity(self) -> str:
        """``obowiązuje od 1 czerwca 2026 r. do 31 maja 2027 r.`` (Polish, for notes)."""
        text = f"obowiązuje od {fmt_date(self.od)}"
        return text + (f" do {fmt_date(self.obowiazuje_do)}" if self.obowiazuje_do else "")


class _CisFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    zasilek_dla_bezrobotnych: CisSeries
    mnoznik_swiadczenia: CisSeries
    stopa_skladek: CisSeries
    udzial_panstwa_propozycja: CisSeries
    # The calculator base's pricing of a CIS place (kkz_xl/params/cis_cost.py), not the tool's.
    miesiace_uczestnictwa: CisSeries | None = None
    koszty_biezace_uczestnika: CisSeries | None = None


class CisParams(BaseModel):
    """Legal amounts and rates used by the CIS calculator, in force on ``dzien``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dzien: dt.date
    zasilek_dla_bezrobotnych: CisValue
    mnoznik_swiadczenia: CisValue
    stopa_skladek: CisValue
    udzial_panstwa_propozycja: CisValue


# Polish names of the values, for warnings and notes.
VALUE_NAMES: dict[str, str] = {
    "zasilek_dla_bezrobotnych": "zasiłek dla bezrobotnych (pierwsze 90 dni)",
    "mnoznik_swiadczenia": "świadczenie integracyjne (% zasiłku)",
    "stopa_skladek": "składki od świadczenia integracyjnego",
    "udzial_panstwa_propozycja": "udział budżetu państwa (propozycja z Olsztyna, 2011)",
}


@cache
def _file() -> _CisFile:
    return load_shipped(resources.files("kkz_xl.params") / "data" / "cis.yaml", _CisFile)


@cache
def cis_params(day: dt.date | None = None) -> CisParams:
    """The values in force on ``day`` (default: today)."""
    day = day or dt.date.today()
    f = _file()
    return CisParams(dzien=day, **{k: getattr(f, k).on(day) for k in VALUE_NAMES})


def validity_warnings(day: dt.date | None = None) -> list[str]:
    """Polish warnings for values whose last period of validity ended before ``day``."""
    p = cis_params(day)
    out = []
    for key, name in VALUE_NAMES.items():
        value: CisValue = getattr(p, key)
        if value.expired(p.dzien):
            out.append(f"{name}: kwota z bazy parametrów obowiązywała do "
                       f"{fmt_date(value.obowiazuje_do)} (dziś {fmt_date(p.dzien)}); sprawdź "
                       f"nowe obwieszczenie i uzupełnij {BASE_FILE}")
    return out
