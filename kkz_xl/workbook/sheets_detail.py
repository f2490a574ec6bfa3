"""Przepływy (year by year for a chosen issue), Płatnicy (who pays, who saves) and Niepewność
(Monte Carlo, tornado): the spilled KKZ_ results shown whole, each call held by a defined
name and read cell by cell (``Writer.table``)."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.engine.influence import influence
from kkz_xl.model.labels import (
    BY_STATE,
    FLOW_COLUMNS,
    FLOW_GAIN_COLUMNS,
    INDICATOR_ROWS,
    MONTE_CARLO_ROWS,
    NET_SAVING,
    NET_SAVING_BY_PAYER,
)
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    NOTE_FONT,
    a4,
    as_input,
    header_row,
    note,
    number_validation,
    protect,
    title,
    titled_note,
    widths,
)
from kkz_xl.reporting.tables import TORNADO_ROWS, tornado_label
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted, ref
from kkz_xl.workbook.context import (
    COL_COST0,
    COL_COVERAGE,
    COL_EXIT,
    COL_INFLOW,
    COL_PCOST,
    COL_PERSONS,
    COL_RELAPSE,
    COL_REPEAT,
    COL_SUCCESS,
    Context,
)
from kkz_xl.workbook.formats import INTEGER, PERCENT, PERSONS, RATIO
from kkz_xl.workbook.formats import MONEY_ZL as MONEY  # results: to the złoty
from kkz_xl.workbook.inputs import NO, YES, share_key
from kkz_xl.workbook.values import TORNADO_INPUTS, TORNADO_SPREAD, sort_key, tornado_labels

HIDDEN_FONT = Font(color="FFFFFF")
FLOWS_MULTI = ("Kwestia liczona modelem wielostanowym: odpływ i nawroty jej nie dotyczą – "
               "stany, koszty i przejścia w arkuszu Stany; osoby w systemie: poza stanami "
               "samodzielnymi.")
STATE_TORNADO_TITLE = "Tornado kwestii liczonych modelem wielostanowym"
TORNADO_MULTI = ("Ta kwestia jest liczona modelem wielostanowym: tabela poniżej (postać "
                 "dwustanowa) jej nie dotyczy – jej tornado (przejścia, program, koszty): "
                 f"tabela „{STATE_TORNADO_TITLE}” pod rankingiem parametrów w tym arkuszu.")
BY_STATE_NOTE = f"{BY_STATE} – przejścia w arkuszu {L.STATES}"  # the picker's odpływ, nawroty
MC_FIRST_COL = 3  # Niepewność: the Monte Carlo summary's first figure (after code, name)
FLOW_WIDTH = len(FLOW_COLUMNS) + len(FLOW_GAIN_COLUMNS)  # KKZ_PRZEPLYWY's columns
FLOW_COSTS_COL = FLOW_WIDTH + 2  # Przepływy: the picked issue's costs, right of the flows
FLOW_GAINS_COL = FLOW_COSTS_COL + len(PAYERS) + 2  # ... and its gains
TORNADO_KEY_COL = 13  # Niepewność: the tornado's sort key (last visible column)
# Niepewność: low and high payer multipliers per cost row, right of the tables; then the
# tornado issue's yearly costs.
TORNADO_HELPER_COL = TORNADO_KEY_COL + 2
TORNADO_COSTS_COL = TORNADO_HELPER_COL + 2 * len(PAYERS) + 1
TORNADO_GAINS_COL = TORNADO_COSTS_COL + len(PAYERS) + 2
PERSONS_FMT = PERSONS
# The defined names holding the spilled calls (per issue: the prefix and the issue's code).
RESULT_INDICATORS = "Wynik_Wskazniki"
RESULT_FLOWS = "Wynik_Przeplywy"
RESULT_PAYERS = "Wynik_Platnicy_"
RESULT_MONTE_CARLO = "Wynik_MC_"
FLOW_FORMATS = ["0", PERSONS_FMT, PERSONS_FMT, MONEY, MONEY, MONEY, MONEY, MONEY,
                *[MONEY] * len(FLOW_GAIN_COLUMNS)]
INDICATOR_FORMATS = [MONEY] * 5 + [RATIO, RATIO, "0"]
# The selected issue's model arguments: label, Kalkulator column, number format.
ARG_ROWS = (
    ("Osoby (na początku)", COL_PERSONS, INTEGER),
    ("Napływ rocznie", COL_INFLOW, PERSONS_FMT),
    ("Odpływ bez programu (q)", COL_EXIT, PERCENT),
    ("Nawroty (r)", COL_RELAPSE, PERCENT),
    ("Zasięg programu (e)", COL_COVERAGE, PERCENT),
    ("Koszt na uczestnika", COL_PCOST, MONEY),
    ("Skuteczność (s)", COL_SUCCESS, PERCENT),
    ("Program co roku", COL_REPEAT, None),
)


def _codes_range(ctx: Context) -> str:
    first = L.CALC_FIRST_ROW
    last = first + len(ctx.data.issues) - 1
    return f"{quoted(L.CALC)}!$A${first}:$A${last}"


def _issue_picker(ctx: Context, ws: Worksheet, row: int, name: str, code: str) -> dict[str, str]:
    """A drop-down of issue codes at ``row`` and the chosen issue's arguments below it;
    returns the cells of each argument (costs: see ``_picked_costs``) and, under "index", the
    cell with the issue's position."""
    w = ctx.w
    ws.cell(row=row, column=1, value="Kwestia (wybierz kod z listy):").font = BOLD_FONT
    pick = as_input(ws.cell(row=row, column=2, value=code))
    ctx.wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted(ws.title)}!$B${row}")
    dv = DataValidation(type="list", formula1=L.NAME_ISSUE_CODES, allow_blank=False,
                        showErrorMessage=True, errorTitle="Nieznana kwestia",
                        error="Wybierz kod kwestii z listy (kody jak w arkuszu Kalkulator).",
                        promptTitle="Kwestia", prompt="Wybierz kwestię z listy.",
                        showInputMessage=True)
    dv.add(pick.coordinate)
    ws.add_data_validation(dv)
    issue = ctx.data.issue(code)
    codes = _codes_range(ctx)
    names = codes.replace("$A$", "$B$")
    w.native(ws, row, 3, f"INDEX({names},MATCH({name},{codes},0))", issue.name)
    ctx.picked_names[name] = f"{quoted(ws.title)}!$C${row}"
    ws.cell(row=row + 1, column=1, value="Wiersz w arkuszu Kalkulator:").font = NOTE_FONT
    index_cell = ref(row + 1, 2, absolute=True)
    position = ctx.codes.index(code) + 1
    w.native(ws, row + 1, 2, f"MATCH({name},{codes},0)", position, "0")
    if issue.multi:  # exits and relapses: the model's transitions (Stany), N() → 0
        f = ctx.factor
        values: dict[int, object] = {
            COL_PERSONS: float(issue.persons or 0), COL_INFLOW: issue.inflow, COL_EXIT: 0.0,
            COL_RELAPSE: 0.0, COL_COVERAGE: issue.param("zasieg").used(f),
            COL_PCOST: issue.param("koszt_uczestnika").used(f),
            COL_SUCCESS: issue.param("skutecznosc").used(f),
            COL_REPEAT: issue.param("powtarzaj").used(f)}
    else:
        inputs = ctx.figures.inputs(code)
        values = {
            COL_PERSONS: inputs.persons, COL_INFLOW: inputs.inflow, COL_EXIT: inputs.exit_rate,
            COL_RELAPSE: inputs.relapse, COL_COVERAGE: inputs.coverage,
            COL_PCOST: inputs.programme_cost, COL_SUCCESS: inputs.success,
            COL_REPEAT: YES if inputs.repeat else NO,
        }
    cells: dict[str, str] = {}
    r = row + 2
    first, last = L.CALC_FIRST_ROW, L.CALC_FIRST_ROW + len(ctx.data.issues) - 1
    multi = _multi_picked(ctx, index_cell)
    for label, col, fmt in ARG_ROWS:
        ws.cell(row=r, column=1, value=label)
        c = col_letter(col)
        expr = f"INDEX({quoted(L.CALC)}!${c}${first}:${c}${last},{index_cell})"
        if col != COL_REPEAT:
            expr = f"N({expr})"
        w.native(ws, r, 2, expr, values[col], fmt)
        cells[str(col)] = ref(r, 2, absolute=True)
        if col in (COL_EXIT, COL_RELAPSE):
            # A multi-state issue has transitions instead (the 0 stays: it is an argument).
            w.native(ws, r, 3, f'IF({multi},"{BY_STATE_NOTE}","")',
                     BY_STATE_NOTE if issue.multi else "")
            ws.cell(row=r, column=3).font = NOTE_FONT
            ws.conditional_formatting.add(
                ref(r, 2), FormulaRule(formula=[multi], font=HIDDEN_FONT, border=None))
        r += 1
    cells["index"] = index_cell
    return cells


