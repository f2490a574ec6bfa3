"""Pydantic schema of the parameter base files (Polish keys: the files are edited by experts)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kkz_xl.model.payers import Payer

Grade = Annotated[int, Field(ge=1, le=5, description="1 = official statistic ... 5 = assumption")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """A value with its provenance."""

    wartosc: float
    jednostka: str
    rok: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade


class SourcedList(_Strict):
    wartosc: list[float]
    jednostka: str
    rok: int
    zrodlo: str
    stopien: Grade


class Money(_Strict):
    """An amount of PLN at constant prices of ``rok_cen``."""

    wartosc: float = Field(ge=0)
    jednostka: str
    rok_cen: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade


class Probability(Sourced):
    wartosc: float = Field(ge=0, le=1)


class CostItem(Money):
    """One line of the yearly cost of a dependent person (or gain from a self-reliant one)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nazwa: str
    platnik: Payer
    rozdzial: str | None = Field(default=None, pattern=r"^\d{5}$")
    profil: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="yearly multipliers of the amount (year 1, 2, ...); the last one repeats",
    )

    @property
    def dzial(self) -> str | None:
        return self.rozdzial[:3] if self.rozdzial else None


class Programme(_Strict):
    """A typical activating programme for the issue (the 'action' future)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nazwa: str
    rozdzial: str | None = Field(default=None, pattern=r"^\d{5}$")
    koszt_uczestnika: Money
    skutecznosc: Probability
    zasieg: Probability
    powtarzaj: bool = False
    finansowanie: dict[Payer, Annotated[float, Field(ge=0, le=1)]] = {Payer.GMINA: 1.0}

    @field_validator("finansowanie")
    @classmethod
    def _shares_sum_to_one(cls, v: dict[Payer, float]) -> dict[Payer, float]:
        if abs(sum(v.values()) - 1.0) > 1e-9:
            raise ValueError("udziały finansowania muszą sumować się do 1")
        return v


class IssueParams(_Strict):
    """The default parameters of one social issue."""

    kod: str = Field(pattern=r"^[a-z_]+$")
    nazwa: str
    podstawa: str
    jednostka: str
    opis: str
    koszty: list[CostItem] = Field(min_length=1)
    korzysci: list[CostItem] = []
    odplyw: Probability
    nawroty: Probability
    programy: list[Programme] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> IssueParams:
        ids = [c.id for c in self.koszty + self.korzysci] + [p.id for p in self.programy]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"powtórzone identyfikatory: {', '.join(sorted(dup))}")
        return self


class GeneralParams(_Strict):
    stopa_dyskontowa: Probability
    stopy_wrazliwosci: SourcedList
    horyzont: Sourced
    rok_cen: Sourced
    zmiennosc: Sourced
    losowania: Sourced
    inflacja: Sourced | None = None  # indexation of constant to current prices (WPF)


class CpiEntry(_Strict):
    wartosc: float = Field(gt=50, lt=200)
    zrodlo: str
    stopien: Grade


class CpiSeries(_Strict):
    opis: str
    jednostka: str
    wartosci: dict[int, CpiEntry]
