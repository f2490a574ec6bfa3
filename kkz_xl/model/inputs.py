"""Validated inputs of the two-state model for one social issue (``docs/metoda.md``).

Attributes are English; the Polish aliases are the names users see (the Excel functions'
arguments, the scenario file's keys).
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
)

from kkz_xl.model.payers import SIGNED_GAIN_PAYER, Payer
from kkz_xl.params.base import default_base
from kkz_xl.polish import fmt_plain

MAX_HORIZON = 50


def _probability(v: float) -> float:
    if not (math.isfinite(v) and 0 <= v <= 1):
        raise ValueError(f"oczekiwano liczby od 0 do 1, otrzymano {fmt_plain(v)}")
    return float(v)


def _non_negative(v: float) -> float:
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"oczekiwano liczby nieujemnej, otrzymano {fmt_plain(v)}")
    return float(v)


def _rate(v: float) -> float:
    if not (math.isfinite(v) and 0 <= v < 1):
        raise ValueError(f"oczekiwano liczby od 0 do mniej niż 1 (np. 0,03 = 3 %), "
                         f"otrzymano {fmt_plain(v)}")
    return float(v)


def _horizon(v: int) -> int:
    if not 1 <= v <= MAX_HORIZON:
        raise ValueError(f"oczekiwano liczby całkowitej od 1 do {MAX_HORIZON}, "
                         f"otrzymano {fmt_plain(v)}")
    return v


# Strict: text ("0,3") or a logical value where a number belongs is an error, never coerced.
Probability = Annotated[float, Strict(), AfterValidator(_probability)]
NonNegative = Annotated[float, Strict(), AfterValidator(_non_negative)]
Rate = Annotated[float, Strict(), AfterValidator(_rate)]
Years = Annotated[int, Strict(), AfterValidator(_horizon)]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise ValueError(f"oczekiwano liczby, otrzymano {fmt_plain(v)}")
    return float(v)


Finite = Annotated[float, Strict(), AfterValidator(_finite)]


class GainLine(_Model):
    """Yearly amount per person for one payer on one budget line (rozdział).

    As a gain (korzyść) of a self-reliant person it is the payer's net fiscal effect: never
    negative, except for the state budget (``SIGNED_GAIN_PAYER``), whose outflow of JST PIT
    shares can exceed the PIT it collects. ``CostLine`` is the same line, never negative.
    """

    name: str = Field("", alias="nazwa")
    payer: Payer = Field(alias="platnik")
    amount: Finite = Field(alias="kwota")
    rozdzial: str | None = Field(None, pattern=r"^\d{5}$")
    profile: list[Finite] | None = Field(
        None, alias="profil", min_length=1,
        description="yearly multipliers of the amount (year 1, 2, …); the last one repeats",
    )

    @field_validator("amount", "profile")
    @classmethod
    def _signed_only_for_the_state(cls, v: float | list[float] | None,
                                   info: ValidationInfo) -> float | list[float] | None:
        # ``payer`` is declared first, so it is validated (or missing) by now.
        if info.data.get("payer") in (SIGNED_GAIN_PAYER, None):
            return v
        for x in v if isinstance(v, list) else [v]:
            if x is not None and x < 0:
                raise ValueError(f"oczekiwano liczby nieujemnej, otrzymano {fmt_plain(x)} "
                                 f"(ujemna może być tylko korzyść budżetu państwa: udziały JST "
                                 f"w PIT przewyższają PIT pracującego)")
        return v

    def series(self, years: int) -> list[float]:
        """The amount of each year of the horizon, the profile applied."""
        prof = self.profile or [1.0]
        return [self.amount * prof[min(t, len(prof) - 1)] for t in range(years)]

    @property
    def dzial(self) -> str | None:
        return self.rozdzial[:3] if self.rozdzial else None


class CostLine(GainLine):
    """Yearly cost per person borne by one payer on one budget line: never negative."""

    amount: NonNegative = Field(alias="kwota")
    profile: list[NonNegative] | None = Field(
        None, alias="profil", min_length=1,
        description="yearly multipliers of the amount (year 1, 2, …); the last one repeats",
    )


def _check_financing(v: dict[Payer, float]) -> dict[Payer, float]:
    if abs(sum(v.values()) - 1.0) > 1e-6:
        raise ValueError("udziały płatników w finansowaniu programu muszą sumować się do 1")
    return v


class IssueInputs(_Model):
    """One issue's inputs of the two-state model (D dependent, I self-reliant)."""

    persons: NonNegative = Field(alias="osoby")
    costs: list[CostLine] = Field(alias="koszty", min_length=1)
    gains: list[GainLine] = Field(default_factory=list, alias="korzysci")
    exit_rate: Probability = Field(alias="odplyw")
    success: Probability = Field(alias="skutecznosc")
    programme_cost: NonNegative = Field(alias="koszt_uczestnika")
    coverage: Probability = Field(1.0, alias="zasieg")
    relapse: Probability = Field(0.0, alias="nawroty")
    inflow: NonNegative = Field(0.0, alias="naplyw")
    repeat: Annotated[bool, Strict()] = Field(False, alias="powtarzaj")
    financing: dict[Payer, Probability] = Field(
        default_factory=lambda: {Payer.GMINA: 1.0}, alias="finansowanie"
    )
    programme_name: str = Field("program aktywizujący", alias="program")
    programme_rozdzial: str | None = Field(None, alias="rozdzial_programu", pattern=r"^\d{5}$")

    _financing = field_validator("financing")(_check_financing)


class Horizon(_Model):
    """Horizon and discount rate shared by all issues of a calculation."""

    years: Years = Field(default_factory=lambda: default_base().horizon, alias="horyzont")
    rate: Rate = Field(alias="stopa")
