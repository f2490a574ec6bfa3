"""A CIS as the "action" of the calculator: the programme's name, cost per participant and
success rate, with defaults from the parameter base (issue ``bezrobocie``, programme ``cis``)."""

from __future__ import annotations

from typing import Any

from kkz_xl.cis.financing import CisResult
from kkz_xl.cis.labels import CisPayer
from kkz_xl.errors import InputError
from kkz_xl.model.payers import Payer
from kkz_xl.params.base import default_base
from kkz_xl.params.schema import Programme

DEFAULT_ISSUE = "bezrobocie"
PROGRAMME_ID = "cis"
# CIS payers that are payers of the calculator model; EU funds and own revenue are not.
_MODEL_PAYER = {
    CisPayer.FUNDUSZ_PRACY: Payer.ZUS_FP,
    CisPayer.GMINA: Payer.GMINA,
    CisPayer.BUDZET_PANSTWA: Payer.BUDZET_PANSTWA,
}


def base_cis_programme(kwestia: str = DEFAULT_ISSUE) -> Programme:
    """The parameter base's CIS programme of ``kwestia``, else that of ``bezrobocie``."""
    base = default_base()
    issue = base.issue(kwestia)
    for prog in issue.programy:
        if prog.id == PROGRAMME_ID:
            return prog
    for prog in base.issue(DEFAULT_ISSUE).programy:
        if prog.id == PROGRAMME_ID:
            return prog
    raise InputError("kwestia", f"baza parametrów nie ma programu CIS dla kwestii {kwestia!r}")


def cis_programme(
    kwestia: str = DEFAULT_ISSUE,
    *,
    koszt_uczestnika: float | None = None,
    skutecznosc: float | None = None,
    kalkulacja: CisResult | None = None,
) -> dict[str, Any]:
    """The CIS programme as the calculator's action.

    Defaults come from the parameter base (``bezrobocie`` / ``cis``). With ``kalkulacja`` (a CIS
    financing result) the cost per participant is the cost borne by the model's payers (Fundusz
    Pracy, gmina, state budget; EU funds and the centre's own revenue are outside the model) and
    ``finansowanie`` their shares. An explicit ``koszt_uczestnika`` wins over both.
    """
    prog = base_cis_programme(kwestia)
    cost = prog.koszt_uczestnika.wartosc
    financing = {str(k): v for k, v in prog.finansowanie.items()}
    source = prog.koszt_uczestnika.zrodlo
    if kalkulacja is not None:
        public = kalkulacja.koszt_publiczny
        cost = public / kalkulacja.dane.uczestnicy
        if public > 0:
            financing = {str(_MODEL_PAYER[p]): kalkulacja.platnicy[p] / public
                         for p in _MODEL_PAYER if kalkulacja.platnicy[p] > 0}
        source = "Kalkulator finansowania CIS (koszt płatników publicznych na uczestnika)."
    if koszt_uczestnika is not None:
        if not koszt_uczestnika >= 0:
            raise InputError("koszt_uczestnika",
                             f"oczekiwano liczby ≥ 0, otrzymano {koszt_uczestnika}")
        cost = float(koszt_uczestnika)
        source = "Wartość podana przez użytkownika."
    success = prog.skutecznosc.wartosc if skutecznosc is None else float(skutecznosc)
    if not 0 <= success <= 1:
        raise InputError("skutecznosc", f"oczekiwano liczby od 0 do 1, otrzymano {skutecznosc}")
    return {
        "id": prog.id,
        "nazwa": prog.nazwa,
        "kwestia": kwestia,
        "koszt_uczestnika": cost,
        "skutecznosc": success,
        "zasieg": prog.zasieg.wartosc,
        "powtarzaj": prog.powtarzaj,
        "finansowanie": financing,
        "rozdzial": prog.rozdzial,
        "zrodlo_kosztu": source,
        "zrodlo_skutecznosci": prog.skutecznosc.zrodlo,
    }