def _picked_costs(ctx: Context, ws: Worksheet, row: int, col: int, code: str,
                  index_cell: str, *, gains: bool = False) -> str:
    """The picked issue's years × payers cost (or ``gains``) table, copied from Koszty
    w latach, with its title at ``row`` and header below; returns its range (absolute), a
    KKZ_ argument."""
    w = ctx.w
    what = "Korzyści fiskalne" if gains else "Koszty roczne osoby"
    ws.cell(row=row, column=col, value=f"{what} wybranej kwestii (z arkusza Koszty "
            "w latach)").font = BOLD_FONT
    header_row(ws, row + 1, ["Rok", *[PAYER_LABELS[p] for p in PAYERS]], col=col)
    top, bottom = L.costs_first_row(0), L.costs_first_row(len(ctx.codes) - 1) + L.MAX_YEARS - 1
    table = ctx.data.issue(code).yearly_costs(ctx.factor, gains=gains)
    source = L.COSTS_GAIN_COL if gains else L.COSTS_PAYER_COL
    first = row + 2
    for t in range(L.MAX_YEARS):
        ws.cell(row=first + t, column=col, value=t + 1)
        for k in range(len(PAYERS)):
            c = col_letter(source + k)
            at = f"({index_cell}-1)*{L.COSTS_STRIDE}+{t + 1}"
            w.native(ws, first + t, col + 1 + k,
                     f"N(INDEX({quoted(L.COSTS)}!${c}${top}:${c}${bottom},{at}))",
                     table[t][k], MONEY)
    return (f"{ref(first, col + 1, absolute=True)}:"
            f"{ref(first + L.MAX_YEARS - 1, col + len(PAYERS), absolute=True)}")


