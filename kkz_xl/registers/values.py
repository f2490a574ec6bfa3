"""Reading one cell's value the way staff actually type it.

Each parser takes what a cell or a CSV field holds (text, number, date, nothing) and returns
the typed value, ``None`` for an empty cell, or raises ``ValueError`` with a Polish message
that says what is allowed. Excel hands dates as serial numbers when the cell is not formatted
as a date, and CSV files carry ``1 200,50 zł`` or ``35%``: all of these are accepted.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable

from kkz_xl.polish import fmt_plain
from kkz_xl.registers.text import fold, squash

# Excel's day 0 (the 1900 system, including Lotus' phantom 29 February 1900).
EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465  # 1900-01-01 … 9999-12-31
_LIST_SPLIT = re.compile(r"\s*[;,\n]\s*")
_TERYT = re.compile(r"^\d{2}(\d{2}(\d{3})?)?$")
_YEARS = re.compile(r"^(\d{4})(\s*-\s*(\d{4})?)?$")
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_PHONE = re.compile(r"^\+?[\d\s()-]{9,20}$")


def is_empty(value: object) -> bool:
    """An empty cell: nothing, blank text, or a NaN from a data frame."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def parse_text(value: object) -> str | None:
    """Text; numbers typed into a text column (a TERYT, a year) become their digits."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"oczekiwano tekstu, otrzymano {fmt_plain(value)}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _number(value: object, what: str) -> float | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"oczekiwano {what}, otrzymano {fmt_plain(value)}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = squash(str(value)).lower().removesuffix("zł").replace(" ", "").replace("%", "")
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"oczekiwano {what}, otrzymano {fmt_plain(value)}") from None
        if str(value).strip().endswith("%"):
            number /= 100
    if not math.isfinite(number):
        raise ValueError(f"oczekiwano {what}, otrzymano {fmt_plain(value)}")
    return number


def parse_count(value: object) -> int | None:
    """A whole number of people, ≥ 0."""
    number = _number(value, "liczby całkowitej ≥ 0")
    if number is None:
        return None
    if number < 0 or not number.is_integer():
        raise ValueError(f"oczekiwano liczby całkowitej ≥ 0, otrzymano {fmt_plain(value)}")
    return int(number)


def parse_money(value: object) -> float | None:
    """An amount in złoty, ≥ 0 (``1 200,50 zł`` is accepted)."""
    number = _number(value, "kwoty w zł ≥ 0")
    if number is None:
        return None
    if number < 0:
        raise ValueError(f"oczekiwano kwoty w zł ≥ 0, otrzymano {fmt_plain(value)}")
    return number


def parse_share(value: object) -> float | None:
    """A share from 0 to 1; ``35%`` and ``35 %`` mean 0.35."""
    number = _number(value, "udziału od 0 do 1 (np. 0,35 lub 35%)")
    if number is None:
        return None
    if not 0 <= number <= 1:
        raise ValueError(
            f"oczekiwano udziału od 0 do 1 (np. 0,35 lub 35%), otrzymano {fmt_plain(value)}"
        )
    return number


def parse_level(value: object) -> int | None:
    """An evidence level 1–5; text such as ``2 – quasi-eksperyment`` gives 2."""
    if isinstance(value, str) and value.strip()[:1].isdigit():
        value = value.strip()[0]
    number = _number(value, "poziomu dowodów od 1 do 5")
    if number is None:
        return None
    if number not in (1, 2, 3, 4, 5):
        raise ValueError(f"oczekiwano poziomu dowodów od 1 do 5, otrzymano {fmt_plain(value)}")
    return int(number)


def parse_date(value: object) -> dt.date | None:
    """A date: a date cell, an Excel serial number, ``RRRR-MM-DD`` or ``DD.MM.RRRR``."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problem = ("oczekiwano daty RRRR-MM-DD, DD.MM.RRRR lub daty Excela, "
               f"otrzymano {fmt_plain(value)}")
    if isinstance(value, bool):
        raise ValueError(problem)
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        serial = float(value)
        if not (_SERIAL_MIN <= serial <= _SERIAL_MAX) or not serial.is_integer():
            raise ValueError(problem)
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    text = str(value).strip()
    for form in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(problem)


