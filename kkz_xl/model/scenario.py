"""A scenario: one JST's figures per issue, programme choices, horizon, rate and price year.

Saved and loaded as YAML or JSON with Polish keys. Anything an issue does not give comes from
the parameter base (money indexed to the scenario's price year); ``resolve`` says which.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from kkz_xl.errors import InputError
from kkz_xl.model.inputs import (
    CostLine,
    GainLine,
    IssueInputs,
    NonNegative,
    Probability,
    Rate,
    Years,
    _check_financing,
    _Model,
)
from kkz_xl.model.payers import Payer
from kkz_xl.model.validation import polish_errors
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.schema import CostItem
from kkz_xl.storage.atomic import atomic_write_bytes
from kkz_xl.storage.datafile import load_user_file

JstKind = Literal["gmina", "powiat", "miasto na prawach powiatu"]


class Jst(_Model):
    """The local government the scenario is for."""

    name: str = Field(alias="nazwa", min_length=2, max_length=200)
    teryt: str = Field(alias="teryt", pattern=r"^\d{4}(\d{3})?$",
                       description="TERYT: 4 digits for a powiat, 7 for a gmina")
    kind: JstKind = Field("gmina", alias="rodzaj")
    voivodeship: str = Field("mazowieckie", alias="wojewodztwo")
    residents: int | None = Field(None, alias="mieszkancy", ge=0)


class MonteCarloSettings(_Model):
    """Monte Carlo settings; omitted ones come from the parameter base (general.yaml)."""

    draws: int = Field(default_factory=lambda: default_base().monte_carlo_draws,
                       alias="losowania", ge=100, le=1_000_000)
    spread: float = Field(default_factory=lambda: default_base().monte_carlo_spread,
                          alias="zmiennosc", ge=0, le=2)
    seed: int = Field(1, alias="ziarno", ge=0)


class IssueScenario(_Model):
    """A JST's figures for one issue; omitted fields come from the parameter base."""

    code: str = Field(alias="kod")
    persons: NonNegative = Field(alias="osoby")
    costs: list[CostLine] | None = Field(None, alias="koszty")
    gains: list[GainLine] | None = Field(None, alias="korzysci")
    exit_rate: Probability | None = Field(None, alias="odplyw")
    relapse: Probability | None = Field(None, alias="nawroty")
    inflow: NonNegative = Field(0.0, alias="naplyw")
    programme: str | None = Field(None, alias="program",
                                  description="id of a programme of the parameter base")
    programme_name: str | None = Field(None, alias="nazwa_programu")
    programme_cost: NonNegative | None = Field(None, alias="koszt_uczestnika")
    success: Probability | None = Field(None, alias="skutecznosc")
    coverage: Probability | None = Field(None, alias="zasieg")
    repeat: bool | None = Field(None, alias="powtarzaj")
    financing: dict[Payer, Probability] | None = Field(
        None, alias="finansowanie"
    )
    model: Literal["wielostanowy", "dwustanowy"] | None = Field(
        None, alias="model",
        description="form of the issue: the shipped multi-state model (default where one "
                    "exists, kkz_xl/params/data/models) or the two-state form")
    persons_by_state: dict[str, NonNegative] | None = Field(
        None, alias="osoby_wg_stanow",
        description="the group split by the multi-state model's states (adds up to osoby)")

    @field_validator("financing")
    @classmethod
    def _shares(cls, v: dict[Payer, float] | None) -> dict[Payer, float] | None:
        return None if v is None else _check_financing(v)


class Scenario(_Model):
    """Everything needed to compute one JST's cost of inaction."""

    jst: Jst
    price_year: int | None = Field(None, alias="rok_cen", ge=2000, le=2100)
    horizon: Years | None = Field(None, alias="horyzont")
    rate: Rate | None = Field(None, alias="stopa")
    issues: list[IssueScenario] = Field(alias="kwestie", min_length=1)
    conservative_gains: bool | None = Field(
        None, alias="korzysci_ostrozne",
        description="fiscal gains without pension contributions (default: the base's)")
    monte_carlo: MonteCarloSettings = Field(default_factory=MonteCarloSettings,
                                            alias="monte_carlo")

    @model_validator(mode="after")
    def _unique_codes(self) -> Scenario:
        codes = [i.code for i in self.issues]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"kwestia podana więcej niż raz: {', '.join(dup)}")
        return self

    # ---------------------------------------------------------------- files

    @classmethod
    def load(cls, path: Path) -> Scenario:
        """Read a YAML or JSON scenario; errors name the file and the field, in Polish."""
        return load_user_file(Path(path), cls)

    def dump(self) -> dict:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")

    def save(self, path: Path) -> Path | None:
        """Write YAML or JSON (by the file's extension), atomically; returns the backup copy
        of the previous version, if there was one."""
        path = Path(path)
        data = self.dump()
        if path.suffix.lower() == ".json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
        else:
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        return atomic_write_bytes(path, text.encode("utf-8"))

    def with_programme(self, code: str, name: str, cost: float | None, success: float, *,
                       programme: str | None = None,
                       financing: dict[str, float] | None = None) -> Scenario:
        """A copy whose issue ``code`` runs the given programme (e.g. one from the Katalog, or
        a CIS with its observed success); ``None`` keeps what the issue had."""
        if code not in {i.code for i in self.issues}:
            raise InputError("kwestia", f"scenariusz nie zawiera kwestii {code!r}; kwestie "
                             f"scenariusza: {', '.join(i.code for i in self.issues)}")
        update: dict[str, Any] = {"programme_name": name, "success": success}
        shares = None if financing is None else {Payer(k): v for k, v in financing.items()}
        for attr, value in (("programme_cost", cost), ("programme", programme),
                            ("financing", shares)):
            if value is not None:
                update[attr] = value
        changed = [i.model_copy(update=update) if i.code == code else i for i in self.issues]
        # Validate again: the values come from a register a person typed.
        try:
            return Scenario.model_validate(self.model_copy(update={"issues": changed}).dump())
        except ValidationError as err:
            field, message = polish_errors(err)[0]
            raise InputError(field, message) from None

    def in_two_state_form(self) -> Scenario:
        """A copy whose every issue is computed in the two-state form (``model: dwustanowy``):
        what the calculator workbook computes until it calls KKZ_ANALIZA_STANY."""
        return self.model_copy(update={"issues": [
            i.model_copy(update={"model": "dwustanowy"}) for i in self.issues]})

    # ---------------------------------------------------------------- resolution

    def settings(self, base: ParameterBase) -> tuple[int, int, float]:
        """(price year, horizon, rate), the base's defaults where the scenario is silent."""
        return (
            self.price_year or base.price_year,
            self.horizon or base.horizon,
            base.discount_rate if self.rate is None else self.rate,
        )

    def resolve(self, base: ParameterBase | None = None,
                only: Sequence[int] | None = None) -> list[ResolvedIssue]:
        """Each issue's full inputs (two-state form), with the fields that came from the
        parameter base; ``only``: the positions of the issues to resolve (default: all)."""
        base = base or default_base()
        price_year, _, _ = self.settings(base)
        positions = range(len(self.issues)) if only is None else only
        resolved = [resolve_issue(self.issues[index], base, price_year, f"kwestie[{index + 1}]",
                                  conservative=self.conservative_gains)
                    for index in positions]
        if self.jst.kind == "powiat":
            resolved = [_run_by_powiat(r) for r in resolved]
        return resolved


