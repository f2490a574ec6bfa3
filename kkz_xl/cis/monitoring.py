"""The graduate-monitoring plan of a CIS: when to contact each graduate.

A schedule is a list of phases, each lasting some months with a contact every so many months.
The 2011 regional standard proposal (Olsztyn): three years, a contact every quarter in the first
year, every half year after: months 3, 6, 9, 12, 18, 24, 30, 36 — eight contacts.

Dates are counted from the graduation date each time (never from the previous contact), and a
day that does not exist in the target month becomes that month's last day: 31 August + 6 months
is 28 February (29 in a leap year), + 9 months is 31 May again.
"""

from __future__ import annotations

import calendar
import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Phase(BaseModel):
    """A phase of the follow-up: ``miesiace`` long, a contact every ``co_ile_miesiecy``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    miesiace: int = Field(ge=1, le=240, description="długość fazy w miesiącach")
    co_ile_miesiecy: int = Field(ge=1, le=120, description="odstęp kontaktów w miesiącach")

    @model_validator(mode="after")
    def _fits(self) -> Phase:
        if self.miesiace % self.co_ile_miesiecy:
            raise ValueError(
                f"długość fazy ({self.miesiace} mies.) musi być wielokrotnością odstępu "
                f"kontaktów ({self.co_ile_miesiecy} mies.)"
            )
        return self


class Schedule(BaseModel):
    """A monitoring schedule: consecutive phases."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fazy: list[Phase] = Field(min_length=1, max_length=20)

    @property
    def miesiace(self) -> int:
        return sum(p.miesiace for p in self.fazy)

    def contact_months(self) -> list[int]:
        """Months after graduation at which a contact is due."""
        out: list[int] = []
        start = 0
        for phase in self.fazy:
            out.extend(range(start + phase.co_ile_miesiecy, start + phase.miesiace + 1,
                             phase.co_ile_miesiecy))
            start += phase.miesiace
        return out


def standard_2011(lata: int = 3, *, co_ile_rok1: int = 3, co_ile_potem: int = 6) -> Schedule:
    """The Olsztyn 2011 proposal (defaults) or a variant: first year, then the rest."""
    phases = [Phase(miesiace=12, co_ile_miesiecy=co_ile_rok1)]
    if lata > 1:
        phases.append(Phase(miesiace=12 * (lata - 1), co_ile_miesiecy=co_ile_potem))
    return Schedule(fazy=phases)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a missing day becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contact_dates(graduation: dt.date, schedule: Schedule) -> list[dt.date]:
    """The contact dates of one graduate."""
    return [add_months(graduation, m) for m in schedule.contact_months()]


class Graduate(BaseModel):
    """A graduate to be followed up (only what the plan needs: no sensitive data)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=40)
    imie_nazwisko: str = Field(min_length=1, max_length=120)
    data_ukonczenia: dt.date


class Contact(BaseModel):
    """One planned contact of the tracking sheet."""

    model_config = ConfigDict(frozen=True)

    absolwent: Graduate
    nr: int
    miesiac: int
    data: dt.date


def monitoring_plan(graduates: list[Graduate], schedule: Schedule) -> list[Contact]:
    """Every planned contact of every graduate, by graduate then date."""
    months = schedule.contact_months()
    return [
        Contact(absolwent=g, nr=i, miesiac=m, data=add_months(g.data_ukonczenia, m))
        for g in graduates
        for i, m in enumerate(months, start=1)
    ]


def schedule_from_months(months: list[int]) -> Schedule | None:
    """The schedule whose contacts fall on ``months`` (as read from a filled sheet): one phase
    per gap between contacts; None when it cannot be expressed (no months, over 20 phases)."""
    gaps = [b - a for a, b in zip([0, *months], months, strict=False)]
    if not gaps or any(g <= 0 for g in gaps):
        return None
    phases: list[Phase] = []
    for gap in gaps:  # consecutive equal gaps make one phase
        if phases and phases[-1].co_ile_miesiecy == gap:
            phases[-1] = Phase(miesiace=phases[-1].miesiace + gap, co_ile_miesiecy=gap)
        else:
            phases.append(Phase(miesiace=gap, co_ile_miesiecy=gap))
    return Schedule(fazy=phases) if len(phases) <= 20 else None
