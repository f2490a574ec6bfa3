"""Where things are in the calculator workbook: sheet names, defined names, fixed rows.

Defined once: the builder writes these places, the reader (``kkz raport``) reads them back and
the tests look them up.
"""

from __future__ import annotations

from kkz_xl.model.inputs import MAX_HORIZON
from kkz_xl.model.payers import N_PAYERS

WORKBOOK_NAME = "Kalkulator_KKZ.xlsm"

GUIDE = "Instrukcja"
JST = "Dane JST"
PARAMS = "Parametry"
STATES = "Stany"  # issues on their multi-state models: states, costs per state, transitions
COSTS = "Koszty w latach"
CALC = "Kalkulator"
FLOWS = "Przepływy"
PAYERS = "Płatnicy"
UNCERTAINTY = "Niepewność"
CHARTS = "Wykresy"
SUMMARY = "Podsumowanie"
BUDGET = "Budżet i WPF"
PROGRAMMES = "Programy"  # hidden: the programme table behind the Parametry drop-downs
SHEETS = (GUIDE, JST, PARAMS, STATES, COSTS, CALC, FLOWS, PAYERS, UNCERTAINTY, BUDGET, CHARTS,
          SUMMARY, PROGRAMMES)

# Defined names of the key inputs (Dane JST), name → (row, label).
NAME_JST = "JST_Nazwa"
NAME_TERYT = "JST_TERYT"
NAME_KIND = "JST_Rodzaj"
NAME_VOIVODESHIP = "JST_Wojewodztwo"
NAME_RESIDENTS = "JST_Mieszkancy"
NAME_PRICE_YEAR = "Rok_cen"
NAME_HORIZON = "Horyzont"
NAME_RATE = "Stopa"
NAME_DRAWS = "MC_Losowania"
NAME_SPREAD = "MC_Zmiennosc"
NAME_SEED = "MC_Ziarno"
NAME_START_YEAR = "Rok_startu"
NAME_INDEXATION = "Indeksacja"
NAME_FLOW_ISSUE = "Kwestia_Przeplywy"
NAME_TORNADO_ISSUE = "Kwestia_Tornado"
NAME_ISSUE_CODES = "Kody_kwestii"

# Dane JST: the row of each key input (value in column C).
JST_ROWS: dict[str, int] = {
    NAME_JST: 4, NAME_TERYT: 5, NAME_KIND: 6, NAME_VOIVODESHIP: 7, NAME_RESIDENTS: 8,
    NAME_PRICE_YEAR: 11, NAME_HORIZON: 12, NAME_RATE: 13, NAME_START_YEAR: 14,
    NAME_DRAWS: 16, NAME_SPREAD: 17, NAME_SEED: 18,
}
JST_VALUE_COL = 3

# Kalkulator: first issue row (one row per issue of the parameter base).
CALC_HEADER_ROW = 5
CALC_FIRST_ROW = 6

# Parametry: header row and first parameter row; hidden key columns right of the visible
# ones (the row's key and a cost line's payer): the reader finds rows by key, not by label.
PARAMS_HEADER_ROW = 5
PARAMS_FIRST_ROW = 6
PARAMS_KEY_COL = 11
PARAMS_PAYER_COL = 12
PARAMS_OK_COL = 13  # the programme row: 1 when the chosen programme can be computed
PARAMS_CPI_COL = 15

# Programy: first programme row.
PROG_FIRST_ROW = 4

# Year-by-year tables are sized for the longest horizon allowed; rows past the horizon are
# blank in values and hidden by conditional formatting in formulas.
MAX_YEARS = MAX_HORIZON

# Koszty w latach: one block per issue (title row, header row, MAX_YEARS years, a blank row);
# year in column A, the costs per payer from B (one column each), the fiscal gains per payer,
# a blank column, then the multipliers of profiled lines.
COSTS_FIRST_BLOCK = 5
COSTS_STRIDE = MAX_YEARS + 3
COSTS_PAYER_COL = 2
COSTS_GAIN_COL = COSTS_PAYER_COL + N_PAYERS  # the gains per payer (korzysc_roczna)
COSTS_PROFILE_COL = COSTS_GAIN_COL + N_PAYERS + 1


def costs_first_row(index: int) -> int:
    """The year-1 row of the ``index``-th issue's block on Koszty w latach."""
    return COSTS_FIRST_BLOCK + index * COSTS_STRIDE + 2
