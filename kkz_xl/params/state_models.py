"""Shipped multi-state models of the issues where escalation is the cost (severity levels and
duration states, ``model.md`` general form): schema and loading of ``data/models/*.yaml``.

A model names its states, the yearly probabilities of moving between them (each with its
source, year and grade), the yearly cost of one person in each state per payer line, and the
programmes with the transitions they change. What the matrices are made of is kept as
sourced values, so that every figure can be shown and traced; ``kkz_xl.model.severity``
turns a model and a scenario's inputs into the matrices of the general form.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from kkz_xl.errors import DataError
from kkz_xl.model.payers import Payer
from kkz_xl.params.schema import Grade, Money, Probability, Reason, _Strict
from kkz_xl.storage.datafile import load_shipped

MODELS = resources.files("kkz_xl.params") / "data" / "models"
MODEL_PREFIX = "model."  # names of a model's values beside the two-state ones
Share = Annotated[float, Field(ge=0)]


class StateDef(_Strict):
    """One state; ``nastepny`` makes it a duration (tunnel) state: whoever neither leaves
    nor escalates during the year moves on to that state (e.g. 1st → 2nd year in care)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nazwa: str = Field(min_length=2)
    nastepny: str | None = None


class Transition(Probability):
    """The yearly probability of moving from state ``z`` to state ``do`` without action."""

    z: str
    do: str


class SourcedShares(_Strict):
    """Shares per state (they sum to 1) with their provenance."""

    wartosc: dict[str, Share]
    jednostka: str = "udział"
    rok: int = Field(ge=1990, le=2100)
    zrodlo: str = Field(min_length=3)
    stopien: Grade
    uzasadnienie_zalozenia: Reason = None

    @field_validator("wartosc")
    @classmethod
    def _sum_one(cls, v: dict[str, float]) -> dict[str, float]:
        if abs(sum(v.values()) - 1.0) > 1e-9:
            raise ValueError("udziały stanów muszą sumować się do 1")
        return v


class StateCost(Money):
    """A payer's budget line: ``wartosc`` per person-year times the multiplier of each state
    in ``stany`` (a statutory share such as the gmina's 10/30/50 %, or 1); 0 elsewhere."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nazwa: str
    platnik: Payer
    rozdzial: str | None = Field(default=None, pattern=r"^\d{5}$")
    stany: dict[str, Share] = Field(min_length=1)


class ProgrammeEffect(_Strict):
    """A transition the programme changes for its participants, by its success rate ``s``:
    ``zapobiega`` (prevents): ``p → p·(1 − s)``, the prevented share stays on its path;
    ``wyprowadza`` (leads out): a share ``s`` of those who would have stayed on their path
    moves along this transition instead (the two-state ``q + s·(1 − q)``)."""

    z: str
    do: str
    rodzaj: Literal["zapobiega", "wyprowadza"]


class StateProgramme(_Strict):
    """An optional measure: who can be enrolled, what it costs, which transitions it changes."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    nazwa: str
    rozdzial: str | None = Field(default=None, pattern=r"^\d{5}$")
    objeci: list[str] = Field(min_length=1, description="states whose persons can be enrolled")
    zmienia: list[ProgrammeEffect] = Field(min_length=1)
    koszt_uczestnika: Money
    skutecznosc: Probability
    zasieg: Probability
    powtarzaj: bool = False
    finansowanie: dict[Payer, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: {Payer.GMINA: 1.0})
    finansowanie_zrodlo: str = Field("Założenie: całość płaci gmina.", min_length=3)

    @field_validator("finansowanie")
    @classmethod
    def _shares_sum_to_one(cls, v: dict[Payer, float]) -> dict[Payer, float]:
        if abs(sum(v.values()) - 1.0) > 1e-9:
            raise ValueError("udziały finansowania muszą sumować się do 1")
        return v


