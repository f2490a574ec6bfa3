"""Polish formatting of what users read: numbers, money, dates, plurals."""

from __future__ import annotations

import datetime as dt

import pytest

from kkz_xl.polish import NBSP, fmt_date, fmt_money, fmt_number, fmt_percent, fmt_plain, plural


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
