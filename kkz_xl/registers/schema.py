"""The two registers' columns, defined once: Polish headers, types, rules, help, merge rules.

Every other module (reading, checking, merging, the workbooks, exports, the Excel functions,
the CLI) takes headers and rules from here. A row is validated by a pydantic model generated
from the same column list, so a header cannot drift between the sheet and the checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from kkz_xl.params.base import default_base
from kkz_xl.registers import values as v


class Kind(StrEnum):
    """What a column holds; decides parsing, cell format and the sheet's validation."""

    TEXT = "tekst"
    LONG_TEXT = "tekst długi"
    CODES = "kody kwestii"
    LIST = "lista"
    COUNT = "liczba osób"
    MONEY = "kwota"
    SHARE = "udział"
    LEVEL = "poziom dowodów"
    DATE = "data"
    YEARS = "lata"
    TERYT = "TERYT"
    JST = "JST"
    EMAIL = "e-mail"
    PHONE = "telefon"
    STATUS = "status"
    CONSENT = "zakres zgody"


class Merge(StrEnum):
    """How the Dyfuzor combines one column of rows that describe the same thing."""

    KEY = "klucz"  # part of the identity: spelling variants meet, one spelling is shown
    VALUE = "wartość"  # must agree; different values go to the conflicts sheet
    UNION = "suma zbiorów"  # lists: every item of every source is kept
    LATEST = "najpóźniejsza"  # dates of update or sending: the latest one
    ID = "identyfikator"  # the regional register numbers rows from their key
    TRAIL = "pochodzenie"  # provenance and conflict notes: every entry is kept


# The evidence scale (1 best). Sorting programmes "best evidence first" means ascending level.
EVIDENCE_LEVELS: dict[int, str] = {
    1: "badanie z grupą kontrolną (losową lub dopasowaną)",
    2: "porównanie z grupą porównawczą bez losowania (quasi-eksperyment)",
    3: "pomiar przed i po, bez grupy porównawczej (monitoring rezultatów)",
    4: "studium przypadku, dane jakościowe",
    5: "opinia realizatora lub ekspertów",
}
STATUSES: tuple[str, ...] = ("planowany", "w realizacji", "zakończony", "zawieszony")

# Consent of a leader to processing their contact data (RODO art. 6 ust. 1 lit. a).
CONSENT_SHARE = "udostępnianie w sieci"
CONSENT_CENTRE = "tylko centrum regionalne"
CONSENT_WITHDRAWN = "wycofana"
CONSENT_SCOPES: tuple[str, ...] = (CONSENT_SHARE, CONSENT_CENTRE, CONSENT_WITHDRAWN)
CONSENT_SCOPE_HELP: dict[str, str] = {
    CONSENT_SHARE: "kontakt może być przekazany innym JST i liderom Sieci",
    CONSENT_CENTRE: "kontakt przechowuje tylko centrum regionalne, bez udostępniania",
    CONSENT_WITHDRAWN: "zgoda wycofana: dane kontaktowe należy usunąć",
}

# Mazowieckie powiats and city powiats with their TERYT codes (GUS TERYT register); the JST
# dropdown offers them and staff may type any other JST (warning-style validation).
MAZOWIECKIE_POWIATY: dict[str, str] = {
    "powiat białobrzeski": "1401", "powiat ciechanowski": "1402", "powiat garwoliński": "1403",
    "powiat gostyniński": "1404", "powiat grodziski": "1405", "powiat grójecki": "1406",
    "powiat kozienicki": "1407", "powiat legionowski": "1408", "powiat lipski": "1409",
    "powiat łosicki": "1410", "powiat makowski": "1411", "powiat miński": "1412",
    "powiat mławski": "1413", "powiat nowodworski": "1414", "powiat ostrołęcki": "1415",
    "powiat ostrowski": "1416", "powiat otwocki": "1417", "powiat piaseczyński": "1418",
    "powiat płocki": "1419", "powiat płoński": "1420", "powiat pruszkowski": "1421",
    "powiat przasnyski": "1422", "powiat przysuski": "1423", "powiat pułtuski": "1424",
    "powiat radomski": "1425", "powiat siedlecki": "1426", "powiat sierpecki": "1427",
    "powiat sochaczewski": "1428", "powiat sokołowski": "1429", "powiat szydłowiecki": "1430",
    "powiat warszawski zachodni": "1432", "powiat węgrowski": "1433",
    "powiat wołomiński": "1434", "powiat wyszkowski": "1435", "powiat zwoleński": "1436",
    "powiat żuromiński": "1437", "powiat żyrardowski": "1438",
    "m. Ostrołęka": "1461011", "m. Płock": "1462011", "m. Radom": "1463011",
    "m. Siedlce": "1464011", "m.st. Warszawa": "1465011",
}


