"""What a calculator workbook is filled with: the JST, the settings, every issue's persons and
parameter rows (default from the parameter base, the user's own value where given).

The workbook's Excel functions take one constant yearly cost per payer, so cost lines of the
parameter base are summed per payer; a line whose amount changes by year (``profil``, e.g. the
gmina's 10 % / 30 % / 50 % share of foster care) enters with its average over the horizon, and
a fiscal gain of a self-reliant person is added to the payer's cost (it changes no NPV, BCR, ROI
or break-even figure, because D + I is the same in both futures).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from kkz_xl.model.inputs import CostLine, IssueInputs
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, Payer
from kkz_xl.model.scenario import IssueScenario, Jst, Scenario, resolve_issue
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.schema import CostItem, IssueParams

Kind = Literal["money", "probability", "share", "flag", "text"]
YES, NO = "TAK", "NIE"


@dataclass(frozen=True)
class ParamRow:
    """One parameter of one issue as shown on the Parametry sheet."""

    key: str
    label: str
    kind: Kind
    base_value: float | str  # money at the base's price year; text for flags and names
    unit: str
    source: str
    grade: int | None
    own: float | str | None = None  # the user's value (overrides the default)

    def default(self, factor: float) -> float | str:
        """The default at the workbook's price year (``factor``: base price year → it)."""
        if self.kind == "money":
            return float(self.base_value) * factor
        return self.base_value

    def used(self, factor: float) -> float | str:
        return self.default(factor) if self.own is None else self.own


@dataclass(frozen=True)
class IssueRow:
    code: str
    name: str
    persons: float | None
    inflow: float
    params: list[ParamRow]

    def param(self, key: str) -> ParamRow:
        return next(p for p in self.params if p.key == key)


@dataclass(frozen=True)
class WorkbookInputs:
    """Everything the workbook's input cells hold."""

    jst_name: str = ""
    teryt: str = ""
    kind: str = "gmina"
    voivodeship: str = "mazowieckie"
    residents: int | None = None
    price_year: int = 2025
    horizon: int = 7
    rate: float = 0.03
    draws: int = 10_000
    spread: float = 0.2
    seed: int = 1
    issues: list[IssueRow] = field(default_factory=list)
    flow_issue: str = ""
    tornado_issue: str = ""

    def issue(self, code: str) -> IssueRow:
        return next(i for i in self.issues if i.code == code)

    def price_factor(self, base: ParameterBase | None = None) -> float:
        base = base or default_base()
        return base.price_factor(base.price_year, self.price_year)

    def model_inputs(self, code: str, base: ParameterBase | None = None) -> IssueInputs:
        """The engine's inputs of one issue, exactly as the workbook's cells give them."""
        f = self.price_factor(base)
        row = self.issue(code)

        def v(key: str) -> float | str:
            return row.param(key).used(f)

        return IssueInputs(
            osoby=float(row.persons or 0.0),
            koszty=[CostLine(nazwa=PAYER_LABELS[p], platnik=p, kwota=float(v(cost_key(p))))
                    for p in PAYERS],
            odplyw=float(v("odplyw")), nawroty=float(v("nawroty")), naplyw=float(row.inflow),
            skutecznosc=float(v("skutecznosc")), koszt_uczestnika=float(v("koszt_uczestnika")),
            zasieg=float(v("zasieg")), powtarzaj=v("powtarzaj") == YES,
            finansowanie={p: float(v(share_key(p))) for p in PAYERS},
        )


def cost_key(payer: Payer) -> str:
    return f"koszt_{payer.value}"


def share_key(payer: Payer) -> str:
    return f"fin_{payer.value}"


def _mean_profile(item: CostItem, years: int) -> float:
    prof = item.profil or [1.0]
    return sum(prof[min(t, len(prof) - 1)] for t in range(years)) / years


def _lines_note(items: list[CostItem], years: int) -> str:
    parts = []
    for c in items:
        text = f"{c.nazwa}: {c.zrodlo.strip()}"
        if c.profil:
            prof = ", ".join(f"{100 * x:g} %" for x in c.profil)
            text += (f" [kwota zmienna w czasie ({prof} kolejnych lat); tu średnia z "
                     f"{years} lat]")
        parts.append(text)
    return " | ".join(parts)


