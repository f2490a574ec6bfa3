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
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from kkz_xl.declension import jst_names
from kkz_xl.documents import charts
from kkz_xl.engine.budget import YearlyBudget, cost_line_payers, yearly_budget
from kkz_xl.engine.influence import Influence, influence
from kkz_xl.model.labels import INPUT_LABELS, NO_BREAK_EVEN, UNDEFINED
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, Payer, payer_index
from kkz_xl.model.severity import StateInputs
from kkz_xl.params.base import default_base
from kkz_xl.params.state_models import shipped_models
from kkz_xl.polish import (
    NBSP,
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_percent,
    fmt_signed,
    plural,
    quote,
    shown_difference,
    year_ordinal,
)
from kkz_xl.registers.consent import may_share_contacts
from kkz_xl.registers.schema import CATALOGUE, EVIDENCE_LEVELS, LEADERS
from kkz_xl.registers.text import jst_core
from kkz_xl.reporting.tables import TORNADO_ROWS, tornado_label
from kkz_xl.storage.datafile import load_user_file
from kkz_xl.training.reports import jst_summary
from kkz_xl.training.schema import TrainingRegister

if TYPE_CHECKING:
    from kkz_xl.engine.run import IssueResult, ScenarioResult
    from kkz_xl.model.scenario import Scenario
    from kkz_xl.params.base import ParameterBase

TITLE = "Strategia Rozwiązywania Problemów Społecznych"
PROGRAMMES_PER_ISSUE = 5  # catalogue programmes shown per issue, best evidence first
CHECK_FIRST_ROWS = 10  # parameters in the annex's "check these first" table, widest swing first
METHOD = (
    "Obliczenia wykonano modelem kohortowym Kalkulatora Kosztów Zaniechania (metoda MCPS i SGH "
    "rozszerzona o dyskontowanie, podział na płatników i analizę niepewności). Parametry, których "
    "nie podał samorząd, pochodzą z bazy parametrów KKZ (ze źródłami i rokiem); kwoty "
    "przeliczono na ceny roku bazowego wskaźnikiem CPI."
)


# --- Polish wording ---------------------------------------------------------------------------

def years_phrase(n: int) -> str:
    """``1 rok``, ``3 lata``, ``7 lat``, ``22 lata`` (Polish plural of ``rok``)."""
    return plural(n, "rok", "lata", "lat")


def money(value: float) -> str:
    """An amount as every table of the document shows it: ``1 234,50 zł``."""
    return fmt_money(value, 2)


def persons(value: float) -> str:
    """A head-count (expected value of the cohort model), rounded to whole persons."""
    return fmt_number(value, 0)


def ratio(value: float | None) -> str:
    return UNDEFINED if value is None else fmt_number(value, 2)


def break_even(year: int | None, start: int | None = None) -> str:
    """``4. rok (2030)``: the analysis year in which spending pays back, with its calendar
    year when the strategy's first year is known."""
    if year is None:
        return NO_BREAK_EVEN
    return year_ordinal(year) + (f" ({start + year - 1})" if start else "")


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
    Training(temat="Kalkulator Kosztów Zaniechania: obliczenia dla własnej gminy lub powiatu",
             adresaci="pracownicy OPS/PCPR, skarbnik, liderzy innowacji", termin="I rok"),
    Training(temat="Katalog Innowacji Społecznych i Dyfuzor: wybór i opis programów",
             adresaci="liderzy innowacji, organizacje pozarządowe", termin="I rok"),
    Training(temat="Monitoring i ewaluacja strategii: wskaźniki, sprawozdawczość",
             adresaci="zespół ds. strategii", termin="II rok"),
)
ROMAN = ("I", "II", "III", "IV", "V")  # "II rok" of the strategy → its calendar year
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
    return list(default_base().issues.values())


# --- the JST's own budget and the sources of financing ---------------------------------------

# Sources of financing as a treasurer books them: the JST's own budget, the other level of
# local government, and one column per other payer of the model (derived from PAYERS, so a
# payer added there gets its column): key, table header, words in a sentence.
OWN = "wlasny"
OTHER_JST = "inne_jst"
LOCAL_PAYERS = (Payer.GMINA, Payer.POWIAT)
_SOURCE_WORDS: dict[Payer, tuple[str, str]] = {
    Payer.BUDZET_PANSTWA: ("Dotacje z budżetu państwa", "dotacja celowa z budżetu państwa"),
    Payer.ZUS_FP: ("Fundusz Pracy", "Fundusz Pracy (przez powiatowy urząd pracy)"),
}
SOURCES: tuple[tuple[str, tuple[Payer, ...]], ...] = tuple(
    (p.value, (p,)) for p in PAYERS if p not in LOCAL_PAYERS)
SOURCE_HEADERS: dict[str, str] = {
    p.value: _SOURCE_WORDS.get(p, (PAYER_LABELS[p],))[0] for p in PAYERS
    if p not in LOCAL_PAYERS}
SOURCE_LABELS: dict[str, str] = {
    p.value: _SOURCE_WORDS.get(p, (PAYER_LABELS[p], PAYER_LABELS[p]))[1] for p in PAYERS
    if p not in LOCAL_PAYERS}
