"""Wykresy (charts of the results) and Podsumowanie (one A4 page for the council)."""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.labels import UNDEFINED
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    MONEY,
    NOTE_FONT,
    PERCENT,
    a4,
    header_row,
    note,
    protect,
    title,
    widths,
)
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted
from kkz_xl.workbook.context import (
    COL_BCR,
    COL_BE_YEAR,
    COL_NAME,
    COL_NPV,
    COL_PERSONS,
    COL_PROB,
    COL_PV_PROG,
    COL_ROI,
    Context,
)

CHART_W, CHART_H = 16.5, 8.0  # cm


def _chart_size(chart: BarChart | LineChart, height: float = CHART_H) -> None:
    chart.width, chart.height = CHART_W, height
    chart.legend.position = "b"
    # Category labels at the low end: negative values must not draw over them.
    chart.x_axis.tickLblPos = "low"


def charts(ctx: Context, ws: Worksheet) -> None:
    """Costs per year in both futures, cumulative discounted difference, NPV by issue,
    tornado."""
    w, d = ctx.w, ctx.data
    title(ws, "Wykresy", "Wykresy 1–2 dotyczą kwestii wybranej w arkuszu Przepływy, wykres 4 – "
          "kwestii wybranej w arkuszu Niepewność.")
    widths(ws, [100])
    picked = (f'"Wykresy 1–2: "&{ctx.picked_names[L.NAME_FLOW_ISSUE]}&"; wykres 4: "&'
              f'{ctx.picked_names[L.NAME_TORNADO_ISSUE]}')
    names = (d.issue(d.flow_issue or ctx.codes[0]).name,
             d.issue(d.tornado_issue or ctx.codes[0]).name)
    w.native(ws, 3, 1, picked, f"Wykresy 1–2: {names[0]}; wykres 4: {names[1]}")
    ws.cell(row=3, column=1).font = BOLD_FONT
    ws.cell(row=3, column=1).border = None
    years = d.horizon
    warn = (f'IF({L.NAME_HORIZON}<>{years},"Uwaga: horyzont w Dane JST różni się od {years} lat '
            f'użytych przy przygotowaniu wykresów 1–2 – przygotuj plik ponownie (kkz skoroszyt) '
            f'lub czytaj tabelę w arkuszu Przepływy.","Wykresy 1–2 obejmują {years} lat '
            f'horyzontu.")')
    w.native(ws, 2, 1, warn, f"Wykresy 1–2 obejmują {years} lat horyzontu.")
    ws.cell(row=2, column=1).font = NOTE_FONT
    ws.cell(row=2, column=1).border = None
    flows = ctx.wb[L.FLOWS]
    top = ctx.flow_first_row
    cats = Reference(flows, min_col=1, min_row=top, max_row=top + years - 1)

    c1 = BarChart()
    c1.title = "1. Koszty rok po roku: zaniechanie i działanie"
    c1.y_axis.title = "zł"
    c1.x_axis.title = "rok"
    c1.add_data(Reference(flows, min_col=4, max_col=5, min_row=top - 1, max_row=top + years - 1),
                titles_from_data=True)
    c1.set_categories(cats)
    c1.y_axis.numFmt = '#,##0 "zł"'
    _chart_size(c1)
    ws.add_chart(c1, "A5")

    c2 = LineChart()
    c2.title = "2. Oszczędność zdyskontowana narastająco (działanie względem zaniechania)"
    c2.y_axis.title = "zł"
    c2.x_axis.title = "rok"
    c2.add_data(Reference(flows, min_col=8, min_row=top - 1, max_row=top + years - 1),
                titles_from_data=True)
    c2.set_categories(cats)
    c2.y_axis.numFmt = '#,##0 "zł"'
    _chart_size(c2)
    ws.add_chart(c2, "A22")

    calc = ctx.wb[L.CALC]
    first, last = L.CALC_FIRST_ROW, L.CALC_FIRST_ROW + len(d.issues) - 1
    c3 = BarChart()
    c3.type = "bar"
    c3.title = "3. Koszt zaniechania (NPV) według kwestii"
    c3.add_data(Reference(calc, min_col=COL_NPV, min_row=first - 1, max_row=last),
                titles_from_data=True)
    c3.set_categories(Reference(calc, min_col=COL_NAME, min_row=first, max_row=last))
    c3.x_axis.scaling.orientation = "maxMin"
    c3.y_axis.numFmt = '#,##0 "zł"'
    _chart_size(c3, 9.5)
    c3.legend = None
    ws.add_chart(c3, "A39")

    unc = ctx.wb[L.UNCERTAINTY]
    t_first = ctx.tornado_sorted_first_row
    t_last = t_first + 11
    c4 = BarChart()
    c4.type = "bar"
    c4.title = "4. Tornado: NPV przy niskiej i wysokiej wartości parametru"
    c4.add_data(Reference(unc, min_col=10, max_col=11, min_row=t_first - 1, max_row=t_last),
                titles_from_data=True)
    c4.set_categories(Reference(unc, min_col=9, min_row=t_first, max_row=t_last))
    c4.x_axis.scaling.orientation = "maxMin"
    c4.y_axis.numFmt = '#,##0 "zł"'
    c4.overlap = 100
    c4.gapWidth = 40
    _chart_size(c4)
    ws.add_chart(c4, "A56")
    a4(ws)
    ws.print_area = "A1:A72"
    ws.row_breaks.append(Break(id=38))
    protect(ws)