def _args(cells: dict[str, str], *, replace: dict[int, str] | None = None) -> str:
    """The picked issue's arguments, ``korzysc_roczna`` (its gains table) last."""
    c = {int(k): v for k, v in cells.items() if k.isdigit()} | (replace or {})
    return ",".join([c[COL_PERSONS], c[COL_COST0], c[COL_EXIT], c[COL_SUCCESS], c[COL_PCOST],
                     L.NAME_HORIZON, L.NAME_RATE, c[COL_COVERAGE], c[COL_RELAPSE],
                     c[COL_INFLOW], f'{c[COL_REPEAT]}="{YES}"', cells["gains"]])


def _multi_positions(ctx: Context) -> list[tuple[str, int]]:
    """The issues on their multi-state models and their positions in the picker's list."""
    return [(c, n + 1) for n, c in enumerate(ctx.codes) if ctx.is_multi(c)]


def _multi_picked(ctx: Context, index_cell: str) -> str:
    """A condition: the picker at ``index_cell`` shows an issue on its multi-state model."""
    picks = [f"{index_cell}={pos}" for _, pos in _multi_positions(ctx)]
    return f"OR({','.join(picks)})" if picks else "FALSE"


def _picked_call(ctx: Context, function: str, args: str, index_cell: str) -> str:
    """``function`` for the picked issue: its own ``…_STANY`` call (Stany ranges) when it is
    on a multi-state model, else the two-state function with the picked arguments."""
    expr = f"{function}({args})"
    for code, pos in reversed(_multi_positions(ctx)):
        expr = f"IF({index_cell}={pos},{ctx.call(function, code)},{expr})"
    return expr