@cache
def issue_names() -> dict[str, str]:
    """Issue code → name from the parameter base, in the KKZ order (the base's ``kolejnosc``)."""
    return {code: issue.nazwa for code, issue in default_base().issues.items()}


@cache
def _codes_parser() -> v.Parser:
    return v.code_parser(issue_names())


def parse_codes(value: object) -> Any:
    """Issue codes (or names) separated by ``;`` → known codes in the KKZ order."""
    return _codes_parser()(value)


PARSERS: dict[Kind, v.Parser] = {
    Kind.TEXT: v.parse_text,
    Kind.LONG_TEXT: v.parse_text,
    Kind.JST: v.parse_text,
    Kind.CODES: parse_codes,
    Kind.LIST: v.parse_list,
    Kind.COUNT: v.parse_count,
    Kind.MONEY: v.parse_money,
    Kind.SHARE: v.parse_share,
    Kind.LEVEL: v.parse_level,
    Kind.DATE: v.parse_date,
    Kind.YEARS: v.parse_years,
    Kind.TERYT: v.parse_teryt,
    Kind.EMAIL: v.parse_email,
    Kind.PHONE: v.parse_phone,
    Kind.STATUS: v.choice_parser(STATUSES),
    Kind.CONSENT: v.choice_parser(CONSENT_SCOPES),
}
PY_TYPES: dict[Kind, Any] = {
    Kind.CODES: list[str], Kind.LIST: list[str], Kind.COUNT: int, Kind.MONEY: float,
    Kind.SHARE: float, Kind.LEVEL: int, Kind.DATE: dt.date,
}


@dataclass(frozen=True)
class Column:
    """One column of a register sheet."""

    key: str  # field name of the row model
    header: str  # the Polish header in the sheet, CSV and JSON
    kind: Kind
    help: str  # Polish: what belongs in the column (instructions sheet, input prompt)
    required: bool = False
    merge: Merge = Merge.VALUE
    width: int = 18

    def parse(self, value: object) -> Any:
        """The typed value of a cell, ``None`` when empty; ``ValueError`` in Polish if bad."""
        return PARSERS[self.kind](value)


def _required(value: Any) -> Any:
    if value is None:
        raise ValueError("pole wymagane, brak wartości")
    return value


@dataclass(frozen=True)
class RegisterSchema:
    """A register: its sheet and Excel table, its columns and the rules built on them."""

    kind: str  # "katalog" or "liderzy": the CLI group and the JSON marker
    title: str
    sheet: str
    table: str
    columns: tuple[Column, ...]
    name_key: str  # key of the name column; with JST it identifies a row
    id_prefix: str
    contacts: tuple[str, ...] = ()  # keys of personal contact columns
    anonymous: tuple[str, ...] = ()  # keys kept in the anonymised export
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {c.key: c for c in self.columns})

    @cached_property
    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header(self, key: str) -> str:
        """The Polish header of the column with ``key``."""
        return self.by_key[key].header

    @cached_property
    def model(self) -> type[BaseModel]:
        """The pydantic model of one row; fields are aliased to the Polish headers."""
        fields: dict[str, Any] = {}
        for col in self.columns:
            validators: list[Any] = [BeforeValidator(col.parse)]
            if col.required:
                validators.append(AfterValidator(_required))
            typ = PY_TYPES.get(col.kind, str)
            fields[col.key] = (
                Annotated[typ | None, *validators],
                Field(default=None, alias=col.header, validate_default=col.required,
                      description=col.help),
            )
        config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)
        name = "ProgrammeRow" if self.kind == "katalog" else "LeaderRow"
        return create_model(name, __config__=config, **fields)


# Provenance and merge columns shared by both registers.
_SENDER = Column("przeslal", "Przesłał(a)", Kind.TEXT,
                 "Kto przesłał wiersz do centrum regionalnego (JST, osoba); uzupełniane przy "
                 "imporcie i scalaniu.", merge=Merge.UNION, width=22)
