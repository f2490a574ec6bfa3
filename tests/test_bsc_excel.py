"""KKZ_BSC_WYNIK, KKZ_BSC_SWIATLO, KKZ_DOTACJA."""

from __future__ import annotations

import numpy as np
import pytest

from kkz_xl.errors import InputError
from kkz_xl.excel.bsc import kkz_bsc_swiatlo, kkz_bsc_wynik, kkz_dotacja


def test_wynik_rows_columns_and_arrays_agree() -> None:
    row = kkz_bsc_wynik([[45, 8]], [[50, 10]], [[2, 1]], [["wyżej", "niżej"]])
    col = kkz_bsc_wynik([[45], [8]], [[50], [10]], [[2], [1]], [["wyzej"], ["nizej"]])
    arr = kkz_bsc_wynik(np.array([[45.0, 8.0]]), np.array([[50.0, 10.0]]),
                        np.array([[2.0, 1.0]]), np.array([["+", "-"]], dtype=object))
    assert row == col == arr == pytest.approx((2 * 0.9 + 1) / 3)


def test_wynik_empty_value_left_out_and_default_direction() -> None:
    # The empty value is not scored 0: only the second indicator counts (10/10 = 1).
    assert kkz_bsc_wynik([[None, 10]], [[50, 10]], [[1, 1]]) == pytest.approx(1.0)
    assert kkz_bsc_wynik([[None, 5]], [[50, 10]], [[3, 1]]) == pytest.approx(0.5)
    with pytest.raises(InputError, match="brak danych"):
        kkz_bsc_wynik([[None, None]], [[50, 10]], [[1, 1]])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: kkz_bsc_wynik([[1, 2]], [[1]], [[1, 1]]), "cele: oczekiwano 2 pozycji"),
    (lambda: kkz_bsc_wynik([[1]], [[1]], [[1]], [["w górę"]]), "kierunki[1]: dozwolone"),
    (lambda: kkz_bsc_wynik([["dużo"]], [[1]], [[1]]), "wartosci[1]: oczekiwano liczby"),
    (lambda: kkz_bsc_swiatlo(1.2), "wynik: oczekiwano liczby od 0 do 1"),
    (lambda: kkz_dotacja(4, 90_000, 0, 320_000, "C"), "kategoria: dozwolone: A lub B"),
    (lambda: kkz_dotacja(0, 90_000, 0, 320_000), "etaty: oczekiwano liczby większej od 0"),
    (lambda: kkz_dotacja(4, 90_000, 0, 320_000, "A", 1), "limit_udzialu"),
])
def test_polish_errors_name_the_argument(call, message: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert message in str(err.value)


def test_swiatlo_thresholds() -> None:
    assert kkz_bsc_swiatlo(0.9) == "zielone"
    assert kkz_bsc_swiatlo(0.75) == "żółte"
    assert kkz_bsc_swiatlo(0.5, 0.6, 0.4) == "żółte"
    assert kkz_bsc_swiatlo(0.3, 0.6, 0.4) == "czerwone"


def test_dotacja_cap_and_category() -> None:
    # The cap holds for subsidy + fees: 0,9 × 320 000 − 60 000 = 228 000.
    assert kkz_dotacja(4, 90_000, 60_000, 320_000) == pytest.approx(228_000)
    assert kkz_dotacja(4, 90_000, 300_000, 320_000) == 0
    assert kkz_dotacja(4, 90_000, 60_000, 320_000, "B") == pytest.approx(150_000)
    assert kkz_dotacja(4, 90_000, 60_000, 320_000, "B", None, 0.2) == pytest.approx(60_000)
    assert kkz_dotacja(4, 90_000, None, 1_000_000, "a", 0.5) == pytest.approx(360_000)
