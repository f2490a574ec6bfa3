"""Default regional funding criteria and thresholds (``data/kryteria.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kkz_xl.bsc.labels import Category
from kkz_xl.storage.datafile import load_shipped


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    wartosc: float = Field(ge=0, le=1)
    zrodlo: str
    stopien: int = Field(ge=1, le=5)


class _Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    zielony: _Value
    zolty: _Value


class _CriteriaFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    limit_udzialu: _Value
    wspolczynniki_kategorii: dict[Category, _Value]
    progi: _Thresholds


class Thresholds(BaseModel):
    """Traffic-light thresholds on a 0–1 score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zielony: float = Field(default_factory=lambda: _file().progi.zielony.wartosc, gt=0, le=1)
    zolty: float = Field(default_factory=lambda: _file().progi.zolty.wartosc, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.zolty >= self.zielony:
            raise ValueError("próg żółty musi być niższy niż próg zielony")
        return self


class FundingCriteria(BaseModel):
    """A region's funding rule: cap on the share of costs, category factors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit_udzialu: float = Field(
        default_factory=lambda: _file().limit_udzialu.wartosc, gt=0, lt=1,
        description="najwyższy udział dotacji w kosztach usługi (nigdy 100 %)",
    )
    wspolczynniki: dict[Category, float] = Field(
        default_factory=lambda: {k: v.wartosc for k, v in _file().wspolczynniki_kategorii.items()}
    )

    @model_validator(mode="after")
    def _all_categories(self) -> FundingCriteria:
        missing = [c.value for c in Category if c not in self.wspolczynniki]
        if missing:
            raise ValueError(f"brak współczynnika dla kategorii {', '.join(missing)}")
        if any(not 0 <= v <= 1 for v in self.wspolczynniki.values()):
            raise ValueError("współczynniki kategorii muszą być od 0 do 1")
        return self


@cache
def _file() -> _CriteriaFile:
    return load_shipped(resources.files("kkz_xl.bsc") / "data" / "kryteria.yaml", _CriteriaFile)


def criteria_sources() -> dict[str, str]:
    """The source note of each default (for the workbook's parameter sheet)."""
    f = _file()
    out = {"limit_udzialu": f.limit_udzialu.zrodlo, "zielony": f.progi.zielony.zrodlo,
           "zolty": f.progi.zolty.zrodlo}
    out.update({f"kategoria_{k.value}": v.zrodlo for k, v in f.wspolczynniki_kategorii.items()})
    return out
