"""The payers of a CIS and their Polish labels, defined once (sheet, CLI, Excel functions)."""

from __future__ import annotations

from enum import StrEnum


class CisPayer(StrEnum):
    FUNDUSZ_PRACY = "fundusz_pracy"
    GMINA = "gmina"
    BUDZET_PANSTWA = "budzet_panstwa"
    FUNDUSZE_UE = "fundusze_ue"
    PRZYCHODY_WLASNE = "przychody_wlasne"


CIS_PAYER_LABELS: dict[CisPayer, str] = {
    CisPayer.FUNDUSZ_PRACY: "Fundusz Pracy",
    CisPayer.GMINA: "gmina",
    CisPayer.BUDZET_PANSTWA: "budżet państwa",
    CisPayer.FUNDUSZE_UE: "fundusze UE",
    CisPayer.PRZYCHODY_WLASNE: "przychody własne CIS",
}
SHEET_CALC, SHEET_GRADUATES, SHEET_TRACKING = "Kalkulator", "Absolwenci", "Monitoring"
SHEET_OUTCOMES, SHEET_HELP = "Wyniki", "Instrukcja"
TOTAL_LABEL = "razem"
COST_TABLE_HEADER = ("płatnik", "kwota", "udział")

# The calculator's inputs: field of CisInput -> Polish label (sheet rows and CLI output).
INPUT_LABELS: dict[str, str] = {
    "uczestnicy": "Liczba uczestników",
    "miesiace": "Miesiące uczestnictwa (średnio)",
    "miesiace_dzialania": "Miesiące działania CIS w okresie (koszty bieżące)",
    "zasilek": "Zasiłek dla bezrobotnych – pierwsze 90 dni (zł/mies.)",
    "mnoznik": "Świadczenie integracyjne jako % zasiłku",
    "stopa_skladek": "Składki od świadczenia (% świadczenia)",
    "koszty_biezace_mies": "Koszty bieżące CIS na miesiąc (kadra, lokal, materiały)",
    "przychody_wlasne": "Przychody własne CIS w okresie",
    "udzial_ue": "Udział funduszy UE w kosztach bieżących",
    "udzial_panstwa": "Udział budżetu państwa w pozostałych kosztach bieżących",
}
RESULT_LABELS: dict[str, str] = {
    "swiadczenie_mies": "Świadczenie integracyjne na miesiąc",
    "swiadczenia": "Świadczenia integracyjne razem",
    "skladki": "Składki od świadczeń",
    "koszty_biezace": "Koszty bieżące razem",
    "nadwyzka_przychodow": "Nadwyżka przychodów własnych (ponad koszty bieżące)",
    "koszt_uczestnika": "Koszt pełny na uczestnika",
    "koszt_publiczny_uczestnika": "Koszt płatników publicznych na uczestnika (FP, gmina, państwo)",
}

# The graduate-monitoring tracking sheet: columns and drop-down values.
CONTACT_FORMS = ("telefon", "wizyta", "e-mail", "list", "spotkanie w CIS")
GRADUATE_SITUATIONS = (
    "zatrudniony – umowa o pracę",
    "zatrudniony – inna umowa",
    "własna działalność",
    "spółdzielnia socjalna",
    "bezrobotny",
    "ponownie w pomocy społecznej",
    "brak kontaktu",
)
TRACKING_HEADER = (
    "id absolwenta", "imię i nazwisko", "data ukończenia", "kontakt nr", "miesiąc po ukończeniu",
    "planowana data", "data kontaktu", "forma kontaktu", "sytuacja absolwenta", "uwagi",
)
GRADUATES_HEADER = ("id absolwenta", "imię i nazwisko", "data ukończenia")

# What each situation means for the outcome summary: employed (a contract), economically
# self-reliant (employed, own business or a social co-operative – as NIK counts CIS success),
# lost contact. The rest (unemployed, back on assistance) is neither.
EMPLOYED_SITUATIONS = frozenset(GRADUATE_SITUATIONS[:2])
SELF_RELIANT_SITUATIONS = frozenset(GRADUATE_SITUATIONS[:4])
LOST_CONTACT = GRADUATE_SITUATIONS[-1]
SHEET_OUTCOMES_HEADER = (
    "rocznik (rok ukończenia)", "miesiąc po ukończeniu", "absolwenci", "termin minął",
    "kontakty wpisane", "zatrudnieni", "usamodzielnieni", "udział usamodzielnionych",
    "brak kontaktu", "niewpisane po terminie",
)
