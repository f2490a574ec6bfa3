"""Polish formatting of numbers, money, percentages and dates for messages and documents.

Non-breaking spaces group thousands (``1 234,50 zł``), as Polish typography requires, so a
number never wraps across lines in a document.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import textwrap
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"  # a typographic minus: a hyphen before an amount reads as a dash
MONTHS_GENITIVE = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
)


def fmt_number(value: float, decimals: int = 2, *, group: bool = True) -> str:
    """Format ``value`` the Polish way: ``1 234,50`` (comma decimal, NBSP thousands)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    # Round before choosing the sign, so that -0.001 shows as 0, never "−0".
    value = round(value, decimals)
    if value == 0:
        value = abs(value)
    text = f"{value:,.{decimals}f}" if group else f"{value:.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",").replace("-", MINUS)


def fmt_plain(value: object) -> str:
    """Show a value received from a user as it would read in Polish (``1,5`` for 1.5)."""
    if isinstance(value, bool):
        return "PRAWDA" if value else "FAŁSZ"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "pusta komórka"
    return f"„{value}”"


def fmt_money(value: float, decimals: int = 2) -> str:
    """``1 234,50 zł``."""
    return f"{fmt_number(value, decimals)}{NBSP}zł"


def fmt_percent(value: float, decimals: int = 1) -> str:
    """``12,5 %`` for 0.125 (Polish usage puts a space before the percent sign)."""
    return f"{fmt_number(100 * value, decimals)}{NBSP}%"


def fmt_date(day: dt.date) -> str:
    """``23 listopada 2026 r.``."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year}{NBSP}r."


def plural(n: int, one: str, few: str, many: str) -> str:
    """``n`` with the Polish noun form it takes: 1 wiersz, 2 wiersze, 5 wierszy, 22 wiersze.

    >>> [plural(n, "wiersz", "wiersze", "wierszy") for n in (1, 3, 12, 22, 25)]
    ['1 wiersz', '3 wiersze', '12 wierszy', '22 wiersze', '25 wierszy']
    """
    if n == 1:
        form = one
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        form = few
    else:
        form = many
    return f"{n} {form}"


@functools.cache
def _collator() -> Any:
    import icu  # PyICU: the Unicode Collation Algorithm with CLDR's Polish rules

    return icu.Collator.createInstance(icu.Locale("pl_PL"))


def collation_key(text: str) -> bytes:
    """Sort key in Polish alphabetical order (a ą b c ć … ł … ś … ź ż), case-insensitive first:
    ``sorted(names, key=collation_key)``. ICU, not a hand-made alphabet."""
    return bytes(_collator().getSortKey(text))


def shown_difference(new: float, old: float, decimals: int = 0) -> float:
    """``new − old`` computed from the two numbers as they are shown (rounded), so that a table
    showing 25 and 22 says −3, not the −4 of the unrounded values."""
    return round(new, decimals) - round(old, decimals)


def fmt_signed(value: float, decimals: int = 0) -> str:
    """A change with its sign: ``+3``, ``−3``, ``0`` (the sign chosen after rounding)."""
    text = fmt_number(value, decimals)
    return text if text.startswith(MINUS) or text.strip("0,") == "" else f"+{text}"


def quote(text: str) -> str:
    """Text in Polish quotes; quotes inside it become the inner pair: „Program ‚Razem’”."""
    inner = (str(text).replace("„", "‚").replace("”", "’").replace("“", "’")
             .replace('"', "’"))
    # An ASCII quote opening a word was turned into a closing one: reopen it.
    out = []
    opening = True
    for char in inner:
        if char == "’" and opening and (not out or out[-1] in " ([/–-"):
            out.append("‚")
            continue
        out.append(char)
        if char == "‚":
            opening = False
        elif char == "’":
            opening = True
    return f"„{''.join(out)}”"


# A one-letter word (w, z, i, a, o, u) or an ordinal („1. rok”) does not end a line in Polish
# typography.
_GLUED_RE = re.compile(r"(?<!\S)([aiouwzAIOUWZ]|\d+\.) ")


def wrap_lines(text: str, width: int, lines: int | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` characters, a one-letter word or an ordinal kept
    with the next word by a no-break space. With ``lines``, a longer text keeps its start and
    its end, the middle left out as „…”: the end tells „… udział gminy” from „… część powiatu”."""
    words = _GLUED_RE.sub(lambda m: m.group(1) + NBSP, " ".join(str(text).split()))
    # Whole words only (no breaks at hyphens): the head's words are then counted exactly.
    out = textwrap.wrap(words, width, break_on_hyphens=False, break_long_words=False)
    if lines is None or len(out) <= lines:
        return out
    head = out[:lines - 1]
    rest = words.split(" ")[sum(len(line.split(" ")) for line in head):]
    tail = [rest.pop()]
    while rest and len(" ".join([rest[-1], *tail])) + 2 <= width:
        tail.insert(0, rest.pop())
    return [*head, "… " + " ".join(tail)]


def year_ordinal(n: int, case: str = "nom") -> str:
    """``4. rok`` (nominative), ``4. roku`` (locative, after „w”)."""
    return f"{n}. {'roku' if case == 'loc' else 'rok'}"
