"""Fiscal gains of a person entering work, derived from the minimum wage and the statutory rates.

One worker at the minimum wage, full time, a contract of employment (the payslip as a payroll
program computes it, rounded the same way), brings per year:

- ZUS: the social contributions (emerytalna, rentowa, chorobowa, wypadkowa) – in the
  conservative variant without the pension contributions, which are future pension claims;
- Fundusz Pracy (+ Fundusz Solidarnościowy) and FGŚP: the employer's contributions (with ZUS
  they are the model's payer ``zus_fp``);
- NFZ: the health contribution;
- gmina and powiat: their shares of the residents' PIT income (Dz.U. 2024 poz. 1572), from the
  third year (the shares are computed with a two-year lag);
- the state budget: the PIT the worker pays minus the JST shares financed from it, never below
  zero (for a minimum-wage worker the shares exceed the tax: the budget gains nothing).

An issue's gain per self-reliant person is this times its employment share
(``udzial_zatrudnienia``). The derived lines carry a source text that shows the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from kkz_xl.model.payers import Payer
from kkz_xl.params.schema import CostItem, IssueParams, Sourced, WageParams
from kkz_xl.polish import fmt_number

DERIVED_PREFIX = "praca_"
MONTHS = 12


def _pln(x: float) -> float:
    """Round to the grosz, as a payslip does."""
    return round(x + 1e-9, 2)


@dataclass(frozen=True)
class WorkerGain:
    """The yearly public revenue from one worker at the minimum wage of ``year``."""

    year: int
    wage: float  # gross, per month
    zus_pension: float  # per year: emerytalna (employee + employer)
    zus_other: float  # rentowa, chorobowa, wypadkowa
    labour_funds: float  # FP + FS + FGŚP
    health: float
    pit: float
    income: float  # PIT "dochód": revenue minus costs of obtaining it, per year
    gmina_share: float
    powiat_share: float
    voivodeship_share: float
    grades: dict[Payer, int]  # per payer: the weakest grade of the figures it uses

    @property
    def state_budget(self) -> float:
        """PIT minus the JST shares financed from it, not below zero."""
        return max(0.0, self.pit - self.gmina_share - self.powiat_share
                   - self.voivodeship_share)

    def zus_fp(self, conservative: bool) -> float:
        return self.zus_other + self.labour_funds + (0.0 if conservative else self.zus_pension)

    def by_payer(self, conservative: bool) -> dict[Payer, float]:
        """Yearly gain to each payer of the model (a worker in work for the whole year)."""
        return {
            Payer.GMINA: self.gmina_share,
            Payer.POWIAT: self.powiat_share,
            Payer.BUDZET_PANSTWA: self.state_budget,
            Payer.NFZ: self.health,
            Payer.ZUS_FP: self.zus_fp(conservative),
        }


def wage_year(wages: WageParams, year: int) -> int:
    """The minimum wage's year used for ``year``: that year, else the latest one before it,
    else the earliest known."""
    years = sorted(wages.placa_minimalna)
    before = [y for y in years if y <= year]
    return before[-1] if before else years[0]


def worker_gain(wages: WageParams, year: int) -> WorkerGain:
    """The payslip of a minimum-wage worker of ``year`` turned into public revenue per year."""
    used = wage_year(wages, year)
    wage_item = wages.placa_minimalna[used]
    gross = wage_item.wartosc
    c = wages.skladki
    employee = [_pln(gross * r.wartosc) for r in
                (c.emerytalna_pracownik, c.rentowa_pracownik, c.chorobowa)]
    employee_total = sum(employee)
    pension = employee[0] + _pln(gross * c.emerytalna_pracodawca.wartosc)
    other = (employee[1] + employee[2] + _pln(gross * c.rentowa_pracodawca.wartosc)
             + _pln(gross * c.wypadkowa.wartosc))
    funds = _pln(gross * c.fundusz_pracy.wartosc) + _pln(gross * c.fgsp.wartosc)
    health = _pln((gross - employee_total) * c.zdrowotna.wartosc)
    p = wages.pit
    tax_base = round(gross - employee_total - p.koszty_uzyskania.wartosc)
    pit = max(0.0, round(tax_base * p.stawka.wartosc - p.kwota_zmniejszajaca.wartosc))
    income = MONTHS * (gross - p.koszty_uzyskania.wartosc)
    s = wages.udzialy_jst

    def weakest(*items: Sourced) -> int:
        return max(i.stopien for i in items)

    pay = (wage_item, p.koszty_uzyskania)
    jst = weakest(*pay, s.gmina, s.powiat, s.wojewodztwo, wages.opoznienie_udzialow_jst)
    social = [getattr(c, k) for k in type(c).model_fields if k != "zdrowotna"]
    grades = {
        Payer.GMINA: jst, Payer.POWIAT: jst,
        Payer.BUDZET_PANSTWA: weakest(*pay, p.stawka, p.kwota_zmniejszajaca, *social,
                                      s.gmina, s.powiat, s.wojewodztwo),
        Payer.NFZ: weakest(*pay, c.zdrowotna, *social),
        Payer.ZUS_FP: weakest(wage_item, *social),
    }
    return WorkerGain(
        year=used, wage=gross, zus_pension=MONTHS * pension, zus_other=MONTHS * other,
        labour_funds=MONTHS * funds, health=MONTHS * health, pit=MONTHS * pit, income=income,
        gmina_share=income * s.gmina.wartosc, powiat_share=income * s.powiat.wartosc,
        voivodeship_share=income * s.wojewodztwo.wartosc, grades=grades,
    )


def _zl(x: float) -> str:
    return f"{fmt_number(x, 2)} zł"


def _derivation(w: WorkerGain, wages: WageParams, conservative: bool) -> dict[Payer, str]:
    """Per payer: how its yearly gain from one worker was computed (Polish)."""
    s = wages.udzialy_jst
    lag = int(wages.opoznienie_udzialow_jst.wartosc)
    head = (f"Płaca minimalna {fmt_number(w.wage, 0)} zł miesięcznie ({w.year} r.), stawki "
            f"składek (art. 22 ustawy o systemie ubezpieczeń społecznych) i PIT (art. 27 i 32 "
            f"ustawy o PIT) z params/data/wynagrodzenie.yaml; dochód (przychód minus koszty "
            f"uzyskania) {_zl(w.income)} rocznie. ")
    jst = (f" Udział JST w dochodach mieszkańców z PIT (Dz.U. 2024 poz. 1572); wpływy z "
           f"opóźnieniem {lag} lat, więc od {lag + 1}. roku (profil).")
    pension = ("" if conservative else f" + emerytalna {_zl(w.zus_pension)}")
    return {
        Payer.GMINA: head + f"Gmina: {fmt_number(100 * s.gmina.wartosc, 2)} % × "
                            f"{_zl(w.income)} = {_zl(w.gmina_share)}." + jst,
        Payer.POWIAT: head + f"Powiat: {fmt_number(100 * s.powiat.wartosc, 2)} % × "
                             f"{_zl(w.income)} = {_zl(w.powiat_share)}." + jst,
        Payer.BUDZET_PANSTWA: head + (
            f"Budżet państwa: PIT {_zl(w.pit)} minus udziały gminy, powiatu i województwa "
            f"{_zl(w.gmina_share + w.powiat_share + w.voivodeship_share)} = "
            f"{_zl(w.state_budget)} (nie mniej niż zero)."),
        Payer.NFZ: head + f"NFZ: składka zdrowotna 9 % = {_zl(w.health)} rocznie.",
        Payer.ZUS_FP: head + (
            f"ZUS i fundusze: rentowa, chorobowa i wypadkowa {_zl(w.zus_other)} + Fundusz "
            f"Pracy, Fundusz Solidarnościowy i FGŚP {_zl(w.labour_funds)}{pension} = "
            f"{_zl(w.zus_fp(conservative))}"
            + (" (wariant ostrożny: bez składek emerytalnych, które są przyszłym "
               "zobowiązaniem ZUS)." if conservative else " (wariant pełny).")),
    }


GAIN_NAMES = {
    Payer.GMINA: "Udział gminy w PIT od dochodu pracującego",
    Payer.POWIAT: "Udział powiatu w PIT od dochodu pracującego",
    Payer.BUDZET_PANSTWA: "PIT pracującego (część budżetu państwa)",
    Payer.NFZ: "Składka zdrowotna pracującego",
    Payer.ZUS_FP: "Składki ZUS i na fundusze od wynagrodzenia pracującego",
}
# Budget classification of the JST's revenue (dział 756): udziały gmin / powiatów w podatkach.
GAIN_ROZDZIAL = {Payer.GMINA: "75621", Payer.POWIAT: "75622"}


def derived_gains(issue: IssueParams, wages: WageParams, price_year: int,
                  conservative: bool) -> list[CostItem]:
    """The issue's fiscal-gain lines per payer (none without an employment share)."""
    share = issue.udzial_zatrudnienia
    if share is None:
        return []
    w = worker_gain(wages, price_year)
    texts = _derivation(w, wages, conservative)
    lag = int(wages.opoznienie_udzialow_jst.wartosc)
    items = []
    for payer, amount in w.by_payer(conservative).items():
        if amount <= 0:
            continue
        profile = [0.0] * lag + [1.0] if payer in GAIN_ROZDZIAL and lag else None
        items.append(CostItem(
            id=f"{DERIVED_PREFIX}{payer.value}", nazwa=GAIN_NAMES[payer], platnik=payer,
            rozdzial=GAIN_ROZDZIAL.get(payer), wartosc=round(amount * share.wartosc, 2),
            jednostka="zł/os. samodzielną/rok", rok_cen=w.year, profil=profile,
            zrodlo=(f"Wyliczenie: {texts[payer]} × udział pracujących wśród osób samodzielnych "
                    f"{fmt_number(share.wartosc, 3)} (kwestia „{issue.nazwa}”, stopień "
                    f"{share.stopien}) = {_zl(amount * share.wartosc)}."),
            stopien=max(w.grades[payer], share.stopien),
        ))
    return items
