"""The regional Katalog as the web pages show it: filtered, sorted by evidence, and with
leaders' contacts only where their consent allows sharing them in the Sieć.

Contacts never reach a page for someone not signed in, and never a search result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from kkz_xl.errors import InputError
from kkz_xl.registers.consent import may_share_contacts
from kkz_xl.registers.programme import programme_inputs
from kkz_xl.registers.register import Register, Row
from kkz_xl.registers.schema import CATALOGUE, LEADERS, issue_names
from kkz_xl.registers.search import row_issues, search
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty

#: Catalogue columns a page shows; the catalogue's free-text „Kontakt” is left out (it may
#: name a person, and the catalogue records no consent).
SHOWN = ("nazwa", "opis", "kwestie", "grupa_docelowa", "realizator", "jst", "teryt", "lata",
         "uczestnicy", "koszt_uczestnika", "skutecznosc", "pomiar", "poziom_dowodow",
         "finansowanie", "zrodlo", "status", "data_aktualizacji", "przeslal", "pochodzenie",
         "konflikty")
PAGE = 50


@dataclass(frozen=True)
class Filters:
    """What a search asks for; every field optional, validated at the edge."""

    tekst: str | None = None
    kwestia: str | None = None
    jst: str | None = None
    poziom_max: int | None = None
    koszt_max: float | None = None
    skutecznosc_min: float | None = None

    @classmethod
    def parse(cls, query: dict[str, str]) -> Filters:
        def text(name: str) -> str | None:
            value = (query.get(name) or "").strip()
            if len(value) > 200:
                raise InputError(name, "najwyżej 200 znaków")
            return value or None

        def number(name: str, low: float, high: float) -> float | None:
            raw = text(name)
            if raw is None:
                return None
            try:
                value = float(raw.replace(" ", "").replace("\u00a0", "").replace(",", "."))
            except ValueError:
                raise InputError(name, f"oczekiwano liczby, otrzymano „{raw}”") from None
            if not low <= value <= high:
                raise InputError(name, f"oczekiwano liczby od {low:g} do {high:g}")
            return value

        kwestia = text("kwestia")
        if kwestia is not None and kwestia not in issue_names():
            raise InputError("kwestia", "wybierz kwestię z listy")
        level = number("poziom_max", 1, 5)
        success = number("skutecznosc_min", 0, 100)
        return cls(tekst=text("tekst"), kwestia=kwestia, jst=text("jst"),
                   poziom_max=int(level) if level is not None else None,
                   koszt_max=number("koszt_max", 0, 1e9),
                   skutecznosc_min=success / 100 if success is not None else None)


def _typed(key: str, row: Row) -> Any:
    col = CATALOGUE.by_key[key]
    value = row.get(col.header)
    if is_empty(value):
        return None
    try:
        return col.parse(value)
    except ValueError:
        return value  # shown as written; the register's check reports it


def item(register: Register, index: int) -> dict[str, Any]:
    """One programme as the pages show it (typed values where valid)."""
    row = register.rows[index]
    out = {key: _typed(key, row) for key in SHOWN}
    out["id"] = str(row.get(CATALOGUE.header("id")) or "").strip()
    names = issue_names()
    out["kwestie_nazwy"] = [names.get(c, c) for c in row_issues(register, row)]
    out["kwestie_kody"] = row_issues(register, row)
    source = out["zrodlo"]
    out["zrodlo_link"] = (str(source) if isinstance(source, str)
                          and source.startswith(("https://", "http://")) and " " not in source
                          else None)
    return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def find(register: Register, filters: Filters) -> list[dict[str, Any]]:
    """Programmes matching ``filters``, best evidence first, then higher success."""
    found = search(register, kwestia=filters.kwestia, jst=filters.jst, tekst=filters.tekst)
    items = [item(register, i) for i in found]

    def keep(it: dict[str, Any]) -> bool:
        level, cost, success = (_number(it["poziom_dowodow"]), _number(it["koszt_uczestnika"]),
                                _number(it["skutecznosc"]))
        if filters.poziom_max is not None and (level is None or level > filters.poziom_max):
            return False
        if filters.koszt_max is not None and (cost is None or cost > filters.koszt_max):
            return False
        return filters.skutecznosc_min is None or (
            success is not None and success >= filters.skutecznosc_min)

    items = [it for it in items if keep(it)]
    items.sort(key=lambda it: (_number(it["poziom_dowodow"]) or 9,
                               -(_number(it["skutecznosc"]) or 0), fold(str(it["nazwa"] or ""))))
    return items


def by_id(register: Register, programme_id: str) -> int:
    id_h = CATALOGUE.header("id")
    for i, row in enumerate(register.rows):
        if str(row.get(id_h) or "").strip() == programme_id:
            return i
    raise KeyError(programme_id)


def jst_values(register: Register) -> list[str]:
    """The JSTs of the register, for the filter's suggestions."""
    jst_h = register.schema.header("jst")
    return sorted({str(r[jst_h]) for r in register.rows if not is_empty(r.get(jst_h))},
                  key=lambda s: (fold(s), s))


def leaders_for(leaders: Register | None, programme: dict[str, Any],
                signed_in: bool) -> tuple[list[dict[str, Any]], int]:
    """Leaders of the programme's JST working on its issues: shown (name, institution,
    contacts) only to signed-in members of the Sieć and only with consent to sharing;
    otherwise only counted."""
    if leaders is None or not programme.get("jst"):
        return [], 0
    codes = set(programme["kwestie_kody"])
    jst_key = fold(str(programme["jst"]))
    matching = [r for r in leaders.rows
                if fold(str(r.get(LEADERS.header("jst")) or "")) == jst_key
                and (not codes or codes & set(row_issues(leaders, r)))]
    shown = []
    if signed_in:
        for row in matching:
            if not may_share_contacts(LEADERS, row):
                continue
            shown.append({k: row.get(LEADERS.header(k))
                          for k in ("osoba", "instytucja", "funkcja", "email", "telefon")})
    return shown, len(matching)


def scenario_fragment(register: Register, index: int, code: str | None, source: str) -> str:
    """The scenario fragment ``kkz katalog do-scenariusza`` writes, as a file to download."""
    row = register.rows[index]
    values = programme_inputs(row)
    codes = row_issues(register, row)
    code = code or (codes[0] if codes else None)
    if code is None:
        raise InputError("kwestia", "program nie ma przypisanej kwestii")
    if code not in issue_names():
        raise InputError("kwestia", "wybierz kwestię z listy")
    programme_id = str(row.get(CATALOGUE.header("id")) or "").strip()
    header = (f"# Fragment scenariusza KKZ: program z Katalogu Innowacji Społecznych\n"
              f"# Źródło: {source}, program {programme_id}, pobrano {dt.date.today():%Y-%m-%d}.\n"
              f"# Wklej do listy „kwestie” swojego scenariusza albo użyj polecenia:\n"
              f"#   kkz katalog do-scenariusza KATALOG.xlsx {programme_id} SCENARIUSZ.yaml "
              f"--kwestia {code}\n")
    body = {"kwestie": [{"kod": code, "nazwa_programu": values["nazwa"],
                         "koszt_uczestnika": values["koszt_uczestnika"],
                         "skutecznosc": values["skutecznosc"]}]}
    return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
