"""The CIS financing calculator: what an edition of a Centrum Integracji Społecznej costs and
who pays it.

Rule (ustawa o zatrudnieniu socjalnym): each participant receives the świadczenie integracyjne,
120 % of the unemployment benefit for the first 90 days, every month of participation; the
benefit and the social-insurance contributions on it are paid from the Fundusz Pracy through the
PUP. The centre's running costs (staff, premises, materials) fall on its founder: they are
covered first by the centre's own revenue, then by EU funds (a share), and the rest is split
between the state budget (a share; the Olsztyn 2011 proposal: 80 %) and the gmina.

The świadczenie runs for the months each participant takes part (on average ``miesiace``); the
running costs for the months the centre operates in the period (``miesiace_dzialania``), whatever
the participants' months: staff and premises are paid while the centre is open (default: a
year, or the average participation if that is longer).

Worked example: 10 participants × 11 months, benefit 1 721,90 zł → świadczenie 2 066,28 zł
per month, 227 290,80 zł in all; contributions at 36,52 % 83 006,60 zł; running costs 20 000 zł
per month × 12 months of operation = 240 000 zł, own revenue 20 000 zł, no EU funds, state
share 0,8 → state 176 000 zł, gmina 44 000 zł; total 550 297,40 zł.

Legal amounts default to those in force today in the parameter base (``kkz_xl.cis.params``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kkz_xl.cis.labels import CisPayer
from kkz_xl.cis.params import cis_params
from kkz_xl.polish import fmt_number

Share = Annotated[float, Field(ge=0, le=1)]
DEFAULT_OPERATION_MONTHS = 12


class CisInput(BaseModel):
    """The calculator's inputs (validated once, at the edge)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uczestnicy: int = Field(ge=1, le=10_000, description="liczba uczestników")
    miesiace: float = Field(gt=0, le=24, description="średnia liczba miesięcy uczestnictwa")
    miesiace_dzialania: float = Field(
        default=12, gt=0, le=24,
        description="miesiące działania CIS w okresie (koszty bieżące); domyślnie rok albo "
                    "średnie uczestnictwo, gdy dłuższe")
    koszty_biezace_mies: float = Field(
        ge=0, le=1e9, description="koszty bieżące CIS na miesiąc (kadra, lokal, materiały), zł"
    )
    przychody_wlasne: float = Field(default=0.0, ge=0, le=1e10,
                                    description="przychody własne CIS w okresie, zł")
    udzial_ue: Share = Field(default=0.0, description="udział funduszy UE w kosztach bieżących")
    udzial_panstwa: Share = Field(
        default=0.0, description="udział budżetu państwa w pozostałych kosztach bieżących"
    )
    zasilek: float = Field(
        default_factory=lambda: cis_params().zasilek_dla_bezrobotnych.wartosc, gt=0, le=1e5,
        description="zasiłek dla bezrobotnych (pierwsze 90 dni), zł/mies.",
    )
    mnoznik: float = Field(
        default_factory=lambda: cis_params().mnoznik_swiadczenia.wartosc, gt=0, le=5,
        description="świadczenie integracyjne jako krotność zasiłku",
    )
    stopa_skladek: Share = Field(
        default_factory=lambda: cis_params().stopa_skladek.wartosc,
        description="składki od świadczenia (udział świadczenia)",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_operation(cls, data: Any) -> Any:
        """Not given: a year of operation, or the participants' average months if longer."""
        if isinstance(data, dict) and data.get("miesiace_dzialania") in (None, ""):
            data = {k: v for k, v in data.items() if k != "miesiace_dzialania"}
            months = data.get("miesiace")
            if isinstance(months, int | float) and months > DEFAULT_OPERATION_MONTHS:
                data["miesiace_dzialania"] = months
        return data

    @model_validator(mode="after")
    def _participation_within_operation(self) -> CisInput:
        if self.miesiace > self.miesiace_dzialania:
            raise ValueError(
                f"średnie uczestnictwo ({fmt_number(self.miesiace, 1)} mies.) nie może być "
                f"dłuższe niż działanie CIS w okresie ({fmt_number(self.miesiace_dzialania, 1)} "
                "mies.)")
        return self


class CisResult(BaseModel):
    """Costs of one CIS edition and their split by payer (all amounts in zł)."""

    model_config = ConfigDict(frozen=True)

    dane: CisInput
    swiadczenie_mies: float
    swiadczenia: float
    skladki: float
    koszty_biezace: float
    nadwyzka_przychodow: float
    platnicy: dict[CisPayer, float]

    @property
    def razem(self) -> float:
        return self.swiadczenia + self.skladki + self.koszty_biezace

    @property
    def koszt_uczestnika(self) -> float:
        """Full cost per participant, whoever pays."""
        return self.razem / self.dane.uczestnicy

    @property
    def koszt_publiczny(self) -> float:
        """What the KKZ model's payers bear: Fundusz Pracy, gmina, state budget."""
        p = self.platnicy
        return p[CisPayer.FUNDUSZ_PRACY] + p[CisPayer.GMINA] + p[CisPayer.BUDZET_PANSTWA]

    def udzial(self, payer: CisPayer) -> float:
        return self.platnicy[payer] / self.razem if self.razem else 0.0


def cis_cost(data: CisInput) -> CisResult:
    """Compute the costs of a CIS edition and split them by payer (see the module docstring)."""
    swiadczenie_mies = data.zasilek * data.mnoznik
    swiadczenia = data.uczestnicy * data.miesiace * swiadczenie_mies
    skladki = swiadczenia * data.stopa_skladek
    koszty_biezace = data.koszty_biezace_mies * data.miesiace_dzialania
    # Own revenue covers running costs first; what exceeds them is reported, not spent.
    wlasne = min(data.przychody_wlasne, koszty_biezace)
    reszta = koszty_biezace - wlasne
    ue = data.udzial_ue * reszta
    panstwo = data.udzial_panstwa * (reszta - ue)
    gmina = reszta - ue - panstwo
    return CisResult(
        dane=data,
        swiadczenie_mies=swiadczenie_mies,
        swiadczenia=swiadczenia,
        skladki=skladki,
        koszty_biezace=koszty_biezace,
        nadwyzka_przychodow=data.przychody_wlasne - wlasne,
        platnicy={
            CisPayer.FUNDUSZ_PRACY: swiadczenia + skladki,
            CisPayer.GMINA: gmina,
            CisPayer.BUDZET_PANSTWA: panstwo,
            CisPayer.FUNDUSZE_UE: ue,
            CisPayer.PRZYCHODY_WLASNE: wlasne,
        },
    )