_SENT = Column("data_przeslania", "Data przesłania", Kind.DATE,
               "Kiedy wiersz przesłano (RRRR-MM-DD); uzupełniane przy imporcie i scalaniu.",
               merge=Merge.LATEST, width=14)
_TRAIL = Column("pochodzenie", "Pochodzenie", Kind.LONG_TEXT,
                "Skąd pochodzi wiersz: plik, arkusz i numer wiersza każdego zgłoszenia "
                "(wypełnia Dyfuzor przy scalaniu; nie edytuj).", merge=Merge.TRAIL, width=40)
_CONFLICTS = Column("konflikty", "Konflikty", Kind.TEXT,
                    "Kolumny, w których zgłoszenia się różnią; wartości są w arkuszu "
                    "„Konflikty” (wypełnia Dyfuzor).", merge=Merge.UNION, width=22)
_SOURCE_ID = Column("id_zgloszenia", "ID w zgłoszeniu", Kind.TEXT,
                    "Identyfikatory, które wierszowi nadały JST w swoich plikach (wypełnia "
                    "Dyfuzor: regionalne ID zastępuje je w kolumnie „ID”, nic nie ginie).",
                    merge=Merge.UNION, width=16)
_UPDATED = Column("data_aktualizacji", "Data aktualizacji", Kind.DATE,
                  "Data ostatniej aktualizacji wiersza (RRRR-MM-DD).", merge=Merge.LATEST,
                  width=14)


def _jst(help_text: str) -> Column:
    return Column("jst", "JST", Kind.JST, help_text, required=True, merge=Merge.KEY, width=24)


_TERYT_COL = Column("teryt", "TERYT", Kind.TERYT,
                    "Kod TERYT JST: 7 cyfr gminy (np. 1463011), 4 cyfry powiatu.", width=10)
_ISSUES_HELP = ("Kod kwestii społecznej z listy (np. bezrobocie); kilka kodów oddziel średnikiem, "
                "np. „bezrobocie; ubostwo”.")

CATALOGUE = RegisterSchema(
    kind="katalog",
    title="Katalog Innowacji Społecznych",
    sheet="Katalog",
    table="TabKatalog",
    name_key="nazwa",
    id_prefix="KAT",
    contacts=("kontakt",),
    columns=(
        Column("id", "ID", Kind.TEXT, "Identyfikator programu nadany przez JST (dowolny, "
               "np. K-001); w rejestrze regionalnym nadaje go Dyfuzor.", merge=Merge.ID,
               width=12),
        Column("nazwa", "Nazwa programu", Kind.TEXT, "Nazwa programu lub działania.",
               required=True, merge=Merge.KEY, width=36),
        Column("opis", "Opis", Kind.LONG_TEXT, "Na czym polega program (kilka zdań).", width=48),
        Column("kwestie", "Kwestie", Kind.CODES, _ISSUES_HELP, required=True,
               merge=Merge.UNION, width=22),
        Column("grupa_docelowa", "Grupa docelowa", Kind.TEXT, "Do kogo program jest skierowany.",
               width=28),
        Column("realizator", "Realizator", Kind.TEXT, "Kto realizuje program (OPS, PCPR, NGO…).",
               width=28),
        _jst("JST, w której realizowano program (wybierz z listy lub wpisz nazwę)."),
        _TERYT_COL,
        Column("lata", "Lata realizacji", Kind.YEARS,
               "Rok lub przedział lat, np. 2019-2023; trwający: 2022-.", width=14),
        Column("uczestnicy", "Liczba uczestników", Kind.COUNT,
               "Ilu uczestników objął program (liczba całkowita ≥ 0).", width=12),
        Column("koszt_uczestnika", "Koszt na uczestnika [zł]", Kind.MONEY,
               "Średni koszt programu na jednego uczestnika w zł (≥ 0).", width=14),
        Column("skutecznosc", "Skuteczność", Kind.SHARE,
               "Odsetek uczestników, którzy się usamodzielnili: od 0 do 1 (w komórce "
               "procentowej 35%).", width=12),
        Column("pomiar", "Sposób pomiaru skuteczności", Kind.LONG_TEXT,
               "Jak zmierzono skuteczność (kogo, kiedy, po jakim czasie).", width=36),
        Column("poziom_dowodow", "Poziom dowodów", Kind.LEVEL,
               "Siła dowodów skuteczności: 1 (badanie z grupą kontrolną) … 5 (opinia).",
               width=10),
        Column("finansowanie", "Źródła finansowania", Kind.TEXT,
               "Z czego finansowano (budżet gminy, EFS+, Fundusz Pracy…).", width=28),
        Column("kontakt", "Kontakt", Kind.TEXT,
               "Kontakt do realizatora (instytucji; nie podawaj danych osobowych bez zgody).",
               width=28),
        Column("zrodlo", "Źródło / link", Kind.TEXT,
               "Skąd informacja: raport, strona, uchwała (adres lub opis).", width=30),
        Column("status", "Status", Kind.STATUS, "Stan programu: " + ", ".join(STATUSES) + ".",
               width=14),
        _UPDATED, _SENDER, _SENT, _TRAIL, _CONFLICTS, _SOURCE_ID,
    ),
)