def issue_rows(params: IssueParams, base: ParameterBase, years: int,
               programme_id: str | None = None) -> list[ParamRow]:
    """The Parametry rows of one issue, defaults from the parameter base at its price year."""
    progs = {p.id: p for p in params.programy}
    prog = progs[programme_id] if programme_id else params.programy[0]
    money_unit = f"zł/{params.jednostka}/rok (ceny {base.price_year})"
    rows: list[ParamRow] = []
    for payer in PAYERS:
        items = [c for c in params.koszty + params.korzysci if c.platnik == payer]
        amount = sum(c.wartosc * base.price_factor(c.rok_cen, base.price_year)
                     * _mean_profile(c, years) for c in items)
        grade = max((c.stopien for c in items), default=None)
        rows.append(ParamRow(
            cost_key(payer), f"Koszt roczny osoby zależnej – {PAYER_LABELS[payer]}", "money",
            amount, money_unit, _lines_note(items, years) or "Brak kosztu tego płatnika w bazie.",
            grade))
    for key, label in (("odplyw", "Odpływ bez programu (q)"), ("nawroty", "Nawroty (r)")):
        p = getattr(params, key)
        rows.append(ParamRow(key, label, "probability", p.wartosc, "udział rocznie",
                             p.zrodlo.strip(), p.stopien))
    rows.append(ParamRow("program", "Program aktywizujący", "text", prog.nazwa, "",
                         f"Program domyślny bazy parametrów (id: {prog.id}).", None))
    cp = prog.koszt_uczestnika
    rows.append(ParamRow("koszt_uczestnika", "Koszt programu na uczestnika", "money",
                         cp.wartosc * base.price_factor(cp.rok_cen, base.price_year),
                         f"zł/uczestnika (ceny {base.price_year})", cp.zrodlo.strip(),
                         cp.stopien))
    for key, label in (("skutecznosc", "Skuteczność programu (s, netto)"),
                       ("zasieg", "Zasięg programu (e)")):
        p = getattr(prog, key)
        rows.append(ParamRow(key, label, "probability", p.wartosc, p.jednostka,
                             p.zrodlo.strip(), p.stopien))
    rows.append(ParamRow("powtarzaj", "Program co roku (TAK) czy tylko w 1. roku (NIE)", "flag",
                         YES if prog.powtarzaj else NO, "TAK/NIE",
                         "Założenie programu w bazie parametrów.", None))
    for payer in PAYERS:
        rows.append(ParamRow(share_key(payer), f"Udział w finansowaniu programu – "
                             f"{PAYER_LABELS[payer]}", "share",
                             float(prog.finansowanie.get(payer, 0.0)), "udział",
                             "Założenie programu w bazie parametrów.", None))
    return rows


def blank_inputs(base: ParameterBase | None = None) -> WorkbookInputs:
    """An empty calculator: every issue of the base, no persons, base defaults."""
    base = base or default_base()
    issues = [IssueRow(code, p.nazwa, None, 0.0, issue_rows(p, base, base.horizon))
              for code, p in base.issues.items()]
    first = next(iter(base.issues), "")
    return WorkbookInputs(price_year=base.price_year, horizon=base.horizon,
                          rate=base.discount_rate, draws=int(base.general.losowania.wartosc),
                          spread=base.general.zmiennosc.wartosc, issues=issues,
                          flow_issue=first, tornado_issue=first)


def _own_values(i: IssueScenario, base: ParameterBase, price_year: int,
                years: int) -> dict[str, object]:
    """The scenario's own figures of one issue, keyed as the Parametry rows."""
    resolved = resolve_issue(i, base, price_year)
    own: dict[str, object] = {}
    inputs = resolved.inputs
    if "koszty" not in resolved.from_base or "korzysci" not in resolved.from_base:
        for payer in PAYERS:
            lines = [c for c in inputs.costs + inputs.gains if c.payer == payer]
            own[cost_key(payer)] = sum(sum(c.series(years)) / years for c in lines)
    for key, attr in (("odplyw", "exit_rate"), ("nawroty", "relapse"),
                      ("skutecznosc", "success"), ("zasieg", "coverage"),
                      ("koszt_uczestnika", "programme_cost")):
        if key not in resolved.from_base:
            own[key] = getattr(inputs, attr)
    if "powtarzaj" not in resolved.from_base:
        own["powtarzaj"] = YES if inputs.repeat else NO
    if "finansowanie" not in resolved.from_base:
        for payer in PAYERS:
            own[share_key(payer)] = float(inputs.financing.get(payer, 0.0))
    return own


def from_scenario(scenario: Scenario, base: ParameterBase | None = None) -> WorkbookInputs:
    """The workbook filled for a scenario: its JST, settings, persons and own figures."""
    base = base or default_base()
    price_year, years, rate = scenario.settings(base)
    given = {i.code: i for i in scenario.issues}
    for code in given:
        base.issue(code)  # a Polish error for an unknown code
    issues = []
    for code, params in base.issues.items():
        sc = given.get(code)
        rows = issue_rows(params, base, years, sc.programme if sc else None)
        if sc is not None:
            own = _own_values(sc, base, price_year, years)
            rows = [replace(r, own=own[r.key]) if r.key in own else r for r in rows]
        issues.append(IssueRow(code, params.nazwa, sc.persons if sc else None,
                               sc.inflow if sc else 0.0, rows))
    first = scenario.issues[0].code
    jst: Jst = scenario.jst
    mc = scenario.monte_carlo
    return WorkbookInputs(
        jst_name=jst.name, teryt=jst.teryt, kind=jst.kind, voivodeship=jst.voivodeship,
        residents=jst.residents, price_year=price_year, horizon=years, rate=rate,
        draws=mc.draws, spread=mc.spread, seed=mc.seed, issues=issues, flow_issue=first,
        tornado_issue=first,
    )
