"""Wykresy (charts of the results) and Podsumowanie (one A4 page for the council)."""

from __future__ import annotations

import math

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.layout import Layout, ManualLayout
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.labels import (
    FLOW_COLUMNS,
    FLOW_COST_A,
    FLOW_COST_Z,
    FLOW_CUMULATIVE,
    GMINA_PAYS_YEAR1,
    NET_SAVING,
    NET_SAVING_BY_PAYER,
    NET_SAVING_NOTE,
    NET_SAVING_TOTAL,
    PROGRAMME_COST_YEAR1,
    UNDEFINED,
)
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.chart_scale import money_axis_format
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    NOTE_FONT,
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
    COL_GMINA_Y1,
    COL_NAME,
    COL_NPV,
    COL_PERSONS,
    COL_PROB,
    COL_PROG_Y1,
    COL_PROGRAMME,
    COL_PV_PROG,
    Context,
)
from kkz_xl.workbook.formats import INTEGER, MONEY_AXIS, PERCENT, PL, RATIO, YEAR
from kkz_xl.workbook.formats import MONEY_ZL as MONEY  # results: to the złoty
from kkz_xl.workbook.sheet_calculator import gmina_year1
from kkz_xl.workbook.values import tornado_labels

CHART_W, CHART_H = 16.5, 8.0  # cm
CHART_COL = 50  # Wykresy: two columns of this width (characters), ≈ 9.4 cm each
CHART_W_WIDE = 18.6  # cm: a chart across both columns
SUMMARY_CHART_W = 20.0  # cm: Podsumowanie's columns are ≈ 21 cm wide


