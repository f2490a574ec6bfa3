"""Funkcje Excela modelu KKZ (moduł UDF xlwings).

The Excel functions of the contract (``shared/spec/excel-functions.md``). Each is a thin
wrapper: Excel's values go in, one call into ``kkz_xl.excel`` does the work, the answer comes
back shaped for a cell or a spilled range. No arithmetic of the method lives here. Docstrings
and argument docs are Polish: they are what the accountant sees in Excel's function wizard.
"""

from __future__ import annotations

import inspect

import xlwings as xw

from kkz_xl.excel import calculator
from kkz_xl.excel import help as texts
from kkz_xl.excel.convert import excel_function

# No type hints on the Excel functions: xlwings reads annotations as converters.


def _described(text):
    """The function's description (what Excel's wizard shows) from ``text``, for descriptions
    that quote a default living elsewhere; set before xlwings reads the docstring."""
    def set_doc(func):
        func.__doc__ = text
        return func
    return set_doc


def _checked(func):
    """Every argument and the result checked once, in both runtimes, by
    ``kkz_xl.excel.convert.excel_function``. Each argument asks xlwings for error cells as
    text (``err_to_str``): without it classic xlwings hands an error cell over as an empty
    one, and the function would silently use the default."""
    checked = excel_function(func)
    for name in inspect.signature(func).parameters:
        checked = xw.arg(name, err_to_str=True)(checked)
    return checked


# ---------------------------------------------------------------- Kalkulator Społeczny (1–11, 14)

_OSOBY = "Liczba osób (lub rodzin) w grupie na początku (≥ 0)."
_KOSZT = ("Roczny koszt jednej osoby zależnej: liczba lub wiersz do 5 liczb w kolejności "
          "gmina, powiat, budżet państwa, NFZ, ZUS/Fundusz Pracy (zł/rok); koszty zmienne "
          "w czasie: tabela – wiersz na rok, kolumna na płatnika.")
_ODPLYW = "Roczne prawdopodobieństwo samodzielnego wyjścia z systemu bez programu (0–1)."
_SKUT = "Udział uczestników usamodzielnionych dzięki programowi, netto (0–1)."
_KOSZT_U = "Koszt programu na jednego uczestnika (zł)."
_HORYZONT = texts.horizon()
_STOPA = texts.rate()
_ZASIEG = "Udział grupy objęty programem (0–1); domyślnie 1."
_NAWROTY = "Roczne prawdopodobieństwo powrotu osoby usamodzielnionej do systemu (0–1); dom. 0."
_NAPLYW = "Nowe osoby w systemie co roku, od 2. roku (≥ 0); domyślnie 0."
_POWTARZAJ = "PRAWDA: program co roku; FAŁSZ (domyślnie): tylko w 1. roku."
_KORZYSC = ("Roczna korzyść fiskalna z jednej osoby usamodzielnionej (podatki, składki): "
            "liczba, wiersz do 5 liczb (gmina, powiat, budżet państwa, NFZ, ZUS/Fundusz "
            "Pracy) albo tabela rok × płatnik (zł/rok); domyślnie 0. Ujemna tylko dla budżetu "
            "państwa (udziały JST w PIT).")


def _model_args(func):
    """The contract's model arguments (and ``korzysc_roczna``), documented once for every
    function."""
    for name, doc in reversed((
        ("osoby", _OSOBY), ("koszt_roczny", _KOSZT), ("odplyw", _ODPLYW),
        ("skutecznosc", _SKUT), ("koszt_uczestnika", _KOSZT_U), ("horyzont", _HORYZONT),
        ("stopa", _STOPA), ("zasieg", _ZASIEG), ("nawroty", _NAWROTY), ("naplyw", _NAPLYW),
        ("powtarzaj", _POWTARZAJ), ("korzysc_roczna", _KORZYSC),
    )):
        if name in inspect.signature(func).parameters:
            func = xw.arg(name, doc=doc)(func)
    return func


