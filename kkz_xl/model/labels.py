"""Polish labels of results, defined once: Excel's spilled tables, the CLI, workbooks and
documents all use these (the Excel ones are part of the functions' contract)."""

from __future__ import annotations

# KKZ_WSKAZNIKI / KKZ_ANALIZA rows, in contract order.
INDICATOR_ROWS = (
    "koszt zaniechania (NPV)",
    "PV kosztów zaniechania",
    "PV kosztów działania",
    "PV kosztu programu",
    "korzyści brutto",
    "BCR",
    "ROI",
    "rok zwrotu",
)

# KKZ_PRZEPLYWY header, in contract order.
FLOW_COLUMNS = (
    "rok",
    "osoby w systemie – zaniechanie",
    "osoby w systemie – działanie",
    "koszt – zaniechanie",
    "koszt – działanie",
    "w tym koszt programu",
    "różnica",
    "różnica zdyskontowana narastająco",
)
# KKZ_PRZEPLYWY's last columns (added to the contract after FLOW_COLUMNS): the fiscal gains
# from self-reliant persons (korzysc_roczna), already netted in the costs above.
FLOW_GAIN_COLUMNS = (
    "korzyści – zaniechanie",
    "korzyści – działanie",
)

# KKZ_MONTE_CARLO rows.
MONTE_CARLO_ROWS = ("średnia", "p5", "p50", "p95", "prawdopodobieństwo NPV > 0")

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
