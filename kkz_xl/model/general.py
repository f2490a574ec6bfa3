"""The general form of the method (``model.md``): one issue as states with yearly transitions.

States are severity levels of a problem, linked problems it leads to, and self-reliance. Costs
of the obligatory measures are given per state and payer line; the optional measure (the
programme) costs ``koszt_uczestnika`` per participant. Keys are Polish (the file is written by
analysts); every dimension is checked against the list of states.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from kkz_xl.model.inputs import (
    CostLine,
    NonNegative,
    Probability,
    Rate,
    Years,
    _check_financing,
    _Model,
)
from kkz_xl.model.payers import Payer
from kkz_xl.params.base import default_base
from kkz_xl.polish import fmt_plain
from kkz_xl.storage.datafile import load_user_file

Matrix = list[list[Probability]]
ROW_SUM_TOLERANCE = 1e-6


class StateCost(_Model):
    """A payer's budget line with a yearly amount per person in each state."""

    name: str = Field("", alias="nazwa")
    payer: Payer = Field(alias="platnik")
    rozdzial: str | None = Field(None, pattern=r"^\d{5}$")
    amounts: list[Annotated[float, Field(allow_inf_nan=False)]] = Field(alias="kwoty")
    profile: list[Annotated[float, Field(allow_inf_nan=False)]] | None = Field(
        None, alias="profil", min_length=1,
        description="yearly multipliers of the amounts (year 1, 2, …); the last one repeats")

    def multipliers(self, years: int) -> list[float]:
        """The line's multiplier in each year of the horizon."""
        prof = self.profile or [1.0]
        return [prof[min(t, len(prof) - 1)] for t in range(years)]


class GeneralIssue(_Model):
    """A cohort state-transition model of one issue, both futures."""

    name: str = Field(alias="nazwa", min_length=2)
    states: list[str] = Field(alias="stany", min_length=2)
    self_reliant: list[str] = Field(alias="samodzielne", min_length=1,
                                    description="states that count as self-reliance")
    persons: list[NonNegative] = Field(alias="osoby")
    trans_z: Matrix = Field(alias="przejscia_zaniechanie")
    trans_a: Matrix = Field(alias="przejscia_dzialanie",
                            description="transitions in a programme year")
    enrol: list[Probability] = Field(alias="objeci",
                                     description="share of each state enrolled in a programme "
                                                 "year")
    inflow: list[NonNegative] | None = Field(None, alias="naplyw")
    costs: list[StateCost] = Field(alias="koszty", min_length=1)
    programme_cost: NonNegative = Field(alias="koszt_uczestnika")
    repeat: bool = Field(False, alias="powtarzaj")
    financing: dict[Payer, Probability] = Field(
        default_factory=lambda: {Payer.GMINA: 1.0}, alias="finansowanie")
    horizon: Years = Field(default_factory=lambda: default_base().horizon, alias="horyzont")
    rate: Rate = Field(default_factory=lambda: default_base().discount_rate, alias="stopa")

    _financing = field_validator("financing")(_check_financing)

    @model_validator(mode="after")
    def _dimensions(self) -> GeneralIssue:
        n = len(self.states)
        if len(set(self.states)) != n:
            raise ValueError("stany: nazwy stanów muszą być różne")
        unknown = [s for s in self.self_reliant if s not in self.states]
        if unknown:
            raise ValueError(f"samodzielne: nieznane stany {', '.join(unknown)}; "
                             f"dostępne: {', '.join(self.states)}")
        vectors = {"osoby": self.persons, "objeci": self.enrol, "naplyw": self.inflow or [0] * n}
        vectors |= {f"koszty[{i + 1}].kwoty": c.amounts for i, c in enumerate(self.costs)}
        for label, vec in vectors.items():
            if len(vec) != n:
                raise ValueError(f"{label}: oczekiwano {n} wartości (po jednej na stan), "
                                 f"otrzymano {len(vec)}")
        for label, m in (("przejscia_zaniechanie", self.trans_z),
                         ("przejscia_dzialanie", self.trans_a)):
            if len(m) != n or any(len(row) != n for row in m):
                raise ValueError(f"{label}: oczekiwano macierzy {n}×{n} (wiersz: z którego "
                                 f"stanu, kolumna: do którego)")
            for state, row in zip(self.states, m, strict=True):
                if abs(sum(row) - 1) > ROW_SUM_TOLERANCE:
                    raise ValueError(f"{label}: wiersz stanu „{state}” sumuje się do "
                                     f"{fmt_plain(float(sum(row)))}, a musi do 1")
        return self

    @classmethod
    def load(cls, path: Path) -> GeneralIssue:
        """Read a YAML file; errors name the file and the field, in Polish."""
        return load_user_file(Path(path), cls)

    def cost_lines(self) -> list[CostLine]:
        """The payer lines (amounts per state live in ``costs``)."""
        return [CostLine(nazwa=c.name, platnik=c.payer, kwota=0.0, rozdzial=c.rozdzial)
                for c in self.costs]
