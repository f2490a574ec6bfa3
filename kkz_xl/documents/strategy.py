"""The strategy document's context: everything a template can show, as one plain dict.

:func:`strategy_context` is the one place where the engine's results, the scenario, the
optional strategy data (diagnosis, services, trainings) and the registers' rows become the
placeholders of ``doc_templates/strategia_*.docx``. Every figure is formatted here, the Polish
way (``1 234,50 zł`` with non-breaking spaces), so templates never do arithmetic.

The placeholders are described for staff in ``docs/strategia.md``; the template checker takes
the list of known fields from a context built here (``template_check.known_fields``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from kkz_xl.documents import charts
from kkz_xl.model.labels import INPUT_LABELS, NO_BREAK_EVEN, UNDEFINED
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.polish import NBSP, fmt_date, fmt_money, fmt_number, fmt_percent
from kkz_xl.registers.text import jst_core
from kkz_xl.storage.datafile import load_user_file
from kkz_xl.training.reports import jst_summary
from kkz_xl.training.schema import TOOL_LABELS, TrainingRegister

if TYPE_CHECKING:
    from kkz_xl.engine.run import IssueResult, ScenarioResult
    from kkz_xl.model.scenario import Scenario

TITLE = "Strategia Rozwiązywania Problemów Społecznych"
TORNADO_ROWS = 6  # inputs shown in a tornado chart, widest swing first
PROGRAMMES_PER_ISSUE = 5  # catalogue programmes shown per issue, best evidence first
METHOD = (
    "Obliczenia wykonano modelem kohortowym Kalkulatora Kosztów Zaniechania (metoda MCPS i SGH "
    "rozszerzona o dyskontowanie, podział na płatników i analizę niepewności). Parametry, których "
    "nie podała JST, pochodzą z bazy parametrów KKZ (ze źródłami i rokiem); kwoty przeliczono na "
    "ceny roku bazowego wskaźnikiem CPI."
)


# --- Polish wording ---------------------------------------------------------------------------

def years_phrase(n: int) -> str:
    """``1 rok``, ``3 lata``, ``7 lat``, ``22 lata`` (Polish plural of ``rok``)."""
    if n == 1:
        return "1 rok"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} lata"
    return f"{n} lat"


def money(value: float) -> str:
    """An amount as every table of the document shows it: ``1 234,50 zł``."""
    return fmt_money(value, 2)


def persons(value: float) -> str:
    """A head-count (expected value of the cohort model), rounded to whole persons."""
    return fmt_number(value, 0)


def ratio(value: float | None) -> str:
    return UNDEFINED if value is None else fmt_number(value, 2)


def break_even(year: int | None) -> str:
    return NO_BREAK_EVEN if year is None else f"{year}. rok"


def payback(years: float | None) -> str:
    return NO_BREAK_EVEN if years is None else f"{fmt_number(years, 2)}{NBSP}roku"


def verdict(npv: float) -> str:
    """Who pays and who saves, in words."""
    if npv > 0.5:
        return "oszczędza na działaniu"
    if npv < -0.5:
        return "ponosi koszt działania"
    return "bez zmian"


# --- optional strategy data (a YAML file filled by the OPS/PCPR) -------------------------------

class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Data):
    nazwa: str
    wartosc: str
    zrodlo: str = ""


class SocialEconomyEntity(_Data):
    nazwa: str
    rodzaj: str = ""
    uslugi: str = ""
    miejsca: str = ""


class SocialService(_Data):
    nazwa: str
    realizator: str = ""
    forma: str = ""


class CommissionedTask(_Data):
    zadanie: str
    tryb: str = "otwarty konkurs ofert (ustawa o działalności pożytku publicznego)"
    kwota: float | None = Field(None, ge=0)


class Training(_Data):
    temat: str
    adresaci: str = ""
    termin: str = ""


class StrategyData(_Data):
    """What the calculator does not know: diagnosis, services, tasks, trainings, monitoring.

    Read from an optional YAML file (``kkz strategia --dane``); every part has a default.
    """

    rok_poczatkowy: int | None = Field(None, ge=2000, le=2100)
    miejscowosc: str = ""
    osrodek: str = ""
    wskazniki: list[Indicator] = Field(default_factory=list)
    potencjal_es: str = ""
    ekonomia_spoleczna: list[SocialEconomyEntity] = Field(default_factory=list)
    uslugi_spoleczne: list[SocialService] = Field(default_factory=list)
    zadania_zlecane: list[CommissionedTask] = Field(default_factory=list)
    szkolenia: list[Training] = Field(default_factory=list)
    monitoring: str = ""

    @classmethod
    def load(cls, path: Path) -> StrategyData:
        """Read the YAML file; Polish errors name the file and the field."""
        return load_user_file(Path(path), cls, empty={})


DEFAULT_TRAININGS = (
    Training(temat="Kalkulator Kosztów Zaniechania: obliczenia dla własnej JST",
             adresaci="pracownicy OPS/PCPR, skarbnik, liderzy innowacji", termin="I rok"),
    Training(temat="Katalog Innowacji Społecznych i Dyfuzor: wybór i opis programów",
             adresaci="liderzy innowacji, organizacje pozarządowe", termin="I rok"),
    Training(temat="Monitoring i ewaluacja strategii: wskaźniki, sprawozdawczość",
             adresaci="zespół ds. strategii", termin="II rok"),
)
MONITORING_RULES = (
    "coroczny raport z realizacji strategii, przedstawiany radzie wraz z oceną zasobów pomocy "
    "społecznej (do 30 kwietnia)",
    "porównanie rzeczywistej liczby osób w systemie pomocy z prognozą obu scenariuszy",
    "aktualizacja obliczeń Kalkulatora po zmianie kosztów, liczby osób lub skuteczności",
    "ewaluacja śródokresowa w połowie okresu strategii i końcowa po jego zakończeniu",
)


# --- registers --------------------------------------------------------------------------------

def _programmes(katalog_rows: Sequence[Mapping[str, Any]] | None) -> dict[str, list[dict]]:
    """Catalogue programmes per issue code, best evidence (lowest level) first."""
    if not katalog_rows:
        return {}
    from kkz_xl.registers.schema import CATALOGUE, EVIDENCE_LEVELS

    col = CATALOGUE.by_key
    out: dict[str, list[tuple[int, dict]]] = {}
    for row in katalog_rows:
        try:
            codes = col["kwestie"].parse(row.get(CATALOGUE.header("kwestie"))) or []
            level = col["poziom_dowodow"].parse(row.get(CATALOGUE.header("poziom_dowodow")))
        except ValueError:
            continue  # a row the register's check reports; the strategy shows valid rows only
        name = row.get(CATALOGUE.header("nazwa"))
        if not name:
            continue
        item = {
            "nazwa": str(name),
            "opis": str(row.get(CATALOGUE.header("opis")) or ""),
            "dowody": f"{level} – {EVIDENCE_LEVELS[level]}" if level else "nie podano",
            "zrodlo": str(row.get(CATALOGUE.header("zrodlo")) or ""),
            "realizator": str(row.get(CATALOGUE.header("realizator")) or ""),
            "jst": str(row.get(CATALOGUE.header("jst")) or ""),
        }
        for code in codes:
            out.setdefault(code, []).append((level or 9, item))
    return {code: [item for _, item in sorted(items, key=lambda p: p[0])][:PROGRAMMES_PER_ISSUE]
            for code, items in out.items()}


def _leaders(liderzy_rows: Sequence[Mapping[str, Any]] | None, jst_name: str,
             teryt: str) -> list[dict]:
    """Leaders of this JST who consented to sharing their data; nobody else is named."""
    if not liderzy_rows:
        return []
    from kkz_xl.registers.consent import may_share_contacts
    from kkz_xl.registers.schema import LEADERS

    names = {i.kod: i.nazwa for i in _issue_names()}
    out = []
    for row in liderzy_rows:
        if not may_share_contacts(LEADERS, dict(row)):
            continue
        row_jst = str(row.get(LEADERS.header("jst")) or "")
        row_teryt = str(row.get(LEADERS.header("teryt")) or "")
        if jst_core(row_jst) != jst_core(jst_name) and not (row_teryt and row_teryt == teryt):
            continue
        try:
            codes = LEADERS.by_key["kwestie"].parse(row.get(LEADERS.header("kwestie"))) or []
        except ValueError:
            codes = []
        contact = [str(row.get(LEADERS.header(k)) or "") for k in LEADERS.contacts]
        out.append({
            "imie_nazwisko": str(row.get(LEADERS.header("osoba")) or ""),
            "instytucja": str(row.get(LEADERS.header("instytucja")) or ""),
            "funkcja": str(row.get(LEADERS.header("funkcja")) or ""),
            "kwestie": ", ".join(names.get(c, c) for c in codes),
            "kontakt": ", ".join(c for c in contact if c),
        })
    return out


def _issue_names() -> list[Any]:
    from kkz_xl.params.base import default_base

    return list(default_base().issues.values())


# --- the context ------------------------------------------------------------------------------

def _payer_rows(npvs: Sequence[float]) -> list[dict]:
    return [{"platnik": PAYER_LABELS[p], "npv": money(v), "ocena": verdict(v)}
            for p, v in zip(PAYERS, npvs, strict=True)]


def _tornado_label(row: Any, issue: IssueResult) -> str:
    base = row.name.split("[", 1)[0]  # "cost_mult[1]": the multiplier of cost line 1
    label = INPUT_LABELS.get(base, row.name)
    if row.line is not None and row.line < len(issue.lines):
        label = f"{label}: {issue.lines[row.line].name}"
    elif base == "transition" and issue.states is not None:  # a multi-state model's transition
        label = f"{label}: {issue.states.edge_labels[int(row.name[len(base) + 1:-1])]}"
    return label if len(label) <= 48 else label[:47] + "…"


def _issue(number: int, r: IssueResult, programmes: list[dict]) -> dict:
    inp = r.inputs
    years = list(range(1, r.years + 1))
    end_z, end_a = float(r.dependent_z[-1]), float(r.dependent_a[-1])
    change = end_z - end_a
    mc = r.monte_carlo
    financing = ", ".join(f"{PAYER_LABELS[p]} {fmt_percent(s, 0)}"
                          for p, s in inp.financing.items() if s > 0)
    if r.npv > 0:
        summary = (f"Działanie oszczędza {money(r.npv)} w horyzoncie analizy; "
                   f"zwrot następuje w {break_even(r.break_even_year)} analizy.")
        if r.break_even_year is None:
            summary = f"Działanie oszczędza {money(r.npv)} w horyzoncie analizy."
    else:
        summary = (f"W horyzoncie analizy działanie kosztuje o {money(-r.npv)} więcej, niż "
                   "oszczędza; uzasadnieniem mogą być korzyści społeczne spoza rachunku "
                   "finansowego albo dłuższy horyzont.")
    summary = f"Program: „{inp.programme_name}”. {summary}"
    item: dict[str, Any] = {
        "numer": number,
        "kod": r.code,
        "nazwa": r.name,
        "program": inp.programme_name,
        "osoby": persons(inp.persons),
        "npv": money(r.npv),
        "pv_zaniechanie": money(r.pv_z),
        "pv_dzialanie": money(r.pv_a),
        "koszt_programu": money(r.pv_programme),
        "korzysci_brutto": money(r.gross_benefit),
        "bcr": ratio(r.bcr),
        "roi": UNDEFINED if r.roi is None else fmt_percent(r.roi, 1),
        "rok_zwrotu": break_even(r.break_even_year),
        "okres_zwrotu": payback(r.payback),
        "prog_skutecznosci": ("nieosiągalny" if r.break_even_success is None
                              else fmt_percent(r.break_even_success, 1)),
        "finansowanie": financing,
        "podsumowanie": summary,
        "prognoza_zaniechanie": persons(end_z),
        "prognoza_dzialanie": persons(end_a),
        "prognoza_roznica": persons(-change) if change else "0",
        "prognoza_opis": (
            f"bez działań liczba osób w systemie pomocy zmieni się z {persons(inp.persons)} "
            f"do {persons(end_z)} w ostatnim roku analizy, a przy realizacji programu – do "
            f"{persons(end_a)}."
        ),
        "platnicy": _payer_rows(r.npv_by_payer),
        "przeplywy": [
            {"rok": y, "osoby_z": persons(dz), "osoby_a": persons(da), "koszt_z": money(cz),
             "koszt_a": money(ca), "koszt_programu": money(cp), "roznica": money(cz - ca),
             "narastajaco": money(cu)}
            for y, dz, da, cz, ca, cp, cu in zip(
                years, r.dependent_z, r.dependent_a, r.cost_z, r.cost_a, r.programme,
                r.cumulative, strict=True)
        ],
        "mc": {
            "srednia": money(mc.mean) if mc else "–",
            "p5": money(mc.p5) if mc else "–",
            "p50": money(mc.p50) if mc else "–",
            "p95": money(mc.p95) if mc else "–",
            "p_dodatni": fmt_percent(mc.prob_positive, 1) if mc else "–",
        },
        "tornado": [
            {"parametr": _tornado_label(t, r), "nisko": money(t.npv_low),
             "wysoko": money(t.npv_high), "rozpietosc": money(t.swing)}
            for t in r.tornado
        ],
        "programy": programmes,
    }
    return item


def _tornado_rows(r: IssueResult) -> list[Any]:
    return sorted(r.tornado, key=lambda t: t.swing, reverse=True)[:TORNADO_ROWS]


def _issue_charts(results: ScenarioResult, with_charts: bool) -> tuple[Any, list[dict]]:
    """The per-issue charts as small multiples: yearly costs of every issue in one figure, and
    the tornado in figures of a few panels each (a list the template loops over, each item
    naming its issues' numbers; with ``with_charts=False`` the charts are empty)."""
    numbered = list(enumerate(results.issues, start=1))
    yearly: Any = ""
    if with_charts and numbered:
        yearly = charts.yearly_costs([
            charts.YearlyPanel(f"{n}. {r.name}", list(range(1, r.years + 1)), list(r.cost_z),
                               list(r.cost_a))
            for n, r in numbered])
    with_rows = [(n, r) for n, r in numbered if _tornado_rows(r)]
    tornado = []
    for part in charts.chunks(len(with_rows)):
        members = [with_rows[i] for i in part]
        first, last = members[0][0], members[-1][0]
        item: dict[str, Any] = {
            "kwestie": f"kwestia {first}" if first == last else f"kwestie {first}–{last}",
            "wykres": "",
        }
        if with_charts:
            item["wykres"] = charts.tornado([
                charts.TornadoPanel(
                    f"{n}. {r.name}", [_tornado_label(t, r) for t in rows],
                    [t.npv_low for t in rows], [t.npv_high for t in rows], r.npv)
                for n, r in members for rows in [_tornado_rows(r)]])
        tornado.append(item)
    return yearly, tornado


def _goal(number: int, r: IssueResult, programmes: list[dict]) -> dict:
    inp = r.inputs
    directions = [f"wdrożenie programu „{inp.programme_name}” obejmującego "
                  f"{fmt_percent(inp.coverage, 0)} osób w systemie pomocy"]
    directions += [f"wykorzystanie doświadczeń programu „{p['nazwa']}” (Katalog Innowacji "
                   "Społecznych)" for p in programmes[:2]]
    directions += ["praca socjalna i kontrakty socjalne ukierunkowane na usamodzielnienie",
                   "współpraca z organizacjami pozarządowymi i podmiotami ekonomii społecznej"]
    return {
        "numer": number,
        "nazwa": f"Ograniczenie skali problemu: {r.name.lower()}",
        "opis": (f"Zmniejszenie liczby osób zależnych od pomocy z powodu kwestii „{r.name}” i "
                 f"kosztów publicznych tego problemu (koszt zaniechania: {money(r.npv)})."),
        "kierunki": directions,
    }


def _indicators(number: int, r: IssueResult) -> list[dict]:
    source = "sprawozdanie MRPiPS-03, ocena zasobów pomocy społecznej"
    participants = float(r.participants.sum())
    return [
        {"cel": str(number), "wskaznik": f"Liczba osób w systemie pomocy: {r.name.lower()}",
         "bazowa": persons(r.inputs.persons), "docelowa": persons(float(r.dependent_a[-1])),
         "zrodlo": source},
        {"cel": str(number), "wskaznik": f"Uczestnicy programu „{r.inputs.programme_name}”",
         "bazowa": "0", "docelowa": persons(participants), "zrodlo": "dane realizatora"},
    ]


def trainings(register: TrainingRegister, jst: str, today: dt.date
              ) -> tuple[list[Training], list[dict[str, str]]]:
    """From the System Szkoleń register: the planned sessions (from ``today`` on) as the
    training plan, and the JST's people trained so far per KKZ tool."""
    modules = {m.id: m for m in register.moduly}
    plan = [Training(temat=modules[s.modul].temat,
                     adresaci=f"{TOOL_LABELS[modules[s.modul].narzedzie]} – "
                              f"{modules[s.modul].forma.value}, "
                              f"{fmt_number(modules[s.modul].godziny, 0)} h",
                     termin=fmt_date(s.data))
            for s in sorted(register.sesje, key=lambda s: s.data) if s.data >= today]
    trained = next((tools for name, tools in jst_summary(register).items()
                    if jst_core(name) == jst_core(jst)), {})
    return plan, [{"narzedzie": tool, "osoby": f"{n} os."} for tool, n in trained.items()]


def strategy_context(
    scenario: Scenario,
    results: ScenarioResult,
    katalog_rows: Sequence[Mapping[str, Any]] | None = None,
    liderzy_rows: Sequence[Mapping[str, Any]] | None = None,
    *,
    data: StrategyData | None = None,
    training: TrainingRegister | None = None,
    today: dt.date | None = None,
    with_charts: bool = True,
) -> dict[str, Any]:
    """Every placeholder of the strategy templates, from the engine's results.

    ``katalog_rows`` and ``liderzy_rows`` are register rows (dicts keyed by the registers'
    Polish headers); only leaders of this JST who consented to sharing are included.
    ``training``: the System Szkoleń register (plan and people trained; ``data.szkolenia``,
    when given, is the plan instead).
    ``with_charts=False`` leaves the chart placeholders empty (for checks and fast previews).
    """
    data = data or StrategyData()
    today = today or dt.date.today()
    jst = scenario.jst
    planned, trained = trainings(training, jst.name, today) if training else ([], [])
    is_gmina = jst.kind == "gmina"
    start = data.rok_poczatkowy or today.year + 1
    programmes = _programmes(katalog_rows)
    issues = [_issue(n, r, programmes.get(r.code, []))
              for n, r in enumerate(results.issues, start=1)]
    goals = [_goal(n, r, programmes.get(r.code, []))
             for n, r in enumerate(results.issues, start=1)]
    totals = results.totals
    mc = totals.monte_carlo
    yearly_chart, tornado_charts = _issue_charts(results, with_charts)
    context: dict[str, Any] = {
        "jst": {
            "nazwa": jst.name,
            "rodzaj": "gmina" if is_gmina else "powiat",
            "dopelniacz": "gminy" if is_gmina else "powiatu",
            "teryt": jst.teryt,
            "wojewodztwo": jst.voivodeship,
            "ludnosc": persons(jst.residents) if jst.residents is not None else "brak danych",
            "osrodek": data.osrodek or ("Ośrodek Pomocy Społecznej" if is_gmina
                                        else "Powiatowe Centrum Pomocy Rodzinie"),
            "miejscowosc": data.miejscowosc or jst.name,
        },
        "dokument": {
            "tytul": TITLE,
            "data": fmt_date(today),
            "rok_poczatkowy": start,
            "okres": f"{start}–{start + results.horizon - 1}",
        },
        "parametry": {
            "horyzont": years_phrase(results.horizon),
            "stopa": fmt_percent(results.rate, 1),
            "rok_cen": str(results.price_year),
            "losowania": fmt_number(scenario.monte_carlo.draws, 0) if mc or any(
                r.monte_carlo for r in results.issues) else "0 (analiza pominięta)",
            "ziarno": str(scenario.monte_carlo.seed),
            "metoda": METHOD,
        },
        "diagnoza": {
            "wskazniki": [i.model_dump() for i in data.wskazniki] or [
                {"nazwa": "Liczba mieszkańców", "wartosc": persons(jst.residents)
                 if jst.residents is not None else "brak danych", "zrodlo": "GUS BDL"},
            ],
            "potencjal_es": data.potencjal_es or (
                "Podmioty ekonomii społecznej (centra i kluby integracji społecznej, "
                "spółdzielnie socjalne, organizacje pozarządowe) mogą realizować usługi "
                "społeczne i programy aktywizacji opisane w strategii. Ich potencjał "
                "przedstawia poniższa tabela."),
            "ekonomia_spoleczna": [e.model_dump() for e in data.ekonomia_spoleczna],
        },
        "kwestie": issues,
        "cele": goals,
        "wskazniki_realizacji": [row for n, r in enumerate(results.issues, start=1)
                                 for row in _indicators(n, r)],
        "uslugi_spoleczne": [s.model_dump() for s in data.uslugi_spoleczne],
        "zadania_zlecane": [
            {"zadanie": t.zadanie, "tryb": t.tryb,
             "kwota": money(t.kwota) if t.kwota is not None else "–"}
            for t in data.zadania_zlecane
        ],
        "razem": {
            "npv": money(totals.npv),
            "pv_zaniechanie": money(totals.pv_z),
            "pv_dzialanie": money(totals.pv_a),
            "koszt_programu": money(totals.pv_programme),
            "bcr": ratio(totals.bcr),
            "rok_zwrotu": break_even(totals.break_even_year),
            "platnicy": _payer_rows(totals.npv_by_payer),
            "mc_srednia": money(mc.mean) if mc else "–",
            "mc_p_dodatni": fmt_percent(mc.prob_positive, 1) if mc else "–",
            "wykres_kwestie": "",
            "wykres_platnicy": "",
            "wykres_koszty": yearly_chart,
            "wykresy_tornado": tornado_charts,
        },
        "liderzy": _leaders(liderzy_rows, jst.name, jst.teryt),
        "szkolenia": [t.model_dump() for t in (data.szkolenia or planned or DEFAULT_TRAININGS)],
        "przeszkoleni": trained,
        "monitoring": {
            "opis": data.monitoring or (
                f"Realizację strategii monitoruje {'Ośrodek Pomocy Społecznej' if is_gmina else 'Powiatowe Centrum Pomocy Rodzinie'} "  # noqa: E501
                "na podstawie wskaźników z rozdziału „Wskaźniki realizacji działań”."),
            "zasady": list(MONITORING_RULES),
        },
    }
    if with_charts:
        context["razem"]["wykres_kwestie"] = charts.npv_by_issue(
            [r.name for r in results.issues], [r.npv for r in results.issues])
        context["razem"]["wykres_platnicy"] = charts.npv_by_payer(
            [PAYER_LABELS[p] for p in PAYERS], totals.npv_by_payer)
    return context