def flows(ctx: Context, ws: Worksheet) -> None:
    """Przepływy: indicators and year-by-year flows of the issue picked from the list."""
    w = ctx.w
    title(ws, "Przepływy rok po roku – wybrana kwestia",
          "Wybierz kwestię z listy w komórce B3. Tabele liczą funkcje KKZ_WSKAZNIKI "
          "i KKZ_PRZEPLYWY (osoby w systemie i koszty w obu scenariuszach).")
    widths(ws, [40, *[15] * (FLOW_WIDTH - 1), 3, 8, *[15] * len(PAYERS), 3, 8,
                *[15] * len(PAYERS)])
    code = ctx.data.flow_issue or ctx.codes[0]
    cells = _issue_picker(ctx, ws, 3, L.NAME_FLOW_ISSUE, code)
    multi = _multi_picked(ctx, cells["index"])
    w.native(ws, 3 + 2 + len(ARG_ROWS), 1, f'IF({multi},"{FLOWS_MULTI}","")',
             FLOWS_MULTI if ctx.is_multi(code) else "")
    ws.cell(row=3 + 2 + len(ARG_ROWS), column=1).font = NOTE_FONT
    r = 3 + 2 + len(ARG_ROWS) + 1
    top = r + 1 + len(INDICATOR_ROWS) + 2  # the flows' header row
    # The costs beside the flows, year against year.
    cells[str(COL_COST0)] = _picked_costs(ctx, ws, top - 1, FLOW_COSTS_COL, code,
                                          cells["index"])
    cells["gains"] = _picked_costs(ctx, ws, top - 1, FLOW_GAINS_COL, code, cells["index"],
                                   gains=True)
    args = _args(cells)
    fig = ctx.figures.issue(code)
    ws.cell(row=r, column=1, value="Wskaźniki (KKZ_WSKAZNIKI)").font = BOLD_FONT
    w.table(ws, r + 1, 1, RESULT_INDICATORS,
            _picked_call(ctx, "KKZ_WSKAZNIKI", args, cells["index"]), fig.indicators(),
            len(INDICATOR_ROWS), 2, None)
    for i, fmt in enumerate(INDICATOR_FORMATS):
        ws.cell(row=r + 1 + i, column=2).number_format = fmt
    r += 1 + len(INDICATOR_ROWS) + 1
    ws.cell(row=r, column=1, value="Przepływy rok po roku (KKZ_PRZEPLYWY)").font = BOLD_FONT
    # Sized for the longest horizon; the rows past this one's are blank.
    w.table(ws, top, 1, RESULT_FLOWS, _picked_call(ctx, "KKZ_PRZEPLYWY", args, cells["index"]),
            fig.flows(), L.MAX_YEARS + 1, FLOW_WIDTH, FLOW_FORMATS,
            last_row=L.NAME_HORIZON)
    for j in range(FLOW_WIDTH):
        cell = ws.cell(row=top, column=1 + j)
        cell.font = BOLD_FONT
        cell.number_format = "General"
    ws.row_dimensions[top].height = 45
    ctx.flow_first_row = top + 1
    bottom = top + L.MAX_YEARS
    # Rows past the horizon: the flows are blank, the costs beside them (50 years) hidden.
    ws.conditional_formatting.add(
        f"A{top + 1}:{col_letter(FLOW_GAINS_COL + len(PAYERS))}{bottom}",
        FormulaRule(formula=[f"ROW()-{top}>{L.NAME_HORIZON}"], font=HIDDEN_FONT,
                    border=None),
    )
    for j in range(FLOW_WIDTH):
        ws.cell(row=top, column=1 + j).alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A5"
    a4(ws, landscape=False)
    ws.print_area = f"A1:{col_letter(FLOW_WIDTH)}{top + ctx.data.horizon}"
    protect(ws)


def payers(ctx: Context, ws: Worksheet) -> None:
    """Płatnicy: the NPV of each payer per issue (KKZ_PLATNICY), with the programme's
    financing shares; columns follow the payers list."""
    w = ctx.w
    title(ws, "Kto płaci, kto oszczędza – "
          f"{NET_SAVING_BY_PAYER[0].lower()}{NET_SAVING_BY_PAYER[1:]}",
          "Dodatnia: płatnik oszczędza na działaniu; ujemna: ponosi koszt (np. gmina finansuje "
          "program, a oszczędza budżet państwa). Udziały finansowania programu: arkusz "
          "Parametry.")
    n_pay = len(PAYERS)
    total_col = 3 + n_pay
    widths(ws, [14, 24, *[16] * (n_pay + 1)])
    head = 5
    header_row(ws, head, ["Kod", "Kwestia", *[PAYER_LABELS[p] for p in PAYERS], "Razem"])
    n = len(ctx.data.issues)
    detail = head + n + 5
    stride = n_pay + 4  # name, header, one row per payer, a blank row
    ws.cell(row=detail - 1, column=1,
            value="Szczegóły: wyniki funkcji KKZ_PLATNICY i udziały w finansowaniu programu"
            ).font = BOLD_FONT
    totals = [0.0] * n_pay
    for i, issue in enumerate(ctx.data.issues):
        code = issue.code
        r = ctx.payer_rows[code]
        block = detail + i * stride
        active = ctx.figures.active(code)
        fig = ctx.figures.issue(code) if active else None
        ws.cell(row=r, column=1, value=code)
        ws.cell(row=r, column=2, value=issue.name)
        ws.cell(row=block, column=1, value=code).font = BOLD_FONT
        ws.cell(row=block, column=2, value=issue.name).font = BOLD_FONT
        rows = [ctx.param_rows[(code, share_key(p))] for p in PAYERS]
        ws.cell(row=block + 1, column=3, value="udział w finansowaniu programu").font = (
            NOTE_FONT)
        for k, (p, pr) in enumerate(zip(PAYERS, rows, strict=True)):
            w.native(ws, block + 2 + k, 3, f"{quoted(L.PARAMS)}!$G${pr}",
                     issue.param(share_key(p)).used(ctx.factor), PERCENT)
        shares = f"{quoted(L.PARAMS)}!$G${rows[0]}:$G${rows[-1]}"
        table = fig.payers_table() if fig else [[""] * 2] * (n_pay + 1)
        w.table(ws, block + 1, 1, RESULT_PAYERS + code,
                ctx.call("KKZ_PLATNICY", code, shares), table, n_pay + 1, 2, [None, MONEY],
                when=ctx.active(code))
        for k in range(n_pay):
            src = f"B{block + 2 + k}"
            value = fig.result.npv_by_payer[k] if fig else ""
            if fig:
                totals[k] += value
            w.native(ws, r, 3 + k, f'IF({ctx.active(code)},{src},"")', value,
                     MONEY, depends_on_udf=True)
        total = sum(fig.result.npv_by_payer) if fig else ""
        span = f"{col_letter(3)}{r}:{col_letter(total_col - 1)}{r}"
        w.native(ws, r, total_col, f'IF({ctx.active(code)},SUM({span}),"")', total, MONEY,
                 bold=True, depends_on_udf=True)
    r = head + n + 1
    ctx.payer_totals_row = r
    ws.cell(row=r, column=2, value="Razem").font = BOLD_FONT
    for k in range(n_pay + 1):
        c = col_letter(3 + k)
        value = totals[k] if k < n_pay else sum(totals)
        w.native(ws, r, 3 + k, f"SUM({c}{head + 1}:{c}{head + n})", value, MONEY, bold=True,
                 depends_on_udf=True)
    note(ws, r + 1, 1, f"Suma po płatnikach równa się wartości „{NET_SAVING}” z Kalkulatora.",
         merge_to=total_col)
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    a4(ws, landscape=True)
    # The print set is the summary table; the detail blocks are the functions' working.
    ws.print_area = f"A1:{col_letter(total_col)}{r + 1}"
    protect(ws)


