"""Mapping the headers staff type onto the schema's columns, with the reason of each mapping.

In order: the schema's header (case, spaces, diacritics, brackets ignored), the column's field
key (``koszt_uczestnika`` from JSON), a synonym (``Email``, ``Tel.``, ``Gmina``), and a close
spelling (``Koszt na uczestnika (zł)``, ``Nazwa programmu``) scored by rapidfuzz. A header that
matches nothing is kept as the user's own column; none is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from kkz_xl.registers.schema import RegisterSchema
from kkz_xl.registers.text import fold

_PUNCT = re.compile(r"[^\w]+")
FUZZY_THRESHOLD = 88  # rapidfuzz ratio (0–100) from which a typo is taken for a header

# Folded header spellings seen in gminas' files → the schema field key.
SYNONYMS: dict[str, dict[str, str]] = {
    "katalog": {
        "program": "nazwa", "nazwa": "nazwa", "nazwa dzialania": "nazwa",
        "nazwa projektu": "nazwa", "tytul programu": "nazwa",
        "gmina": "jst", "jednostka": "jst", "samorzad": "jst", "jst gmina": "jst",
        "kwestia": "kwestie", "kwestie spoleczne": "kwestie", "problem": "kwestie",
        "koszt na osobe": "koszt_uczestnika", "koszt uczestnika": "koszt_uczestnika",
        "koszt na uczestnika": "koszt_uczestnika", "koszt jednostkowy": "koszt_uczestnika",
        "liczba osob": "uczestnicy", "uczestnicy": "uczestnicy",
        "lata": "lata", "okres realizacji": "lata", "email": "kontakt", "e mail": "kontakt",
        "telefon": "kontakt", "tel": "kontakt", "link": "zrodlo", "zrodlo": "zrodlo",
    },
    "liderzy": {
        "imie nazwisko": "osoba", "lider": "osoba", "osoba": "osoba", "nazwisko i imie": "osoba",
        "imie i nazwisko lidera": "osoba",
        "gmina": "jst", "jednostka": "jst", "samorzad": "jst",
        "email": "email", "e mail": "email", "mail": "email", "adres email": "email",
        "adres e mail": "email", "poczta": "email", "poczta e mail": "email",
        "tel": "telefon", "tel kom": "telefon", "telefon kom": "telefon",
        "telefon komorkowy": "telefon", "nr telefonu": "telefon", "numer telefonu": "telefon",
        "nr tel": "telefon", "komorka": "telefon", "telefon sluzbowy": "telefon",
        "zgoda data": "zgoda_data", "data zgody": "zgoda_data",
        "zgoda zakres": "zgoda_zakres", "zakres zgody": "zgoda_zakres", "zgoda": "zgoda_zakres",
        "kwestia": "kwestie", "stanowisko": "funkcja", "szkolenia": "szkolenia",
    },
}
# Any header with these words is a personal contact column (for tables no reader mapped).
_CONTACT_WORDS = re.compile(r"^(e ?mail|mail|tel|telefon|nr tel|komorka|poczta)\b")


def norm(text: str) -> str:
    """Folded, punctuation and brackets as spaces: ``Koszt na uczestnika (zł)`` →
    ``koszt na uczestnika zl``; ``koszt_uczestnika`` → ``koszt uczestnika``."""
    return " ".join(_PUNCT.sub(" ", fold(text).replace("_", " ")).split())


@cache
def contact_synonym(header: str) -> bool:
    """The header names a personal contact (``Email``, ``Tel.``, ``Telefon kom.``)."""
    return bool(_CONTACT_WORDS.match(norm(header)))


@dataclass(frozen=True)
class HeaderMatch:
    """Where a typed header goes and why (``how`` is Polish, for the report)."""

    typed: str
    header: str | None  # the schema's header, None when kept as the user's own column
    how: str  # "dokładnie", "pisownia", "klucz", "synonim", "podobieństwo 93%"


@cache
def _targets(schema: RegisterSchema) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in schema.columns:
        out[norm(col.header)] = col.header
    return out


@cache
def match_header(schema: RegisterSchema, typed: str) -> HeaderMatch:
    """The schema column a typed header means, or ``None`` (kept as typed)."""
    if typed in schema.by_header:
        return HeaderMatch(typed, typed, "dokładnie")
    key = norm(typed)
    if not key:
        return HeaderMatch(typed, None, "brak nagłówka")
    targets = _targets(schema)
    if key in targets:
        return HeaderMatch(typed, targets[key], "pisownia")
    keys = {norm(c.key): c.header for c in schema.columns}
    if key in keys:
        return HeaderMatch(typed, keys[key], "klucz JSON")
    synonyms = SYNONYMS.get(schema.kind, {})
    if key in synonyms:
        return HeaderMatch(typed, schema.header(synonyms[key]), "synonim")
    found = process.extractOne(key, list(targets) + list(synonyms), scorer=fuzz.ratio,
                               score_cutoff=FUZZY_THRESHOLD)
    if found is not None and len(key) >= 4:
        choice, score, _ = found
        header = targets.get(choice) or schema.header(synonyms[choice])
        return HeaderMatch(typed, header, f"podobieństwo {score:.0f}%")
    return HeaderMatch(typed, None, "kolumna własna")


def map_headers(schema: RegisterSchema, typed: list[str]) -> list[HeaderMatch]:
    """Every typed header mapped; a schema column claimed twice goes to the better match
    (exact before spelling before key before synonym before a close spelling), the other
    header is kept as the user's own column, so no value is overwritten."""
    rank = {"dokładnie": 0, "pisownia": 1, "klucz JSON": 2, "synonim": 3}
    matches = [match_header(schema, t) for t in typed]
    best: dict[str, int] = {}
    for i, m in enumerate(matches):
        if m.header is None:
            continue
        j = best.get(m.header)
        if j is None or rank.get(m.how, 9) < rank.get(matches[j].how, 9):
            best[m.header] = i
    return [m if m.header is None or best[m.header] == i
            else HeaderMatch(m.typed, None, f"kolumna własna (kolumnę „{m.header}” zajmuje "
                                            f"„{matches[best[m.header]].typed}”)")
            for i, m in enumerate(matches)]