EU_NOTE = (
    "Część wydatków budżetu własnego można pokryć ze środków Unii Europejskiej (Europejski "
    "Fundusz Społeczny Plus w programie regionalnym i w programie Fundusze Europejskie dla "
    "Rozwoju Społecznego) albo z programów rządowych; kwot z tych źródeł nie ujęto, bo zależą "
    "od naborów. Pozyskane środki zmniejszają odpowiednio udział budżetu własnego."
)


def own_payers(kind: str) -> tuple[Payer, ...]:
    """The payers whose money is the JST's own budget (a city with powiat rights is both)."""
    if kind == "gmina":
        return (Payer.GMINA,)
    if kind == "powiat":
        return (Payer.POWIAT,)
    return (Payer.GMINA, Payer.POWIAT)


def other_payers(kind: str) -> tuple[Payer, ...]:
    return {"gmina": (Payer.POWIAT,), "powiat": (Payer.GMINA,)}.get(kind, ())


def _budget_label(kind: str, own: bool) -> str:
    if own:
        return {"gmina": "budżet gminy", "powiat": "budżet powiatu"}.get(kind, "budżet miasta")
    return {"gmina": "budżet powiatu", "powiat": "budżety gmin"}.get(kind, "")


def _columns(kind: str) -> list[tuple[str, tuple[Payer, ...]]]:
    return [(OWN, own_payers(kind)), (OTHER_JST, other_payers(kind)), *SOURCES]


def _money0(value: float) -> str:
    return fmt_money(value, 0)


def _zl(amounts: np.ndarray) -> np.ndarray:
    """Amounts rounded to whole złoty before they are added up, so that every total of the
    financial frame is the sum of the numbers shown (a treasurer adds them up)."""
    return np.round(np.asarray(amounts, float))


def _money_or_dash(value: float) -> str:
    """Whole złoty, or a dash for nothing (a column a source does not finance)."""
    return _money0(value) if round(value) else "–"


def _budget_row(label: Any, by_payer: np.ndarray, kind: str) -> dict[str, Any]:
    """One row of the financial frame: amounts per source (whole zł) and their total."""
    row: dict[str, Any] = {"rok": label}
    for key, payers in _columns(kind):
        amount = float(sum(by_payer[payer_index(p)] for p in payers)) if payers else 0.0
        row[key] = _money_or_dash(amount)
    row["razem"] = _money_or_dash(float(by_payer.sum()))
    return row


def _sources_text(financing: Mapping[Payer, float], kind: str) -> str:
    """``budżet gminy 30 %, NFZ 70 %`` for the programme's financing, by source."""
    parts = []
    for key, payers in _columns(kind):
        share = sum(financing.get(p, 0.0) for p in payers)
        if share > 0:
            label = (_budget_label(kind, key == OWN) if key in (OWN, OTHER_JST)
                     else SOURCE_LABELS[key])
            parts.append(f"{label} {fmt_percent(share, 0)}")
    return ", ".join(parts)


# --- evidence behind an issue's result --------------------------------------------------------

_SYMBOL_RE = re.compile(r"\s*\([a-z_]+\)$")
_BRACKETS_RE = re.compile(r"\s*\(.*?\)")


def plain_label(label: str) -> str:
    """An input's label without its symbol, for the council text: ``odpływ (q)`` → ``odpływ``."""
    return _SYMBOL_RE.sub("", label)


def _base_programme(code: str, name: str) -> Any | None:
    try:
        params = default_base().issue(code)
    except Exception:  # an issue the base does not know: no grades to show
        return None
    return next((p for p in params.programy if p.nazwa == name), params.programy[0])


def _grade(r: IssueResult, name: str, line: int | None) -> int | None:
    """The confidence grade (1 official … 5 assumption) of an input, when it came from the
    parameter base; None for the JST's own figures."""
    field = {"exit_rate": "odplyw", "relapse": "nawroty", "success": "skutecznosc",
             "coverage": "zasieg", "programme_cost": "koszt_uczestnika",
             "cost_mult": "koszty", "gain_mult": "korzysci"}.get(name)
    if field is None or field not in r.from_base:
        return None
    try:
        params = default_base().issue(r.code)
    except Exception:
        return None
    if isinstance(r.inputs, StateInputs):
        return _state_grade(r.inputs, field, line)
    if field in ("odplyw", "nawroty"):
        return getattr(params, field).stopien
    if field in ("koszty", "korzysci"):
        items = params.koszty if field == "koszty" else params.korzysci
        # Gain lines follow the issue's cost lines in the engine's line order.
        index = line if field == "koszty" else (line or 0) - len(r.inputs.costs)
        return items[index].stopien if line is not None and 0 <= index < len(items) else None
    prog = _base_programme(r.code, r.inputs.programme_name)
    return getattr(prog, field).stopien if prog is not None else None


def _state_grade(inp: StateInputs, field: str, line: int | None) -> int | None:
    """The grade of an input of an issue on its shipped multi-state model: its lines are the
    model's costs, then the issue's gains (as the engine orders them); its programme the
    model's."""
    model = shipped_models().get(inp.code)
    if model is None:
        return None
    if field in ("koszty", "korzysci"):
        if line is None:
            return None
        if line < len(model.koszty):
            return model.koszty[line].stopien
        gains = default_base().gains(inp.code)
        k = line - len(model.koszty)
        return gains[k].stopien if 0 <= k < len(gains) else None
    prog = next((p for p in model.programy if p.id == inp.programme_id), None)
    item = getattr(prog, field, None) if prog is not None else None
    return getattr(item, "stopien", None)