@xw.func
@_model_args
@_checked
def kkz_koszt_zaniechania(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                          horyzont=None, stopa=None, zasieg=None, nawroty=None, naplyw=None,
                          powtarzaj=None, korzysc_roczna=None):
    """Koszt zaniechania (NPV): o ile taniej jest działać niż nie działać, w zł (wartość
    bieżąca). Dodatni: program się opłaca."""
    return calculator.koszt_zaniechania(osoby, koszt_roczny, odplyw, skutecznosc,
                                        koszt_uczestnika, horyzont, stopa, zasieg, nawroty,
                                        naplyw, powtarzaj, korzysc_roczna)


@xw.func
@_model_args
@_checked
def kkz_wskazniki(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika, horyzont=None,
                  stopa=None, zasieg=None, nawroty=None, naplyw=None, powtarzaj=None,
                  korzysc_roczna=None):
    """Wskaźniki (tabela 2 kolumny): NPV, PV kosztów zaniechania i działania, PV kosztu
    programu, korzyści brutto, BCR, ROI, rok zwrotu."""
    return calculator.wskazniki(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                                horyzont, stopa, zasieg, nawroty, naplyw, powtarzaj, korzysc_roczna)


@xw.func
@_model_args
@_checked
def kkz_przeplywy(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika, horyzont=None,
                  stopa=None, zasieg=None, nawroty=None, naplyw=None, powtarzaj=None,
                  korzysc_roczna=None):
    """Przepływy rok po roku (tabela z nagłówkiem): osoby w systemie i koszty w obu
    scenariuszach, koszt programu, różnica i różnica zdyskontowana narastająco."""
    return calculator.przeplywy(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                                horyzont, stopa, zasieg, nawroty, naplyw, powtarzaj, korzysc_roczna)


@xw.func
@_model_args
@_checked
def kkz_rok_zwrotu(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika, horyzont=None,
                   stopa=None, zasieg=None, nawroty=None, naplyw=None, powtarzaj=None,
                   korzysc_roczna=None):
    """Rok zwrotu (1 = pierwszy rok) albo „brak zwrotu w horyzoncie”."""
    return calculator.rok_zwrotu(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                                 horyzont, stopa, zasieg, nawroty, naplyw, powtarzaj,
                                 korzysc_roczna)


@xw.func
@_model_args
@xw.arg("losowania", doc=texts.monte_carlo()["losowania"])
@xw.arg("zmiennosc", doc=texts.monte_carlo()["zmiennosc"])
@xw.arg("ziarno", doc=texts.monte_carlo()["ziarno"])
@_checked
def kkz_monte_carlo(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika, horyzont=None,
                    stopa=None, zasieg=None, nawroty=None, naplyw=None, powtarzaj=None,
                    losowania=None, zmiennosc=None, ziarno=None, korzysc_roczna=None):
    """Analiza Monte Carlo NPV (tabela 2 kolumny): średnia, p5, p50, p95 i
    prawdopodobieństwo, że NPV > 0."""
    return calculator.monte_carlo_table(osoby, koszt_roczny, odplyw, skutecznosc,
                                        koszt_uczestnika, horyzont, stopa, zasieg, nawroty,
                                        naplyw, powtarzaj, losowania, zmiennosc, ziarno,
                                        korzysc_roczna)


@xw.func
@_model_args
@_checked
def kkz_prog_skutecznosci(osoby, koszt_roczny, odplyw, koszt_uczestnika, horyzont=None,
                          stopa=None, zasieg=None, nawroty=None, naplyw=None, powtarzaj=None,
                          korzysc_roczna=None):
    """Najmniejsza skuteczność programu, przy której NPV ≥ 0, albo „nieosiągalny”."""
    return calculator.prog_skutecznosci(osoby, koszt_roczny, odplyw, koszt_uczestnika,
                                        horyzont, stopa, zasieg, nawroty, naplyw, powtarzaj,
                                        korzysc_roczna)


@xw.func
@_model_args
@xw.arg("finansowanie", doc="Udziały płatników w koszcie programu (wiersz do 5 liczb, suma "
                            "1); domyślnie całość gmina.")
