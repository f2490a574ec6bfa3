"""What a calculator workbook is filled with: the JST, the settings, every issue's persons and
parameter rows (default from the parameter base, the user's own value where given).

Every cost line of an issue is a parameter row of its own (amount, source, grade) and keeps its
yearly profile (``profil``, e.g. the gmina's 10 % / 30 % / 50 % share of foster care). The
workbook hands the Excel functions a years × payers table: row t, payer k = the sum over the
payer's lines of amount × multiplier of year t – exactly the engine's c_k(t). The fiscal gains
of a self-reliant person (``korzysci`` lines) are a table of their own, handed over as the
functions' last argument ``korzysc_roczna``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from kkz_xl.model.inputs import MAX_HORIZON, CostLine, GainLine, IssueInputs
from kkz_xl.model.labels import NO_TEXT, OWN_PROGRAMME, YES_TEXT
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, Payer
from kkz_xl.model.scenario import IssueScenario, Jst, Scenario, resolve_issue
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.schema import IssueParams, Programme

Kind = Literal["money", "probability", "share", "flag", "text", "choice"]
# A cost line as the builder needs it: name, payer, amount (base price year), gain?, profile,
# source, grade, budget rozdział.
LineSpec = tuple[str, Payer, float, bool, tuple[float, ...] | None, str, int | None, str | None]
YES, NO = YES_TEXT, NO_TEXT


def is_yes(value: object) -> bool:
    """A yes/no cell as typed: "tak" (any case; "TAK" of older workbooks), True or 1."""
    if isinstance(value, str):
        return value.strip().lower() in (YES, "t", "prawda", "true", "1")
    return bool(value)


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
    from_programme: bool = False  # the default follows the chosen programme (Programy sheet)
    gain: bool = False  # a line of fiscal gains of a self-reliant person (korzysc_roczna)

    def default(self, factor: float) -> float | str:
        """The default at the workbook's price year (``factor``: base price year → it); ""
        where the chosen programme gives none (a programme of one's own)."""
        if self.kind == "money" and self.base_value != "":
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
    options: tuple[str, ...] = ()  # the programmes to choose from (base ones, then "własny")

    def param(self, key: str) -> ParamRow:
        return next(p for p in self.params if p.key == key)

    @property
    def programme(self) -> str:
        """The name of the programme chosen (a base programme, "własny" or a typed name)."""
        return str(self.param("program").used(1.0))

    @property
    def programme_problem(self) -> str | None:
        """Why the chosen programme cannot be computed (a Polish sentence), or None."""
        name = self.programme
        if name not in self.options:
            return (f"nieznany program „{name}” – wybierz program z listy albo „{OWN_PROGRAMME}” "
                    "i wpisz jego wartości")
        missing = [p.label for p in self.params if p.from_programme and p.used(1.0) == ""]
        if missing:
            return f"program {OWN_PROGRAMME}: wpisz w kolumnie „Twoja wartość”: " + ", ".join(
                m[0].lower() + m[1:] for m in missing)
        return None

    @property
    def programme_label(self) -> str:
        """The programme as results name it: the base's name, or the own programme's."""
        if self.programme == OWN_PROGRAMME:
            own = str(self.param("nazwa_wlasna").used(1.0) or "")
            return own or f"program {OWN_PROGRAMME}"
        return self.programme

    @property
    def active(self) -> bool:
        """Computed: persons given and a programme the workbook can compute."""
        return bool(self.persons) and self.programme_problem is None

    @property
    def lines(self) -> list[ParamRow]:
        """The cost lines (and gains added to costs) in Parametry order."""
        return [p for p in self.params if p.payer is not None]

    @property
    def has_gains(self) -> bool:
        return any(p.gain for p in self.lines)

    def yearly_costs(self, factor: float, years: int = MAX_HORIZON, *, gains: bool = False
                     ) -> list[list[float]]:
        """The years × payers table the workbook computes on "Koszty w latach" (summed in
        line order, as its formulas do): of the cost lines, or with ``gains`` of the gain
        lines."""
        table = [[0.0] * len(PAYERS) for _ in range(years)]
        for line in self.lines:
            if line.gain != gains:
                continue
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
    # Defaults from the parameter base (general.yaml), never literals here.
    price_year: int = field(default_factory=lambda: default_base().price_year)
    horizon: int = field(default_factory=lambda: default_base().horizon)
    rate: float = field(default_factory=lambda: default_base().discount_rate)
    draws: int = field(default_factory=lambda: int(default_base().general.losowania.wartosc))
    spread: float = field(default_factory=lambda: default_base().general.zmiennosc.wartosc)
    seed: int = 1
    issues: list[IssueRow] = field(default_factory=list)
    flow_issue: str = ""
    tornado_issue: str = ""
    start_year: int = 0  # the first budget year of the programmes (0: the year after prices)
    indexation: float | None = None  # constant → current prices per year (None: the base's)
    # The scenario the workbook was filled from (``from_scenario``): Niepewność ranks its base
    # parameters at build time. None for a blank workbook or one read back from a file.
    scenario: Scenario | None = field(default=None, compare=False)

    @property
    def first_year(self) -> int:
        return self.start_year or self.price_year + 1

    def index_rate(self, base: ParameterBase | None = None) -> float:
        if self.indexation is not None:
            return self.indexation
        general = (base or default_base()).general
        return general.indeksacja.wartosc

    def issue(self, code: str) -> IssueRow:
        return next(i for i in self.issues if i.code == code)

    def price_factor(self, base: ParameterBase | None = None) -> float:
        base = base or default_base()
        return base.price_factor(base.price_year, self.price_year)

    def model_inputs(self, code: str, base: ParameterBase | None = None) -> IssueInputs:
        """The engine's inputs of one issue, exactly as the workbook's cells give them."""
        f = self.price_factor(base)
        row = self.issue(code)
        # As the Parametry cells do (INDEX/MATCH on Programy), a programme figure the user left
        # blank is the picked programme's default, not the one the rows were built for.
        picked = (programme_values(find_programme((base or default_base()).issue(code),
                                                  row.programme), base or default_base())
                  if row.programme in row.options else None)

        def v(key: str) -> float | str:
            p = row.param(key)
            if picked is None or p.own is not None or not p.from_programme:
                return p.used(f)
            value = picked[key]
            return float(value) * f if p.kind == "money" and value != "" else value

        def lines(table: list[list[float]], kind: type[GainLine] = CostLine) -> list[GainLine]:
            # As the Excel functions read a years × payers table: amount 1, the years'
            # amounts as the profile.
            return [kind(nazwa=PAYER_LABELS[p], platnik=p, kwota=1.0,
                             profil=[r[k] for r in table]) for k, p in enumerate(PAYERS)]

        return IssueInputs(
            osoby=float(row.persons or 0.0),
            koszty=lines(row.yearly_costs(f)),
            korzysci=(lines(row.yearly_costs(f, gains=True), GainLine) if row.has_gains
                      else []),
            odplyw=float(v("odplyw")), nawroty=float(v("nawroty")), naplyw=float(row.inflow),
            skutecznosc=float(v("skutecznosc")), koszt_uczestnika=float(v("koszt_uczestnika")),
            zasieg=float(v("zasieg")), powtarzaj=is_yes(v("powtarzaj")),
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
        kind = "Korzyść fiskalna roczna" if gain else "Koszt roczny"
        label = f"{kind} – {PAYER_LABELS[payer]}: {name or 'kwota JST'}"
        if label in seen:
            label += f" ({n + 1})"
        seen.add(label)
        line_unit = unit
        if profile:
            line_unit += f"; w kolejnych latach × {profile_text(profile)}"
        rows.append(ParamRow(f"{LINE_PREFIX}{n}", label, "money", amount, line_unit, source,
                             grade, payer=payer, profile=tuple(profile) if profile else None,
                             rozdzial=rozdzial, gain=gain))
    return rows


def _base_lines(params: IssueParams, base: ParameterBase) -> list[LineSpec]:
    return [(c.nazwa, Payer(c.platnik), c.wartosc * base.price_factor(c.rok_cen, base.price_year),
             gain, tuple(c.profil) if c.profil else None, c.zrodlo.strip(), c.stopien,
             c.rozdzial)
            for items, gain in ((params.koszty, False), (params.korzysci, True))
            for c in items]


# The programme's figures, in Parametry order, each row's default looked up on Programy.
PROGRAMME_FIGURES = ("koszt_uczestnika", "skutecznosc", "zasieg")  # "własny": the user's
PROGRAMME_KEYS = (*PROGRAMME_FIGURES, "powtarzaj", *[f"fin_{p.value}" for p in PAYERS])


def programme_options(params: IssueParams) -> tuple[str, ...]:
    """The names a user picks from: the base's programmes of the issue, then "własny"."""
    return (*[p.nazwa for p in params.programy], OWN_PROGRAMME)


def programme_values(prog: Programme | None, base: ParameterBase) -> dict[str, float | str]:
    """A programme's figures keyed as its Parametry rows (money at the base's price year);
    ``None`` (a programme of one's own): no cost, success or coverage, not repeated, paid by
    the gmina."""
    if prog is None:
        return {"koszt_uczestnika": "", "skutecznosc": "", "zasieg": "", "powtarzaj": NO,
                **{share_key(p): 1.0 if p is Payer.GMINA else 0.0 for p in PAYERS}}
    cp = prog.koszt_uczestnika
    return {"koszt_uczestnika": cp.wartosc * base.price_factor(cp.rok_cen, base.price_year),
            "skutecznosc": prog.skutecznosc.wartosc, "zasieg": prog.zasieg.wartosc,
            "powtarzaj": YES if prog.powtarzaj else NO,
            **{share_key(p): float(prog.finansowanie.get(p, 0.0)) for p in PAYERS}}


def find_programme(params: IssueParams, name: str) -> Programme | None:
    """The base programme called ``name`` (exactly as in the list), else None."""
    return next((p for p in params.programy if p.nazwa == name), None)


def issue_rows(params: IssueParams, base: ParameterBase,
               programme_id: str | None = None,
               lines: list[ParamRow] | None = None, *,
               chosen: str | None = None) -> list[ParamRow]:
    """The Parametry rows of one issue, defaults from the parameter base at its price year;
    ``lines``: cost line rows to use instead of the base's (a scenario's own lines);
    ``chosen``: the programme's name as picked in the workbook (default: ``programme_id``'s,
    else the issue's first programme)."""
    progs = {p.id: p for p in params.programy}
    default = params.programy[0]
    if chosen is None:
        chosen = progs[programme_id].nazwa if programme_id else default.nazwa
    prog = find_programme(params, chosen)
    figures = programme_values(prog, base)
    money_unit = f"zł/{params.jednostka}/rok (ceny {base.price_year})"
    rows: list[ParamRow] = list(lines) if lines is not None else line_rows(
        _base_lines(params, base), money_unit)
    for key, label in (("odplyw", "Odpływ bez programu (q)"), ("nawroty", "Nawroty (r)")):
        p = getattr(params, key)
        rows.append(ParamRow(key, label, "probability", p.wartosc, "udział rocznie",
                             p.zrodlo.strip(), p.stopien))
    names = ", ".join(f"{p.nazwa} (id: {p.id})" for p in params.programy)
    rows.append(ParamRow(
        "program", "Program aktywizujący (wybierz z listy)", "choice", default.nazwa, "",
        f"Programy bazy parametrów: {names}; albo „{OWN_PROGRAMME}” – wtedy wpisz koszt, "
        "skuteczność i zasięg w kolumnie „Twoja wartość”.", None,
        own=None if chosen == default.nazwa else chosen))
    rows.append(ParamRow("nazwa_wlasna", f"Nazwa programu własnego (gdy wybrano "
                         f"„{OWN_PROGRAMME}”)", "text", "", "",
                         "Nazwa, którą pokażą wyniki zamiast słowa „własny”.", None))

    def source(p: object) -> tuple[str, int | None]:
        if prog is None:
            return (f"Program {OWN_PROGRAMME} lub spoza bazy: wartość wpisuje JST.", None)
        return (p.zrodlo.strip(), p.stopien)  # type: ignore[attr-defined]

    cp = prog.koszt_uczestnika if prog else None
    rows.append(ParamRow("koszt_uczestnika", "Koszt programu na uczestnika", "money",
                         figures["koszt_uczestnika"], f"zł/uczestnika (ceny {base.price_year})",
                         *source(cp), from_programme=True))
    for key, label in (("skutecznosc", "Skuteczność programu (s, netto)"),
                       ("zasieg", "Zasięg programu (e)")):
        p = getattr(prog, key) if prog else None
        rows.append(ParamRow(key, label, "probability", figures[key],
                             p.jednostka if p else "udział", *source(p),
                             from_programme=True))
    rows.append(ParamRow("powtarzaj", f"Program co roku ({YES}) czy tylko w 1. roku ({NO})",
                         "flag", figures["powtarzaj"], f"{YES}/{NO}",
                         "Założenie programu w bazie parametrów.", None, from_programme=True))
    for payer in PAYERS:
        rows.append(ParamRow(share_key(payer), f"Udział w finansowaniu programu – "
                             f"{PAYER_LABELS[payer]}", "share", figures[share_key(payer)],
                             "udział", "Założenie programu w bazie parametrów.", None,
                             from_programme=True))
    return rows


def blank_inputs(base: ParameterBase | None = None) -> WorkbookInputs:
    """An empty calculator: every issue of the base, no persons, base defaults."""
    base = base or default_base()
    issues = [IssueRow(code, p.nazwa, None, 0.0, issue_rows(p, base), programme_options(p))
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


def _chosen(i: IssueScenario, params: IssueParams) -> tuple[str, str | None]:
    """The programme a scenario picks, as the workbook's list names it, and the own
    programme's name when it is not one of the base's."""
    if i.programme_name and find_programme(params, i.programme_name) is None:
        return OWN_PROGRAMME, i.programme_name
    if i.programme_name:
        return i.programme_name, None
    prog = next(p for p in params.programy if p.id == i.programme) if i.programme else None
    return (prog or params.programy[0]).nazwa, None


def _own_values(i: IssueScenario, base: ParameterBase, price_year: int,
                own_programme: bool) -> dict[str, object]:
    """The scenario's own figures of one issue (other than cost lines), keyed as the Parametry
    rows; a programme of its own carries all its figures (the base has none for it)."""
    resolved = resolve_issue(i, base, price_year)
    own: dict[str, object] = {}
    inputs = resolved.inputs
    for key, attr in (("odplyw", "exit_rate"), ("nawroty", "relapse"),
                      ("skutecznosc", "success"), ("zasieg", "coverage"),
                      ("koszt_uczestnika", "programme_cost")):
        if key not in resolved.from_base or (own_programme and key in PROGRAMME_KEYS):
            own[key] = getattr(inputs, attr)
    if "powtarzaj" not in resolved.from_base or own_programme:
        own["powtarzaj"] = YES if inputs.repeat else NO
    if "finansowanie" not in resolved.from_base or own_programme:
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
        chosen, own_name = _chosen(sc, params) if sc else (params.programy[0].nazwa, None)
        rows = issue_rows(params, base, None, lines, chosen=chosen)
        if sc is not None:
            own = _own_values(sc, base, price_year, own_name is not None)
            if own_name:
                own["nazwa_wlasna"] = own_name
            rows = [replace(r, own=own[r.key]) if r.key in own else r for r in rows]
        issues.append(IssueRow(code, params.nazwa, sc.persons if sc else None,
                               sc.inflow if sc else 0.0, rows, programme_options(params)))
    first = scenario.issues[0].code
    jst: Jst = scenario.jst
    mc = scenario.monte_carlo
    return WorkbookInputs(
        jst_name=jst.name, teryt=jst.teryt, kind=jst.kind, voivodeship=jst.voivodeship,
        residents=jst.residents, price_year=price_year, horizon=years, rate=rate,
        draws=mc.draws, spread=mc.spread, seed=mc.seed, issues=issues, flow_issue=first,
        tornado_issue=first, scenario=scenario,
    )