def uncertainty(ctx: Context, ws: Worksheet) -> None:
    """Niepewność: Monte Carlo per issue (KKZ_MONTE_CARLO) and a tornado for a chosen issue."""
    w = ctx.w
    d = ctx.data
    title(ws, "Niepewność wyników – Monte Carlo i analiza wrażliwości (tornado)",
          "Monte Carlo: liczba losowań, zmienność i ziarno w arkuszu Dane JST.")
    widths(ws, [26, 24, 16, 16, 16, 16, 13, 3, 24, 16, 16, 16, 14])
    head = 5
    header_row(ws, head, ["Kod", "Kwestia", "Średnia NPV", "p5", "p50 (mediana)", "p95",
                          "P(NPV > 0)"])
    n = len(d.issues)
    mc_args = f"{L.NAME_DRAWS},{L.NAME_SPREAD},{L.NAME_SEED}"
    detail_top = head + n + 2
    # Tornado block (a chosen issue), then the Monte Carlo details at the bottom.
    t_top = detail_top
    ws.cell(row=t_top, column=1, value="Analiza wrażliwości (tornado)").font = BOLD_FONT
    code = d.tornado_issue or ctx.codes[0]
    cells = _issue_picker(ctx, ws, t_top + 1, L.NAME_TORNADO_ISSUE, code)
    sp_row = t_top + 3 + len(ARG_ROWS)
    ws.cell(row=sp_row, column=1, value="Zmiana parametru w górę i w dół (±)")
    as_input(ws.cell(row=sp_row, column=2, value=TORNADO_SPREAD), PERCENT)
    number_validation(ws, f"B{sp_row}", "Zmiana parametru", 0, 0.9, percent=True)
    spread = f"$B${sp_row}"
    th = sp_row + 2
    header_row(ws, th, ["Parametr", "Wartość", "Niska", "Wysoka", "NPV przy niskiej",
                        "NPV przy wysokiej", "Rozpiętość", "", "Parametr (od największej)",
                        "NPV przy niskiej", "NPV przy wysokiej", "Rozpiętość",
                        "Klucz sortowania"], height=36)
    lines = ctx.figures.tornado(code)
    labels = tornado_labels()
    first = th + 1
    last = first + len(labels) - 1
    point_cells = {k: cells[str(c)] for k, c in (
        ("exit_rate", COL_EXIT), ("success", COL_SUCCESS), ("relapse", COL_RELAPSE),
        ("coverage", COL_COVERAGE), ("programme_cost", COL_PCOST), ("inflow", COL_INFLOW))}
    point_cells["rate"] = L.NAME_RATE
    arg_col = {"exit_rate": COL_EXIT, "success": COL_SUCCESS, "relapse": COL_RELAPSE,
               "coverage": COL_COVERAGE, "programme_cost": COL_PCOST, "inflow": COL_INFLOW}
    cells[str(COL_COST0)] = _picked_costs(ctx, ws, t_top + 1, TORNADO_COSTS_COL, code,
                                          cells["index"])
    cells["gains"] = _picked_costs(ctx, ws, t_top + 1, TORNADO_GAINS_COL, code,
                                   cells["index"], gains=True)
    table = cells[str(COL_COST0)]
    # The tornado is the two-state form's: an issue on its multi-state model shows none.
    multi = _multi_picked(ctx, cells["index"])
    w.native(ws, sp_row + 1, 1, f'IF({multi},"{TORNADO_MULTI}","")',
             TORNADO_MULTI if ctx.is_multi(code) else "")
    ws.cell(row=sp_row + 1, column=1).font = NOTE_FONT
    helper_col = TORNADO_HELPER_COL
    n_pay = len(PAYERS)
    ws.cell(row=th, column=helper_col, value="Mnożniki kosztów w wariancie niskim i wysokim "
            f"({', '.join(PAYER_LABELS[p] for p in PAYERS)})").font = NOTE_FONT
    for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
        r = first + i
        ws.cell(row=r, column=1, value=label)
        if i < len(TORNADO_INPUTS):
            key, _, top = TORNADO_INPUTS[i]
            point = point_cells[key]
            fmt = MONEY if key == "programme_cost" else (
                PERSONS_FMT if key == "inflow" else PERCENT)
            high_expr = f"B{r}*(1+{spread})"
            if top is not None:
                high_expr = f"MIN({top},{high_expr})"
            w.native(ws, r, 2, point, line.point, fmt)
            w.native(ws, r, 3, f"MAX(0,B{r}*(1-{spread}))", line.low, fmt)
            w.native(ws, r, 4, high_expr, line.high, fmt)
            if key == "rate":
                low_args = _args(cells).replace(L.NAME_RATE, f"$C${r}")
                high_args = _args(cells).replace(L.NAME_RATE, f"$D${r}")
            else:
                low_args = _args(cells, replace={arg_col[key]: f"$C${r}"})
                high_args = _args(cells, replace={arg_col[key]: f"$D${r}"})
        else:
            # A payer's whole yearly column scaled: the table times a row of multipliers.
            k = i - len(TORNADO_INPUTS)
            ws.cell(row=r, column=2, value=1.0).number_format = PERCENT
            w.native(ws, r, 3, f"B{r}*(1-{spread})", line.low, PERCENT)
            w.native(ws, r, 4, f"B{r}*(1+{spread})", line.high, PERCENT)
            for start, pick, value in ((helper_col, "C", line.low),
                                       (helper_col + n_pay, "D", line.high)):
                for j in range(n_pay):
                    if j == k:
                        w.native(ws, r, start + j, f"${pick}${r}", value, PERCENT)
                    else:
                        ws.cell(row=r, column=start + j, value=1.0).number_format = PERCENT
            lo_rng = (f"${col_letter(helper_col)}${r}:"
                      f"${col_letter(helper_col + n_pay - 1)}${r}")
            hi_rng = (f"${col_letter(helper_col + n_pay)}${r}:"
                      f"${col_letter(helper_col + 2 * n_pay - 1)}${r}")
            low_args = _args(cells, replace={COL_COST0: f"{table}*{lo_rng}"})
            high_args = _args(cells, replace={COL_COST0: f"{table}*{hi_rng}"})
        w.udf(ws, r, 5, f'IF({multi},"",KKZ_KOSZT_ZANIECHANIA({low_args}))', line.npv_low,
              MONEY)
        w.udf(ws, r, 6, f'IF({multi},"",KKZ_KOSZT_ZANIECHANIA({high_args}))', line.npv_high,
              MONEY)
        w.native(ws, r, 7, f"ABS(F{r}-E{r})", line.swing, MONEY, depends_on_udf=True)
        w.native(ws, r, TORNADO_KEY_COL, f"G{r}+(100-ROW())*1E-9", sort_key(line.swing, r),
                 RATIO, depends_on_udf=True)
        ws.cell(row=r, column=TORNADO_KEY_COL).font = NOTE_FONT
    order = sorted(range(len(lines)), key=lambda i: -sort_key(lines[i].swing, first + i))
    key_col = col_letter(TORNADO_KEY_COL)
    keys = f"${key_col}${first}:${key_col}${last}"
    for k, i in enumerate(order, start=1):
        r = first + k - 1
        pos = f"MATCH(LARGE({keys},{k}),{keys},0)"
        line = lines[i]
        w.native(ws, r, 9, f"INDEX($A${first}:$A${last},{pos})", line.label,
                 depends_on_udf=True)
        w.native(ws, r, 10, f"INDEX($E${first}:$E${last},{pos})", line.npv_low, MONEY,
                 depends_on_udf=True)
        w.native(ws, r, 11, f"INDEX($F${first}:$F${last},{pos})", line.npv_high, MONEY,
                 depends_on_udf=True)
        w.native(ws, r, 12, f"INDEX($G${first}:$G${last},{pos})", line.swing, MONEY,
                 depends_on_udf=True)
    ctx.tornado_sorted_first_row = first
    ctx.tornado_sorted_col = 9
    # Which figure to check first: below the tornado, inside the print area.
    rank_last = _ranking(ctx, ws, last + 2, TORNADO_KEY_COL - 1)
    # The multi-state issues' own tornados: outside the print set (the strategy prints them).
    states_last = _state_tornados(ctx, ws, rank_last + 3, TORNADO_KEY_COL - 1)
    # Monte Carlo details per issue and the summary rows that point at them.
    mc_top = states_last + 3
    ws.cell(row=mc_top, column=1, value="Szczegóły: wyniki funkcji KKZ_MONTE_CARLO").font = (
        BOLD_FONT)
    for i, issue in enumerate(d.issues):
        code = issue.code
        r = ctx.mc_rows[code]
        block = mc_top + 1 + i * 7
        ws.cell(row=block, column=1, value=code).font = BOLD_FONT
        ws.cell(row=block, column=2, value=issue.name).font = BOLD_FONT
        fig = ctx.figures.issue(code) if ctx.figures.active(code) else None
        table = fig.mc_table() if fig else [[""] * 2] * len(MONTE_CARLO_ROWS)
        w.table(ws, block + 1, 1, RESULT_MONTE_CARLO + code,
                ctx.call("KKZ_MONTE_CARLO", code, mc_args), table, len(MONTE_CARLO_ROWS), 2,
                None, when=ctx.active(code))
        for k in range(len(MONTE_CARLO_ROWS)):
            ws.cell(row=block + 1 + k, column=2).number_format = (
                PERCENT if k == len(MONTE_CARLO_ROWS) - 1 else MONEY)
        ws.cell(row=r, column=1, value=code)
        ws.cell(row=r, column=2, value=issue.name)
        for k in range(len(MONTE_CARLO_ROWS)):
            fmt = PERCENT if k == len(MONTE_CARLO_ROWS) - 1 else MONEY
            w.native(ws, r, MC_FIRST_COL + k, f'IF({ctx.active(code)},B{block + 1 + k},"")',
                     fig.mc[k] if fig else "", fmt, depends_on_udf=True)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    a4(ws, landscape=True)
    ws.print_area = f"A1:{col_letter(TORNADO_KEY_COL - 1)}{rank_last}"
    protect(ws)