@_checked
def kkz_platnicy(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika, horyzont=None,
                 stopa=None, zasieg=None, nawroty=None, naplyw=None, powtarzaj=None,
                 finansowanie=None, korzysc_roczna=None):
    """Kto płaci, kto oszczędza: koszt zaniechania (NPV) dla każdego płatnika."""
    return calculator.platnicy(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                               horyzont, stopa, zasieg, nawroty, naplyw, powtarzaj,
                               finansowanie, korzysc_roczna)


@xw.func
@xw.arg("stopa", doc="Stopa dyskontowa (np. 0,03).")
@xw.arg("przeplywy", doc="Wiersz lub kolumna przepływów; pierwszy bez dyskonta (rok 0).")
@_checked
def kkz_npv(stopa, przeplywy):
    """Wartość bieżąca: Σ przepływ_t·(1+stopa)^-t, t od 0 (inaczej niż NPV Excela, które
    dyskontuje pierwszy przepływ)."""
    return calculator.kkz_npv(stopa, przeplywy)


@xw.func
@_checked
def kkz_kwestie():
    """Kwestie społeczne bazy parametrów (tabela: kod, nazwa)."""
    return calculator.kwestie()


@xw.func
@xw.arg("kwestia", doc="Kod kwestii, np. „bezrobocie” (lista: KKZ_KWESTIE()).")
@xw.arg("nazwa", doc="Nazwa parametru, np. „odplyw”, „koszt_roczny”, „koszt_gmina”, "
                     "„skutecznosc”, „koszt_uczestnika”.")
@xw.arg("rok_cen", doc="Rok cen kwot pieniężnych; domyślnie rok cen bazy.")
@_checked
def kkz_parametr(kwestia, nazwa, rok_cen=None):
    """Wartość z bazy parametrów; kwoty przeliczone na ceny roku rok_cen (CPI GUS)."""
    return calculator.parametr(kwestia, nazwa, rok_cen)


@xw.func
@xw.arg("kwestia", doc="Kod kwestii, np. „bezrobocie”.")
@xw.arg("osoby", doc=_OSOBY)
@xw.arg("horyzont", doc=_HORYZONT)
@xw.arg("stopa", doc=_STOPA)
@_checked
def kkz_analiza(kwestia, osoby, horyzont=None, stopa=None):
    """Wskaźniki (jak KKZ_WSKAZNIKI) z parametrami kwestii wziętymi z bazy parametrów."""
    return calculator.analiza(kwestia, osoby, horyzont, stopa)


@xw.func
@_model_args
@_checked
def kkz_okres_zwrotu(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                     horyzont=None, stopa=None, zasieg=None, nawroty=None, naplyw=None,
                     powtarzaj=None, korzysc_roczna=None):
    """Zdyskontowany okres zwrotu w latach (np. 2,95) albo „brak zwrotu w horyzoncie”."""
    return calculator.okres_zwrotu(osoby, koszt_roczny, odplyw, skutecznosc, koszt_uczestnika,
                                   horyzont, stopa, zasieg, nawroty, naplyw, powtarzaj,
                                   korzysc_roczna)


# ---------------------------------------------------------------- Katalog i Sieć Liderów (12, 13)

from kkz_xl.excel import registers as registers_xl  # noqa: E402


@xw.func
@xw.arg("tabela", ndim=2, doc="Tabela Katalogu Innowacji razem z wierszem nagłówków, "
                              "np. TabKatalog[#Wszystko].")
@xw.arg("kwestia", doc="Kod kwestii, np. „bezrobocie” (lista: KKZ_KWESTIE()).")
@xw.arg("limit", doc="Najwyżej tyle programów (liczba całkowita ≥ 1); domyślnie wszystkie.")
@_checked
def kkz_katalog(tabela, kwestia, limit=None):
    """Programy z Katalogu Innowacji dla danej kwestii, od najsilniejszych dowodów
    skuteczności (poziom 1) – z nagłówkami tabeli."""
    return registers_xl.catalogue_for_issue(tabela, kwestia, limit)


@xw.func
@xw.arg("tabela", ndim=2, doc="Tabela Sieci Liderów razem z wierszem nagłówków, "
                              "np. TabLiderzy[#Wszystko].")