def _drivers(r: IssueResult) -> list[Any]:
    return sorted(r.tornado, key=lambda t: t.swing, reverse=True)[:3]


def evidence_grade(r: IssueResult) -> int | None:
    """The weakest grade among the figures that drive the result most (top of the tornado);
    without a tornado, among the programme's success rate and cost."""
    rows = [(t.name.split("[", 1)[0], t.line) for t in _drivers(r)] or [
        ("success", None), ("programme_cost", None)]
    grades = [g for name, line in rows if (g := _grade(r, name, line)) is not None]
    return max(grades) if grades else None


def evidence_words(grade: int | None) -> str:
    if grade is None:
        return "dane własne"
    if grade <= 2:
        return "mocne (dane urzędowe)"
    if grade == 3:
        return "umiarkowane (badania, raporty kontroli)"
    return "słabe (szacunki i założenia do sprawdzenia)"


# The verb agrees with the input's noun (skuteczność wynosiła, przejście wynosiło …).
_VERBS = {"success": "wynosiła", "rate": "wynosiła", "relapse": "wynosiły",
          "gain_mult": "wynosiła", "transition": "wynosiło"}


def _switch_text(t: Any, r: IssueResult) -> str | None:
    """„koszt uczestnika wynosił najwyżej 670,36 zł (przyjęto 3 000,00 zł)” for a tornado
    row with a switching value (where the result changes sign)."""
    if t.switching is None:
        return None
    base = t.name.split("[", 1)[0]
    label = plain_label(INPUT_LABELS.get(base, t.name))
    if t.line is not None and t.line < len(r.lines):
        label = f"{label} {quote(_BRACKETS_RE.sub('', r.lines[t.line].name))}"
    elif (edge := _transition(t, r)) is not None:
        label = f"{label} {quote(edge)}"
    if base in ("exit_rate", "success", "relapse", "coverage", "rate", "transition"):
        value, point = fmt_percent(t.switching, 1), fmt_percent(t.point, 1)
    elif base == "programme_cost":
        value, point = money(t.switching), money(t.point)
    elif base == "inflow":
        value, point = fmt_number(t.switching, 1), fmt_number(t.point, 1)
    else:
        value, point = f"{fmt_percent(t.switching, 0)} przyjętej kwoty", "100 %"
    direction = "co najmniej" if t.npv_high > t.npv_low else "najwyżej"
    return f"{label} {_VERBS.get(base, 'wynosił')} {direction} {value} (przyjęto {point})"


def threshold_text(r: IssueResult) -> str:
    """What would have to be true for the programme to pay (from the engine's thresholds)."""
    inp = r.inputs
    switches = [x for t in _drivers(r) if t.name.split("[", 1)[0] != "success"
                for x in [_switch_text(t, r)] if x]
    others = " albo gdyby ".join(switches)
    if r.break_even_success is None:
        text = ("Program nie zwróciłby się nawet wtedy, gdyby usamodzielniał wszystkich "
                "uczestników")
        if others:
            text += f"; zwróciłby się, gdyby {others}"
    else:
        text = (f"Program zwróciłby się, gdyby usamodzielniał co najmniej "
                f"{fmt_percent(r.break_even_success, 1)} uczestników (przyjęto "
                f"{fmt_percent(inp.success, 1)})")
        if others:
            text += f" albo gdyby {others}"
    if others:
        text += " – przy pozostałych założeniach bez zmian"
    return text + "."


# --- the context ------------------------------------------------------------------------------

def _payer_rows(npvs: Sequence[float], *, skip_zero: bool = False) -> list[dict]:
    """Who pays and who saves; ``skip_zero`` leaves out payers the issue does not touch."""
    return [{"platnik": PAYER_LABELS[p], "npv": money(v), "ocena": verdict(v)}
            for p, v in zip(PAYERS, npvs, strict=True) if not skip_zero or round(v, 2)]


def _transition(row: Any, issue: IssueResult) -> str | None:
    """A multi-state model's transition (``transition[k]``) by its states' names."""
    states = getattr(issue, "states", None)
    if not row.name.startswith("transition[") or states is None:
        return None
    try:
        return str(states.edge_labels[int(row.name[len("transition["):-1])])
    except (ValueError, IndexError, AttributeError):
        return None


def _tornado_label(row: Any, issue: IssueResult) -> str:
    label = tornado_label(row, issue)
    return label if len(label) <= 48 else label[:47] + "…"


def chart_label(row: Any, issue: IssueResult) -> str:
    """A tornado chart's label: the input's plain name, a cost line's own name without its
    explanation in brackets (``Zasiłek okresowy``), short enough for two lines."""
    base = row.name.split("[", 1)[0]
    label = plain_label(INPUT_LABELS.get(base, row.name))
    if row.line is not None and row.line < len(issue.lines):
        name = _BRACKETS_RE.sub("", issue.lines[row.line].name)
        # A cost line is named by itself (it reads as a cost); a gain keeps its prefix.
        label = name if base == "cost_mult" else f"{label}: {name}"
    elif (edge := _transition(row, issue)) is not None:
        label = f"{label}: {_BRACKETS_RE.sub('', edge)}"
    return label


