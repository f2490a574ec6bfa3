"""A CIS as the "action" of the calculator: the programme's name, cost per participant, success
rate and financing, with defaults from the parameter base (issue ``bezrobocie``, programme
``cis``: keys ``koszt_uczestnika``, ``skutecznosc``, ``zasieg``, ``powtarzaj``, ``finansowanie``,
``rozdzial``), the CIS's own calculation (``kalkulacja``) or its observed outcomes from the
graduate monitoring (``wynik_monitoringu``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from kkz_xl.cis.financing import CisResult
from kkz_xl.cis.labels import CisPayer
from kkz_xl.errors import InputError
from kkz_xl.model.payers import PAYER_LABELS, Payer
from kkz_xl.params.base import default_base
from kkz_xl.params.schema import Programme
from kkz_xl.polish import fmt_number, fmt_percent

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


def payer_shares_named(financing: dict[str, float]) -> dict[str, float]:
    """Financing shares keyed by the payers' Polish names (``zus_fp`` → ``ZUS/Fundusz Pracy``)."""
    return {PAYER_LABELS[Payer(k)]: v for k, v in financing.items()}


def cis_programme(
    kwestia: str = DEFAULT_ISSUE,
    *,
    koszt_uczestnika: float | None = None,
    skutecznosc: float | None = None,
    kalkulacja: CisResult | None = None,
    wynik_monitoringu: Any = None,
) -> dict[str, Any]:
    """The CIS programme as the calculator's action.

    Defaults come from the parameter base (``bezrobocie`` / ``cis``). With ``kalkulacja`` (a CIS
    financing result) the cost per participant is the cost borne by the model's payers (Fundusz
    Pracy, gmina, state budget; EU funds and the centre's own revenue are outside the model) and
    ``finansowanie`` their shares. With ``wynik_monitoringu`` (a
    :class:`kkz_xl.cis.outcomes.SuccessRate`) the success rate is the one observed in this CIS,
    with its source, date and grade. An explicit ``koszt_uczestnika`` / ``skutecznosc`` wins.
    """
    prog = base_cis_programme(kwestia)
    cost = prog.koszt_uczestnika.wartosc
    financing = {str(k): v for k, v in prog.finansowanie.items()}
    # The base's source of the split (key ``finansowanie_zrodlo``, when the base has it).
    financing_source = getattr(prog, "finansowanie_zrodlo", None) or "baza parametrów"
    source = prog.koszt_uczestnika.zrodlo
    notes: list[str] = []
    if kalkulacja is not None:
        public = kalkulacja.koszt_publiczny
        cost = public / kalkulacja.dane.uczestnicy
        if public > 0:
            financing = {str(_MODEL_PAYER[p]): kalkulacja.platnicy[p] / public
                         for p in _MODEL_PAYER if kalkulacja.platnicy[p] > 0}
        source = "Kalkulator finansowania CIS (koszt płatników publicznych na uczestnika)."
        financing_source = source
    elif Payer.ZUS_FP not in prog.finansowanie:
        notes.append("Baza parametrów przypisuje koszt CIS bez Funduszu Pracy, choć świadczenie "
                     "integracyjne i składki od niego płaci Fundusz Pracy (przez PUP); podział "
                     "dla konkretnego CIS daje kalkulator: kkz cis program plan.yaml.")
    if koszt_uczestnika is not None:
        if not koszt_uczestnika >= 0:
            raise InputError("koszt_uczestnika",
                             f"oczekiwano liczby ≥ 0, otrzymano {koszt_uczestnika}")
        cost = float(koszt_uczestnika)
        source = "Wartość podana przez użytkownika."
    success = prog.skutecznosc.wartosc
    success_source = prog.skutecznosc.zrodlo
    success_grade = prog.skutecznosc.stopien
    success_date: str | None = str(prog.skutecznosc.rok)
    gross: float | None = None
    if wynik_monitoringu is not None:
        # The model's success rate is net of the spontaneous exit q of the issue (a participant
        # leaves assistance with q + s·(1 − q)), so the observed gross share g becomes
        # s = (g − q)/(1 − q), as the base does with NIK's 38,2 %.
        gross = wynik_monitoringu.wartosc
        q = default_base().issue(kwestia).odplyw.wartosc
        success = max(0.0, (gross - q) / (1 - q))
        success_source = (f"{wynik_monitoringu.zrodlo}; netto s = (g − q)/(1 − q) = "
                          f"({fmt_number(gross, 3)} − {fmt_number(q, 2)})/{fmt_number(1 - q, 2)}"
                          f" ≈ {fmt_number(success, 3)}, q – odpływ kwestii z bazy parametrów")
        success_grade = wynik_monitoringu.stopien
        success_date = wynik_monitoringu.data.isoformat()
    if skutecznosc is not None:
        success = float(skutecznosc)
        success_source = "Wartość podana przez użytkownika."
        success_grade = 5
        success_date = dt.date.today().isoformat()
    if not 0 <= success <= 1:
        raise InputError("skutecznosc", f"oczekiwano liczby od 0 do 1, otrzymano {skutecznosc}")
    return {
        "id": prog.id,
        "wlasna_kalkulacja": kalkulacja is not None,
        "nazwa": prog.nazwa,
        "kwestia": kwestia,
        "koszt_uczestnika": cost,
        "skutecznosc": success,
        "skutecznosc_brutto": gross,
        "zasieg": prog.zasieg.wartosc,
        "powtarzaj": prog.powtarzaj,
        "finansowanie": financing,
        "finansowanie_platnicy": payer_shares_named(financing),
        "rozdzial": prog.rozdzial,
        "zrodlo_kosztu": source,
        "zrodlo_finansowania": financing_source,
        "zrodlo_skutecznosci": success_source,
        "stopien_skutecznosci": success_grade,
        "data_skutecznosci": success_date,
        "uwagi": notes,
    }


