"""Regional funding criterion of a social service (after the Karlovarský kraj rules).

    podstawa      = max(0, etaty × koszt_na_etat − opłaty użytkowników)
    wyliczona     = podstawa × współczynnik kategorii (A: sieć podstawowa, B: uzupełniająca)
    limit         = limit_udzialu × koszty usługi   (public support + user fees, never 100 %)
    limit dotacji = max(0, limit − opłaty)
    dotacja       = min(wyliczona, limit dotacji)
    wkład własny  = koszty − dotacja − opłaty ≥ (1 − limit_udzialu) × koszty

The cap holds for the total the operator receives (subsidy and user fees together), so the
operator always co-finances at least ``1 − limit_udzialu`` of the costs.

Example: 4 etaty × 90 000 zł − 60 000 zł opłat = 300 000 zł; category A (1,0); costs 320 000 zł,
cap 90 % = 288 000 zł for subsidy and fees together → limit dotacji 288 000 − 60 000 =
228 000 zł → dotacja 228 000 zł (capped); wkład własny 32 000 zł = 10 % of the costs.
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
    limit_dotacji: float
    dotacja: float
    oplaty: float
    koszty: float

    @property
    def ograniczona(self) -> bool:
        """True when the cap on the share of costs decided the amount."""
        return self.wyliczona > self.limit_dotacji

    @property
    def wklad_wlasny(self) -> float:
        """What the operator co-finances itself: costs not covered by the subsidy and fees."""
        return max(0.0, self.koszty - self.dotacja - self.oplaty)

    @property
    def udzial_wkladu(self) -> float:
        """The operator's co-financing as a share of the service's costs."""
        return self.wklad_wlasny / self.koszty

    @property
    def oplaty_ponad_limit(self) -> bool:
        """User fees alone reach the cap: no subsidy is possible."""
        return self.oplaty >= self.limit


def funding(data: FundingInput, criteria: FundingCriteria | None = None) -> FundingResult:
    """Apply the funding rule to one service (see the module docstring)."""
    crit = criteria or FundingCriteria()
    base = max(0.0, data.etaty * data.koszt_na_etat - data.oplaty)
    factor = crit.wspolczynniki[data.kategoria]
    computed = base * factor
    cap = crit.limit_udzialu * data.koszty
    cap_subsidy = max(0.0, cap - data.oplaty)
    return FundingResult(podstawa=base, wspolczynnik=factor, wyliczona=computed, limit=cap,
                         limit_dotacji=cap_subsidy, dotacja=min(computed, cap_subsidy),
                         oplaty=data.oplaty, koszty=data.koszty)