def _run_by_powiat(r: ResolvedIssue) -> ResolvedIssue:
    """In a powiat's scenario the powiat runs the programme: the base's local-government share
    (written for the gmina that usually runs it) is the powiat's. A JST's own ``finansowanie``
    is kept as given."""
    shares = r.inputs.financing
    if "finansowanie" not in r.from_base or Payer.GMINA not in shares:
        return r
    moved = {p: s for p, s in shares.items() if p != Payer.GMINA}
    moved[Payer.POWIAT] = moved.get(Payer.POWIAT, 0.0) + shares[Payer.GMINA]
    inputs = r.inputs.model_copy(update={"financing": moved})
    return r.model_copy(update={"inputs": inputs})


class ResolvedIssue(_Model):
    code: str
    name: str
    inputs: IssueInputs
    from_base: list[str]


def _line(item: CostItem, factor: float, kind: type[GainLine] = CostLine) -> GainLine:
    return kind(nazwa=item.nazwa, platnik=item.platnik, kwota=item.wartosc * factor,
                    rozdzial=item.rozdzial, profil=item.profil)


def resolve_issue(i: IssueScenario, base: ParameterBase, price_year: int,
                  where: str = "kwestia", *, conservative: bool | None = None) -> ResolvedIssue:
    """One issue's full inputs: the JST's figures, the rest from the parameter base.

    ``conservative``: the variant of the base's derived fiscal gains (None: the base's default).
    """
    try:
        params = base.issue(i.code)
    except InputError as err:
        raise InputError(f"{where}.kod", err.message) from None
    programmes = {p.id: p for p in params.programy}
    if i.programme is not None and i.programme not in programmes:
        raise InputError(f"{where}.program", f"nieznany program {i.programme!r}; dostępne: "
                         f"{', '.join(programmes)}")
    prog = programmes[i.programme] if i.programme else params.programy[0]
    from_base: list[str] = []

    def pick(name: str, own: object, default: object) -> object:
        if own is None:
            from_base.append(name)
            return default
        return own

    def money(year: int) -> float:
        return base.price_factor(year, price_year)

    costs = i.costs
    if costs is None:
        from_base.append("koszty")
        costs = [_line(c, money(c.rok_cen)) for c in params.koszty]
    gains = i.gains
    if gains is None:
        from_base.append("korzysci")
        gains = [_line(c, money(c.rok_cen), GainLine)
                 for c in base.gains(i.code, conservative)]
    inputs = IssueInputs(
        osoby=i.persons,
        koszty=costs,
        korzysci=gains,
        odplyw=pick("odplyw", i.exit_rate, params.odplyw.wartosc),
        nawroty=pick("nawroty", i.relapse, params.nawroty.wartosc),
        naplyw=i.inflow,
        skutecznosc=pick("skutecznosc", i.success, prog.skutecznosc.wartosc),
        koszt_uczestnika=pick(
            "koszt_uczestnika", i.programme_cost,
            prog.koszt_uczestnika.wartosc * money(prog.koszt_uczestnika.rok_cen),
        ),
        zasieg=pick("zasieg", i.coverage, prog.zasieg.wartosc),
        powtarzaj=pick("powtarzaj", i.repeat, prog.powtarzaj),
        finansowanie=pick("finansowanie", i.financing, dict(prog.finansowanie)),
        program=i.programme_name or prog.nazwa,
        rozdzial_programu=prog.rozdzial,
    )
    return ResolvedIssue(code=i.code, name=params.nazwa, inputs=inputs, from_base=from_base)
