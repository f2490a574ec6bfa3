"""Polish formatting of what users read: numbers, money, dates, plurals."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kkz_xl.polish import (
    NBSP,
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_percent,
    fmt_plain,
    plural,
    wrap_lines,
)


def test_numbers_and_money() -> None:
    assert fmt_number(1234567.891) == f"1{NBSP}234{NBSP}567,89"
    assert fmt_money(-1234.5) == f"\u22121{NBSP}234,50{NBSP}zł"
    assert fmt_percent(0.125) == f"12,5{NBSP}%"
    assert fmt_number(float("nan")) == "–"


def test_values_as_the_user_typed_them() -> None:
    assert fmt_plain(1.5) == "1,5" and fmt_plain(7.0) == "7" and fmt_plain(True) == "PRAWDA"
    assert fmt_plain("abc") == "„abc”" and fmt_plain(None) == "pusta komórka"


def test_dates() -> None:
    assert fmt_date(dt.date(2026, 11, 23)) == f"23 listopada 2026{NBSP}r."


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 wierszy"), (1, "1 wiersz"), (2, "2 wiersze"), (4, "4 wiersze"), (5, "5 wierszy"),
    (12, "12 wierszy"), (14, "14 wierszy"), (22, "22 wiersze"), (104, "104 wiersze"),
    (111, "111 wierszy"),
])
def test_plural(n: int, text: str) -> None:
    assert plural(n, "wiersz", "wiersze", "wierszy") == text


def test_wrapping_keeps_one_letter_words_and_ordinals_with_the_next_word() -> None:
    assert wrap_lines("przejście: w pracy → w domu", 20) == [
        f"przejście: w{NBSP}pracy →", f"w{NBSP}domu"]
    assert wrap_lines("przejście: placówka – 1. rok", 22) == [
        "przejście: placówka –", f"1.{NBSP}rok"]


def test_a_shortened_label_keeps_its_end() -> None:
    """The end tells two cost lines apart: it is the middle that gives way."""
    assert wrap_lines("Placówka opiekuńczo-wychowawcza – udział gminy", 24, 2) == [
        "Placówka", "… – udział gminy"]
    assert wrap_lines("Placówka opiekuńczo-wychowawcza – część powiatu", 24, 2) == [
        "Placówka", "… – część powiatu"]
    assert wrap_lines("a b c d e f g h", 3, 2) == [f"a{NBSP}b", "… h"]


_words = st.lists(st.one_of(st.sampled_from(["w", "z", "i", "a", "1.", "12.", "→", "–"]),
                            st.text("abcćęłńóśźż-", min_size=1, max_size=14)),
                  min_size=1, max_size=20)


@given(_words, st.integers(8, 40), st.one_of(st.none(), st.integers(1, 4)))
def test_wrapped_lines_fit_and_keep_the_text(words: list[str], width: int,
                                             lines: int | None) -> None:
    text = " ".join(words)
    out = wrap_lines(text, width, lines)
    tokens = [w for line in out for w in line.replace(NBSP, " ").split(" ")]
    assert lines is None or len(out) <= lines
    # A line is too long only when one word (with the one-letter words glued to it) is.
    assert all(len(line) <= width or " " not in line.removeprefix("… ") for line in out)
    assert not any(line.endswith((" w", " z", " i", " a")) for line in out[:-1])
    if "…" in tokens and "…" not in words:
        cut = tokens.index("…")
        assert tokens[:cut] == words[:cut] and tokens[cut + 1:] == words[len(words) - len(tokens)
                                                                         + cut + 1:]
        assert tokens[-1] == words[-1]
    else:
        assert tokens == words
