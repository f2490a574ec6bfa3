"""Polish labels of results, defined once: Excel's spilled tables, the CLI, workbooks and
documents all use these (the Excel ones are part of the functions' contract)."""

from __future__ import annotations

# KKZ_WSKAZNIKI / KKZ_ANALIZA rows, in contract order (look a row up by its name, never
# by a counted position: ``INDICATOR_ROWS.index(BCR)``).
NPV = "koszt zaniechania (NPV)"
PV_INACTION = "PV kosztów zaniechania"
PV_ACTION = "PV kosztów działania"
PV_PROGRAMME = "PV kosztu programu"
GROSS_BENEFIT = "korzyści brutto"
BCR = "BCR"
ROI = "ROI"
BREAK_EVEN_YEAR = "rok zwrotu"
INDICATOR_ROWS = (NPV, PV_INACTION, PV_ACTION, PV_PROGRAMME, GROSS_BENEFIT, BCR, ROI,
                  BREAK_EVEN_YEAR)

# What a councillor reads: the NPV named by the way its sign runs (the functions' names and
# the spilled labels above are the contract and stay). Positive: acting is cheaper.
NET_SAVING = "Oszczędność netto z działania (NPV)"
NET_SAVING_NOTE = ("Oszczędność netto z działania (NPV) = koszty zaniechania minus koszty "
                   "działania z programem, w wartości bieżącej. Dodatnia: działanie jest "
                   "tańsze niż zaniechanie (program się opłaca); ujemna: program kosztuje "
                   "więcej, niż oszczędza w horyzoncie analizy.")
NET_SAVING_TOTAL = "Oszczędność netto z działania – wszystkie kwestie (NPV)"
NET_SAVING_BY_PAYER = "Oszczędność netto płatnika (NPV)"
PROGRAMME_COST_PV = "Koszt programu (wartość bieżąca)"
PROGRAMME_COST_YEAR1 = "Koszt programu w 1. roku"
GMINA_YEAR1 = "w tym gmina w 1. roku"
GMINA_PAYS_YEAR1 = "Gmina płaci w 1. roku (programy, ceny stałe)"
CHOSEN_PROGRAMME = "Wybrany program"
YES_TEXT, NO_TEXT = "tak", "nie"  # one style for yes/no in every sheet
OWN_PROGRAMME = "własny"

FLOW_COST_Z = "koszt – zaniechanie"
FLOW_COST_A = "koszt – działanie"
FLOW_PROGRAMME = "w tym koszt programu"
FLOW_CUMULATIVE = "różnica zdyskontowana narastająco"
# KKZ_PRZEPLYWY header, in contract order.
FLOW_COLUMNS = (
    "rok",
    "osoby w systemie – zaniechanie",
    "osoby w systemie – działanie",
    FLOW_COST_Z,
    FLOW_COST_A,
    FLOW_PROGRAMME,
    "różnica",
    FLOW_CUMULATIVE,
)
# KKZ_PRZEPLYWY's last columns (added to the contract after FLOW_COLUMNS): the fiscal gains
# from self-reliant persons (korzysc_roczna), already netted in the costs above.
FLOW_GAIN_COLUMNS = (
    "korzyści – zaniechanie",
    "korzyści – działanie",
)

# KKZ_MONTE_CARLO rows.
PROBABILITY = "prawdopodobieństwo NPV > 0"
MONTE_CARLO_ROWS = ("średnia", "p5", "p50", "p95", PROBABILITY)

PAYERS_HEADER = ("płatnik", "koszt zaniechania")
ISSUES_HEADER = ("kod", "nazwa")

NO_BREAK_EVEN = "brak zwrotu w horyzoncie"
NOT_REACHABLE = "nieosiągalny"
UNDEFINED = "nieokreślony (brak kosztu programu)"

# Tornado inputs as users know them.
INPUT_LABELS = {
    "exit_rate": "odpływ (q)",
    "success": "skuteczność (s)",
    "relapse": "nawroty (r)",
    "coverage": "zasięg (e)",
    "programme_cost": "koszt uczestnika (c_p)",
    "inflow": "napływ (a)",
    "rate": "stopa dyskontowa",
    "cost_mult": "koszt",
    "gain_mult": "korzyść",
    "transition": "przejście",  # multi-state models: "transition[k]", k = the transition
}

# States of the two-state model (D, I), as the parameter base lists them.
TWO_STATES = ("osoby w systemie pomocy", "osoby samodzielne")

# Fiscal gains (korzyści) shown as their own lines beside the costs.
GAIN_NPV = "w tym korzyści fiskalne (NPV)"
GAIN_LINE = "korzyść fiskalna"
GAINS_HEADER = ("kod", "korzyść", "płatnik", "PV – zaniechanie", "PV – działanie",
                "różnica (NPV)")
# A multi-state model's working: the row of yearly multipliers of lines that change by year.
PROFILE_ROW = "mnożnik kwoty w kolejnych latach (ostatni się powtarza)"
# Under a payers' table whose state-budget gain is negative: why (kkz_xl.params.gains).
SIGNED_STATE_GAIN = ("Korzyść budżetu państwa jest ujemna: z PIT pracującego finansuje on udziały "
                     "gminy, powiatu i województwa, liczone od dochodu, a nie od podatku – przy "
                     "płacy minimalnej większe niż ten PIT (od 3. roku pracy).")

#: A multi-state issue's exits and relapses in the workbook: they are transitions (Stany).
BY_STATE = "wg stanów"
