"""Excel functions of the CIS calculator (``KKZ_CIS_*``): Excel's values in (converted by
``kkz_xl.excel.convert``), Polish errors naming the argument, tables out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from kkz_xl.cis.financing import CisInput, cis_cost
from kkz_xl.cis.labels import CIS_PAYER_LABELS, COST_TABLE_HEADER, TOTAL_LABEL, CisPayer
from kkz_xl.cis.monitoring import Schedule, contact_dates, standard_2011
from kkz_xl.errors import InputError
from kkz_xl.excel.convert import cell_date, cell_int, cell_number, scalar, validated
from kkz_xl.model.validation import polish_errors

CONTACTS_HEADER = ("kontakt", "miesiąc", "data")


def validated_input(**fields: Any) -> CisInput:
    """A :class:`CisInput` from converted cells; pydantic errors become one Polish InputError."""
    return validated(CisInput, fields)


def kkz_cis_swiadczenie(zasilek: Any = None, mnoznik: Any = None) -> float:
    """Monthly świadczenie integracyjne: ``mnoznik`` × ``zasilek`` (defaults: the base's
    ``cis.yaml``)."""
    data = validated_input(
        uczestnicy=1, miesiace=1, koszty_biezace_mies=0,
        zasilek=None if scalar(zasilek, "zasilek") in (None, "") else cell_number(
            zasilek, "zasilek", low=0.01),
        mnoznik=None if scalar(mnoznik, "mnoznik") in (None, "") else cell_number(
            mnoznik, "mnoznik", low=0.01, high=5),
    )
    return cis_cost(data).swiadczenie_mies


def _optional(value: Any, name: str, low: float, high: float) -> float | None:
    if scalar(value, name) in (None, ""):
        return None
    return cell_number(value, name, low=low, high=high)


def kkz_cis_koszt(
    uczestnicy: Any, miesiace: Any, koszty_biezace: Any, przychody_wlasne: Any = None,
    udzial_ue: Any = None, udzial_panstwa: Any = None, zasilek: Any = None,
    stopa_skladek: Any = None, miesiace_dzialania: Any = None,
) -> list[list[Any]]:
    """Spilled table (płatnik, kwota, udział) with a header, one row per payer, then razem.
    Running costs count for ``miesiace_dzialania`` (months the CIS operates, default 12)."""
    data = validated_input(
        uczestnicy=cell_int(uczestnicy, "uczestnicy", low=1, high=10_000),
        miesiace=cell_number(miesiace, "miesiace", low=0.01, high=24),
        koszty_biezace_mies=cell_number(koszty_biezace, "koszty_biezace", low=0),
        przychody_wlasne=_optional(przychody_wlasne, "przychody_wlasne", 0, 1e10),
        udzial_ue=_optional(udzial_ue, "udzial_ue", 0, 1),
        udzial_panstwa=_optional(udzial_panstwa, "udzial_panstwa", 0, 1),
        zasilek=_optional(zasilek, "zasilek", 0.01, 1e5),
        stopa_skladek=_optional(stopa_skladek, "stopa_skladek", 0, 1),
        miesiace_dzialania=_optional(miesiace_dzialania, "miesiace_dzialania", 0.01, 24),
    )
    result = cis_cost(data)
    rows: list[list[Any]] = [list(COST_TABLE_HEADER)]
    rows += [[CIS_PAYER_LABELS[p], result.platnicy[p], result.udzial(p)] for p in CisPayer]
    rows.append([TOTAL_LABEL, result.razem, 1.0 if result.razem else 0.0])
    return rows


_LAST_GRADUATION_YEAR = 2200


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
    if day.year > _LAST_GRADUATION_YEAR:
        # The contact months would run past year 9999 (datetime's limit) or into no plan.
        raise InputError("data_ukonczenia", f"data ukończenia po {_LAST_GRADUATION_YEAR} r. "
                         "nie jest wiarygodna; wpisz datę ukończenia CIS przez uczestnika")
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

