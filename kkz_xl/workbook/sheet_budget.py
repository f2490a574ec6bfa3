"""Budżet i WPF: the JST's spending on the chosen programmes by calendar year – in constant
prices (the analysis') and in current prices (the WPF's, indexed by an assumption on the
sheet) – by rozdział and paragraf, and in the shape of the WPF's list of przedsięwzięcia
(nazwa i cel, okres realizacji, łączne nakłady, limity w latach).

The programme's cost of year t is the engine's (KKZ_PRZEPLYWY, column "w tym koszt
programu"); the JST's part is its financing share (gmina; powiat; a city with powiat rights
pays both shares). Nothing of the method is computed here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.engine.budget import price_index
from kkz_xl.model.labels import FLOW_COLUMNS, FLOW_PROGRAMME, OWN_PROGRAMME
from kkz_xl.model.payers import Payer
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    HEADER_FILL,
    HEADER_FONT,
    NOTE_FONT,
    a4,
    as_input,
    header_row,
    note,
    number_validation,
    protect,
    title,
    widths,
)
from kkz_xl.params.classification import classification
from kkz_xl.storage.atomic import atomic_write
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted
from kkz_xl.workbook.context import COL_PROGRAMME, COL_REPEAT, Context
from kkz_xl.workbook.formats import MONEY_ZL, PERCENT
from kkz_xl.workbook.inputs import (
    YES,
    IssueRow,
    WorkbookInputs,
    find_programme,
    is_yes,
    programme_table,
    share_key,
)
from kkz_xl.workbook.sheet_programmes import lookup

FIRST_YEAR_COL = 6  # WPF table: name, purpose, from, to, total, then one column per year
NOT_CLASSIFIED = "bez klasyfikacji (program własny – wpisz go do budżetu ręcznie)"


def jst_payers(kind: str) -> tuple[Payer, ...]:
    """Whose financing share is the JST's own: a gmina's, a powiat's, or both for a city with
    powiat rights."""
    if kind == "gmina":
        return (Payer.GMINA,)
    if kind == "powiat":
        return (Payer.POWIAT,)
    return (Payer.GMINA, Payer.POWIAT)


@dataclass(frozen=True)
class WpfLine:
    """One przedsięwzięcie of the WPF: a chosen programme of one issue (engine figures)."""

    code: str
    name: str
    purpose: str
    first: int
    last: int
    constant: list[float]  # the JST's part per year, constant prices
    current: list[float]  # the same in current prices
    rozdzial: str
    paragraf: str

    @property
    def total(self) -> float:
        return sum(self.current)


def purpose(issue: IssueRow) -> str:
    return (f"Ograniczenie kosztów zaniechania: {issue.name.lower()} – usamodzielnienie "
            "uczestników programu")


def classified(issue: IssueRow, base_issue: object) -> tuple[str, str]:
    """The chosen programme's rozdział and paragraf ("" for one of the JST's own)."""
    prog = find_programme(base_issue, issue.programme)  # type: ignore[arg-type]
    if prog is None:
        return "", ""
    return prog.rozdzial or "", classification().programme(prog.id)


def wpf_lines(data: WorkbookInputs, results: dict[str, object], base: object) -> list[WpfLine]:
    """The WPF lines of the computed issues; ``results``: code → engine IssueResult."""
    years = data.horizon
    index = price_index(data.first_year, years, data.price_year,
                        data.index_rate(base))  # type: ignore[arg-type]
    out = []
    for issue in data.issues:
        res = results.get(issue.code)
        if res is None:
            continue
        share = sum(float(issue.param(share_key(p)).used(1.0) or 0)
                    for p in jst_payers(data.kind))
        constant = [float(res.programme[t]) * share for t in range(years)]  # type: ignore
        current = [c * float(index[t]) for t, c in enumerate(constant)]
        repeat = is_yes(issue.param("powtarzaj").used(1.0))
        rozdzial, paragraf = classified(issue, programme_table(issue, base))  # type: ignore
        out.append(WpfLine(issue.code, issue.programme_label, purpose(issue), data.first_year,
                           data.first_year + (years - 1 if repeat else 0), constant, current,
                           rozdzial, paragraf))
    return out


def budget(ctx: Context, ws: Worksheet) -> None:
    w, d = ctx.w, ctx.data
    years = d.horizon
    title(ws, "Budżet i WPF – wydatki JST na wybrane programy",
          "Koszt programu w kolejnych latach (z funkcji KKZ_PRZEPLYWY) × udział JST w jego "
          "finansowaniu; lata kalendarzowe od roku rozpoczęcia z Dane JST. Ceny stałe – jak "
          "w analizie; ceny bieżące – jak w WPF (indeksacja poniżej).")
    widths(ws, [34, 40, 9, 9, 16, *[14] * years])
    ws["A4"] = "Pierwszy rok budżetowy (Dane JST)"
    w.native(ws, 4, 3, L.NAME_START_YEAR, d.first_year, "0")
    ws["A5"] = "Indeksacja cen stałych do bieżących (rocznie)"
    idx = as_input(ws.cell(row=5, column=3, value=d.index_rate(ctx.base)), PERCENT)
    number_validation(ws, idx.coordinate, "Indeksacja", 0, 0.5, percent=True)
    ctx.wb.defined_names[L.NAME_INDEXATION] = _defined(ws.title, "$C$5")
    g = ctx.base.general.indeksacja
    note(ws, 5, 4, g.zrodlo.strip() if g else "Założenie JST.", merge_to=5 + years, height=45)
    ws["A6"] = "Rok cen stałych (Dane JST)"
    w.native(ws, 6, 3, L.NAME_PRICE_YEAR, d.price_year, "0")
    warn = (f'IF({L.NAME_HORIZON}<>{years},"Uwaga: horyzont w Dane JST różni się od {years} '
            f'lat tej tabeli – przygotuj plik ponownie (kkz skoroszyt).","")')
    w.native(ws, 7, 1, warn, "")
    ws.cell(row=7, column=1).font = NOTE_FONT

    results = {i.code: ctx.figures.issue(i.code).result for i in d.issues
               if ctx.figures.active(i.code)}
    lines = {x.code: x for x in wpf_lines(d, results, ctx.base)}
    year_cols = [FIRST_YEAR_COL + t for t in range(years)]

    # 1. Constant prices, one row per issue.
    r = 9
    ws.cell(row=r, column=1, value="1. Wydatki JST na programy – ceny stałe").font = BOLD_FONT
    head = r + 1
    header_row(ws, head, ["Kwestia", "Program", "Rozdział", "§", "Razem",
                          *[str(d.first_year + t) for t in range(years)]], height=30)
    _year_headers(ctx, ws, head, year_cols, d.first_year)
    const_rows: dict[str, int] = {}
    for n, issue in enumerate(d.issues):
        rr = head + 1 + n
        const_rows[issue.code] = rr
        line = lines.get(issue.code)
        cond = ctx.active(issue.code)
        ws.cell(row=rr, column=1, value=issue.name).alignment = Alignment(wrap_text=True)
        w.native(ws, rr, 2, f'IF({cond},{ctx.calc(issue.code, COL_PROGRAMME)},"")',
                 line.name if line else "")
        pick = f"{quoted(L.PARAMS)}!$G${ctx.param_rows[(issue.code, 'program')]}"
        for col, field, value in ((3, "rozdzial", line.rozdzial if line else ""),
                                  (4, "paragraf", line.paragraf if line else "")):
            w.native(ws, rr, col, f'IF({cond},{lookup(ctx, issue.code, field, pick)},"")',
                     value)
        jst_share = _kind_share(ctx, issue.code)
        for t, col in enumerate(year_cols):
            flows = f"INDEX({ctx.call('KKZ_PRZEPLYWY', issue.code)},{t + 2}," \
                    f"{FLOW_COLUMNS.index(FLOW_PROGRAMME) + 1})"
            w.udf(ws, rr, col, f'IF({cond},{flows}*({jst_share}),"")',
                  line.constant[t] if line else "", MONEY_ZL)
        a, b = col_letter(year_cols[0]), col_letter(year_cols[-1])
        w.native(ws, rr, 5, f'IF({cond},SUM({a}{rr}:{b}{rr}),"")',
                 sum(line.constant) if line else "", MONEY_ZL, depends_on_udf=True)
        ws.row_dimensions[rr].height = 30
    last_const = head + len(d.issues)

    # 2. The WPF's list of przedsięwzięcia, current prices.
    r = last_const + 2
    ws.cell(row=r, column=1, value="2. WPF – wykaz przedsięwzięć (ceny bieżące)").font = (
        BOLD_FONT)
    head2 = r + 1
    header_row(ws, head2, ["Nazwa przedsięwzięcia", "Cel", "Okres od", "Okres do",
                           "Łączne nakłady", *[f"Limit {d.first_year + t}" for t in range(years)]],
               height=30)
    _year_headers(ctx, ws, head2, year_cols, d.first_year, prefix="Limit ")
    for n, issue in enumerate(d.issues):
        rr = head2 + 1 + n
        line = lines.get(issue.code)
        cond = ctx.active(issue.code)
        src = const_rows[issue.code]
        w.native(ws, rr, 1, f'IF({cond},B{src},"")', line.name if line else "")
        w.native(ws, rr, 2, f'IF({cond},"{purpose(issue)}","")', line.purpose if line else "")
        for col in (1, 2):
            ws.cell(row=rr, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        b = col_letter(year_cols[-1])
        # A programme run every year spends in every year of the horizon, else in year 1.
        repeat = f'{ctx.calc(issue.code, COL_REPEAT)}="{YES}"'
        w.native(ws, rr, 3, f'IF({cond},{L.NAME_START_YEAR},"")', line.first if line else "",
                 "0")
        w.native(ws, rr, 4, f'IF({cond},{L.NAME_START_YEAR}+IF({repeat},{years - 1},0),"")',
                 line.last if line else "", "0")
        for t, col in enumerate(year_cols):
            c = col_letter(col)
            w.native(ws, rr, col, f'IF({cond},{c}{src}*(1+{L.NAME_INDEXATION})^'
                     f'({L.NAME_START_YEAR}+{t}-{L.NAME_PRICE_YEAR}),"")',
                     line.current[t] if line else "", MONEY_ZL, depends_on_udf=True)
        w.native(ws, rr, 5, f'IF({cond},SUM({col_letter(year_cols[0])}{rr}:{b}{rr}),"")',
                 line.total if line else "", MONEY_ZL, depends_on_udf=True)
        ws.row_dimensions[rr].height = 36
    last_wpf = head2 + len(d.issues)

    # 3. By rozdział and paragraf, current prices.
    r = last_wpf + 2
    ws.cell(row=r, column=1, value="3. Według klasyfikacji budżetowej (ceny bieżące)").font = (
        BOLD_FONT)
    head3 = r + 1
    header_row(ws, head3, ["Rozdział", "Paragraf", "", "", "Razem",
                           *[str(d.first_year + t) for t in range(years)]], height=30)
    _year_headers(ctx, ws, head3, year_cols, d.first_year)
    cls = classification()
    combos = sorted({(p.rozdzial or "", cls.programme(p.id)) for issue in d.issues
                     for p in programme_table(issue, ctx.base).programy})
    rozdz = f"$C${head + 1}:$C${last_const}"
    para = f"$D${head + 1}:$D${last_const}"
    rr = head3
    for rozdzial, paragraf in [*combos, ("", "")]:
        rr += 1
        label = (f"§ {paragraf} {cls.name(paragraf)}" if paragraf else NOT_CLASSIFIED)
        ws.cell(row=rr, column=1, value=rozdzial or "–")
        ws.cell(row=rr, column=2, value=label).alignment = Alignment(wrap_text=True)
        ws.row_dimensions[rr].height = 30
        for t, col in enumerate(year_cols):
            c = col_letter(col)
            value = sum(x.current[t] for x in lines.values()
                        if (x.rozdzial, x.paragraf) == (rozdzial, paragraf))
            w.native(ws, rr, col, f'SUMIFS(${c}${head2 + 1}:${c}${last_wpf},{rozdz},'
                     f'"{rozdzial}",{para},"{paragraf}")', value, MONEY_ZL,
                     depends_on_udf=True)
        b = col_letter(year_cols[-1])
        value = sum(x.total for x in lines.values() if (x.rozdzial, x.paragraf) ==
                    (rozdzial, paragraf))
        w.native(ws, rr, 5, f"SUM({col_letter(year_cols[0])}{rr}:{b}{rr})", value, MONEY_ZL,
                 depends_on_udf=True)
    rr += 1
    ws.cell(row=rr, column=1, value="Razem").font = BOLD_FONT
    for col in (5, *year_cols):
        c = col_letter(col)
        value = (sum(x.total for x in lines.values()) if col == 5 else
                 sum(x.current[col - FIRST_YEAR_COL] for x in lines.values()))
        w.native(ws, rr, col, f"SUM({c}{head3 + 1}:{c}{rr - 1})", value, MONEY_ZL, bold=True,
                 depends_on_udf=True)
    note(ws, rr + 2, 1, f"{cls.zrodlo.strip()} Rozdział programu: baza parametrów (plik "
         "kwestii). Oszczędności płatników (arkusz Płatnicy) nie pomniejszają limitów WPF – "
         f"to wydatki na przedsięwzięcia. Program „{OWN_PROGRAMME}” nie ma klasyfikacji.",
         merge_to=5 + years, height=45)
    ws.freeze_panes = "C11"
    a4(ws, landscape=True)
    ws.print_area = f"A1:{col_letter(year_cols[-1])}{rr + 2}"
    protect(ws)


def _kind_share(ctx: Context, code: str) -> str:
    """The JST's financing share of ``code``'s programme, by the kind on Dane JST."""
    p = quoted(L.PARAMS)

    def share(payer: Payer) -> str:
        return f"{p}!$G${ctx.param_rows[(code, share_key(payer))]}"

    g, pw = share(Payer.GMINA), share(Payer.POWIAT)
    return f'IF({L.NAME_KIND}="gmina",{g},IF({L.NAME_KIND}="powiat",{pw},{g}+{pw}))'


def _year_headers(ctx: Context, ws: Worksheet, row: int, cols: list[int], first: int,
                  prefix: str = "") -> None:
    """Year headers that follow the start year on Dane JST."""
    for t, col in enumerate(cols):
        cell = ctx.w.native(ws, row, col, f'"{prefix}"&({L.NAME_START_YEAR}+{t})',
                            f"{prefix}{first + t}")
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def _defined(sheet: str, cell: str) -> object:
    return DefinedName(L.NAME_INDEXATION, attr_text=f"{quoted(sheet)}!{cell}")


WPF_HEADERS = ("Nazwa przedsięwzięcia", "Cel", "Okres od", "Okres do", "Łączne nakłady (zł)")


def write_wpf_csv(path: object, data: WorkbookInputs, results: dict[str, object],
                  base: object) -> None:
    """The WPF lines as CSV (";", decimal comma, UTF-8 with BOM for Excel): one row per
    programme, the limits per calendar year in current prices, its rozdział and paragraf."""
    lines = wpf_lines(data, results, base)
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=";")
    out.writerow([*WPF_HEADERS, *[f"Limit {data.first_year + t}" for t in range(data.horizon)],
                  "Rozdział", "Paragraf"])
    def pl(v: float) -> str:  # Excel in Polish reads "1234,50" from a ";" file
        return f"{v:.2f}".replace(".", ",")

    for x in lines:
        out.writerow([x.name, x.purpose, x.first, x.last, pl(x.total),
                      *[pl(v) for v in x.current], x.rozdzial, x.paragraf])
    atomic_write(Path(str(path)), lambda tmp: Path(tmp).write_text(buf.getvalue(),
                                                                  encoding="utf-8-sig"))