@xw.arg("kwestia", doc="Kod kwestii (opcjonalnie), np. „bezdomnosc”.")
@xw.arg("jst", doc="JST lub fragment jej nazwy (opcjonalnie), np. „Radom”.")
@_checked
def kkz_liderzy(tabela, kwestia=None, jst=None):
    """Liderzy z Sieci Liderów zajmujący się kwestią i/lub działający w JST – z nagłówkami
    tabeli; kontakty bez zapisanej zgody są pomijane."""
    return registers_xl.leaders_matching(tabela, kwestia, jst)


# ---------------------------------------------------------------- CIS, BSC, szkolenia

from kkz_xl.excel import bsc as bsc_xl  # noqa: E402
from kkz_xl.excel import cis as cis_xl  # noqa: E402


@xw.func
@xw.arg("zasilek", doc=texts.cis()["zasilek_swiadczenie"])
@xw.arg("mnoznik", doc=texts.cis()["mnoznik"])
@_described(texts.cis()["swiadczenie"])
@_checked
def kkz_cis_swiadczenie(zasilek=None, mnoznik=None):
    """Miesięczne świadczenie integracyjne uczestnika CIS (opis: kkz_xl.excel.help)."""
    return cis_xl.kkz_cis_swiadczenie(zasilek, mnoznik)


@xw.func
@xw.arg("uczestnicy", doc="Liczba uczestników CIS (liczba całkowita ≥ 1).")
@xw.arg("miesiace", doc="Miesiące uczestnictwa (średnio), do 24.")
@xw.arg("koszty_biezace", doc="Koszty bieżące CIS na miesiąc (kadra, lokal, materiały), zł.")
@xw.arg("przychody_wlasne", doc="Przychody własne CIS w okresie, zł (domyślnie 0).")
@xw.arg("udzial_ue", doc="Udział funduszy UE w kosztach bieżących, 0–1 (domyślnie 0).")
@xw.arg("udzial_panstwa", doc=texts.cis()["udzial_panstwa"])
@xw.arg("zasilek", doc=texts.cis()["zasilek_koszt"])
@xw.arg("stopa_skladek", doc=texts.cis()["stopa_skladek"])
@xw.arg("miesiace_dzialania", doc="Miesiące działania CIS w okresie, za które liczą się koszty "
        "bieżące, do 24 (domyślnie rok albo miesiące uczestnictwa, gdy dłuższe).")
@_checked
def kkz_cis_koszt(uczestnicy, miesiace, koszty_biezace, przychody_wlasne=None, udzial_ue=None,
                  udzial_panstwa=None, zasilek=None, stopa_skladek=None, miesiace_dzialania=None):
    """Koszt edycji CIS według płatników: Fundusz Pracy, gmina, budżet państwa, fundusze UE,
    przychody własne i razem (tabela z nagłówkami: płatnik, kwota, udział)."""
    return cis_xl.kkz_cis_koszt(uczestnicy, miesiace, koszty_biezace, przychody_wlasne,
                                udzial_ue, udzial_panstwa, zasilek, stopa_skladek,
                                miesiace_dzialania)


@xw.func
@xw.arg("data_ukonczenia", doc="Data ukończenia CIS przez absolwenta.")
@xw.arg("lata", doc="Lata monitoringu (domyślnie 3).")
@xw.arg("co_ile_rok1", doc="Odstęp kontaktów w 1. roku, miesiące (domyślnie 3).")
@xw.arg("co_ile_potem", doc="Odstęp kontaktów po 1. roku, miesiące (domyślnie 6).")
@_checked
def kkz_cis_kontakty(data_ukonczenia, lata=None, co_ile_rok1=None, co_ile_potem=None):
    """Terminy kontaktów z absolwentem CIS (tabela: kontakt, miesiąc, data); dzień, którego
    brak w miesiącu, przechodzi na ostatni dzień miesiąca."""
    return cis_xl.kkz_cis_kontakty(data_ukonczenia, lata, co_ile_rok1, co_ile_potem)


