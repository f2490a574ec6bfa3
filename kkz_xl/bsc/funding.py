"""Regional funding criterion of a social service (after the Karlovarský kraj rules).

    podstawa  = max(0, etaty × koszt_na_etat − opłaty użytkowników)
    wyliczona = podstawa × współczynnik kategorii (A: sieć podstawowa, B: uzupełniająca)
    limit     = limit_udzialu × koszty usługi          (never 100 % of the costs)
    dotacja   = min(wyliczona, limit)

Example: 4 etaty × 90 000 zł − 60 000 zł opłat = 300 000 zł; category A (1,0); costs 320 000 zł,
cap 90 % = 288 000 zł → dotacja 288 000 zł (capped).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kkz_xl.bsc.criteria import FundingCriteria
from kkz_xl.bsc.labels import Category


class FundingInput(BaseModel):
    """One service's figures for the funding rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    etaty: float = Field(gt=0, le=10_000, description="etaty (pełne etaty) w usłudze")
    koszt_na_etat: float = Field(
        ge=0, le=1e8, description="średni koszt jednostkowy na etat dla typu usługi, zł/rok"
    )
    oplaty: float = Field(default=0, ge=0, le=1e10, description="opłaty użytkowników, zł/rok")
    koszty: float = Field(gt=0, le=1e11, description="koszty usługi, zł/rok")
    kategoria: Category = Category.A


class FundingResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    podstawa: float
    wspolczynnik: float
    wyliczona: float
    limit: float
    dotacja: float

    @property
    def ograniczona(self) -> bool:
        """True when the cap on the share of costs decided the amount."""
        return self.wyliczona > self.limit


def funding(data: FundingInput, criteria: FundingCriteria | None = None) -> FundingResult:
    """Apply the funding rule to one service."""
    crit = criteria or FundingCriteria()
    base = max(0.0, data.etaty * data.koszt_na_etat - data.oplaty)
    factor = crit.wspolczynniki[data.kategoria]
    computed = base * factor
    cap = crit.limit_udzialu * data.koszty
    return FundingResult(podstawa=base, wspolczynnik=factor, wyliczona=computed, limit=cap,
                         dotacja=min(computed, cap))
