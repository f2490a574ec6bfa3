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
- the state budget: the PIT the worker pays (from the first year), minus the JST shares it
  finances (from the third year, with the JST's). The shares are computed from the worker's
  income, not from the tax, so at the minimum wage they exceed the PIT and the state's net
  effect is negative (about −3 100 zł a worker-year): a signed line, the one gain that may be
  negative, so that the all-payer total is the public sector's net gain.

An issue's gain per self-reliant person is this times its employment share
(``udzial_zatrudnienia``). The derived lines carry a source text that shows the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from kkz_xl.model.payers import Payer
from kkz_xl.params.schema import GainItem, IssueParams, Sourced, WageParams
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
    def jst_shares(self) -> float:
        """The gmina's, powiat's and voivodeship's shares of the worker's income, which the
        state budget pays out (the voivodeship is no payer of the model)."""
        return self.gmina_share + self.powiat_share + self.voivodeship_share

    @property
    def state_budget(self) -> float:
        """The state budget's net effect once the shares arrive: PIT minus the JST shares it
        finances (negative at the minimum wage)."""
        return self.pit - self.jst_shares

    def zus_fp(self, conservative: bool) -> float:
        return self.zus_other + self.labour_funds + (0.0 if conservative else self.zus_pension)

    def by_payer(self, conservative: bool) -> dict[Payer, float]:
        """Yearly net gain to each payer of the model (a worker in work for the whole year,
        the JST shares arrived); the state budget's may be negative."""
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
        Payer.BUDZET_PANSTWA: weakest(*pay, p.stawka, p.kwota_zmniejszajaca, *social),
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


def _derivation(w: WorkerGain, wages: WageParams, conservative: bool) -> dict[str, str]:
    """Per line (its payer, or ``STATE_SHARES``): how its yearly amount from one worker was
    computed (Polish)."""
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
            f"Budżet państwa: zaliczki na PIT pracującego {_zl(w.pit)} rocznie, od 1. roku "
            f"(art. 27 i 32 ustawy o PIT)."),
        STATE_SHARES: head + (
            f"Budżet państwa przekazuje gminie, powiatowi i województwu udziały "
            f"{fmt_number(100 * s.gmina.wartosc, 2)} % + {fmt_number(100 * s.powiat.wartosc, 2)}"
            f" % + {fmt_number(100 * s.wojewodztwo.wartosc, 2)} % × {_zl(w.income)} = "
            f"{_zl(w.jst_shares)} rocznie, liczone od dochodu, nie od podatku (Dz.U. 2024 poz. "
            f"1572), z opóźnieniem {lag} lat, więc od {lag + 1}. roku (profil). To więcej niż "
            f"PIT pracującego {_zl(w.pit)}: od {lag + 1}. roku skutek netto budżetu państwa "
            f"wynosi {_zl(w.state_budget)} rocznie (udział województwa "
            f"{_zl(w.voivodeship_share)} to korzyść województwa, które nie jest płatnikiem "
            f"modelu)."),
        Payer.NFZ: head + f"NFZ: składka zdrowotna 9 % = {_zl(w.health)} rocznie.",
        Payer.ZUS_FP: head + (
            f"ZUS i fundusze: rentowa, chorobowa i wypadkowa {_zl(w.zus_other)} + Fundusz "
            f"Pracy, Fundusz Solidarnościowy i FGŚP {_zl(w.labour_funds)}{pension} = "
            f"{_zl(w.zus_fp(conservative))}"
            + (" (wariant ostrożny: bez składek emerytalnych, które są przyszłym "
               "zobowiązaniem ZUS)." if conservative else " (wariant pełny).")),
    }


#: The state budget's second (negative) line: the JST shares it pays out of its PIT revenue.
STATE_SHARES = f"{Payer.BUDZET_PANSTWA.value}_udzialy_jst"
GAIN_NAMES: dict[str, str] = {
    Payer.GMINA: "Udział gminy w PIT od dochodu pracującego",
    Payer.POWIAT: "Udział powiatu w PIT od dochodu pracującego",
    Payer.BUDZET_PANSTWA: "PIT pracującego (wpływ budżetu państwa)",
    STATE_SHARES: "Udziały JST w PIT od dochodu pracującego (ubytek dochodu budżetu państwa)",
    Payer.NFZ: "Składka zdrowotna pracującego",
    Payer.ZUS_FP: "Składki ZUS i na fundusze od wynagrodzenia pracującego",
}
#: Lines whose amounts arrive after the JST shares' lag.
LAGGED: tuple[str, ...] = (Payer.GMINA, Payer.POWIAT, STATE_SHARES)
# Budget classification (dział 756): udziały gmin / powiatów w podatkach stanowiących dochód
# budżetu państwa; the state's PIT revenue, net of the JST shares paid out of it: wpływy z
# podatku dochodowego od osób fizycznych.
GAIN_ROZDZIAL = {Payer.GMINA: "75621", Payer.POWIAT: "75622", Payer.BUDZET_PANSTWA: "75601"}


def worker_lines(w: WorkerGain, conservative: bool) -> dict[str, tuple[Payer, float]]:
    """The derived lines of one worker: id suffix → (payer, yearly amount once the shares have
    arrived). They sum per payer to ``w.by_payer``; the state budget has two: the PIT it
    collects and the JST shares it pays out (negative)."""
    lines: dict[str, tuple[Payer, float]] = {}
    for payer, amount in w.by_payer(conservative).items():
        if payer == Payer.BUDZET_PANSTWA:
            lines[payer.value] = (payer, w.pit)
            lines[STATE_SHARES] = (payer, -w.jst_shares)
        else:
            lines[payer.value] = (payer, amount)
    return lines


def derived_gains(issue: IssueParams, wages: WageParams, price_year: int,
                  conservative: bool) -> list[GainItem]:
    """The issue's fiscal-gain lines per payer (none without an employment share)."""
    share = issue.udzial_zatrudnienia
    if share is None:
        return []
    w = worker_gain(wages, price_year)
    texts = _derivation(w, wages, conservative)
    lag = int(wages.opoznienie_udzialow_jst.wartosc)
    items = []
    for key, (payer, amount) in worker_lines(w, conservative).items():
        if amount == 0:
            continue
        profile = [0.0] * lag + [1.0] if key in LAGGED and lag else None
        # The shares line rests on the JST figures (Payer keys are str: "gmina" == GMINA).
        grade = w.grades[Payer.GMINA] if key == STATE_SHARES else w.grades[payer]
        items.append(GainItem(
            id=f"{DERIVED_PREFIX}{key}", nazwa=GAIN_NAMES[key], platnik=payer,
            rozdzial=GAIN_ROZDZIAL.get(payer), wartosc=round(amount * share.wartosc, 2),
            jednostka="zł/os. samodzielną/rok", rok_cen=w.year, profil=profile,
            zrodlo=(f"Wyliczenie: {texts[key]} × udział "
                    f"pracujących wśród osób samodzielnych {fmt_number(share.wartosc, 3)} "
                    f"(kwestia „{issue.nazwa}”, stopień {share.stopien}) = "
                    f"{_zl(amount * share.wartosc)}."),
            stopien=max(grade, share.stopien),
        ))
    return items