@xw.func
@xw.arg("wartosci", doc="Wartości wskaźników (wiersz lub kolumna; pusta = 0 % celu).")
@xw.arg("cele", doc="Cele wskaźników, w tej samej kolejności.")
@xw.arg("wagi", doc="Wagi wskaźników (≥ 0, suma > 0).")
@xw.arg("kierunki", doc="„wyżej” (im więcej, tym lepiej) lub „niżej”; domyślnie „wyżej”.")
@_checked
def kkz_bsc_wynik(wartosci, cele, wagi, kierunki=None):
    """Wynik karty wyników (BSC) od 0 do 1: średnia ważona stopni osiągnięcia celów."""
    return bsc_xl.kkz_bsc_wynik(wartosci, cele, wagi, kierunki)


@xw.func
@xw.arg("wynik", doc="Wynik od 0 do 1 (np. z KKZ_BSC_WYNIK).")
@xw.arg("prog_zielony", doc=texts.bsc()["prog_zielony"])
@xw.arg("prog_zolty", doc=texts.bsc()["prog_zolty"])
@_checked
def kkz_bsc_swiatlo(wynik, prog_zielony=None, prog_zolty=None):
    """Światło karty wyników: „zielone”, „żółte” lub „czerwone”."""
    return bsc_xl.kkz_bsc_swiatlo(wynik, prog_zielony, prog_zolty)


@xw.func
@xw.arg("etaty", doc="Etaty w usłudze (> 0).")
@xw.arg("koszt_na_etat", doc="Średni koszt jednostkowy na etat dla typu usługi, zł/rok.")
@xw.arg("oplaty", doc="Opłaty użytkowników, zł/rok (domyślnie 0).")
@xw.arg("koszty", doc="Koszty usługi, zł/rok (> 0).")
@xw.arg("kategoria", doc="Kategoria sieci: A (podstawowa) lub B (uzupełniająca); domyślnie A.")
@xw.arg("limit_udzialu", doc=texts.bsc()["limit_udzialu"])
@xw.arg("wspolczynnik_b", doc=texts.bsc()["wspolczynnik_b"])
@_checked
def kkz_dotacja(etaty, koszt_na_etat, oplaty, koszty, kategoria=None, limit_udzialu=None,
                wspolczynnik_b=None):
    """Dotacja wg kryteriów regionalnych: (etaty × koszt na etat − opłaty) × współczynnik
    kategorii, nie więcej niż limit udziału w kosztach usługi."""
    return bsc_xl.kkz_dotacja(etaty, koszt_na_etat, oplaty, koszty, kategoria, limit_udzialu,
                              wspolczynnik_b)


# ---------------------------------------------------------------- modele wielostanowe
# Added after the contract's functions (add, never rename).


@xw.func
@xw.arg("kwestia", doc="Kod kwestii z modelem wielostanowym: bezradnosc, sieroctwo, choroba, "
                       "niepelnosprawnosc, bezdomnosc.")
@xw.arg("osoby", doc="Liczba osób (rodzin, dzieci) w grupie na początku (≥ 0); podział na "
                     "stany jak w modelu.")
@xw.arg("horyzont", doc=_HORYZONT)
@xw.arg("stopa", doc=_STOPA)
@xw.arg("naplyw", doc="Nowe osoby co roku, od 2. roku (≥ 0); domyślnie 0.")
@xw.arg("program", doc="Identyfikator programu modelu; domyślnie pierwszy.")
@xw.arg("zasieg", doc="Udział osób objętych programem (0–1); domyślnie z modelu.")
@xw.arg("skutecznosc", doc="Skuteczność programu (0–1); domyślnie z modelu.")
@_checked
def kkz_analiza_stany(kwestia, osoby, horyzont=None, stopa=None, naplyw=None, program=None,
                      zasieg=None, skutecznosc=None):
    """Wskaźniki (jak KKZ_WSKAZNIKI) kwestii liczonej wbudowanym modelem wielostanowym
    (poziomy nasilenia, lata pobytu) – tak jak w kkz oblicz."""
    return calculator.analiza_stany(kwestia, osoby, horyzont, stopa, naplyw, program, zasieg,
                                    skutecznosc)