def parse_teryt(value: object) -> str | None:
    """A TERYT code: 2 (województwo), 4 (powiat) or 7 (gmina) digits."""
    text = parse_text(value)
    if text is None:
        return None
    text = text.replace(" ", "")
    if not _TERYT.match(text):
        raise ValueError(
            f"oczekiwano kodu TERYT z 2, 4 lub 7 cyfr (np. 1463011), otrzymano {fmt_plain(value)}"
        )
    return text


def parse_years(value: object) -> str | None:
    """Years of operation: ``2021``, ``2019-2023`` or ``2022-`` (still running)."""
    text = parse_text(value)
    if text is None:
        return None
    found = _YEARS.match(text.replace("–", "-").replace("—", "-"))
    if not found or (found.group(3) and int(found.group(3)) < int(found.group(1))):
        raise ValueError(
            f"oczekiwano roku lub przedziału lat (np. 2019-2023 albo 2022-), "
            f"otrzymano {fmt_plain(value)}"
        )
    start, dash, end = found.group(1), found.group(2), found.group(3)
    return start if not dash else f"{start}–{end or ''}"


def parse_email(value: object) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    if not _EMAIL.match(text):
        raise ValueError(
            f"oczekiwano adresu e-mail (np. jan@gmina.pl), otrzymano {fmt_plain(value)}")
    return text


def parse_phone(value: object) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    if not _PHONE.match(text) or sum(ch.isdigit() for ch in text) < 9:
        raise ValueError(
            f"oczekiwano numeru telefonu (co najmniej 9 cyfr, np. +48 22 123 45 67), "
            f"otrzymano {fmt_plain(value)}"
        )
    return text


def split_list(value: object) -> list[str]:
    """Items of a list cell separated by ``;``, ``,`` or new lines."""
    text = parse_text(value)
    if text is None:
        return []
    return [item for item in _LIST_SPLIT.split(text) if item]


def parse_list(value: object) -> list[str] | None:
    """A list of free-text items (competences, trainings)."""
    if isinstance(value, list | tuple):
        items = [squash(str(v)) for v in value if not is_empty(v)]
    else:
        items = [squash(v) for v in split_list(value)]
    return sorted(set(items), key=lambda s: (fold(s), s)) or None


Parser = Callable[[object], object]


def code_parser(known: dict[str, str]) -> Parser:
    """A parser of issue codes against ``known`` (code → name); names are accepted too."""
    lookup: dict[str, str] = {}
    for code, name in known.items():
        lookup[fold(code)] = code
        lookup[fold(name)] = code
    order = {code: i for i, code in enumerate(known)}

    def parse_codes(value: object) -> list[str] | None:
        raw: Iterable[object] = value if isinstance(value, list | tuple) else split_list(value)
        codes: set[str] = set()
        for item in raw:
            if is_empty(item):
                continue
            code = lookup.get(fold(str(item)).replace(" ", "_"), lookup.get(fold(str(item))))
            if code is None:
                raise ValueError(
                    f"nieznana kwestia {fmt_plain(str(item))}; dozwolone kody: "
                    f"{', '.join(known)} (kilka oddziel średnikiem)"
                )
            codes.add(code)
        return sorted(codes, key=order.__getitem__) or None

    return parse_codes


def choice_parser(allowed: tuple[str, ...]) -> Parser:
    """A parser of one value from ``allowed`` (case, spaces and diacritics ignored)."""
    lookup = {fold(a): a for a in allowed}

    def parse_choice(value: object) -> str | None:
        text = parse_text(value)
        if text is None:
            return None
        try:
            return lookup[fold(text)]
        except KeyError:
            options = ", ".join(f"„{a}”" for a in allowed)
            raise ValueError(
                f"dozwolone wartości: {options}; otrzymano {fmt_plain(text)}") from None

    return parse_choice