def _name(r: IssueResult) -> str:
    """The issue's name as the law and the base call it (a model variant's name, such as
    „… – model wielostanowy”, is a technical detail for the annex, not the council)."""
    try:
        return default_base().issue(r.code).nazwa
    except Exception:  # an issue the base does not know keeps the engine's name
        return r.name


def _pays(r: IssueResult) -> bool:
    """The programme pays for the public purse (the amount as shown, in whole zł, is > 0)."""
    return round(r.npv) > 0


def _own_npv(r: IssueResult, kind: str) -> float:
    return float(sum(r.npv_by_payer[payer_index(p)] for p in own_payers(kind)))


def _chance(r: IssueResult) -> str:
    """The chance that the programme pays, never a false certainty: 99,96 % is „ponad 99 %”."""
    if not r.monte_carlo:
        return "nie badano"
    p = r.monte_carlo.prob_positive
    if 0.99 < p < 1:
        return f"ponad 99{NBSP}%"
    if 0 < p < 0.01:
        return f"poniżej 1{NBSP}%"
    return fmt_percent(p, 0)


def _issue(number: int, r: IssueResult, programmes: list[dict], kind: str, start: int,
           budget: YearlyBudget) -> dict:
    inp = r.inputs
    end_z, end_a = float(r.dependent_z[-1]), float(r.dependent_a[-1])
    mc = r.monte_carlo
    own = _own_npv(r, kind)
    own_label = _budget_label(kind, True)
    if _pays(r):
        summary = f"oszczędza finansom publicznym {money(r.npv)}"
        if r.break_even_year is not None:
            summary += (f"; wydatki zwracają się w {year_ordinal(r.break_even_year, 'loc')} "
                        f"({start + r.break_even_year - 1} r.)")
        summary += "."
        if round(own) < 0:
            summary += (f" Oszczędności trafiają jednak do innych płatników, a {own_label} "
                        f"dopłaca {money(-own)}.")
    else:
        chance = (f" Szansa, że mimo to się opłaci (przy niepewnych założeniach): "
                  f"{_chance(r)}." if r.monte_carlo else "")
        # Less than 1 zł either way is "as much as it saves", never "o −0,30 zł więcej".
        cost = (f"kosztuje o {money(-r.npv)} więcej, niż oszczędza" if r.npv <= -0.5 else
                "kosztuje mniej więcej tyle, ile oszczędza")
        summary = (f"się nie zwraca: {cost}."
                   f"{chance} Uzasadnieniem jego realizacji mogą być tylko korzyści spoza "
                   f"rachunku finansowego. {threshold_text(r)}")
    summary = f"Program {quote(inp.programme_name)} {summary}"
    difference = shown_difference(end_a, end_z)
    item: dict[str, Any] = {
        "numer": number,
        "cel": "",  # the goal's number when the programme is a goal of the strategy
        "kod": r.code,
        "nazwa": _name(r),
        "program": inp.programme_name,
        "program_cytat": quote(inp.programme_name),
        "osoby": persons(inp.persons),
        "npv": money(r.npv),
        "pv_zaniechanie": money(r.pv_z),
        "pv_dzialanie": money(r.pv_a),
        "koszt_programu": money(r.pv_programme),
        "korzysci_brutto": money(r.gross_benefit),
        "bcr": ratio(r.bcr),
        "zwrot_zlotowki": UNDEFINED if r.bcr is None else money(r.bcr),
        "roi": UNDEFINED if r.roi is None else fmt_percent(r.roi, 1),
        "rok_zwrotu": break_even(r.break_even_year, start),
        "okres_zwrotu": payback(r.payback),
        "prog_skutecznosci": ("nieosiągalny" if r.break_even_success is None
                              else fmt_percent(r.break_even_success, 1)),
        "oplaca_sie": _pays(r),
        "szansa": _chance(r),
        "dowody": evidence_words(evidence_grade(r)),
        "prog_opis": threshold_text(r),
        "saldo_wlasne": money(own),
        "finansowanie": _sources_text(inp.financing, kind),
        "podsumowanie": summary,
        "prognoza_zaniechanie": persons(end_z),
        "prognoza_dzialanie": persons(end_a),
        "prognoza_roznica": fmt_signed(difference),
        "prognoza_opis": (
            f"bez programu liczba osób korzystających z pomocy zmieni się z "
            f"{persons(inp.persons)} do {persons(end_z)} w {start + r.years - 1} r., "
            f"a z programem – do {persons(end_a)}." if difference else
            f"liczba osób korzystających z pomocy zmieni się z {persons(inp.persons)} do "
            f"{persons(end_z)} w {start + r.years - 1} r.; program nie zmienia jej w widocznym "
            "stopniu."
        ),
        "platnicy": _payer_rows(r.npv_by_payer, skip_zero=True),
        "przeplywy": [
            {"rok": start + y, "osoby_z": persons(dz), "osoby_a": persons(da),
             "koszt_z": money(cz), "koszt_a": money(ca), "koszt_programu": money(cp),
             "roznica": money(cz - ca), "narastajaco": money(cu)}
            for y, (dz, da, cz, ca, cp, cu) in enumerate(zip(
                r.dependent_z, r.dependent_a, r.cost_z, r.cost_a, r.programme,
                r.cumulative, strict=True))
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
        "budzet": {
            "lata": [_budget_row(int(y), row, kind)
                     for y, row in zip(budget.years, _zl(budget.programme_nominal),
                                       strict=True)],
            "razem": _budget_row("Razem", _zl(budget.programme_nominal).sum(0), kind),
        },
        "obowiazkowe_wlasne": _money_or_dash(float(sum(
            _zl(budget.obligatory_z_nominal)[:, payer_index(p)].sum()
            for p in own_payers(kind)))),
        "podstawa": _legal_basis(r.code),
        "rozdzial": inp.programme_rozdzial or "",
        "nabor": (f"Program przyjmuje uczestników co roku (w latach {start}–"
                  f"{start + r.years - 1})." if inp.repeat else
                  f"Program przyjmuje jeden nabór uczestników, w {start} r.; kolejny nabór to "
                  "nowa decyzja i nowe wydatki."),
    }
    return item


def _legal_basis(code: str) -> str:
    try:
        return default_base().issue(code).podstawa
    except Exception:
        return "ustawa o pomocy społecznej"


def _tornado_rows(r: IssueResult) -> list[Any]:
    return sorted(r.tornado, key=lambda t: t.swing, reverse=True)[:TORNADO_ROWS]


def _issue_charts(results: ScenarioResult, with_charts: bool, start: int
                  ) -> tuple[Any, list[dict]]:
    """The per-issue charts as small multiples: yearly costs of every issue in one figure, and
    the tornado in figures of a few panels each (a list the template loops over, each item
    naming its issues' numbers; with ``with_charts=False`` the charts are empty)."""
    numbered = list(enumerate(results.issues, start=1))
    yearly: Any = ""
    if with_charts and numbered:
        yearly = charts.yearly_costs([
            charts.YearlyPanel(f"{n}. {_name(r)}", list(range(start, start + r.years)),
                               list(r.cost_z), list(r.cost_a))
            for n, r in numbered])
    panels = [charts.TornadoPanel(f"{n}. {_name(r)}", [chart_label(t, r) for t in rows],
                                  [t.npv_low for t in rows], [t.npv_high for t in rows], r.npv)
              for n, r in numbered if (rows := _tornado_rows(r))]
    numbers = [n for n, r in numbered if _tornado_rows(r)]
    tornado = []
    for part in charts.chunks(len(panels), charts.tornado_panels_per_figure(panels)):
        first, last = numbers[part.start], numbers[part.stop - 1]
        tornado.append({
            "kwestie": f"kwestia {first}" if first == last else f"kwestie {first}–{last}",
            "wykres": charts.tornado(panels[part.start:part.stop]) if with_charts else "",
        })
    return yearly, tornado


def _priority(r: IssueResult, kind: str) -> tuple:
    """Order of the goals: the JST's own budget saves first, then the chance that the
    programme pays, the strength of the evidence, the size of the saving."""
    grade = evidence_grade(r)
    chance = r.monte_carlo.prob_positive if r.monte_carlo else 0.0
    return (round(_own_npv(r, kind)) < 0, -round(chance, 2), grade or 0, -r.npv)


def _goal(number: int, r: IssueResult, item: dict, programmes: list[dict], kind: str
          ) -> dict:
    """A strategic goal for a programme that pays: its name, its case in plain words (the
    saving, the JST's own balance, the chance, the evidence, who finances) and directions."""
    inp = r.inputs
    own = _own_npv(r, kind)
    own_label = _budget_label(kind, True)
    directions = [f"wdrożenie programu {quote(inp.programme_name)} dla "
                  f"{fmt_percent(inp.coverage, 0)} osób korzystających z pomocy z tego powodu"]
    directions += [f"wykorzystanie doświadczeń programu {quote(p['nazwa'])} (Katalog "
                   "Innowacji Społecznych)" for p in programmes[:2]]
    directions += ["praca socjalna i kontrakty socjalne ukierunkowane na usamodzielnienie",
                   "współpraca z organizacjami pozarządowymi i podmiotami ekonomii społecznej"]
    budget_words = (f"{own_label} oszczędza {money(own)}" if round(own) > 0 else
                    f"{own_label} dopłaca {money(-own)}, a oszczędzają inni płatnicy"
                    if round(own) < 0 else f"{own_label} ani nie zyskuje, ani nie traci")
    chance = (f"; szansa, że program się opłaci: {item['szansa']}"
              if r.monte_carlo else "")
    return {
        "numer": number,
        "nazwa": f"{_name(r)}: wdrożenie programu {quote(inp.programme_name)}",
        "opis": (f"Program zmniejsza koszty publiczne o {money(r.npv)} w okresie analizy "
                 f"(w dzisiejszych pieniądzach); {budget_words}{chance}. "
                 f"Siła dowodów: {item['dowody']}. Finansowanie: {item['finansowanie']}."
                 + ("" if sum(inp.financing.get(p, 0.0) for p in own_payers(kind)) > 0 else
                    " Program finansują inni płatnicy, więc cel wymaga uzgodnienia z nimi.")),
        "kierunki": directions,
    }


def _indicator(goal: str, name: str, base: float, target: float, end_year: int,
               source: str, note: str = "") -> dict | None:
    b, t = persons(base), persons(target)
    if b == t == "0":
        return None  # 0 → 0 measures nothing
    return {"cel": goal, "wskaznik": name, "bazowa": b, "docelowa": t, "rok": str(end_year),
            "zrodlo": source, "uwagi": note}


def _indicators(goal: str, r: IssueResult, end_year: int, *, optional: bool) -> list[dict]:
    """Indicators from the engine's projected counts: baseline (the scenario's base year)
    and target (the last year), with the reason when the target is above the baseline."""
    source = "sprawozdanie MRPiPS-03"
    start, end_z, end_a = r.inputs.persons, float(r.dependent_z[-1]), float(r.dependent_a[-1])
    target = end_a if optional else end_z
    note = ""
    if round(target) > round(start):
        note = ("liczba rośnie mimo programu (napływ nowych osób); bez programu byłoby "
                f"{persons(end_z)}" if optional else
                "prognoza: liczba rośnie przez napływ nowych osób")
    rows = [_indicator(goal, f"Osoby korzystające z pomocy z powodu: {_name(r).lower()}",
                       start, target, end_year, source, note)]
    if optional:
        first_year = float(r.participants[0])
        rows.append(_indicator(
            goal, f"Uczestnicy programu {quote(r.inputs.programme_name)} w pierwszym roku",
            0, first_year, end_year - r.years + 1, "dane realizatora",
            f"z {persons(start)} osób w grupie"))
        helped = -shown_difference(end_a, end_z)
        if helped > 0:
            rows.append(_indicator(
                goal, "Osoby, które dzięki programowi nie korzystają już z pomocy – "
                f"{_name(r).lower()}", 0, helped, end_year,
                "dane realizatora, MRPiPS-03", "różnica prognoz bez programu i z programem"))
    return [row for row in rows if row is not None]


def trainings(register: TrainingRegister, jst: str, today: dt.date
              ) -> tuple[list[Training], list[dict[str, str]]]:
    """From the System Szkoleń register: the planned sessions (from ``today`` on) as the
    training plan, and the JST's people trained so far per KKZ tool."""
    modules = {m.id: m for m in register.moduly}
    plan = [Training(temat=f"{modules[s.modul].temat} ({modules[s.modul].forma.value}, "
                           f"{fmt_number(modules[s.modul].godziny, 0)} h)",
                     adresaci=TOOL_AUDIENCE.get(modules[s.modul].narzedzie.value, ""),
                     termin=fmt_date(s.data))
            for s in sorted(register.sesje, key=lambda s: s.data) if s.data >= today]
    trained = next((tools for name, tools in jst_summary(register).items()
                    if jst_core(name) == jst_core(jst)), {})
    return plan, [{"narzedzie": tool, "osoby": plural(n, "osoba", "osoby", "osób")}
                  for tool, n in trained.items()]


# Who each KKZ tool's training is for (the register names the tool, not the audience).
TOOL_AUDIENCE = {
    "kalkulator": "pracownicy OPS/PCPR, skarbnik, liderzy innowacji",
    "dyfuzor": "liderzy innowacji, organizacje pozarządowe",
    "katalog": "liderzy innowacji, organizacje pozarządowe, pracownicy OPS/PCPR",
    "generator_srps": "zespół ds. strategii, pracownicy OPS/PCPR",
    "siec_liderow": "liderzy innowacji społecznych",
}

GLOSSARY = (
    ("koszt zaniechania (NPV)", "różnica między kosztami publicznymi przyszłości bez programu "
     "a przyszłości z programem (wraz z jego kosztem), w dzisiejszych pieniądzach; dodatni – "
     "program oszczędza, ujemny – program kosztuje więcej, niż oszczędza"),
    ("PV (wartość bieżąca)", "suma kwot z kolejnych lat przeliczona na pieniądze dzisiejsze "
     "(zdyskontowana)"),
    ("stopa dyskontowa", "roczna stopa, o którą pomniejsza się kwoty późniejszych lat, bo "
     "złotówka dziś jest warta więcej niż za kilka lat"),
    ("BCR", "wskaźnik korzyści do kosztów: ile złotych oszczędności przypada na 1 zł kosztu "
     "programu"),
    ("ROI", "zwrot z inwestycji: oszczędność netto jako odsetek kosztu programu"),
    ("P(NPV > 0)", "szansa, że program się opłaci: odsetek symulacji Monte Carlo, w których "
     "koszt zaniechania jest dodatni"),
    ("Monte Carlo", "wielokrotne przeliczenie modelu z losowo zmienianymi założeniami, by "
     "zobaczyć rozrzut możliwych wyników"),
    ("percentyl (5., 95.)", "wartość, poniżej której leży 5 % (95 %) wyników symulacji"),
    ("analiza wrażliwości (wykres tornado)", "zmiana wyniku przy niskiej i wysokiej wartości "
     "jednego założenia, pozostałe bez zmian"),
    ("ceny stałe i bieżące", "ceny stałe: kwoty w cenach roku bazowego; ceny bieżące: kwoty "
     "powiększone o przyjęty wzrost cen (indeksację) do cen danego roku"),
    *((label, meaning) for label, meaning in (
        (INPUT_LABELS["exit_rate"], "odsetek osób, które w ciągu roku same wychodzą z systemu "
         "pomocy"),
        (INPUT_LABELS["success"], "odsetek uczestników, których program usamodzielnia"),
        (INPUT_LABELS["relapse"], "odsetek osób samodzielnych, które w ciągu roku wracają do "
         "systemu pomocy"),
        (INPUT_LABELS["coverage"], "odsetek osób korzystających z pomocy objętych programem"),
        (INPUT_LABELS["programme_cost"], "roczny koszt programu na jednego uczestnika"),
        (INPUT_LABELS["inflow"], "liczba nowych osób trafiających co roku do systemu pomocy"),
    )),
)


def check_first(scenario: Scenario, base: ParameterBase
                ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The annex's "check these first" rows: the base figures whose plausible range moves the
    total NPV most, as ``kkz parametry --wplyw`` ranks them; and what depends on the JST's own
    decisions (a programme's coverage), with the same swing. One engine batch for both."""
    rows = influence(scenario, base, with_decisions=True)

    def issue(r: Influence) -> str:
        return base.issue(r.issue).nazwa if r.issue else "wszystkie kwestie"

    figures = [
        {"lp": str(n), "kwestia": issue(r), "parametr": r.name, "stopien": str(r.grade),
         "zmiana": fmt_money(r.swing, 0),
         "zrodlo": r.source + (f" Dlaczego założenie: {r.reason}" if r.reason else "")}
        for n, r in enumerate([r for r in rows if not r.decision][:CHECK_FIRST_ROWS], start=1)
    ]
    decisions = [
        {"lp": str(n), "kwestia": issue(r), "parametr": r.name.rsplit(": ", 1)[0],
         "wartosc": fmt_percent(r.value, 0), "zmiana": fmt_money(r.swing, 0)}
        for n, r in enumerate([r for r in rows if r.decision], start=1)
    ]
    return figures, decisions


def _grade_ranges(base: ParameterBase) -> str:
    """``± 5 % przy stopniu 1, …, ± 50 % przy stopniu 5`` (the ranking's plausible ranges)."""
    ranges = sorted(base.general.zakresy_stopni.wartosc.items())
    return ", ".join(f"±{NBSP}{fmt_number(100 * v, 0)}{NBSP}% przy stopniu {g}"
                     for g, v in ranges)


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
    base = default_base()
    data = data or StrategyData()
    today = today or dt.date.today()
    jst = scenario.jst
    kind = jst.kind
    names = jst_names(jst.name, kind)
    planned, trained = trainings(training, jst.name, today) if training else ([], [])
    start = data.rok_poczatkowy or today.year + 1
    end = start + results.horizon - 1
    indexation = base.indexation
    programmes = _programmes(katalog_rows)
    budgets = [yearly_budget(r.programme, r.inputs.financing, r.line_z, r.line_a,
                             cost_line_payers(r.lines), first_year=start,
                             price_year=results.price_year, indexation=indexation)
               for r in results.issues]
    issues = [_issue(n, r, programmes.get(r.code, []), kind, start, b)
              for n, (r, b) in enumerate(zip(results.issues, budgets, strict=True), start=1)]
    # Goals: the obligatory tasks first (goal 1), then the programmes that pay, best first.
    paying = sorted((i for i, r in enumerate(results.issues) if _pays(r)),
                    key=lambda i: _priority(results.issues[i], kind))
    not_paying = [i for i, r in enumerate(results.issues) if not _pays(r)]
    goals = [_goal(n, results.issues[i], issues[i], programmes.get(results.issues[i].code, []),
                   kind)
             for n, i in enumerate(paying, start=2)]
    for n, i in enumerate(paying, start=2):
        issues[i]["cel"] = n
    indicators = [row for r in results.issues
                  for row in _indicators("1", r, end, optional=False)]
    indicators += [row for n, i in enumerate(paying, start=2)
                   for row in _indicators(str(n), results.issues[i], end, optional=True)]
    frame_years = sum((_zl(budgets[i].programme_nominal) for i in paying),
                      np.zeros((results.horizon, len(PAYERS))))
    totals = results.totals
    mc = totals.monte_carlo
    has_mc = mc is not None or any(r.monte_carlo for r in results.issues)
    yearly_chart, tornado_charts = _issue_charts(results, with_charts, start)
    coordinator = data.osrodek or ("ośrodek pomocy społecznej" if kind != "powiat"
                                   else "powiatowe centrum pomocy rodzinie")
    kind_word = {"gmina": "gmina", "powiat": "powiat"}.get(kind, "miasto")
    figures_first, own_decisions = check_first(scenario, base)
    context: dict[str, Any] = {
        "jst": {
            "nazwa": names.nominative,
            "nazwa_dopelniacz": names.genitive,
            "nazwa_miejscownik": names.locative,
            "rodzaj": kind_word,
            "biernik": {"gmina": "gminę", "powiat": "powiat"}.get(kind, "miasto"),
            "dopelniacz": {"gmina": "gminy", "powiat": "powiatu"}.get(kind, "miasta"),
            "teryt": jst.teryt,
            "wojewodztwo": jst.voivodeship,
            "ludnosc": persons(jst.residents) if jst.residents is not None else "brak danych",
            "osrodek": data.osrodek,
            "koordynator": coordinator,
            "miejscowosc": data.miejscowosc,
            "budzet": _budget_label(kind, True),
            "budzet_dopelniacz": _budget_label(kind, True).replace("budżet ", "budżetu ", 1),
            "rada": {"gmina": "rada gminy", "powiat": "rada powiatu"}.get(kind, "rada miasta"),
        },
        "dokument": {
            "tytul": TITLE,
            "data": fmt_date(today),
            "rok_poczatkowy": start,
            "rok_koncowy": end,
            "okres": f"{start}–{end}",
        },
        "parametry": {
            "horyzont": years_phrase(results.horizon),
            "stopa": fmt_percent(results.rate, 1),
            "rok_cen": str(results.price_year),
            "mc": has_mc,
            "losowania": fmt_number(scenario.monte_carlo.draws, 0) if has_mc else "0",
            # "w 1 symulacji", "w 10 000 symulacjach" (locative after "w").
            "symulacje": (f"{fmt_number(scenario.monte_carlo.draws, 0)} "
                          f"{'symulacji' if scenario.monte_carlo.draws == 1 else 'symulacjach'}"
                          if has_mc else ""),
            "ziarno": str(scenario.monte_carlo.seed),
            "indeksacja": fmt_percent(indexation, 1),
            "indeksacja_zrodlo": base.general.indeksacja.zrodlo,
            "metoda": METHOD,
            "zakresy_stopni": _grade_ranges(base),
        },
        "diagnoza": {
            "wskazniki": [i.model_dump() for i in data.wskazniki] or [
                {"nazwa": "Liczba mieszkańców", "wartosc": persons(jst.residents)
                 if jst.residents is not None else "brak danych", "zrodlo": "GUS BDL"},
            ],
            "potencjal_es": data.potencjal_es or (
                "Podmioty ekonomii społecznej (centra i kluby integracji społecznej, "
                "spółdzielnie socjalne, organizacje pozarządowe) mogą realizować usługi "
                "społeczne i programy aktywizacji opisane w strategii."
                + (" Ich potencjał przedstawia poniższa tabela." if data.ekonomia_spoleczna
                   else "")),
            "ekonomia_spoleczna": [e.model_dump() for e in data.ekonomia_spoleczna],
        },
        "kwestie": issues,
        "cele": goals,
        "obowiazkowe": [issues[i] for i in range(len(issues))],
        "obowiazkowe_kreska": any(i["obowiazkowe_wlasne"] == "–" for i in issues),
        "obowiazkowe_razem": _money_or_dash(float(sum(
            _zl(b.obligatory_z_nominal)[:, payer_index(p)].sum()
            for b in budgets for p in own_payers(kind)))),
        "nieoplacalne": [issues[i] for i in not_paying],
        "wskazniki_realizacji": indicators,
        "ramy": {
            "lata": [_budget_row(start + t, frame_years[t], kind)
                     for t in range(results.horizon)],
            "razem": _budget_row("Razem", frame_years.sum(0), kind),
            "programy": [issues[i] for i in paying],
            "naglowek_wlasny": _budget_label(kind, True).capitalize(),
            "naglowek_inne": (_budget_label(kind, False) or "inne samorządy").capitalize(),
            "fundusze_ue": EU_NOTE,
        },
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
            "rok_zwrotu": break_even(totals.break_even_year, start),
            "platnicy": _payer_rows(totals.npv_by_payer),
            "mc_srednia": money(mc.mean) if mc else "–",
            "mc_p_dodatni": fmt_percent(mc.prob_positive, 1) if mc else "–",
            "wykres_kwestie": "",
            "wykres_platnicy": "",
            "wykres_koszty": yearly_chart,
            "wykresy_tornado": tornado_charts,
        },
        "liderzy": _leaders(liderzy_rows, jst.name, jst.teryt),
        "szkolenia": [t.model_dump() for t in (data.szkolenia or planned or [
            t.model_copy(update={"termin": str(start + ROMAN.index(t.termin.split()[0]))})
            if t.termin.split()[0] in ROMAN else t for t in DEFAULT_TRAININGS])],
        "przeszkoleni": trained,
        "monitoring": {
            "opis": data.monitoring or (
                f"Realizację strategii monitoruje {coordinator} na podstawie wskaźników z "
                "rozdziału „Wskaźniki realizacji działań”."),
            "zasady": list(MONITORING_RULES),
        },
        "do_sprawdzenia": figures_first,
        "decyzje": own_decisions,
        "slowniczek": [{"termin": t, "znaczenie": m} for t, m in GLOSSARY],
    }
    if with_charts:
        context["razem"]["wykres_kwestie"] = charts.npv_by_issue(
            [_name(r) for r in results.issues], [r.npv for r in results.issues])
        context["razem"]["wykres_platnicy"] = charts.npv_by_payer(
            [PAYER_LABELS[p] for p in PAYERS], totals.npv_by_payer)
    return context
