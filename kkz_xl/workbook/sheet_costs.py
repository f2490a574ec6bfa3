"""Koszty w latach: every issue's yearly cost per person as a years × payers table – the
``koszt_roczny`` argument of each ``KKZ_`` call of the issue.

A payer's cell in year t is the sum of the payer's cost lines (the amounts used on Parametry,
the user's where given) times each line's multiplier of year t (its profile, e.g. the gmina's
10 % / 30 % / 50 % share of foster care; the last multiplier holds for later years). A constant
cost gives the same amount in every row.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    NOTE_FONT,
    a4,
    header_row,
    protect,
    title,
    widths,
)
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted
from kkz_xl.workbook.context import Context
from kkz_xl.workbook.formats import MONEY, PERCENT
from kkz_xl.workbook.inputs import IssueRow

YEAR_HEADER = "Rok"
PROFILE_PREFIX = "Mnożnik roku – "
GAIN_HEADER = "Korzyść"
CHANGED = "Kwoty zmienione przez Ciebie w arkuszu Parametry (pomarańczowe wiersze)"
DEFAULTS = "Kwoty domyślne z bazy parametrów"
PAST_HORIZON_FONT = Font(color="A6A6A6")
CHANGED_FILL = PatternFill("solid", fgColor="F8CBAD")
PROFILE_WIDTH = 28
MULTI_NOTE = (" – model wielostanowy: koszt osoby zależy od stanu (arkusz Stany); tu korzyści "
              "osoby w stanie samodzielnym")


def profile_header(label: str) -> str:
    """The header of a profiled line's multipliers column on Koszty w latach."""
    # "Koszt roczny – gmina: Piecza…" → "Mnożnik roku – gmina: Piecza…"
    return PROFILE_PREFIX + label.split(" – ", 1)[-1]


def yearly_costs(ctx: Context, ws: Worksheet) -> None:
    """One block per issue: year, five payers (formulas), the profiled lines' multipliers."""
    title(ws, "Koszty roczne osoby zależnej w kolejnych latach – według płatników",
          "Kwota z arkusza Parametry (wartość użyta – Twoja, jeśli ją wpisałeś) × mnożnik roku "
          "linii kosztów (np. udział gminy w pieczy zastępczej: 10 % w 1. roku, 30 % w 2., 50 % "
          "od 3.; ostatni mnożnik obowiązuje w dalszych latach).")
    ws["A3"] = ("Funkcje KKZ_ dostają całą tabelę kwestii (wiersz = rok, kolumna = płatnik). "
                "Arkusz jest liczony – kwoty zmieniasz w arkuszu Parametry (kolumna „Twoja "
                "wartość”). Lata po horyzoncie (szare) liczą się po jego wydłużeniu.")
    ws["A3"].font = NOTE_FONT
    n_profiles = max((sum(1 for p in i.lines if p.profile) for i in ctx.data.issues), default=0)
    widths(ws, [8, *[16] * (2 * len(PAYERS)), 3, *[PROFILE_WIDTH] * max(n_profiles, 2)])
    last_col = max(L.COSTS_PROFILE_COL + n_profiles - 1, L.COSTS_GAIN_COL + len(PAYERS) - 1)
    for issue in ctx.data.issues:
        _block(ctx, ws, issue)
    end = L.costs_first_row(len(ctx.data.issues) - 1) + L.MAX_YEARS - 1
    ws.conditional_formatting.add(
        f"A{L.COSTS_FIRST_BLOCK}:{col_letter(last_col)}{end}",
        FormulaRule(formula=[f"AND(ISNUMBER($A{L.COSTS_FIRST_BLOCK}),"
                             f"$A{L.COSTS_FIRST_BLOCK}>{L.NAME_HORIZON})"],
                    font=PAST_HORIZON_FONT))
    ws.freeze_panes = "B5"
    a4(ws, landscape=False)
    ws.print_area = f"A1:{col_letter(last_col)}{end}"
    protect(ws)


def _block(ctx: Context, ws: Worksheet, issue: IssueRow) -> None:
    w, f = ctx.w, ctx.factor
    first = ctx.cost_rows[issue.code]
    top, head = first - 2, first - 1
    if top > L.COSTS_FIRST_BLOCK:
        ws.row_breaks.append(Break(id=top - 1))  # each issue starts a page
    name = ws.cell(row=top, column=1, value=f"{issue.name} ({issue.code})" + (
        MULTI_NOTE if issue.multi else ""))
    name.font = BOLD_FONT
    name.alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=top, start_column=1, end_row=top,
                   end_column=L.COSTS_GAIN_COL + len(PAYERS) - 1)
    ws.row_dimensions[top].height = 30
    lines = issue.lines
    rows = [ctx.param_rows[(issue.code, p.key)] for p in lines]
    status = w.native(
        ws, top, L.COSTS_PROFILE_COL,
        f'IF(COUNTA({quoted(L.PARAMS)}!$F${min(rows)}:$F${max(rows)})>0,"{CHANGED}",'
        f'"{DEFAULTS}")' if rows else f'"{DEFAULTS}"',
        CHANGED if any(p.own is not None for p in lines) else DEFAULTS)
    status.font = NOTE_FONT
    status.border = Border()
    status.alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=top, start_column=L.COSTS_PROFILE_COL, end_row=top,
                   end_column=L.COSTS_PROFILE_COL + 1)
    ws.conditional_formatting.add(
        status.coordinate,
        FormulaRule(formula=[f'{status.coordinate}="{CHANGED}"'], fill=CHANGED_FILL))

    profiled = [p for p in lines if p.profile]
    headers = [YEAR_HEADER, *[PAYER_LABELS[p] for p in PAYERS],
               *[f"{GAIN_HEADER} – {PAYER_LABELS[p]}" for p in PAYERS]]
    header_row(ws, head, headers)
    prof_headers = [profile_header(p.label) for p in profiled]
    if prof_headers:
        header_row(ws, head, prof_headers, col=L.COSTS_PROFILE_COL)
        longest = max(len(h) for h in prof_headers)
        ws.row_dimensions[head].height = 15 * (1 + longest // (PROFILE_WIDTH - 6))
    prof_col = {p.key: L.COSTS_PROFILE_COL + j for j, p in enumerate(profiled)}
    tables = {False: issue.yearly_costs(f), True: issue.yearly_costs(f, gains=True)}
    for t in range(L.MAX_YEARS):
        r = first + t
        ws.cell(row=r, column=1, value=t + 1).alignment = Alignment(horizontal="center")
        for p in profiled:
            ws.cell(row=r, column=prof_col[p.key], value=p.multiplier(t)).number_format = PERCENT
        for gain, start in ((False, L.COSTS_PAYER_COL), (True, L.COSTS_GAIN_COL)):
            for k, payer in enumerate(PAYERS):
                col = start + k
                terms = []
                for p, pr in zip(lines, rows, strict=True):
                    if p.payer != payer or p.gain != gain:
                        continue
                    amount = f"{quoted(L.PARAMS)}!$G${pr}"
                    terms.append(f"{amount}*${col_letter(prof_col[p.key])}{r}" if p.profile
                                 else amount)
                if terms:
                    w.native(ws, r, col, "+".join(terms), tables[gain][t][k], MONEY)
                elif issue.multi and not gain:
                    continue  # the costs of each state are on Stany
                else:
                    cell = ws.cell(row=r, column=col, value=0)
                    cell.number_format = MONEY
