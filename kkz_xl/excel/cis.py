"""Excel functions of the CIS calculator (``KKZ_CIS_*``) and the cell conversions they share
with the BSC functions: Excel's values in, Polish errors naming the argument, tables out."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import ValidationError

from kkz_xl.cis.financing import CisInput, cis_cost
from kkz_xl.cis.labels import CIS_PAYER_LABELS, COST_TABLE_HEADER, TOTAL_LABEL, CisPayer
from kkz_xl.cis.monitoring import Schedule, contact_dates, standard_2011
from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_errors
from kkz_xl.polish import fmt_plain

EXCEL_EPOCH = dt.date(1899, 12, 30)
CONTACTS_HEADER = ("kontakt", "miesiąc", "data")


def _scalar(value: Any, name: str) -> Any:
    """A single cell's value: unwrap ``[[x]]`` / ``[x]`` / 0-d arrays."""
    while isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    if hasattr(value, "ndim") and getattr(value, "size", 0) == 1:
        value = value.reshape(-1)[0]
        value = value.item() if hasattr(value, "item") else value
    if isinstance(value, list | tuple) or hasattr(value, "ndim"):
        raise InputError(name, "oczekiwano jednej komórki, otrzymano zakres")
    return value


def cell_number(value: Any, name: str, *, low: float | None = None, high: float | None = None,
                default: float | None = None) -> float:
    """A number from a cell; empty → ``default`` (or an error when there is none)."""
    value = _scalar(value, name)
    if value is None or value == "":
        if default is None:
            raise InputError(name, "argument wymagany, komórka jest pusta")
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(name, f"oczekiwano liczby, otrzymano {fmt_plain(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(name, "oczekiwano skończonej liczby")
    if (low is not None and number < low) or (high is not None and number > high):
        span = _span(low, high)
        raise InputError(name, f"oczekiwano liczby {span}, otrzymano {fmt_plain(number)}")
    return number


def cell_int(value: Any, name: str, *, low: int, high: int, default: int | None = None) -> int:
    """A whole number from a cell."""
    number = cell_number(value, name, low=low, high=high,
                         default=None if default is None else float(default))
    if not number.is_integer():
        raise InputError(name, f"oczekiwano liczby całkowitej, otrzymano {fmt_plain(number)}")
    return int(number)


def cell_text(value: Any, name: str, *, default: str | None = None) -> str:
    value = _scalar(value, name)
    if value is None or value == "":
        if default is None:
            raise InputError(name, "argument wymagany, komórka jest pusta")
        return default
    if not isinstance(value, str):
        raise InputError(name, f"oczekiwano tekstu, otrzymano {fmt_plain(value)}")
    return value.strip()


def cell_date(value: Any, name: str) -> dt.date:
    """A date: a datetime (classic xlwings), an Excel serial number (Office.js) or ISO text."""
    value = _scalar(value, name)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(name, f"oczekiwano daty RRRR-MM-DD, otrzymano {fmt_plain(value)}"
                             ) from None
    serial = cell_number(value, name, low=1, high=2_958_465)
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def cell_vector(value: Any, name: str) -> list[Any]:
    """A one-row or one-column range (or one cell) as a flat list, empty cells kept as None."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        return [value]
    rows = [list(r) if isinstance(r, list | tuple) else [r] for r in value]
    if len(rows) == 1:
        return rows[0]
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    raise InputError(name, "oczekiwano jednego wiersza lub jednej kolumny, otrzymano tabelę "
                     f"{len(rows)}×{len(rows[0])}")


def _span(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"od {fmt_plain(float(low))} do {fmt_plain(float(high))}"
    return f"≥ {fmt_plain(float(low))}" if low is not None else f"≤ {fmt_plain(float(high))}"


def validated_input(**fields: Any) -> CisInput:
    """A :class:`CisInput` from converted cells; pydantic errors become one Polish InputError."""
    clean = {k: v for k, v in fields.items() if v is not None}
    try:
        return CisInput(**clean)
    except ValidationError as err:
        field, message = polish_errors(err)[0]
        raise InputError(field, message) from None


def kkz_cis_swiadczenie(zasilek: Any = None, mnoznik: Any = None) -> float:
    """Monthly świadczenie integracyjne: ``mnoznik`` × ``zasilek`` (defaults 1,2 × 1 721,90)."""
    data = validated_input(
        uczestnicy=1, miesiace=1, koszty_biezace_mies=0,
        zasilek=None if _scalar(zasilek, "zasilek") in (None, "") else cell_number(
            zasilek, "zasilek", low=0.01),
        mnoznik=None if _scalar(mnoznik, "mnoznik") in (None, "") else cell_number(
            mnoznik, "mnoznik", low=0.01, high=5),
    )
    return cis_cost(data).swiadczenie_mies


def _optional(value: Any, name: str, low: float, high: float) -> float | None:
    if _scalar(value, name) in (None, ""):
        return None
    return cell_number(value, name, low=low, high=high)


def kkz_cis_koszt(
    uczestnicy: Any, miesiace: Any, koszty_biezace: Any, przychody_wlasne: Any = None,
    udzial_ue: Any = None, udzial_panstwa: Any = None, zasilek: Any = None,
    stopa_skladek: Any = None,
) -> list[list[Any]]:
    """Spilled table (płatnik, kwota, udział) with a header, one row per payer, then razem."""
    data = validated_input(
        uczestnicy=cell_int(uczestnicy, "uczestnicy", low=1, high=10_000),
        miesiace=cell_number(miesiace, "miesiace", low=0.01, high=24),
        koszty_biezace_mies=cell_number(koszty_biezace, "koszty_biezace", low=0),
        przychody_wlasne=_optional(przychody_wlasne, "przychody_wlasne", 0, 1e10),
        udzial_ue=_optional(udzial_ue, "udzial_ue", 0, 1),
        udzial_panstwa=_optional(udzial_panstwa, "udzial_panstwa", 0, 1),
        zasilek=_optional(zasilek, "zasilek", 0.01, 1e5),
        stopa_skladek=_optional(stopa_skladek, "stopa_skladek", 0, 1),
    )
    result = cis_cost(data)
    rows: list[list[Any]] = [list(COST_TABLE_HEADER)]
    rows += [[CIS_PAYER_LABELS[p], result.platnicy[p], result.udzial(p)] for p in CisPayer]
    rows.append([TOTAL_LABEL, result.razem, 1.0 if result.razem else 0.0])
    return rows


def kkz_cis_kontakty(
    data_ukonczenia: Any, lata: Any = None, co_ile_rok1: Any = None, co_ile_potem: Any = None,
) -> list[list[Any]]:
    """Spilled table (kontakt, miesiąc, data) with a header: the graduate's contact dates."""
    day = cell_date(data_ukonczenia, "data_ukonczenia")
    years = cell_int(lata, "lata", low=1, high=20, default=3)
    first = cell_int(co_ile_rok1, "co_ile_rok1", low=1, high=12, default=3)
    later = cell_int(co_ile_potem, "co_ile_potem", low=1, high=60, default=6)
    schedule = _schedule(years, first, later)
    months = schedule.contact_months()
    dates = contact_dates(day, schedule)
    rows: list[list[Any]] = [list(CONTACTS_HEADER)]
    rows += [[i, m, dt.datetime.combine(d, dt.time())]
             for i, (m, d) in enumerate(zip(months, dates, strict=True), start=1)]
    return rows


def _schedule(years: int, first: int, later: int) -> Schedule:
    try:
        return standard_2011(years, co_ile_rok1=first, co_ile_potem=later)
    except ValidationError as err:
        _field, message = polish_errors(err)[0]
        name = "co_ile_rok1" if 12 % first else "co_ile_potem"
        raise InputError(name, message) from None

