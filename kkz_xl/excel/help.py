"""The Excel functions' help texts that quote a default: built from each default's one home
(the parameter base, the CIS parameter file, the BSC criteria, the Monte Carlo settings),
so a new legal amount or base value reaches Excel's function wizard without an edit to
``udfs/``."""

from __future__ import annotations

from kkz_xl.bsc.criteria import Category, FundingCriteria, Thresholds
from kkz_xl.cis.params import cis_params
from kkz_xl.model.scenario import MonteCarloSettings
from kkz_xl.params.base import default_base
from kkz_xl.polish import fmt_date, fmt_money, fmt_number, fmt_percent


def _share(value: float) -> str:
    """0.9 → "0,9"; 0.3652 → "0,3652" (as an accountant types it into a cell)."""
    return fmt_number(value, 4, group=False).rstrip("0").rstrip(",")


def horizon() -> str:
    return f"Horyzont w latach (1–50); domyślnie {default_base().horizon} (z bazy parametrów)."


def rate() -> str:
    value = default_base().discount_rate
    return (f"Realna stopa dyskontowa (np. {_share(value)}); domyślnie {_share(value)} "
            f"= {fmt_percent(value)} z bazy parametrów.")


def monte_carlo() -> dict[str, str]:
    fields = MonteCarloSettings.model_fields
    draws = int(fields["draws"].get_default(call_default_factory=True))
    return {
        "losowania": f"Liczba losowań (100–1 000 000); domyślnie {fmt_number(draws, 0)}.",
        "zmiennosc": ("Współczynnik zmienności niepewnych parametrów; domyślnie "
                      f"{_share(fields['spread'].get_default(call_default_factory=True))}."),
        "ziarno": ("Ziarno losowania: to samo ziarno daje te same wyniki; domyślnie "
                   f"{fields['seed'].default}."),
    }


def cis() -> dict[str, str]:
    p = cis_params()
    benefit = p.zasilek_dla_bezrobotnych
    multiplier = p.mnoznik_swiadczenia.wartosc
    return {
        "zasilek_swiadczenie": (
            "Zasiłek dla bezrobotnych z pierwszych 90 dni, zł/mies. (domyślnie kwota "
            f"obowiązująca, od {fmt_date(benefit.od)} {fmt_money(benefit.wartosc)})."),
        "mnoznik": (f"Świadczenie jako krotność zasiłku (domyślnie {fmt_percent(multiplier, 0)}"
                    f" = {_share(multiplier)})."),
        "swiadczenie": (f"Miesięczne świadczenie integracyjne uczestnika CIS "
                        f"({fmt_percent(multiplier, 0)} zasiłku dla bezrobotnych)."),
        "zasilek_koszt": (
            "Zasiłek dla bezrobotnych (pierwsze 90 dni), zł/mies. (domyślnie obowiązujący: "
            f"{fmt_money(benefit.wartosc)} od {fmt_date(benefit.od)})."),
        "stopa_skladek": ("Składki od świadczenia jako udział świadczenia (domyślnie "
                          f"{_share(p.stopa_skladek.wartosc)})."),
        "udzial_panstwa": (
            "Udział budżetu państwa w pozostałych kosztach bieżących, 0–1 (domyślnie 0; "
            f"propozycja regionalna z {p.udzial_panstwa_propozycja.od.year}: "
            f"{_share(p.udzial_panstwa_propozycja.wartosc)})."),
    }


def bsc() -> dict[str, str]:
    thresholds = Thresholds()
    criteria = FundingCriteria()
    return {
        "prog_zielony": f"Próg zielonego światła (domyślnie {_share(thresholds.zielony)}).",
        "prog_zolty": f"Próg żółtego światła (domyślnie {_share(thresholds.zolty)}).",
        "limit_udzialu": ("Najwyższy udział dotacji i opłat użytkowników razem w kosztach, "
                          "0–1 bez 1 (domyślnie "
                          f"{_share(criteria.limit_udzialu)})."),
        "wspolczynnik_b": ("Współczynnik kategorii B, 0–1 (domyślnie "
                           f"{_share(criteria.wspolczynniki[Category.B])})."),
    }