def _text(size: float, *, bold: bool = False) -> RichText:
    """Chart text of ``size`` points (the default 10–18 pt crowds an A4 page of charts)."""
    props = CharacterProperties(sz=int(size * 100), b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _title(text: str, size: float = 11) -> Title:
    props = CharacterProperties(sz=int(size * 100), b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props),
                     r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _chart_size(chart: BarChart | LineChart, height: float = CHART_H) -> None:
    chart.width, chart.height = CHART_W, height
    chart.legend.position = "b"
    # Category labels at the low end: negative values must not draw over them.
    chart.x_axis.tickLblPos = "low"
    if chart.title is not None:
        chart.title = _title(chart.title.tx.rich.p[0].r[0].t)
    chart.x_axis.txPr = chart.y_axis.txPr = _text(8)
    for axis in (chart.x_axis, chart.y_axis):
        if axis.title is not None:
            axis.title = _title(axis.title.tx.rich.p[0].r[0].t, 8)
    if chart.legend is not None:
        chart.legend.txPr = _text(8)


def _labels_room(chart: BarChart, share: float) -> None:
    """A bar chart whose long category labels take ``share`` of its width: the plot gets
    the rest (left to itself, LibreOffice leaves the bars a sliver)."""
    chart.layout = Layout(manualLayout=ManualLayout(  # openpyxl writes it as the plot's
        layoutTarget="inner", xMode="edge", yMode="edge", x=share, y=0.2,
        w=0.97 - share, h=0.72))
    chart.x_axis.txPr = _text(7)  # the longest issue name fits beside the plot


def _money_axis(chart: BarChart | LineChart, values: list[float]) -> None:
    """The value axis of a chart whose amounts are known when the file is made (the report):
    a few round steps (LibreOffice's own choice overprints a narrow plot's labels) in the unit
    of its largest amount, „−10 mln zł” rather than „-10 000 tys. zł”."""
    if not values or not all(math.isfinite(v) for v in values):
        return
    (low, high, step), number_format = money_axis_format(values, locale=PL)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = low, high
    chart.y_axis.majorUnit = step
    chart.y_axis.numFmt = number_format


def _numbers(ws: Worksheet, min_col: int, max_col: int, min_row: int, max_row: int
             ) -> list[float]:
    """The numbers a chart's data range holds (a workbook of values has them when built)."""
    return [float(c.value) for row in ws.iter_rows(min_row=min_row, max_row=max_row,
                                                   min_col=min_col, max_col=max_col)
            for c in row if isinstance(c.value, int | float) and not isinstance(c.value, bool)]


def charts(ctx: Context, ws: Worksheet) -> None:
    """Costs per year in both futures, cumulative discounted difference, NPV by issue,
    tornado."""
    w, d = ctx.w, ctx.data
    title(ws, "Wykresy", "Wykresy 1–2 dotyczą kwestii wybranej w arkuszu Przepływy, wykres 4 – "
          "kwestii wybranej w arkuszu Niepewność.")
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

    def flow_col(label: str) -> int:
        return FLOW_COLUMNS.index(label) + 1

    c1 = BarChart()
    c1.title = "1. Koszty rok po roku: zaniechanie i działanie"
    c1.x_axis.title = "rok"
    c1.add_data(Reference(flows, min_col=flow_col(FLOW_COST_Z), max_col=flow_col(FLOW_COST_A),
                          min_row=top - 1, max_row=top + years - 1), titles_from_data=True)
    c1.set_categories(cats)

    c2 = LineChart()
    c2.title = "2. Oszczędność zdyskontowana narastająco (działanie względem zaniechania)"
    c2.x_axis.title = "rok"
    c2.add_data(Reference(flows, min_col=flow_col(FLOW_CUMULATIVE), min_row=top - 1,
                          max_row=top + years - 1), titles_from_data=True)
    c2.set_categories(cats)

    calc = ctx.wb[L.CALC]
    first, last = L.CALC_FIRST_ROW, L.CALC_FIRST_ROW + len(d.issues) - 1
    c3 = BarChart()
    c3.type = "bar"
    c3.title = f"3. {NET_SAVING} według kwestii"
    c3.add_data(Reference(calc, min_col=COL_NPV, min_row=first - 1, max_row=last),
                titles_from_data=True)
    c3.set_categories(Reference(calc, min_col=COL_NAME, min_row=first, max_row=last))
    c3.x_axis.scaling.orientation = "maxMin"
    npvs = [ctx.figures.issue(i.code).result.npv for i in d.issues
            if ctx.figures.active(i.code)]

    unc = ctx.wb[L.UNCERTAINTY]
    t_first = ctx.tornado_sorted_first_row
    t_last = t_first + len(tornado_labels()) - 1
    c4 = BarChart()
    c4.type = "bar"
    c4.title = "4. Tornado: oszczędność netto przy niskiej i wysokiej wartości parametru"
    sorted_col = ctx.tornado_sorted_col
    c4.add_data(Reference(unc, min_col=sorted_col + 1, max_col=sorted_col + 2,
                          min_row=t_first - 1, max_row=t_last), titles_from_data=True)
    c4.set_categories(Reference(unc, min_col=sorted_col, min_row=t_first, max_row=t_last))
    c4.x_axis.scaling.orientation = "maxMin"
    c4.overlap = 100
    c4.gapWidth = 40
    shown = {  # each chart's amounts, for its value axis in a workbook of values
        c1: _numbers(flows, flow_col(FLOW_COST_Z), flow_col(FLOW_COST_A), top, top + years - 1),
        c2: _numbers(flows, flow_col(FLOW_CUMULATIVE), flow_col(FLOW_CUMULATIVE), top,
                     top + years - 1),
        c3: npvs,
        c4: _numbers(unc, sorted_col + 1, sorted_col + 2, t_first, t_last),
    }
    # One page: charts 1–2 side by side (seven years need little width), 3 and 4 (long
    # labels) across the page; each anchored below the previous row by its own height.
    row = 5
    half, full = CHART_W_WIDE / 2 - 0.2, CHART_W_WIDE
    layout = (((c1, c2), 7.5), ((c3,), 8.5), ((c4,), 9.0))
    if w.values and not npvs:  # no data: no charts of zeros in the report
        ws.cell(row=row, column=1, value=VERDICT_NONE).font = BOLD_FONT
        layout = ()
    for charts_row, height in layout:
        for k, chart in enumerate(charts_row):
            chart.y_axis.numFmt = MONEY_AXIS
            _chart_size(chart, height)
            chart.width = half if len(charts_row) > 1 else full
            if chart is c3:
                chart.legend = None  # one series: its name is the title
                _labels_room(chart, 0.5)
            if w.values:
                _money_axis(chart, shown[chart])
            ws.add_chart(chart, f"{col_letter(1 + k)}{row}")
            ctx.chart_anchors.append((row, rows_for(height)))
        row += rows_for(height) + 1
    widths(ws, [CHART_COL, CHART_COL])
    a4(ws)
    ws.page_setup.fitToHeight = 1
    ws.print_area = f"A1:B{row}"
    protect(ws)


ROW_CM = 15 * 2.54 / 72  # the default row height (15 pt) in cm


def rows_for(height_cm: float) -> int:
    """How many default rows a chart of ``height_cm`` covers (rounded up)."""
    return math.ceil(height_cm / ROW_CM)


VERDICT_OK = ("Działanie łącznie się opłaca: koszty programów zwracają się w oszczędnościach "
              "płatników publicznych w horyzoncie analizy.")
VERDICT_NO = ("W horyzoncie analizy programy łącznie nie zwracają się w oszczędnościach; "
              "sprawdź kwestie z dodatnią oszczędnością netto i próg skuteczności w "
              "Kalkulatorze.")
VERDICT_NONE_PAYS = ("Żaden z wybranych programów nie zwraca się w oszczędnościach w horyzoncie "
                     "analizy. Przed decyzją sprawdź liczby z rankingu „Które liczby sprawdzić "
                     "najpierw” (arkusz Niepewność) i próg skuteczności w Kalkulatorze.")
VERDICT_NONE = ("Brak danych: wpisz liczbę osób w arkuszu Kalkulator (kolumna „Osoby”), aby "
                "zobaczyć wynik.")
NO_DATA = "brak danych"  # a result cell while no issue has persons
SUMMARY_HEADERS = ("Kwestia", "Wybrany program", "Osoby", NET_SAVING, PROGRAMME_COST_YEAR1,
                   "BCR", "P(NPV > 0)")


def summary(ctx: Context, ws: Worksheet) -> None:
    """Podsumowanie: one A4 page for the council – totals, what the gmina pays in year 1,
    each issue's programme and its cost, who pays and who saves."""
    w, d = ctx.w, ctx.data
    widths(ws, [30, 30, 8, 15, 14, 7, 9])
    last_col = len(SUMMARY_HEADERS)
    jst = d.jst_name or "…"
    w.native(ws, 1, 1, f'"Koszt zaniechania działań społecznych – "&{L.NAME_JST}',
             f"Koszt zaniechania działań społecznych – {jst}")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14, color="1F4E78")
    ws.cell(row=1, column=1).border = None
    ws["A2"] = ("Ile oszczędzają płatnicy publiczni, gdy JST podejmie działania aktywizujące, "
                "w porównaniu z ich zaniechaniem (wartość bieżąca, ceny stałe).")
    ws["A2"].font = NOTE_FONT
    rows = ctx.totals_row
    calc = quoted(L.CALC)
    active = [i for i in d.issues if ctx.figures.active(i.code)]
    results = [ctx.figures.issue(i.code).result for i in active]
    npv = sum(r.npv for r in results)

    def calc_cell(col: int, r: int = rows) -> str:
        return f"{calc}!${col_letter(col)}${r}"

    ws["A4"] = "Najważniejsze liczby"
    ws["A4"].font = BOLD_FONT
    key_rows = [
        (NET_SAVING_TOTAL, calc_cell(COL_NPV), npv, MONEY, True),
        ("Koszt programów (wartość bieżąca)", calc_cell(COL_PV_PROG),
         sum(r.pv_programme for r in results), MONEY, True),
        (GMINA_PAYS_YEAR1, calc_cell(COL_GMINA_Y1),
         sum(gmina_year1(ctx, i.code) for i in active), MONEY, True),
        ("Osoby objęte analizą", calc_cell(COL_PERSONS),
         sum(float(i.persons or 0) for i in d.issues), INTEGER, False),
        ("Horyzont (lata)", L.NAME_HORIZON, d.horizon, YEAR, False),
        ("Stopa dyskontowa (realna)", L.NAME_RATE, d.rate, PERCENT, False),
        ("Rok cen (ceny stałe)", L.NAME_PRICE_YEAR, d.price_year, YEAR, False),
    ]
    c = col_letter(COL_NPV)
    npv_cells = f"{calc}!${c}${L.CALC_FIRST_ROW}:${c}${rows - 1}"

    def or_none(expr: str) -> str:
        """``expr``, or "brak danych" while no issue has a result (not a verdict of 0 zł)."""
        return f'IF(COUNT({npv_cells})=0,"{NO_DATA}",{expr})'

    r = 5
    for k, (label, expr, value, fmt, udf) in enumerate(key_rows):
        ws.cell(row=r, column=1, value=label)
        if k < 4:  # the results (the assumptions below stand without data)
            # Persons: a native sum (no add-in needed), none while it is 0.
            expr = or_none(expr) if udf else f'IF(N({expr})=0,"{NO_DATA}",{expr})'
            value = value if (active if udf else value) else NO_DATA
        w.native(ws, r, 4, expr, value, fmt, bold=udf, depends_on_udf=udf)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        ws.cell(row=r, column=4).alignment = Alignment(horizontal="right")
        ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
        r += 1
    verdict = VERDICT_NONE if not active else (
        VERDICT_OK if npv > 0 else
        VERDICT_NO if any(r.npv > 0 for r in results) else VERDICT_NONE_PAYS)
    w.native(ws, r, 1, f'IF(COUNT({npv_cells})=0,"{VERDICT_NONE}",'
             f'IF(N({calc_cell(COL_NPV)})>0,"{VERDICT_OK}",'
             f'IF(COUNTIF({npv_cells},">0")>0,"{VERDICT_NO}","{VERDICT_NONE_PAYS}")))', verdict,
             depends_on_udf=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
    ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=r, column=1).font = BOLD_FONT
    ws.row_dimensions[r].height = 32
    r += 2
    ws.cell(row=r, column=1, value="Według kwestii: wybrany program i jego koszt").font = (
        BOLD_FONT)
    r += 1
    header_row(ws, r, list(SUMMARY_HEADERS), height=45)
    for issue in d.issues:
        r += 1
        cr = ctx.calc_rows[issue.code]
        fig = ctx.figures.issue(issue.code) if ctx.figures.active(issue.code) else None
        res = fig.result if fig else None
        name = ws.cell(row=r, column=1, value=issue.name)
        name.alignment = Alignment(wrap_text=True, vertical="center")
        cond = ctx.active(issue.code)
        w.native(ws, r, 2, f'IF({cond},{calc_cell(COL_PROGRAMME, cr)},"")',
                 issue.programme_label if fig else "")
        ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="center")
        longest = max(len(issue.name) / 30, len(issue.programme_label) / 30 if fig else 0)
        ws.row_dimensions[r].height = 13 * (1 + int(longest)) + 2
        vals = [
            (COL_PERSONS, issue.persons if fig else "", INTEGER),
            (COL_NPV, res and res.npv, MONEY),
            (COL_PROG_Y1, res and float(res.programme[0]), MONEY),
            (COL_BCR, res and (UNDEFINED if res.bcr is None else res.bcr), RATIO),
            (COL_PROB, fig and fig.mc[-1], PERCENT),
        ]
        for k, (col, value, fmt) in enumerate(vals):
            w.native(ws, r, 3 + k, f'IF({cond},{calc_cell(col, cr)},"")',
                     "" if value is None else value, fmt, depends_on_udf=col != COL_PERSONS)
            ws.cell(row=r, column=3 + k).alignment = Alignment(horizontal="right",
                                                               vertical="center",
                                                               shrink_to_fit=True)
    r += 2
    ws.cell(row=r, column=1, value=f"Kto płaci, kto oszczędza ({NET_SAVING_BY_PAYER})").font = (
        BOLD_FONT)
    totals = [sum(res.npv_by_payer[k] for res in results) for k in range(len(PAYERS))]
    for k, p in enumerate(PAYERS):
        r += 1
        ws.cell(row=r, column=1, value=PAYER_LABELS[p])
        src = f"{quoted(L.PAYERS)}!${col_letter(3 + k)}${ctx.payer_totals_row}"
        w.native(ws, r, 4, or_none(src), totals[k] if active else NO_DATA, MONEY,
                 depends_on_udf=True)
        ws.cell(row=r, column=4).alignment = Alignment(horizontal="right")
        ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
    r += 2
    multi = [i.name.lower() for i in d.issues if i.multi]
    levels = (f"; {', '.join(multi)} – stopnie nasilenia, arkusz Stany" if multi else "")
    note(ws, r, 1,
         f"{NET_SAVING_NOTE} Metoda: model kohortowy (w systemie pomocy / samodzielni"
         f"{levels}); koszty zdyskontowane, ceny stałe. BCR > 1: korzyści przewyższają koszt "
         "programu. P(NPV > 0): prawdopodobieństwo opłacalności z analizy Monte Carlo. Źródła "
         "parametrów i ich stopień pewności: arkusz Parametry. Przygotowano Kalkulatorem "
         "Kosztów Zaniechania (kkz-xl).", merge_to=last_col, height=80)
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"{NET_SAVING} według kwestii"
    calc_ws = ctx.wb[L.CALC]
    first, last = L.CALC_FIRST_ROW, L.CALC_FIRST_ROW + len(d.issues) - 1
    chart.add_data(Reference(calc_ws, min_col=COL_NPV, min_row=first, max_row=last))
    chart.set_categories(Reference(calc_ws, min_col=COL_NAME, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.numFmt = MONEY_AXIS
    height = 8.5
    _chart_size(chart, height)
    chart.width = SUMMARY_CHART_W
    chart.legend = None
    _labels_room(chart, 0.5)
    if w.values:
        _money_axis(chart, [res.npv for res in results])
    if active or not w.values:  # no data: no chart of zeros in the report
        ws.add_chart(chart, f"A{r + 2}")
    r += 2 + rows_for(height)
    a4(ws)
    ws.page_setup.fitToHeight = 1
    ws.oddFooter.center.text = "Kalkulator Kosztów Zaniechania (KKZ)"
    ws.print_area = f"A1:{col_letter(last_col)}{r}"
    protect(ws)

