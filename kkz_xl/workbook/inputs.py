"""What a calculator workbook is filled with: the JST, the settings, every issue's persons and
parameter rows (default from the parameter base, the user's own value where given).

Every cost line of an issue is a parameter row of its own (amount, source, grade) and keeps its
yearly profile (``profil``, e.g. the gmina's 10 % / 30 % / 50 % share of foster care). The
workbook hands the Excel functions a years × payers table: row t, payer k = the sum over the
payer's lines of amount × multiplier of year t – exactly the engine's c_k(t). A fiscal gain of a
self-reliant person is added to the payer's cost: that changes no NPV, BCR, ROI, break-even or
per-payer figure (D + I is the same in both futures), only the PV of each future.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from kkz_xl.model.inputs import MAX_HORIZON, CostLine, IssueInputs
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, Payer
from kkz_xl.model.scenario import IssueScenario, Jst, Scenario, resolve_issue
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.schema import IssueParams

Kind = Literal["money", "probability", "share", "flag", "text"]
# A cost line as the builder needs it: name, payer, amount (base price year), gain?, profile,
# source, grade, budget rozdział.
LineSpec = tuple[str, Payer, float, bool, tuple[float, ...] | None, str, int | None, str | None]
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
    payer: Payer | None = None  # a cost line: who pays it
    profile: tuple[float, ...] | None = None  # a cost line: yearly multipliers, last repeats
    rozdzial: str | None = None  # a cost line: its place in the budget classification

    def default(self, factor: float) -> float | str:
        """The default at the workbook's price year (``factor``: base price year → it)."""
        if self.kind == "money":
            return float(self.base_value) * factor
        return self.base_value

    def used(self, factor: float) -> float | str:
        return self.default(factor) if self.own is None else self.own

    def multiplier(self, year: int) -> float:
        """A cost line's multiplier of ``year`` (0-based): its profile, the last one repeating."""
        prof = self.profile or (1.0,)
        return prof[min(year, len(prof) - 1)]


@dataclass(frozen=True)
class IssueRow:
    code: str
    name: str
    persons: float | None
    inflow: float
    params: list[ParamRow]

    def param(self, key: str) -> ParamRow:
        return next(p for p in self.params if p.key == key)

    @property
    def lines(self) -> list[ParamRow]:
        """The cost lines (and gains added to costs) in Parametry order."""
        return [p for p in self.params if p.payer is not None]

    def yearly_costs(self, factor: float, years: int = MAX_HORIZON) -> list[list[float]]:
        """The years × payers table the workbook computes on "Koszty w latach" (summed in
        line order, as its formulas do)."""
        table = [[0.0] * len(PAYERS) for _ in range(years)]
        for line in self.lines:
            k = PAYERS.index(line.payer)  # type: ignore[arg-type]
            amount = float(line.used(factor))
            for t in range(years):
                table[t][k] += amount if line.profile is None else amount * line.multiplier(t)
        return table


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

        table = row.yearly_costs(f)
        return IssueInputs(
            osoby=float(row.persons or 0.0),
            # As the Excel functions read a years × payers table: amount 1, the years' amounts
            # as the profile.
            koszty=[CostLine(nazwa=PAYER_LABELS[p], platnik=p, kwota=1.0,
                             profil=[r[k] for r in table]) for k, p in enumerate(PAYERS)],
            odplyw=float(v("odplyw")), nawroty=float(v("nawroty")), naplyw=float(row.inflow),
            skutecznosc=float(v("skutecznosc")), koszt_uczestnika=float(v("koszt_uczestnika")),
            zasieg=float(v("zasieg")), powtarzaj=v("powtarzaj") == YES,
            finansowanie={p: float(v(share_key(p))) for p in PAYERS},
        )


def share_key(payer: Payer) -> str:
    return f"fin_{payer.value}"


LINE_PREFIX = "linia_"


def profile_text(profile: tuple[float, ...] | list[float] | None) -> str:
    """``10 %, 30 %, 50 %`` – a profile as Polish percentages (the last one repeats)."""
    return ", ".join(f"{100 * x:g}".replace(".", ",") + "\u00a0%" for x in profile or ())