def summary(ctx: Context, ws: Worksheet) -> None:
    """Podsumowanie: one A4 page for the council."""
    w, d = ctx.w, ctx.data
    widths(ws, [46, 18, 19, 10, 11, 11])
    jst = d.jst_name or "…"
    w.native(ws, 1, 1, f'"Koszt zaniechania działań społecznych – "&{L.NAME_JST}',
             f"Koszt zaniechania działań społecznych – {jst}")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14, color="1F4E78")
    ws.cell(row=1, column=1).border = None
    ws["A2"] = ("Ile kosztuje niepodjęcie działań aktywizujących w porównaniu z ich podjęciem "
                "(wartość bieżąca, w cenach stałych).")
    ws["A2"].font = NOTE_FONT
    rows = ctx.totals_row
    calc = quoted(L.CALC)
    active = [i for i in d.issues if ctx.figures.active(i.code)]
    npv = sum(ctx.figures.issue(i.code).result.npv for i in active)
    cost = sum(ctx.figures.issue(i.code).result.pv_programme for i in active)

    def calc_cell(col: int, r: int = rows) -> str:
        from openpyxl.utils import get_column_letter

        return f"{calc}!${get_column_letter(col)}${r}"

    ws["A4"] = "Najważniejsze liczby"
    ws["A4"].font = BOLD_FONT
    key_rows = [
        ("Koszt zaniechania – wszystkie kwestie (NPV)", calc_cell(COL_NPV), npv, MONEY, True),
        ("Koszt programów (wartość bieżąca)", calc_cell(COL_PV_PROG), cost, MONEY, True),
        ("Korzyści / koszty (BCR)", calc_cell(COL_BCR),
         (npv + cost) / cost if cost else UNDEFINED, "0.00", True),
        ("Zwrot z inwestycji (ROI)", calc_cell(COL_ROI), npv / cost if cost else UNDEFINED,
         "0.00", True),
        ("Osoby objęte analizą", calc_cell(COL_PERSONS),
         sum(float(i.persons or 0) for i in d.issues), "#,##0", False),
        ("Horyzont (lata)", L.NAME_HORIZON, d.horizon, "0", False),
        ("Stopa dyskontowa (realna)", L.NAME_RATE, d.rate, PERCENT, False),
        ("Rok cen", L.NAME_PRICE_YEAR, d.price_year, "0", False),
    ]
    r = 5
    for label, expr, value, fmt, udf in key_rows:
        ws.cell(row=r, column=1, value=label)
        w.native(ws, r, 2, expr, value, fmt, bold=udf, depends_on_udf=udf)
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="right")
        r += 1
    verdict_ok = ("Działanie łącznie się opłaca: koszty programów zwracają się w oszczędnościach "
                  "płatników publicznych w horyzoncie analizy.")
    verdict_no = ("W horyzoncie analizy programy łącznie nie zwracają się w oszczędnościach; "
                  "sprawdź kwestie z dodatnim NPV i próg skuteczności w Kalkulatorze.")
    w.native(ws, r, 1, f'IF(N({calc_cell(COL_NPV)})>0,"{verdict_ok}","{verdict_no}")',
             verdict_ok if npv > 0 else verdict_no, depends_on_udf=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
    ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=r, column=1).font = BOLD_FONT
    ws.row_dimensions[r].height = 32
    r += 2
    ws.cell(row=r, column=1, value="Według kwestii").font = BOLD_FONT
    r += 1
    header_row(ws, r, ["Kwestia", "Osoby", "Koszt zaniechania (NPV)", "BCR", "Rok zwrotu",
                       "P(NPV > 0)"], height=45)
    for issue in d.issues:
        r += 1
        cr = ctx.calc_rows[issue.code]
        fig = ctx.figures.issue(issue.code) if ctx.figures.active(issue.code) else None
        res = fig.result if fig else None
        name = ws.cell(row=r, column=1, value=issue.name)
        name.alignment = Alignment(wrap_text=True, vertical="center")
        if len(issue.name) > 44:
            ws.row_dimensions[r].height = 30
        w.native(ws, r, 2, f'IF(N({calc_cell(COL_PERSONS, cr)})>0,{calc_cell(COL_PERSONS, cr)},'
                 f'"")', issue.persons if fig else "", "#,##0")
        vals = [
            (COL_NPV, res and res.npv, MONEY),
            (COL_BCR, res and (UNDEFINED if res.bcr is None else res.bcr), "0.00"),
            (COL_BE_YEAR, res and ("brak" if res.break_even_year is None
                                   else res.break_even_year), "0"),
            (COL_PROB, fig and fig.mc[4], PERCENT),
        ]
        for k, (col, value, fmt) in enumerate(vals):
            expr = calc_cell(col, cr)
            if col == COL_BE_YEAR:
                expr = f'IF(ISNUMBER({expr}),{expr},IF({expr}="","","brak"))'
            w.native(ws, r, 3 + k, expr, "" if value is None else value, fmt,
                     depends_on_udf=True)
            ws.cell(row=r, column=3 + k).alignment = Alignment(horizontal="right",
                                                               shrink_to_fit=True)
    r += 2
    ws.cell(row=r, column=1, value="Kto płaci, kto oszczędza (NPV według płatników)").font = (
        BOLD_FONT)
    totals = [0.0] * len(PAYERS)
    for i in active:
        for k, v in enumerate(ctx.figures.issue(i.code).result.npv_by_payer):
            totals[k] += v
    for k, p in enumerate(PAYERS):
        r += 1
        ws.cell(row=r, column=1, value=PAYER_LABELS[p])
        from openpyxl.utils import get_column_letter

        src = f"{quoted(L.PAYERS)}!${get_column_letter(3 + k)}${ctx.payer_totals_row}"
        w.native(ws, r, 2, src, totals[k], MONEY, depends_on_udf=True)
    r += 2
    note(ws, r, 1,
         "Metoda: model kohortowy dwóch stanów (w systemie pomocy / samodzielni) porównuje "
         "zaniechanie i działanie; koszty zdyskontowane, ceny stałe. BCR > 1 i dodatni koszt "
         "zaniechania oznaczają, że program się opłaca. P(NPV > 0): prawdopodobieństwo "
         "opłacalności z analizy Monte Carlo. Źródła parametrów i ich stopień pewności: "
         "arkusz Parametry. "
         "Przygotowano Kalkulatorem Kosztów Zaniechania (kkz-xl).", merge_to=6, height=62)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Koszt zaniechania (NPV) według kwestii"
    calc_ws = ctx.wb[L.CALC]
    first, last = L.CALC_FIRST_ROW, L.CALC_FIRST_ROW + len(d.issues) - 1
    chart.add_data(Reference(calc_ws, min_col=COL_NPV, min_row=first, max_row=last))
    chart.set_categories(Reference(calc_ws, min_col=COL_NAME, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.numFmt = '#,##0 "zł"'
    _chart_size(chart, 8.5)
    chart.legend = None
    ws.add_chart(chart, f"A{r + 2}")
    r += 19
    a4(ws)
    ws.page_setup.fitToHeight = 1
    ws.oddFooter.center.text = "Kalkulator Kosztów Zaniechania (KKZ)"
    ws.print_area = f"A1:F{r}"
    protect(ws)
