"""Declension of JST names for documents: „Strategia … Gminy Chlewiska”, „Powiatu
Szydłowieckiego”, „Miasta Radomia”, „w Powiecie Szydłowieckim”.

Official practice (KUL language advice, see ``domain.md``): the head noun of a gmina's name
declines and the name stays in the nominative (*Gminy Chlewiska*, *Gminy Miejskiej Górka*);
a powiat's name is an adjective that agrees (*Powiatu Szydłowieckiego*); a city's name declines
(*Miasta Radomia*, *Miasta Płocka*). Place names and adjectives are declined with the
morphological generator Morfeusz 2 and its SGJP dictionary (the ``morfeusz2`` package), chosen
over hand rules because Polish place names decline irregularly (Radom → Radomia, Siedlce →
Siedlec). When Morfeusz is missing or does not know a word, a tested fallback applies: adjectives
by their ending (-ski → -skiego), nouns left in the nominative (the official apposition).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

Case = Literal["gen", "loc"]

# Head nouns of JST names (lower case) and their genitive and locative.
_HEADS: dict[str, tuple[str, str]] = {
    "gmina": ("gminy", "gminie"),
    "miasto": ("miasta", "mieście"),
    "powiat": ("powiatu", "powiecie"),
}
_CONJUNCTIONS = {"i"}
_GMINA_KINDS = {"miejska", "wiejska", "miejsko-wiejska"}  # "Gmina Miejska Górka"
# Adjectival endings (nominative, masculine and feminine) → genitive, locative.
_ADJ_FALLBACK: tuple[tuple[str, str, str], ...] = (
    ("ski", "skiego", "skim"), ("cki", "ckiego", "ckim"), ("dzki", "dzkiego", "dzkim"),
    ("ny", "nego", "nym"), ("ni", "niego", "nim"), ("y", "ego", "ym"), ("i", "iego", "im"),
    ("ska", "skiej", "skiej"), ("cka", "ckiej", "ckiej"), ("na", "nej", "nej"),
    ("a", "ej", "ej"),
)


@dataclass(frozen=True)
class JstNames:
    """A JST's name in the forms a document needs."""

    nominative: str  # Gmina Chlewiska
    genitive: str  # Gminy Chlewiska (strategia …)
    locative: str  # Gminie Chlewiska (w …)


@functools.cache
def _morfeusz() -> Any | None:
    try:
        import morfeusz2  # optional: without it the fallback rules decline the name
    except ImportError:  # the fallback rules apply
        return None
    try:
        return morfeusz2.Morfeusz(expand_tags=False)
    except Exception:  # a broken dictionary must not stop a document
        return None


def _tag_has(tag: str, position: int, value: str) -> bool:
    parts = tag.split(":")
    return len(parts) > position and value in parts[position].split(".")


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _morf_form(word: str, case: Case, *, adjective: bool, gender: str | None) -> str | None:
    """``word`` (nominative) in ``case`` by Morfeusz; None when it does not know the word."""
    m = _morfeusz()
    if m is None:
        return None
    kind = "adj" if adjective else "subst"
    candidates = []
    for _s, _e, (_form, lemma, tag, quals, *_rest) in m.analyse(word):
        if not tag.startswith(kind + ":") or not _tag_has(tag, 2, "nom"):
            continue
        if adjective and gender and not _tag_has(tag, 3, gender):
            continue
        base = lemma.split(":", 1)[0]
        if base.lower() != word.lower():
            continue
        number = tag.split(":")[1].split(".")[0]
        noun_gender = tag.split(":")[3].split(".")[0] if not adjective else gender
        rank = 0 if "nazwa_geograficzna" in quals else 1
        candidates.append((rank, lemma, number, noun_gender))
    for _rank, lemma, number, noun_gender in sorted(candidates, key=lambda c: c[0]):
        for form, _lemma, tag, *_ in m.generate(lemma):
            if (tag.startswith(kind + ":") and _tag_has(tag, 1, number)
                    and _tag_has(tag, 2, case)
                    and (noun_gender is None or _tag_has(tag, 3, noun_gender))):
                return _match_case(word, form)
    return None