def line_rows(lines: list[LineSpec], unit: str) -> list[ParamRow]:
    """Parametry rows of cost lines: (name, payer, amount, gain, profile, source, grade)."""
    rows: list[ParamRow] = []
    seen: set[str] = set()
    for n, (name, payer, amount, gain, profile, source, grade, rozdzial) in enumerate(lines):
        kind = "Korzyść fiskalna (doliczona do kosztu)" if gain else "Koszt roczny"
        label = f"{kind} – {PAYER_LABELS[payer]}: {name or 'kwota JST'}"
        if label in seen:
            label += f" ({n + 1})"
        seen.add(label)
        line_unit = unit
        if profile:
            line_unit += f"; w kolejnych latach × {profile_text(profile)}"
        rows.append(ParamRow(f"{LINE_PREFIX}{n}", label, "money", amount, line_unit, source,
                             grade, payer=payer, profile=tuple(profile) if profile else None,
                             rozdzial=rozdzial))
    return rows


def _base_lines(params: IssueParams, base: ParameterBase) -> list[LineSpec]:
    return [(c.nazwa, Payer(c.platnik), c.wartosc * base.price_factor(c.rok_cen, base.price_year),
             gain, tuple(c.profil) if c.profil else None, c.zrodlo.strip(), c.stopien,
             c.rozdzial)
            for items, gain in ((params.koszty, False), (params.korzysci, True))
            for c in items]


def issue_rows(params: IssueParams, base: ParameterBase,
               programme_id: str | None = None,
               lines: list[ParamRow] | None = None) -> list[ParamRow]:
    """The Parametry rows of one issue, defaults from the parameter base at its price year;
    ``lines``: cost line rows to use instead of the base's (a scenario's own lines)."""
    progs = {p.id: p for p in params.programy}
    prog = progs[programme_id] if programme_id else params.programy[0]
    money_unit = f"zł/{params.jednostka}/rok (ceny {base.price_year})"
    rows: list[ParamRow] = list(lines) if lines is not None else line_rows(
        _base_lines(params, base), money_unit)
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
    issues = [IssueRow(code, p.nazwa, None, 0.0, issue_rows(p, base))
              for code, p in base.issues.items()]
    first = next(iter(base.issues), "")
    return WorkbookInputs(price_year=base.price_year, horizon=base.horizon,
                          rate=base.discount_rate, draws=int(base.general.losowania.wartosc),
                          spread=base.general.zmiennosc.wartosc, issues=issues,
                          flow_issue=first, tornado_issue=first)


OWN_LINE_SOURCE = ("Kwota z pliku scenariusza JST (tej linii nie ma w bazie parametrów; "
                   "wartość w bazie: 0).")


def _own_lines(i: IssueScenario, params: IssueParams, base: ParameterBase,
               price_year: int) -> list[ParamRow] | None:
    """A scenario's own cost or gain lines as Parametry rows (the user's values), the base's
    lines of the other kind kept; None when the scenario gives neither."""
    if i.costs is None and i.gains is None:
        return None
    base_lines = _base_lines(params, base)
    lines: list[LineSpec] = []
    own: list[float | None] = []
    for gain, given in ((False, i.costs), (True, i.gains)):
        if given is None:
            kept = [line for line in base_lines if line[3] == gain]
            lines += kept
            own += [None] * len(kept)
            continue
        for c in given:
            lines.append((c.name, c.payer, 0.0, gain, tuple(c.profile) if c.profile else None,
                          OWN_LINE_SOURCE, None, c.rozdzial))
            own.append(c.amount)
    unit = f"zł/{params.jednostka}/rok (ceny {price_year})"
    return [r if v is None else replace(r, own=v)
            for r, v in zip(line_rows(lines, unit), own, strict=True)]


def _own_values(i: IssueScenario, base: ParameterBase, price_year: int) -> dict[str, object]:
    """The scenario's own figures of one issue (other than cost lines), keyed as the Parametry
    rows."""
    resolved = resolve_issue(i, base, price_year)
    own: dict[str, object] = {}
    inputs = resolved.inputs
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
        lines = _own_lines(sc, params, base, price_year) if sc else None
        rows = issue_rows(params, base, sc.programme if sc else None, lines)
        if sc is not None:
            own = _own_values(sc, base, price_year)
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
