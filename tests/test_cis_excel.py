"""The KKZ_CIS_* Excel functions: shapes, defaults, Polish errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kkz_xl.errors import InputError
from kkz_xl.excel.cis import kkz_cis_kontakty, kkz_cis_koszt, kkz_cis_swiadczenie


def test_swiadczenie_default_and_range_argument() -> None:
    from kkz_xl.cis.params import cis_params

    p = cis_params()  # the amount in force today, from the parameter base
    assert kkz_cis_swiadczenie() == pytest.approx(
        p.zasilek_dla_bezrobotnych.wartosc * p.mnoznik_swiadczenia.wartosc)
    assert kkz_cis_swiadczenie([[1721.90]], None) == pytest.approx(2066.28)
    assert kkz_cis_swiadczenie([[1662.0]], None) == pytest.approx(1994.40)


def test_koszt_table_header_rows_and_total() -> None:
    rows = kkz_cis_koszt(10, 11, 20_000, 20_000, None, 0.8, 1721.90)
    assert rows[0] == ["płatnik", "kwota", "udział"]
    assert [r[0] for r in rows[1:]] == ["Fundusz Pracy", "gmina", "budżet państwa",
                                        "fundusze UE", "przychody własne CIS", "razem"]
    assert sum(r[1] for r in rows[1:-1]) == pytest.approx(rows[-1][1])
    # Running costs for the 12 months the CIS operates: (240 000 − 20 000) × 0,8.
    assert rows[3][1] == pytest.approx(176_000)
    eleven = kkz_cis_koszt(10, 11, 20_000, 20_000, None, 0.8, 1721.90, None, 11)
    assert eleven[3][1] == pytest.approx(160_000)


@pytest.mark.parametrize(("args", "message"), [
    (("abc", 11, 1), "uczestnicy: oczekiwano liczby, otrzymano „abc”"),
    ((10.5, 11, 1), "uczestnicy: oczekiwano liczby całkowitej"),
    ((10, 11, 1, None, 1.5), "udzial_ue: oczekiwano liczby od 0 do 1, otrzymano 1,5"),
    ((10, None, 1), "miesiace: argument wymagany"),
    (([[1, 2]], 11, 1), "uczestnicy: oczekiwano jednej wartości (jednej komórki)"),
])
def test_koszt_errors_name_the_argument(args: tuple, message: str) -> None:
    with pytest.raises(InputError) as err:
        kkz_cis_koszt(*args)
    assert message in str(err.value)


def test_kontakty_from_serial_datetime_and_text_agree() -> None:
    serial = (dt.date(2025, 8, 31) - dt.date(1899, 12, 30)).days
    a = kkz_cis_kontakty(float(serial))
    b = kkz_cis_kontakty(dt.datetime(2025, 8, 31))
    c = kkz_cis_kontakty(np.array([["2025-08-31"]], dtype=object))
    assert a == b == c
    assert a[0] == ["kontakt", "miesiąc", "data"]
    assert len(a) == 1 + 8
    assert a[2][2] == dt.datetime(2026, 2, 28)


def test_kontakty_variant_and_error() -> None:
    rows = kkz_cis_kontakty("2025-01-31", 2, 6, 12)
    assert [r[1] for r in rows[1:]] == [6, 12, 24]
    with pytest.raises(InputError, match="co_ile_rok1"):
        kkz_cis_kontakty("2025-01-31", 3, 5)


def test_udf_passes_the_months_the_cis_operates() -> None:
    import kkz_udfs  # the UDF module (tests/conftest.py puts udfs/ on the path)

    def total(table: list[list[object]]) -> float:
        return float(table[-1][1])  # the last row: razem

    # Excel passes arguments by position; the months of operation are the ninth.
    year = kkz_udfs.kkz_cis_koszt(10, 6, 20_000)
    half = kkz_udfs.kkz_cis_koszt(10, 6, 20_000, None, None, None, None, None, 6)
    # Running costs of six more months of operation, nothing else.
    assert total(year) - total(half) == pytest.approx(6 * 20_000)
    twelve = kkz_udfs.kkz_cis_koszt(10, 6, 20_000, None, None, None, None, None, 12)
    assert total(twelve) == total(year)