def adjective_form(word: str, case: Case, gender: str = "m3") -> str:
    """An adjective of a name in ``case``: szydłowiecki → szydłowieckiego / szydłowieckim."""
    found = _morf_form(word, case, adjective=True, gender=gender)
    if found is not None:
        return found
    return adjective_fallback(word, case)


def adjective_fallback(word: str, case: Case) -> str:
    """The ending rule used when Morfeusz does not know the adjective."""
    lower = word.lower()
    for nominative, gen, loc in _ADJ_FALLBACK:
        if lower.endswith(nominative):
            return word[: len(word) - len(nominative)] + _match_case(
                word[len(word) - len(nominative):] or "x", gen if case == "gen" else loc)
    return word


def place_form(name: str, case: Case) -> str:
    """A place name in ``case`` (Radom → Radomia / Radomiu; Mińsk Mazowiecki → Mińska
    Mazowieckiego); unchanged when any word is not known (the nominative stays correct in an
    apposition: „Miasta Radom”)."""
    words = name.split()
    if not words:
        return name
    head = _morf_form(words[0], case, adjective=False, gender=None)
    if head is None:
        return name
    gender = _noun_gender(words[0])
    out = [head]
    for word in words[1:]:
        if word[:1].islower():  # "nad", "Wielkopolski"… after a preposition: as written
            out.extend(words[len(out):])
            break
        form = _morf_form(word, case, adjective=True, gender=gender)
        if form is None:
            return name
        out.append(form)
    return " ".join(out)


def _noun_gender(word: str) -> str | None:
    m = _morfeusz()
    if m is None:
        return None
    for _s, _e, (_form, _lemma, tag, quals, *_r) in m.analyse(word):
        if tag.startswith("subst:") and "nazwa_geograficzna" in quals:
            return tag.split(":")[3].split(".")[0]
    return None


def _declined(name: str, kind: str, case: Case) -> str:
    words = name.split()
    head = words[0].lower() if words else ""
    if head not in _HEADS:
        prefix = {"gmina": "Gmina", "powiat": "Powiat"}.get(kind, "Miasto")
        return _declined(f"{prefix} {name}", kind, case)
    index = 0 if case == "gen" else 1
    out = [_match_case(words[0], _HEADS[head][index])]
    rest = words[1:]
    # "Miasto i Gmina X": both heads decline, the name stays as written.
    if rest[:1] and rest[0].lower() in _CONJUNCTIONS and len(rest) > 1 and \
            rest[1].lower() in _HEADS:
        out += [rest[0], _match_case(rest[1], _HEADS[rest[1].lower()][index])]
        return " ".join(out + rest[2:])
    if head == "powiat":
        # The powiat's name is one or more adjectives agreeing with "powiat" (m3).
        if rest and all(w[-1:].lower() in "iy" for w in rest):
            return " ".join(out + [adjective_form(w, case) for w in rest])
        return " ".join(out + rest)
    if head == "gmina":
        # "Gmina Miejska X", "Gmina Wiejska X": the adjective agrees, the name stays.
        if rest and rest[0].lower() in _GMINA_KINDS:
            out.append(adjective_fallback(rest[0], case))
            rest = rest[1:]
        return " ".join(out + rest)
    # "Miasto X" (a city): the city's name declines where the dictionary knows it.
    if rest and rest[0].lower() in {"stołeczne"}:
        out.append(_match_case(rest[0], "stołecznego" if case == "gen" else "stołecznym"))
        rest = rest[1:]
    return " ".join(out + ([place_form(" ".join(rest), case)] if rest else []))


def jst_names(name: str, kind: str = "gmina") -> JstNames:
    """The name's nominative (with its head noun), genitive and locative.

    >>> jst_names("Gmina Chlewiska").genitive
    'Gminy Chlewiska'
    """
    name = " ".join(name.split())
    words = name.split()
    full = name if words and words[0].lower() in _HEADS else _declined_nominative(name, kind)
    return JstNames(full, _declined(name, kind, "gen"), _declined(name, kind, "loc"))


def _declined_nominative(name: str, kind: str) -> str:
    prefix = {"gmina": "Gmina", "powiat": "Powiat"}.get(kind, "Miasto")
    return f"{prefix} {name}"