LEADERS = RegisterSchema(
    kind="liderzy",
    title="Sieć Liderów Innowacji Społecznych",
    sheet="Liderzy",
    table="TabLiderzy",
    name_key="osoba",
    id_prefix="LID",
    contacts=("email", "telefon"),
    anonymous=("jst", "teryt", "kwestie", "kompetencje", "szkolenia", "data_aktualizacji"),
    columns=(
        Column("id", "ID", Kind.TEXT, "Identyfikator lidera nadany przez JST (np. L-001); w "
               "rejestrze regionalnym nadaje go Dyfuzor.", merge=Merge.ID, width=12),
        Column("osoba", "Imię i nazwisko", Kind.TEXT, "Imię i nazwisko lidera.", required=True,
               merge=Merge.KEY, width=26),
        _jst("JST, w której działa lider (wybierz z listy lub wpisz nazwę)."),
        _TERYT_COL,
        Column("instytucja", "Instytucja", Kind.TEXT, "Miejsce pracy (OPS, PCPR, PUP, NGO…).",
               width=28),
        Column("funkcja", "Funkcja", Kind.TEXT, "Stanowisko lub rola.", width=22),
        Column("kwestie", "Kwestie", Kind.CODES, _ISSUES_HELP, merge=Merge.UNION, width=22),
        Column("kompetencje", "Kompetencje", Kind.LIST,
               "W czym lider może pomóc; kilka pozycji oddziel średnikiem.", merge=Merge.UNION,
               width=30),
        Column("szkolenia", "Ukończone szkolenia", Kind.LIST,
               "Ukończone szkolenia (np. „Kalkulator KKZ 2025”); oddziel średnikiem.",
               merge=Merge.UNION, width=30),
        Column("email", "E-mail", Kind.EMAIL,
               "Adres e-mail – tylko gdy jest zapisana zgoda (data i zakres).", width=26),
        Column("telefon", "Telefon", Kind.PHONE,
               "Telefon – tylko gdy jest zapisana zgoda (data i zakres).", width=16),
        Column("zgoda_data", "Zgoda – data", Kind.DATE,
               "Data wyrażenia zgody na przetwarzanie danych kontaktowych.", width=14),
        Column("zgoda_zakres", "Zgoda – zakres", Kind.CONSENT,
               "Zakres zgody: " + "; ".join(f"„{k}” – {d}" for k, d in CONSENT_SCOPE_HELP.items())
               + ".", width=24),
        _UPDATED, _SENDER, _SENT, _TRAIL, _CONFLICTS, _SOURCE_ID,
    ),
)

SCHEMAS: dict[str, RegisterSchema] = {s.kind: s for s in (CATALOGUE, LEADERS)}

ProgrammeRow: type[BaseModel] = CATALOGUE.model
LeaderRow: type[BaseModel] = LEADERS.model

# The conflicts sheet of a regional register: one row per (regional row, column, value, source).
CONFLICT_SHEET = "Konflikty"
CONFLICT_HEADERS: tuple[str, ...] = ("ID", "Nazwa", "JST", "Kolumna", "Wartość", "Źródło",
                                     "Decyzja")
INSTRUCTIONS_SHEET = "Instrukcja"
RECONCILIATION_SHEET = "Uzgodnienie"  # where every sent row and cell went (reconcile.py)
STATE_SHEET = "Dyfuzor_stan"  # hidden: fingerprints of what the Dyfuzor wrote, by ID
LISTS_SHEET = "Słowniki"
