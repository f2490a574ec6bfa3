"""Polish messages for pydantic validation errors: each names the field and what is allowed."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from kkz_xl.errors import KKZError
from kkz_xl.polish import fmt_plain


def _limit(ctx: dict[str, Any], key: str) -> str:
    return fmt_plain(ctx.get(key))


def _message(e: ErrorDetails) -> str:
    kind = e["type"]
    ctx: dict[str, Any] = dict(e.get("ctx") or {})
    given = e.get("input")
    got = f", otrzymano {fmt_plain(given)}" if not isinstance(given, dict | list) else ""
    templates = {
        "missing": lambda: "pole wymagane, brak wartości",
        "extra_forbidden": lambda: "nieznane pole (sprawdź pisownię)",
        "float_parsing": lambda: f"oczekiwano liczby{got}",
        "float_type": lambda: f"oczekiwano liczby{got}",
        "int_parsing": lambda: f"oczekiwano liczby całkowitej{got}",
        "int_type": lambda: f"oczekiwano liczby całkowitej{got}",
        "int_from_float": lambda: f"oczekiwano liczby całkowitej{got}",
        "bool_parsing": lambda: f"oczekiwano wartości logicznej (PRAWDA/FAŁSZ){got}",
        "bool_type": lambda: f"oczekiwano wartości logicznej (PRAWDA/FAŁSZ){got}",
        "string_type": lambda: f"oczekiwano tekstu{got}",
        "string_too_short": lambda: f"tekst za krótki (co najmniej {ctx.get('min_length')} zn.)",
        "string_too_long": lambda: f"tekst za długi (najwyżej {ctx.get('max_length')} zn.)",
        "string_pattern_mismatch": lambda: f"niepoprawny format{got}",
        "greater_than_equal": lambda: f"oczekiwano liczby ≥ {_limit(ctx, 'ge')}{got}",
        "greater_than": lambda: f"oczekiwano liczby > {_limit(ctx, 'gt')}{got}",
        "less_than_equal": lambda: f"oczekiwano liczby ≤ {_limit(ctx, 'le')}{got}",
        "less_than": lambda: f"oczekiwano liczby < {_limit(ctx, 'lt')}{got}",
        "finite_number": lambda: f"oczekiwano skończonej liczby{got}",
        "enum": lambda: f"dozwolone wartości: {ctx.get('expected')}{got}",
        "literal_error": lambda: f"dozwolone wartości: {ctx.get('expected')}{got}",
        "list_type": lambda: "oczekiwano listy wartości",
        "too_short": lambda: f"za mało pozycji (co najmniej {ctx.get('min_length')})",
        "too_long": lambda: f"za dużo pozycji (najwyżej {ctx.get('max_length')})",
        "dict_type": lambda: "oczekiwano słownika (pole: wartość)",
        "model_type": lambda: "oczekiwano słownika (pole: wartość)",
        "date_parsing": lambda: f"oczekiwano daty RRRR-MM-DD{got}",
        "date_from_datetime_parsing": lambda: f"oczekiwano daty RRRR-MM-DD{got}",
        "date_type": lambda: f"oczekiwano daty{got}",
    }
    if kind == "value_error":
        # Our own validators raise ValueError with a Polish message already.
        return str(ctx.get("error", e["msg"])).removeprefix("Value error, ")
    make = templates.get(kind)
    return make() if make else e["msg"]


def field_path(loc: tuple[int | str, ...]) -> str:
    """``kwestie[2].skutecznosc`` from pydantic's location tuple (rows counted from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def polish_errors(err: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs, in Polish."""
    return [(field_path(e["loc"]), _message(e)) for e in err.errors()]


def polish_validation_message(err: ValidationError) -> str:
    """All errors of ``err``, one per line: ``field: message``."""
    return "\n".join(f"{f}: {m}" if f else m for f, m in polish_errors(err))


def failure_reason(err: BaseException) -> str:
    """A one-paragraph Polish reason why one item of a batch (a JST) failed."""
    if isinstance(err, ValidationError):
        return polish_validation_message(err).replace("\n", "; ")
    if isinstance(err, KKZError):
        # Several field errors of one file: "plik: pole: …; pole: …".
        return re.sub(r":\s*\n", ": ", str(err)).replace("\n", "; ").strip()
    if isinstance(err, FileNotFoundError):
        return f"nie znaleziono pliku {err.filename}"
    return f"nieoczekiwany błąd ({type(err).__name__}: {err})"