def rounded_shares(financing: dict[str, float], digits: int = 4) -> dict[str, float]:
    """Payers' shares to ``digits`` places that still add up to 1 (the scenario checks it):
    the rounding remainder goes to the largest share."""
    out = {k: round(v, digits) for k, v in financing.items()}
    if out:
        top = max(out, key=lambda k: out[k])
        out[top] = round(out[top] + 1 - sum(out.values()), digits)
    return out


def scenario_edit(prog: dict[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`kkz_xl.model.scenario_edit.set_programme` that put this CIS
    into a scenario's issue: its success rate always (observed and netted, or the base's);
    its cost per participant and financing only when they are this CIS's own (its financing
    calculation) – otherwise the base's CIS programme supplies them, indexed to the scenario's
    price year; the base programme id when the issue has a CIS programme in the base."""
    code = prog["kwestia"]
    has_cis = any(p.id == prog["id"] for p in default_base().issue(code).programy)
    own = prog["wlasna_kalkulacja"]
    note = (f"skuteczność {fmt_number(prog['skutecznosc'], 4)} – {prog['zrodlo_skutecznosci']}"
            f" (data {prog['data_skutecznosci']}, stopień {prog['stopien_skutecznosci']})")
    if own:
        note += f"; koszt i finansowanie – {prog['zrodlo_kosztu']}"
    return {
        "code": code, "name": prog["nazwa"], "success": round(float(prog["skutecznosc"]), 4),
        "cost": round(float(prog["koszt_uczestnika"]), 2) if own else None,
        "financing": rounded_shares(prog["finansowanie"]) if own else None,
        "programme": prog["id"] if has_cis else None, "note": note,
    }


def scenario_fragment(prog: dict[str, Any]) -> str:
    """A scenario fragment (YAML) running this CIS in the calculator, its sources in comments:
    paste the issue entry into a JST scenario's ``kwestie`` (keys of the scenario format:
    ``kod``, ``program``, ``nazwa_programu``, ``koszt_uczestnika``, ``skutecznosc``,
    ``finansowanie``)."""
    entry = {
        "kod": prog["kwestia"], "program": prog["id"], "nazwa_programu": prog["nazwa"],
        "koszt_uczestnika": round(float(prog["koszt_uczestnika"]), 2),
        "skutecznosc": round(float(prog["skutecznosc"]), 4),
        "finansowanie": rounded_shares(prog["finansowanie"]),
    }
    shares = ", ".join(f"{name} {fmt_percent(v)}"
                       for name, v in prog["finansowanie_platnicy"].items())
    lines = [
        "# Fragment scenariusza kalkulatora KKZ: program CIS (wklej pozycję do listy „kwestie”",
        "# scenariusza JST; „osoby” i pozostałe dane kwestii uzupełnij sam).",
        f"# Koszt na uczestnika – źródło: {prog['zrodlo_kosztu']}",
        f"# Skuteczność – źródło: {prog['zrodlo_skutecznosci']}",
        f"# Skuteczność – data: {prog['data_skutecznosci']}, stopień wiarygodności: "
        f"{prog['stopien_skutecznosci']} (1 – statystyka oficjalna … 5 – założenie)",
        f"# Finansowanie: {shares} – źródło: {' '.join(prog['zrodlo_finansowania'].split())}",
        *(f"# Uwaga: {n}" for n in prog["uwagi"]),
        "kwestie:",
    ]
    body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(lines) + "\n" + "".join(f"  {line}\n" for line in body.splitlines())
