"""Kalkulator: one row per social issue – the JST's persons, the parameters in use and the
results of the KKZ_ functions; totals."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.labels import (
    BCR,
    BY_STATE,
    FLOW_COLUMNS,
    FLOW_PROGRAMME,
    GMINA_YEAR1,
    INDICATOR_ROWS,
    MONTE_CARLO_ROWS,
    NET_SAVING,
    NET_SAVING_NOTE,
    NO_BREAK_EVEN,
    NOT_REACHABLE,
    OWN_PROGRAMME,
    PROBABILITY,
    PROGRAMME_COST_PV,
    PROGRAMME_COST_YEAR1,
    PV_PROGRAMME,
    ROI,
    UNDEFINED,
)
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    a4,
    as_input,
    header_row,
    note,
    number_validation,
    protect,
    title,
    widths,
)
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted
from kkz_xl.workbook.context import (
    CALC_KEYS,
    COL_BCR,
    COL_BE_YEAR,
    COL_CODE,
    COL_COST0,
    COL_COVERAGE,
    COL_EXIT,
    COL_GMINA_Y1,
    COL_INFLOW,
    COL_LAST,
    COL_NAME,
    COL_NPV,
    COL_PAYBACK,
    COL_PCOST,
    COL_PERSONS,
    COL_PROB,
    COL_PROG_Y1,
    COL_PROGRAMME,
    COL_PV_PROG,
    COL_RELAPSE,
    COL_REPEAT,
    COL_ROI,
    COL_SUCCESS,
    COL_THRESHOLD,
    Context,
)
from kkz_xl.workbook.formats import INTEGER, MONEY, MONEY_ZL, PERCENT, PERSONS, RATIO, YEARS
from kkz_xl.workbook.inputs import IssueRow, share_key
from kkz_xl.workbook.sheets_detail import MC_FIRST_COL
from kkz_xl.workbook.sheets_inputs import PROBLEM_FILL

TOTAL_LABEL = "Razem"

HEADERS = {
    COL_CODE: "Kod", COL_NAME: "Kwestia społeczna", COL_PERSONS: "Osoby (na początku)",
    COL_INFLOW: "Napływ nowych osób rocznie",
    **{COL_COST0 + k: f"Koszt osoby w 1. roku – {PAYER_LABELS[p]}"
       for k, p in enumerate(PAYERS)},
    COL_EXIT: "Odpływ bez programu (q)", COL_RELAPSE: "Nawroty (r)",
    COL_PROGRAMME: "Program", COL_COVERAGE: "Zasięg programu (e)",
    COL_PCOST: "Koszt na uczestnika", COL_SUCCESS: "Skuteczność (s)",
    COL_REPEAT: "Program co roku (tak/nie)",
    COL_NPV: NET_SAVING, COL_PV_PROG: PROGRAMME_COST_PV,
    COL_PROG_Y1: PROGRAMME_COST_YEAR1, COL_GMINA_Y1: GMINA_YEAR1,
    COL_BCR: "Korzyści / koszty (BCR)", COL_ROI: "ROI", COL_BE_YEAR: "Rok zwrotu",
    COL_PAYBACK: "Okres zwrotu", COL_THRESHOLD: "Próg skuteczności",
    COL_PROB: "P(NPV > 0)",
}
LINKED = {
    COL_EXIT: ("odplyw", PERCENT), COL_RELAPSE: ("nawroty", PERCENT),
    COL_COVERAGE: ("zasieg", PERCENT),
    COL_PCOST: ("koszt_uczestnika", MONEY), COL_SUCCESS: ("skutecznosc", PERCENT),
}


# Column widths by key (cost columns: the default 13).
COLUMN_WIDTHS = {
    "code": 18, "name": 30, "persons": 11, "inflow": 11, "exit": 10, "relapse": 10,
    "programme": 26, "coverage": 10, "pcost": 13, "success": 12, "repeat": 9, "npv": 16,
    "pv_prog": 15, "prog_y1": 14, "gmina_y1": 14, "bcr": 13, "roi": 11, "be_year": 14,
    "payback": 14, "threshold": 13, "prob": 9,
}


def indicator(label: str) -> int:
    """The 1-based row of ``label`` in KKZ_WSKAZNIKI's result (the contract's order)."""
    return INDICATOR_ROWS.index(label) + 1


def calculator(ctx: Context, ws: Worksheet) -> None:
    w, f = ctx.w, ctx.factor
    title(ws, "Kalkulator kosztów zaniechania – wszystkie kwestie społeczne",
          "Wpisz liczbę osób i napływ (żółte komórki). Parametry (szare) pochodzą z arkusza "
          "Parametry – tam je zmieniasz; koszty rok po roku: arkusz Koszty w latach. Wyniki "
          "liczą funkcje KKZ_.")
    ws.cell(row=3, column=COL_PERSONS, value="Dane JST").font = BOLD_FONT
    ws.cell(row=3, column=COL_COST0, value="Parametry (z arkusza Parametry)").font = BOLD_FONT
    ws.cell(row=3, column=COL_NPV, value="Wyniki (funkcje KKZ_)").font = BOLD_FONT
    header_row(ws, L.CALC_HEADER_ROW, [HEADERS[c] for c in range(1, COL_LAST + 1)], height=48)
    widths(ws, [COLUMN_WIDTHS.get(k, 13) for k in CALC_KEYS])
    first = L.CALC_FIRST_ROW
    for n, issue in enumerate(ctx.data.issues):
        ctx.calc_rows[issue.code] = first + n
    for issue in ctx.data.issues:
        r = ctx.calc_rows[issue.code]
        ws.cell(row=r, column=COL_CODE, value=issue.code)
        ws.cell(row=r, column=COL_NAME, value=issue.name).alignment = Alignment(wrap_text=True)
        ws.row_dimensions[r].height = 30 if len(issue.name) <= 50 else 45
        as_input(ws.cell(row=r, column=COL_PERSONS, value=issue.persons), INTEGER)
        as_input(ws.cell(row=r, column=COL_INFLOW, value=issue.inflow), PERSONS)
        for col, (key, fmt) in LINKED.items():
            if issue.multi and key in ("odplyw", "nawroty"):
                # The model's transitions take their place (Stany).
                cell = ws.cell(row=r, column=col, value=BY_STATE)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
                continue
            pr = ctx.param_rows[(issue.code, key)]
            w.native(ws, r, col, f"{quoted(L.PARAMS)}!$G${pr}", issue.param(key).used(f), fmt)
        if issue.multi:
            _state_year1(ctx, ws, issue, r)
        else:
            year1 = issue.yearly_costs(f, 1)[0]
            for k in range(len(PAYERS)):
                c = col_letter(L.COSTS_PAYER_COL + k)
                src = f"{quoted(L.COSTS)}!${c}${ctx.cost_rows[issue.code]}"
                w.native(ws, r, COL_COST0 + k, src, year1[k], MONEY)
        pr = ctx.param_rows[(issue.code, "powtarzaj")]
        w.native(ws, r, COL_REPEAT, f"{quoted(L.PARAMS)}!$G${pr}",
                 issue.param("powtarzaj").used(f))
        ws.cell(row=r, column=COL_REPEAT).alignment = Alignment(horizontal="center")
        _programme(ctx, ws, issue, r)
        _results(ctx, ws, issue.code, r)
    last = first + len(ctx.data.issues) - 1
    number_validation(ws, f"C{first}:C{last}", "Osoby", 0, 10_000_000)
    number_validation(ws, f"D{first}:D{last}", "Napływ rocznie", 0, 1_000_000)
    _totals(ctx, ws, first, last)
    # One note per printed page (inputs | results), so none runs across the page break.
    note(ws, last + 3, COL_PERSONS,
         "Koszt osoby w 1. roku: z arkusza Koszty w latach – funkcje KKZ_ liczą z kosztami "
         "każdego roku (np. udział gminy w pieczy zastępczej rośnie z 10 % do 50 %). Kwestie "
         f"z „{BY_STATE}”: model wielostanowy (arkusz Stany) – koszt to średnia kosztów "
         "stanów ważona podziałem osób na początku. Pusta liczba osób – kwestia pominięta.",
         merge_to=COL_PCOST, height=45)
    note(ws, last + 3, COL_SUCCESS,
         f"{NET_SAVING_NOTE} Okres zwrotu: zdyskontowany, w latach (np. 2,95). Próg "
         "skuteczności: najmniejsza skuteczność, przy której NPV ≥ 0. P(NPV > 0): z analizy "
         "Monte Carlo (arkusz Niepewność).", merge_to=COL_LAST, height=45)
    # The title and its note fit the repeated columns A:B (printed on both pages).
    for row, height in ((1, 40), (2, 64)):
        ws.merge_cells(start_row=row, start_column=COL_CODE, end_row=row, end_column=COL_NAME)
        ws.cell(row=row, column=COL_CODE).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = height
    ws.freeze_panes = ws.cell(row=first, column=COL_PERSONS)
    a4(ws, landscape=True, repeat_rows=f"{L.CALC_HEADER_ROW}:{L.CALC_HEADER_ROW}")
    # Persons, costs and the programme on page 1; its effect and the results on page 2 (A:B
    # repeat). The break falls where LibreOffice's fit to two pages wide puts it anyway.
    ws.page_setup.fitToWidth = 2
    ws.page_setup.fitToHeight = 1
    ws.print_title_cols = "A:B"
    ws.col_breaks.append(Break(id=COL_SUCCESS - 1))  # zero-based: left of COL_SUCCESS
    ws.print_area = f"A1:{col_letter(COL_LAST)}{last + 3}"
    protect(ws)




def state_year1(issue: IssueRow, factor: float) -> list[float]:
    """A multi-state issue's yearly cost of one person at the start per payer: the cost of
    each state weighted by the split of the group."""
    shares = {r.key.split(".", 1)[1]: float(r.used(factor)) for r in issue.state_rows("podzial")}
    out = [0.0] * len(PAYERS)
    for row in issue.state_rows("koszt"):
        state = row.key.rsplit(".", 1)[1]
        out[PAYERS.index(row.payer)] += shares[state] * float(row.used(factor))  # type: ignore[arg-type]
    return out


def _state_year1(ctx: Context, ws: Worksheet, issue: IssueRow, r: int) -> None:
    st = ctx.states[issue.code]
    for k, value in enumerate(state_year1(issue, ctx.factor)):
        ctx.w.native(ws, r, COL_COST0 + k, f"SUMPRODUCT({st.split},{st.payer_costs[k]})",
                     value, MONEY)


def _programme(ctx: Context, ws: Worksheet, issue: IssueRow, r: int) -> None:
    """The programme's name as results name it (an own programme by its own name); red when
    the choice cannot be computed (the Parametry row says why)."""
    p = quoted(L.PARAMS)
    pick = f"{p}!$G${ctx.param_rows[(issue.code, 'program')]}"
    own = f"{p}!$G${ctx.param_rows[(issue.code, 'nazwa_wlasna')]}"
    cell = ctx.w.native(
        ws, r, COL_PROGRAMME,
        f'IF({pick}="{OWN_PROGRAMME}",IF({own}="","program {OWN_PROGRAMME}",{own}),{pick})',
        issue.programme_label)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.conditional_formatting.add(cell.coordinate, FormulaRule(
        formula=[f"{ctx.programme_ok[issue.code]}<>1"], fill=PROBLEM_FILL))


def _results(ctx: Context, ws: Worksheet, code: str, r: int) -> None:
    w = ctx.w
    active = ctx.figures.active(code)
    fig = ctx.figures.issue(code) if active else None
    res = fig.result if fig else None
    cond = ctx.active(code)

    def udf(col: int, call: str, value: object, fmt: str | None) -> None:
        w.udf(ws, r, col, f'IF({cond},{call},"")', value if active else "", fmt)

    def opt(x: float | int | None, text: str) -> object:
        return text if x is None else x

    def call(function: str) -> str:
        return ctx.call(function, code)

    udf(COL_NPV, call("KKZ_KOSZT_ZANIECHANIA"), res and res.npv, MONEY_ZL)
    def row(label: str) -> str:
        return f"INDEX({call('KKZ_WSKAZNIKI')},{indicator(label)},2)"

    udf(COL_PV_PROG, row(PV_PROGRAMME), res and res.pv_programme, MONEY_ZL)
    # The programme's cost in year 1 (constant prices): the engine's flows, row of year 1.
    year1 = f"INDEX({call('KKZ_PRZEPLYWY')},2,{FLOW_COLUMNS.index(FLOW_PROGRAMME) + 1})"
    udf(COL_PROG_Y1, year1, float(res.programme[0]) if res else None, MONEY_ZL)
    share = f"{quoted(L.PARAMS)}!$G${ctx.param_rows[(code, share_key(PAYERS[0]))]}"
    w.native(ws, r, COL_GMINA_Y1, f'IF({cond},{col_letter(COL_PROG_Y1)}{r}*{share},"")',
             gmina_year1(ctx, code) if res else "", MONEY_ZL, depends_on_udf=True)
    udf(COL_BCR, row(BCR), res and opt(res.bcr, UNDEFINED), RATIO)
    udf(COL_ROI, row(ROI), res and opt(res.roi, UNDEFINED), RATIO)
    udf(COL_BE_YEAR, call("KKZ_ROK_ZWROTU"), res and opt(res.break_even_year, NO_BREAK_EVEN),
        "0")
    udf(COL_PAYBACK, call("KKZ_OKRES_ZWROTU"), res and opt(res.payback, NO_BREAK_EVEN),
        YEARS)
    udf(COL_THRESHOLD, ctx.call("KKZ_PROG_SKUTECZNOSCI", code, without_success=True),
        res and opt(res.break_even_success, NOT_REACHABLE), PERCENT)
    mc_row = ctx.mc_rows[code]
    prob = col_letter(MC_FIRST_COL + MONTE_CARLO_ROWS.index(PROBABILITY))
    w.native(ws, r, COL_PROB, f'IF({cond},{quoted(L.UNCERTAINTY)}!${prob}${mc_row},"")',
             fig.mc[4] if fig else "", PERCENT, depends_on_udf=True)
    for col in (COL_BCR, COL_ROI, COL_BE_YEAR, COL_PAYBACK, COL_THRESHOLD):
        ws.cell(row=r, column=col).alignment = Alignment(horizontal="right", wrap_text=True)


def _totals(ctx: Context, ws: Worksheet, first: int, last: int) -> None:
    w = ctx.w
    r = last + 1
    ctx.totals_row = r
    ws.cell(row=r, column=COL_NAME, value=TOTAL_LABEL).font = BOLD_FONT
    active = [i for i in ctx.data.issues if ctx.figures.active(i.code)]
    persons = sum(float(i.persons or 0) for i in ctx.data.issues)
    inflow = sum(float(i.inflow or 0) for i in ctx.data.issues)
    npv = sum(ctx.figures.issue(i.code).result.npv for i in active)
    cost = sum(ctx.figures.issue(i.code).result.pv_programme for i in active)

    def rng(col: int) -> str:
        c = col_letter(col)
        return f"{c}{first}:{c}{last}"

    w.native(ws, r, COL_PERSONS, f"SUM({rng(COL_PERSONS)})", persons, INTEGER, bold=True)
    w.native(ws, r, COL_INFLOW, f"SUM({rng(COL_INFLOW)})", inflow, PERSONS, bold=True)
    year1 = sum(float(ctx.figures.issue(i.code).result.programme[0]) for i in active)
    gmina = sum(gmina_year1(ctx, i.code) for i in active)
    for col, total in ((COL_NPV, npv), (COL_PV_PROG, cost), (COL_PROG_Y1, year1),
                       (COL_GMINA_Y1, gmina)):
        # No results yet: an empty total, not a sum of 0 zł that reads like one.
        w.native(ws, r, col, f'IF(COUNT({rng(col)})=0,"",SUM({rng(col)}))',
                 total if active else "", MONEY_ZL, bold=True, depends_on_udf=True)
    # BCR and ROI of all issues together are the engine's (kkz oblicz), not re-derived here.


def gmina_year1(ctx: Context, code: str) -> float:
    """The gmina's part of issue ``code``'s programme cost in year 1 (its financing share)."""
    share = ctx.data.issue(code).param(share_key(PAYERS[0])).used(ctx.factor)
    return float(ctx.figures.issue(code).result.programme[0]) * float(share or 0)
