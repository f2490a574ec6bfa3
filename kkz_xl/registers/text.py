"""Text rules of the registers: the de-duplication key and formula-injection safety.

Two spellings of one programme sent by two gminas ("Klub Integracji Społecznej" and
"klub  integracji spolecznej ") must meet in the regional register, so keys ignore case,
runs of whitespace, diacritics (including ``ł``, which Unicode does not decompose), typographic
quotes and dash variants.
"""

from __future__ import annotations

import re
import unicodedata

# Formula-like text: defined once at the bottom floor (reporting needs it too).
from kkz_xl.storage.safe_text import FORMULA_PREFIXES, is_formula_like

__all__ = ["FORMULA_PREFIXES", "Formula", "fold", "is_formula_like", "jst_core", "squash"]

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "\"'„”“‚‘’«»`")
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "–": "-", "—": "-", "‑": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Lower-case ASCII-ish form: no diacritics, single spaces, no quotes."""
    text = text.translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _WS.sub(" ", text.translate(_QUOTES)).strip().casefold()


# How a JST's kind is written before its name ("Gmina Bodzanów", "m. Radom", "Miasto i Gmina
# Wyszków", "m.st. Warszawa"); longest first so the longer form wins.
_JST_KINDS = re.compile(
    r"^(miasto i gmina|gmina miejsko-wiejska|gmina miejska|gmina wiejska|gmina|"
    r"miasto stoleczne|m\.\s*st\.|miasto na prawach powiatu|miasto|m\.|powiat)\s+")


def jst_core(name: str) -> str:
    """A JST's name without its kind, folded: "Gmina Bodzanów" and "Bodzanów" meet; for
    matching people and programmes to a JST across registers written by different hands.
    (The Dyfuzor's duplicate key keeps the kind: a gmina and a powiat may share a name.)"""
    folded = fold(name)
    return _JST_KINDS.sub("", folded, count=1).strip() or folded


def squash(text: str) -> str:
    """The text with runs of whitespace reduced to one space and the ends trimmed."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


class Formula(str):
    """A formula the user wrote in their own register (kept as a formula when written back).

    Everything else that is text, and a formula that came from another file, is written as
    text: only the user's own workbook may hold formulas.
    """

    __slots__ = ()