def _state_tornados(ctx: Context, ws: Worksheet, top: int, last_col: int) -> int:
    """Niepewność: the engine's tornado of every active issue on its multi-state model (its
    widest rows, as the strategy's chart shows them), plain values; returns the last row
    (``top - 1`` when there is none)."""
    codes = [c for c in ctx.codes if ctx.is_multi(c) and ctx.figures.active(c)]
    if not codes:
        return top - 1
    when = "przygotowania raportu (kkz raport)" if ctx.w.values else (
        "budowy skoroszytu (kkz skoroszyt) – po zmianie danych w Excelu nie przeliczają się; "
        "aktualne: kkz raport")
    spread = f"{100 * ctx.base.tornado_spread:g}".replace(".", ",")
    titled_note(ws, top, 1, STATE_TORNADO_TITLE,
                f"Wartości (nie formuły) z chwili {when}. Silnik KKZ zmienia o ±{spread} % "
                "każde prawdopodobieństwo przejścia, dane programu, napływ, stopę i każdą linię "
                f"kosztów i korzyści; {TORNADO_ROWS} wierszy o największej rozpiętości każdej "
                "kwestii – te same co na wykresie w strategii.", merge_to=last_col, height=44)
    header_row(ws, top + 1, ["Kwestia", "Parametr", "NPV przy niskiej", "NPV przy wysokiej",
                             "Rozpiętość"], height=30)
    r = top + 1
    for code in codes:
        result = ctx.figures.state_tornado(code)
        name = ctx.data.issue(code).name
        for row in sorted(result.tornado, key=lambda t: t.swing, reverse=True)[:TORNADO_ROWS]:
            r += 1
            label = tornado_label(row, result)
            _value_row(ws, r, ((name, None), (label, None), (row.npv_low, MONEY),
                               (row.npv_high, MONEY), (row.swing, MONEY)))
            lines = max(-(-len(label) // 22), -(-len(name) // 24), 1)
            ws.row_dimensions[r].height = 13 * lines + 2
    return r


def _value_row(ws: Worksheet, r: int, values: tuple[tuple[object, str | None], ...]) -> None:
    """Plain values (with their number formats) from column A on, wrapped at the top."""
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, (value, fmt) in enumerate(values, start=1):
        cell = ws.cell(row=r, column=col, value=value)
        cell.alignment = wrap
        if fmt:
            cell.number_format = fmt


RANKING_ROWS = 10  # Niepewność: how many of the parameters that move the total NPV most
SOURCE_CHARS_PER_LINE = 95  # the merged source cell's width in characters (row heights)


def _ranking(ctx: Context, ws: Worksheet, top: int, last_col: int) -> int:
    """Niepewność: the parameters whose plausible range moves the JST's total NPV most (the
    engine's ranking, as ``kkz parametry --wplyw`` prints it), plain values from the scenario
    the workbook is filled from; a one-line note for a blank workbook. Returns the last row."""
    heading = ("Które liczby sprawdzić najpierw: parametry o największym wpływie na koszt "
               "zaniechania razem (NPV)")
    scenario = ctx.data.scenario
    if scenario is None:
        filled = any(i.persons for i in ctx.data.issues)
        text = ("Ranking parametrów zapisuje polecenie kkz skoroszyt --scenariusz PLIK przy "
                "budowie skoroszytu; dla tych danych: kkz parametry --wplyw." if filled else
                "Ranking pojawi się po wypełnieniu danych JST (kkz skoroszyt --scenariusz PLIK).")
        titled_note(ws, top, 1, heading, text, merge_to=last_col, height=32)
        return top
    rows = influence(scenario, ctx.base)[:RANKING_ROWS]
    ranges = ctx.base.general.zakresy_stopni.wartosc
    spans = ", ".join(f"{g}: ±{100 * v:g} %".replace(".", ",") for g, v in sorted(ranges.items()))
    when = ("Policzone z danych tego skoroszytu przy przygotowaniu raportu (kkz raport)."
            if ctx.w.values else
            "Wartości (nie formuły) według danych z chwili budowy skoroszytu (kkz skoroszyt): "
            "po zmianie danych w Excelu nie przeliczają się – aktualny ranking: kkz parametry "
            "--wplyw.")
    text = (f"{when} Zmiana NPV razem: o ile przesuwa się koszt zaniechania wszystkich "
            "kwestii, gdy parametr przechodzi przez swój wiarygodny przedział; im słabszy "
            f"stopień pewności (5 – założenie), tym szerszy przedział ({spans}). Liczone są "
            "tylko wartości wzięte z bazy parametrów; zasięg programów to decyzja JST, nie "
            "liczba do sprawdzenia – jego wpływ pokazuje kkz parametry --wplyw („Co zależy od "
            "decyzji gminy”).")
    titled_note(ws, top, 1, heading, text,
                merge_to=last_col, height=72)
    head = top + 1
    source_col = 5
    header_row(ws, head, ["Kwestia", "Parametr", "Stopień pewności (1–5)",
                          "Zmiana NPV razem", "Źródło / dlaczego założenie"], height=36)
    ws.merge_cells(start_row=head, start_column=source_col, end_row=head, end_column=last_col)
    if not rows:
        note(ws, head + 1, 1, "Scenariusz nie bierze żadnej wartości z bazy parametrów.",
             merge_to=last_col)
        return head + 1
    for k, row in enumerate(rows, start=1):
        r = head + k
        issue = ctx.base.issue(row.issue).nazwa if row.issue else "ogólne"
        source = row.source + (f" Dlaczego założenie: {row.reason}" if row.reason else "")
        _value_row(ws, r, ((issue, None), (row.name, None), (row.grade, "0"),
                           (row.swing, MONEY), (source, None)))
        ws.merge_cells(start_row=r, start_column=source_col, end_row=r, end_column=last_col)
        lines = max(-(-len(source) // SOURCE_CHARS_PER_LINE), -(-len(row.name) // 22),
                    -(-len(issue) // 24), 1)
        ws.row_dimensions[r].height = 13 * lines + 2
    return head + len(rows)
