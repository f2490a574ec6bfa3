"""Pydantic schema of the parameter base files (Polish keys: the files are edited by experts)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kkz_xl.model.payers import SIGNED_GAIN_PAYER, Payer
from kkz_xl.params.cis_cost import cis_programme_fields

Grade = Annotated[int, Field(ge=1, le=5, description="1 = official statistic ... 5 = assumption")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Why a grade-5 value (an assumption) has no public source; required where the value is among
# the parameters that move the answer most (tests/test_influence.py checks it).
Reason = Annotated[str | None, Field(default=None, min_length=10)]


class Sourced(_Strict):
    """A value with its provenance."""

    wartosc: float
    jednostka: str
    rok: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade
    uzasadnienie_zalozenia: Reason = None


class SourcedList(_Strict):
    wartosc: list[float]
    jednostka: str
    rok: int
    zrodlo: str
    stopien: Grade
    uzasadnienie_zalozenia: Reason = None


class SourcedFlag(_Strict):
    """A yes/no setting of the method with the reason for its default."""

    wartosc: bool
    jednostka: str
    rok: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade
    uzasadnienie_zalozenia: Reason = None


class Money(_Strict):
    """An amount of PLN at constant prices of ``rok_cen``."""

    wartosc: float = Field(ge=0)
    jednostka: str
    rok_cen: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade
    uzasadnienie_zalozenia: Reason = None


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


class GainItem(CostItem):
    """One line of the yearly fiscal gain from a self-reliant person: the payer's net effect,
    negative only for the state budget (it finances the JST's PIT shares, which at the minimum
    wage exceed the worker's PIT; ``kkz_xl.params.gains``)."""

    wartosc: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _signed_only_for_the_state(self) -> GainItem:
        if self.wartosc < 0 and self.platnik != SIGNED_GAIN_PAYER:
            raise ValueError(f"korzyść {self.id!r} płatnika {self.platnik.value} jest ujemna; "
                             f"ujemna może być tylko korzyść budżetu państwa")
        return self


class Programme(_Strict):
    """A typical activating programme for the issue (the 'action' future)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nazwa: str
    rozdzial: str | None = Field(default=None, pattern=r"^\d{5}$")
    koszt_uczestnika: Money
    skutecznosc: Probability
    zasieg: Probability
    powtarzaj: bool = False
    powtarzaj_zrodlo: str | None = Field(
        default=None, min_length=10,
        description="why the programme enrols every year (a continuing service) or once")
    finansowanie: dict[Payer, Annotated[float, Field(ge=0, le=1)]] = {Payer.GMINA: 1.0}
    finansowanie_zrodlo: str | None = Field(
        default=None, description="where the split of the programme's cost comes from")
    koszt_z_cis: bool = Field(
        default=False, description="priced as a CIS place: cost per participant and its split "
                                   "derived from params/data/cis.yaml (params/cis_cost.py)")

    @model_validator(mode="before")
    @classmethod
    def _priced_as_cis(cls, data: Any) -> Any:
        """A CIS place's cost and split come from the statute in one place, never typed twice."""
        if not (isinstance(data, dict) and data.get("koszt_z_cis")):
            return data
        given = [k for k in ("koszt_uczestnika", "finansowanie", "finansowanie_zrodlo")
                 if k in data]
        if given:
            raise ValueError(f"przy koszt_z_cis: true nie podaje się: {', '.join(given)} "
                             "(wylicza je params/data/cis.yaml)")
        return data | cis_programme_fields()

    @field_validator("finansowanie")
    @classmethod
    def _shares_sum_to_one(cls, v: dict[Payer, float]) -> dict[Payer, float]:
        if abs(sum(v.values()) - 1.0) > 1e-9:
            raise ValueError("udziały finansowania muszą sumować się do 1")
        return v


class IssueParams(_Strict):
    """The default parameters of one social issue.

    ``korzysci`` holds the file's own gain lines plus, once loaded, the fiscal gains derived
    from ``udzial_zatrudnienia`` (``kkz_xl.params.gains``; their ids start with ``praca_``).
    """

    kod: str = Field(pattern=r"^[a-z_]+$")
    nazwa: str
    kolejnosc: int = Field(ge=1, description="position in the KKZ list of issues")
    mrpips03: list[str] = Field(
        default=[], description="reasons of assistance of the MRPiPS-03 report that count as "
                                "this issue (lower case, Polish letters folded, a word's stem)")
    podstawa: str
    jednostka: str
    opis: str
    koszty: list[CostItem] = Field(min_length=1)
    korzysci: list[GainItem] = []
    udzial_zatrudnienia: Probability | None = Field(
        default=None, description="share of self-reliant persons who work (at the minimum "
                                  "wage); None: the issue's exits do not lead to work")
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


class GradeRanges(_Strict):
    """Plausible range of a value by its grade: ± this share of the value (wider when weaker)."""

    wartosc: dict[Grade, Annotated[float, Field(ge=0, le=1)]]
    jednostka: str
    rok: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade
    uzasadnienie_zalozenia: Reason = None

    @field_validator("wartosc")
    @classmethod
    def _every_grade_wider(cls, v: dict[int, float]) -> dict[int, float]:
        if sorted(v) != [1, 2, 3, 4, 5]:
            raise ValueError("podaj rozpiętość dla każdego stopnia 1-5")
        if any(v[g] > v[g + 1] for g in range(1, 5)):
            raise ValueError("rozpiętość słabszego stopnia nie może być węższa")
        return v


class GeneralParams(_Strict):
    stopa_dyskontowa: Probability
    stopy_wrazliwosci: SourcedList
    horyzont: Sourced
    rok_cen: Sourced
    zmiennosc: Sourced
    losowania: Sourced
    zakres_tornado: Sourced
    korzysci_ostrozne: SourcedFlag
    zakresy_stopni: GradeRanges
    indeksacja: Sourced  # yearly price growth turning constant prices into each year's prices


class WageContributions(_Strict):
    """Social and health contributions on pay under a contract of employment."""

    emerytalna_pracownik: Sourced
    emerytalna_pracodawca: Sourced
    rentowa_pracownik: Sourced
    rentowa_pracodawca: Sourced
    chorobowa: Sourced
    wypadkowa: Sourced
    fundusz_pracy: Sourced
    fgsp: Sourced
    zdrowotna: Sourced


class PitRules(_Strict):
    stawka: Sourced
    koszty_uzyskania: Sourced
    kwota_zmniejszajaca: Sourced


class JstShares(_Strict):
    """Shares of the residents' PIT income (Dz.U. 2024 poz. 1572) by kind of JST."""

    gmina: Sourced
    miasto_na_prawach_powiatu: Sourced
    powiat: Sourced
    wojewodztwo: Sourced


class WageParams(_Strict):
    """Minimum wage by year and the levies on it: the data of the derived fiscal gains."""

    opis: str
    placa_minimalna: dict[int, Sourced] = Field(min_length=1)
    skladki: WageContributions
    pit: PitRules
    udzialy_jst: JstShares
    opoznienie_udzialow_jst: Sourced


class CpiEntry(_Strict):
    wartosc: float = Field(gt=50, lt=200)
    zrodlo: str
    stopien: Grade


class CpiSeries(_Strict):
    opis: str
    jednostka: str
    wartosci: dict[int, CpiEntry]