class StateModelParams(_Strict):
    """The shipped multi-state model of one issue."""

    kod: str = Field(pattern=r"^[a-z_]+$")
    nazwa: str
    jednostka: str
    opis: str
    stany: list[StateDef] = Field(min_length=2)
    samodzielne: list[str] = Field(min_length=1)
    podzial: SourcedShares = Field(description="default split of the group by state at t = 0")
    naplyw_do: SourcedShares = Field(description="where new persons arrive")
    przejscia: list[Transition] = Field(min_length=1)
    koszty: list[StateCost] = Field(min_length=1)
    korzysci_w_stanach: list[str] | None = Field(
        None, description="states whose persons bring the issue's gains (two-state "
                          "`korzysci` of issues/<kod>.yaml); default: the self-reliant ones")
    programy: list[StateProgramme] = Field(min_length=1)

    def state_ids(self) -> list[str]:
        return [s.id for s in self.stany]

    def state_names(self) -> list[str]:
        return [s.nazwa for s in self.stany]

    def gain_states(self) -> list[str]:
        return list(self.korzysci_w_stanach or self.samodzielne)

    @model_validator(mode="after")
    def _references(self) -> StateModelParams:
        ids = self.state_ids()
        known = set(ids)
        if len(known) != len(ids):
            raise ValueError("stany: identyfikatory stanów muszą być różne")

        def check(where: str, names: list[str] | set[str]) -> None:
            bad = sorted(set(names) - known)
            if bad:
                raise ValueError(f"{where}: nieznane stany {', '.join(bad)}")

        check("samodzielne", self.samodzielne)
        check("stany.nastepny", [s.nastepny for s in self.stany if s.nastepny])
        check("podzial", set(self.podzial.wartosc))
        check("naplyw_do", set(self.naplyw_do.wartosc))
        check("przejscia", [t.z for t in self.przejscia] + [t.do for t in self.przejscia])
        check("korzysci_w_stanach", self.korzysci_w_stanach or [])
        for c in self.koszty:
            check(f"koszty.{c.id}", set(c.stany))
        for p in self.programy:
            check(f"programy.{p.id}", p.objeci + [e.z for e in p.zmienia]
                  + [e.do for e in p.zmienia])
            edges = {(t.z, t.do) for t in self.przejscia}
            for e in p.zmienia:
                if e.rodzaj == "zapobiega" and (e.z, e.do) not in edges:
                    raise ValueError(f"programy.{p.id}: zapobiega przejściu {e.z} → {e.do}, "
                                     f"którego nie ma w przejsciach")
        pairs = [(t.z, t.do) for t in self.przejscia]
        if len(set(pairs)) != len(pairs) or any(z == d for z, d in pairs):
            raise ValueError("przejscia: każda para stanów raz, bez przejść do tego samego stanu")
        for state in ids:
            out = sum(t.wartosc for t in self.przejscia if t.z == state)
            if out > 1 + 1e-9:
                raise ValueError(f"przejscia: ze stanu {state} wychodzi łącznie {out} > 1")
        ids_all = [c.id for c in self.koszty] + [p.id for p in self.programy]
        if len(set(ids_all)) != len(ids_all):
            raise ValueError("powtórzone identyfikatory kosztów lub programów")
        return self


@cache
def shipped_models() -> dict[str, StateModelParams]:
    """The shipped multi-state models by issue code, loaded once."""
    out: dict[str, StateModelParams] = {}
    for f in sorted((f for f in MODELS.iterdir() if f.name.endswith(".yaml")),
                    key=lambda f: f.name):
        model = load_shipped(f, StateModelParams)
        if model.kod != f.name.removesuffix(".yaml"):
            raise DataError(f"Plik models/{f.name}: kod {model.kod!r} różny od nazwy pliku")
        out[model.kod] = model
    return out


def model_values(model: StateModelParams) -> list[dict[str, object]]:
    """Every sourced value of a model as flat records (the keys of ``kkz parametry --json``:
    parametr, rodzaj, platnik, wartosc, jednostka, rok, zrodlo, stopien)."""
    names = dict(zip(model.state_ids(), model.state_names(), strict=True))

    def record(name: str, kind: str, payer: str | None, value: object, unit: str, year: int,
               source: str, grade: int) -> dict[str, object]:
        return {"parametr": f"{MODEL_PREFIX}{name}", "rodzaj": kind, "platnik": payer,
                "wartosc": value, "jednostka": unit, "rok": year, "zrodlo": source,
                "stopien": grade}

    out = [record(f"przejscie.{t.z}.{t.do}", "przejscie", None, t.wartosc, t.jednostka,
                  t.rok, f"{names[t.z]} → {names[t.do]}: {t.zrodlo}", t.stopien)
           for t in model.przejscia]
    for label, shares in (("podzial", model.podzial), ("naplyw_do", model.naplyw_do)):
        out.append(record(label, "inne", None, dict(shares.wartosc), shares.jednostka,
                          shares.rok, shares.zrodlo, shares.stopien))
    out += [record(c.id, "koszt", c.platnik.value, c.wartosc, c.jednostka, c.rok_cen,
                   c.zrodlo, c.stopien) for c in model.koszty]
    for p in model.programy:
        for field in ("koszt_uczestnika", "skutecznosc", "zasieg"):
            v = getattr(p, field)
            out.append(record(f"{p.id}.{field}", "program", None, v.wartosc, v.jednostka,
                              getattr(v, "rok", None) or v.rok_cen, v.zrodlo, v.stopien))
    return out
