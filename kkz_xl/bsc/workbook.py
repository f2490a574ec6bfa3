"""``BSC_Siec_Uslug.xlsx``: the scorecard of a network of services with native Excel formulas
(scores, traffic lights, funding rule), so it works without the add-in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.bsc.criteria import criteria_sources
from kkz_xl.bsc.labels import (
    CATEGORY_LABELS,
    COMMON_TYPE_LABEL,
    DIRECTION_LABELS,
    LIGHT_COLOURS,
    PERSPECTIVE_LABELS,
    Category,
    Direction,
    Light,
    Perspective,
)
from kkz_xl.bsc.network import Network
from kkz_xl.office import xlsx_style as st

S_HELP, S_PARAMS, S_COSTS, S_IND, S_SVC, S_MEAS, S_CARD = (
    "Instrukcja", "Parametry", "Koszty na etat", "Wskaźniki", "Usługi", "Pomiary",
    "Karta wyników",
)
IND_HEADER = ("id", "nazwa wskaźnika", "perspektywa", "typ usługi", "kierunek", "jednostka",
              "cel", "waga", "wartość min", "wartość maks")
SVC_HEADER = ("id", "nazwa usługi", "typ usługi", "realizator", "JST", "kategoria", "etaty",
              "koszty usługi (zł/rok)", "opłaty użytkowników (zł/rok)", "koszt na etat (średni)",
              "podstawa", "współczynnik kategorii", "wyliczona",
              "limit dotacji (limit udziału × koszty − opłaty)", "dotacja", "dotacja / koszty",
              "wkład własny realizatora", "wkład własny / koszty")
MEAS_HEADER = ("id usługi", "id wskaźnika", "wartość", "nazwa wskaźnika", "perspektywa",
               "kierunek", "cel", "waga", "wynik", "światło")
NO_DATA = "brak danych"
OUT_OF_RANGE = "poza zakresem"
FIRST = 4
SPARE = 30


def _params(ws: Worksheet, net: Network) -> dict[str, str]:
    st.title(ws, "Parametry: progi świateł i kryteria dotacji", st.INPUT_LEGEND)
    st.widths(ws, (44, 14, 90))
    st.header_row(ws, 3, ("parametr", "wartość", "źródło / uwagi"))
    src = criteria_sources()
    rows = [
        ("zielony", "Próg zielonego światła (wynik ≥)", net.progi.zielony),
        ("zolty", "Próg żółtego światła (wynik ≥)", net.progi.zolty),
        ("limit_udzialu", "Najwyższy udział dotacji w kosztach usługi", net.kryteria.limit_udzialu),
    ] + [(f"kategoria_{c.value}", f"Współczynnik kategorii {CATEGORY_LABELS[c]}",
          net.kryteria.wspolczynniki[c]) for c in Category]
    ref: dict[str, str] = {}
    for r, (key, label, value) in enumerate(rows, start=FIRST):
        ws.cell(row=r, column=1, value=label)
        cell = st.as_input(ws.cell(row=r, column=2, value=value), "0%")
        st.number_validation(ws, cell.coordinate, label, 0, 1, percent=True)
        st.note(ws, r, 3, src.get(key, ""))
        ref[key] = f"'{S_PARAMS}'!$B${r}"
    st.a4(ws)
    st.protect(ws)
    return ref


def _costs(ws: Worksheet, net: Network) -> None:
    st.title(ws, "Średni koszt jednostkowy na etat według typu usługi", st.INPUT_LEGEND)
    st.widths(ws, (40, 22))
    st.header_row(ws, 3, ("typ usługi", "koszt na etat (zł/rok)"))
    last = FIRST + len(net.koszty_na_etat) + SPARE - 1
    for r in range(FIRST, last + 1):
        st.as_input(ws.cell(row=r, column=1))
        st.as_input(ws.cell(row=r, column=2), st.MONEY)
    for r, (kind, cost) in enumerate(net.koszty_na_etat.items(), start=FIRST):
        ws.cell(row=r, column=1, value=kind)
        ws.cell(row=r, column=2, value=cost)
    st.number_validation(ws, f"B{FIRST}:B{last}", "Koszt na etat", 0, 100_000_000)
    st.a4(ws)
    _print_data(ws, "B", len(net.koszty_na_etat))
    st.protect(ws)


def _indicators(ws: Worksheet, net: Network) -> None:
    st.title(ws, "Wskaźniki karty wyników (wspólne i według typu usługi)", (
        f"Typ usługi „{COMMON_TYPE_LABEL}” = wskaźnik wspólny dla wszystkich usług. "
        + st.INPUT_LEGEND))
    st.widths(ws, (8, 50, 22, 22, 22, 10, 10, 8, 10, 10))
    st.header_row(ws, 3, IND_HEADER, height=30)
    last = FIRST + len(net.wskazniki) + SPARE - 1
    for r in range(FIRST, last + 1):
        for c in range(1, len(IND_HEADER) + 1):
            st.as_input(ws.cell(row=r, column=c), st.DECIMAL if c in (7, 9, 10) else None)
    for r, ind in enumerate(net.wskazniki, start=FIRST):
        top = None if ind.maks == float("inf") else ind.maks
        values = (ind.id, ind.nazwa, PERSPECTIVE_LABELS[ind.perspektywa],
                  ind.typ_uslugi or COMMON_TYPE_LABEL, DIRECTION_LABELS[ind.kierunek],
                  ind.jednostka, ind.cel, ind.waga, ind.wartosc_min, top)
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    st.list_validation(ws, f"C{FIRST}:C{last}", list(PERSPECTIVE_LABELS.values()), "Perspektywa")
    st.list_validation(ws, f"E{FIRST}:E{last}", list(DIRECTION_LABELS.values()), "Kierunek")
    st.number_validation(ws, f"G{FIRST}:G{last}", "Cel", 0, 1e12)
    st.number_validation(ws, f"H{FIRST}:H{last}", "Waga", 0.01, 100)
    st.number_validation(ws, f"I{FIRST}:J{last}", "Zakres wartości", -1e12, 1e12)
    ws.freeze_panes = "C4"
    st.a4(ws, landscape=True, repeat_rows="3:3")
    _print_data(ws, "J", len(net.wskazniki))
    st.protect(ws)


def _services(ws: Worksheet, net: Network, ref: dict[str, str]) -> None:
    st.title(ws, "Usługi sieci i dotacja według kryteriów regionalnych", (
        "Dotacja = min((etaty × koszt na etat − opłaty) × współczynnik kategorii; "
        "limit udziału × koszty − opłaty): dotacja i opłaty razem nie przekraczają limitu, "
        "resztę wnosi realizator (wkład własny). " + st.INPUT_LEGEND))
    st.widths(ws, (9, 36, 22, 30, 20, 9, 8, 16, 16, 15, 15, 12, 15, 17, 15, 10, 15, 10))
    st.header_row(ws, 3, SVC_HEADER, height=45)
    last = FIRST + len(net.uslugi) + SPARE - 1
    costs = f"'{S_COSTS}'!$A:$B"
    for r in range(FIRST, last + 1):
        for c in range(1, 10):
            st.as_input(ws.cell(row=r, column=c), st.MONEY if c in (8, 9) else None)
        f = {
            10: f'=IF($C{r}="","",IFERROR(VLOOKUP($C{r},{costs},2,FALSE),"brak typu"))',
            11: f'=IF(ISNUMBER($J{r}),MAX(0,$G{r}*$J{r}-$I{r}),"")',
            12: f'=IF($F{r}="A",{ref["kategoria_A"]},IF($F{r}="B",{ref["kategoria_B"]},""))',
            13: f'=IF(AND(ISNUMBER($K{r}),ISNUMBER($L{r})),$K{r}*$L{r},"")',
            14: f'=IF($H{r}="","",MAX(0,{ref["limit_udzialu"]}*$H{r}-N($I{r})))',
            15: f'=IF(AND(ISNUMBER($M{r}),ISNUMBER($N{r})),MIN($M{r},$N{r}),"")',
            16: f'=IF(AND(ISNUMBER($O{r}),N($H{r})>0),$O{r}/$H{r},"")',
            17: f'=IF(ISNUMBER($O{r}),MAX(0,$H{r}-$O{r}-N($I{r})),"")',
            18: f'=IF(AND(ISNUMBER($Q{r}),N($H{r})>0),$Q{r}/$H{r},"")',
        }
        for c, formula in f.items():
            st.as_output(ws.cell(row=r, column=c, value=formula),
                         "0%" if c in (12, 16, 18) else st.MONEY)
    for r, s in enumerate(net.uslugi, start=FIRST):
        for c, v in enumerate((s.id, s.nazwa, s.typ, s.realizator, s.jst, s.kategoria.value,
                               s.etaty, s.koszty, s.oplaty), start=1):
            ws.cell(row=r, column=c, value=v)
    st.list_validation(ws, f"F{FIRST}:F{last}", [c.value for c in Category], "Kategoria sieci")
    st.number_validation(ws, f"G{FIRST}:G{last}", "Etaty", 0.01, 10_000)
    st.number_validation(ws, f"H{FIRST}:I{last}", "Kwota", 0, 1e11)
    ws.freeze_panes = "C4"
    st.a4(ws, landscape=True, repeat_rows="3:3")
    _print_data(ws, "R", len(net.uslugi))
    st.protect(ws)


def _measurements(ws: Worksheet, net: Network, ref: dict[str, str]) -> None:
    st.title(ws, "Pomiary: wartości wskaźników usług i ich wyniki", (
        "Wynik = wartość / cel (im więcej, tym lepiej) lub cel / wartość (im mniej, tym lepiej), "
        f"od 0 do 1; bez wartości: „{NO_DATA}” – wskaźnik pominięty w wyniku usługi (nie 0). "
        + st.INPUT_LEGEND))
    st.widths(ws, (10, 10, 11, 44, 20, 20, 9, 7, 9, 10))
    st.header_row(ws, 3, MEAS_HEADER)
    pairs = [(s, i) for s in net.uslugi for i in net.indicators_for(s)]
    last = FIRST + len(pairs) + SPARE - 1
    ind = f"'{S_IND}'!$A:$J"
    more = DIRECTION_LABELS[Direction.WYZEJ]
    for r in range(FIRST, last + 1):
        for c in (1, 2, 3):
            st.as_input(ws.cell(row=r, column=c), st.DECIMAL if c == 3 else None)
        low = f"N(VLOOKUP($B{r},{ind},9,FALSE))"
        high = f"VLOOKUP($B{r},{ind},10,FALSE)"
        f = {
            4: f'=IF($B{r}="","",IFERROR(VLOOKUP($B{r},{ind},2,FALSE),"brak wskaźnika"))',
            5: f'=IF($B{r}="","",IFERROR(VLOOKUP($B{r},{ind},3,FALSE),""))',
            6: f'=IF($B{r}="","",IFERROR(VLOOKUP($B{r},{ind},5,FALSE),""))',
            7: f'=IF($B{r}="","",IFERROR(VLOOKUP($B{r},{ind},7,FALSE),""))',
            8: f'=IF($B{r}="","",IFERROR(VLOOKUP($B{r},{ind},8,FALSE),0))',
            9: (f'=IF($B{r}="","",IF(NOT(ISNUMBER($C{r})),"{NO_DATA}",'
                f'IF(OR($C{r}<{low},AND(ISNUMBER({high}),$C{r}>{high})),"{OUT_OF_RANGE}",'
                f'IF($F{r}="{more}",'
                f'IF($G{r}<=0,1,MAX(0,MIN(1,$C{r}/$G{r}))),'
                f'IF($C{r}<=0,1,MAX(0,MIN(1,$G{r}/$C{r})))))))'),
            10: (f'=IF(NOT(ISNUMBER($I{r})),"",IF($I{r}>={ref["zielony"]},"{Light.ZIELONE}",'
                 f'IF($I{r}>={ref["zolty"]},"{Light.ZOLTE}","{Light.CZERWONE}")))'),
        }
        for c, formula in f.items():
            st.as_output(ws.cell(row=r, column=c, value=formula),
                         "0%" if c == 9 else (st.DECIMAL if c == 7 else None))
    for r, (s, i) in enumerate(pairs, start=FIRST):
        ws.cell(row=r, column=1, value=s.id)
        ws.cell(row=r, column=2, value=i.id)
        ws.cell(row=r, column=3, value=s.wartosci.get(i.id))
    _value_range_validation(ws, f"C{FIRST}:C{last}", ind)
    _light_colours(ws, f"J{FIRST}:J{last}")
    ws.freeze_panes = "D4"
    ws.auto_filter.ref = f"A3:J{last}"
    st.a4(ws, landscape=True, repeat_rows="3:3")
    _print_data(ws, "J", len(pairs))
    st.protect(ws)


def _value_range_validation(ws: Worksheet, ref: str, ind: str) -> None:
    """Refuse a value outside its indicator's range (columns wartość min / maks)."""
    top = ref.split(":")[0]
    row = top[1:]
    low = f"N(VLOOKUP($B{row},{ind},9,FALSE))"
    high = f"VLOOKUP($B{row},{ind},10,FALSE)"
    dv = DataValidation(
        type="custom", allow_blank=True, showErrorMessage=True,
        formula1=f"AND(ISNUMBER({top}),{top}>={low},OR(NOT(ISNUMBER({high})),{top}<={high}))",
        errorTitle="Wartość poza zakresem",
        error="Wartość wskaźnika poza dopuszczalnym zakresem (kolumny „wartość min” i "
              "„wartość maks” w arkuszu Wskaźniki).",
    )
    dv.add(ref)
    ws.add_data_validation(dv)


def _print_data(ws: Worksheet, last_col: str, n_rows: int) -> None:
    """Print the filled rows only, not the spare input rows kept for new entries."""
    ws.print_area = f"A1:{last_col}{FIRST + max(n_rows, 1) - 1}"


def _light_colours(ws: Worksheet, ref: str) -> None:
    for light, colour in LIGHT_COLOURS.items():
        ws.conditional_formatting.add(ref, CellIsRule(
            operator="equal", formula=[f'"{light.value}"'],
            fill=PatternFill("solid", fgColor=colour)))


def _card(ws: Worksheet, net: Network, ref: dict[str, str]) -> None:
    st.title(ws, f"Karta wyników sieci: {net.nazwa} ({net.region}, {net.rok})",
             "Wyniki ważone wagami wskaźników: w każdej perspektywie i ogółem.")
    persp = [PERSPECTIVE_LABELS[p] for p in Perspective]
    header = ("id usługi", "nazwa usługi", *persp, "wynik ogółem", "światło", "dotacja",
              "wskaźniki bez danych (pominięte)")
    st.widths(ws, (10, 38, 13, 13, 13, 13, 12, 10, 16, 14))
    st.header_row(ws, 3, header, height=45)
    m = f"'{S_MEAS}'!"
    last = FIRST + len(net.uslugi) + SPARE - 1
    for r in range(FIRST, last + 1):
        st.as_input(ws.cell(row=r, column=1))
        ws.cell(row=r, column=2, value=(
            f"=IF($A{r}=\"\",\"\",IFERROR(VLOOKUP($A{r},'{S_SVC}'!$A:$B,2,FALSE),\"\"))"))
        for k, label in enumerate(persp, start=3):
            formula = _sumifs(m, r, label)
            st.as_output(ws.cell(row=r, column=k, value=formula), "0%")
        st.as_output(ws.cell(row=r, column=7, value=_sumifs(m, r, None)), "0%", bold=True)
        ws.cell(row=r, column=8, value=(
            f'=IF($A{r}="","",IF(NOT(ISNUMBER(G{r})),"{NO_DATA}",'
            f'IF(G{r}>={ref["zielony"]},"{Light.ZIELONE}",'
            f'IF(G{r}>={ref["zolty"]},"{Light.ZOLTE}","{Light.CZERWONE}"))))'))
        st.as_output(ws.cell(row=r, column=10, value=(
            f'=IF($A{r}="","",COUNTIFS({m}$A:$A,$A{r},{m}$I:$I,"{NO_DATA}"))')), st.INTEGER)
        st.as_output(ws.cell(row=r, column=9, value=(
            f"=IF($A{r}=\"\",\"\",IFERROR(VLOOKUP($A{r},'{S_SVC}'!$A:$O,15,FALSE),\"\"))")),
            st.MONEY)
    for r, s in enumerate(net.uslugi, start=FIRST):
        ws.cell(row=r, column=1, value=s.id)
    _light_colours(ws, f"H{FIRST}:H{last}")
    green, yellow = ref["zielony"], ref["zolty"]
    area = f"C{FIRST}:G{last}"
    for formula, light in ((f"AND(ISNUMBER(C{FIRST}),C{FIRST}>={green})", Light.ZIELONE),
                           (f"AND(ISNUMBER(C{FIRST}),C{FIRST}>={yellow})", Light.ZOLTE),
                           (f"ISNUMBER(C{FIRST})", Light.CZERWONE)):
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[formula], stopIfTrue=True,
            fill=PatternFill("solid", fgColor=LIGHT_COLOURS[light])))
    ws.freeze_panes = "C4"
    st.a4(ws, landscape=True, repeat_rows="3:3")
    _print_data(ws, "J", len(net.uslugi))
    st.protect(ws)


def _sumifs(m: str, r: int, label: str | None) -> str:
    """Weighted mean of the scores of service ``A{r}`` (in one perspective, or all)."""
    cond = f',{m}$E:$E,"{label}"' if label else ""
    return (f'=IF($A{r}="","",IFERROR(SUMIFS({m}$K:$K,{m}$A:$A,$A{r}{cond})/'
            f'SUMIFS({m}$L:$L,{m}$A:$A,$A{r}{cond}),""))')


def _weighted_column(ws: Worksheet, net: Network) -> None:
    """Hidden helper columns on Pomiary (SUMIFS needs plain columns): K waga × wynik, L the
    weight of measured indicators only, so missing ones leave the denominator too."""
    last = FIRST + sum(len(net.indicators_for(s)) for s in net.uslugi) + SPARE - 1
    ws.cell(row=3, column=11, value="waga × wynik")
    ws.cell(row=3, column=12, value="waga (zmierzone)")
    for r in range(FIRST, last + 1):
        ws.cell(row=r, column=11, value=f'=IF(ISNUMBER($I{r}),N($H{r})*$I{r},"")')
        ws.cell(row=r, column=12, value=f'=IF(ISNUMBER($I{r}),N($H{r}),"")')
    ws.column_dimensions["K"].hidden = True
    ws.column_dimensions["L"].hidden = True


def _help(ws: Worksheet) -> None:
    st.title(ws, "Zrównoważona karta wyników (BSC) sieci usług społecznych")
    lines = (
        "Cztery perspektywy: " + ", ".join(PERSPECTIVE_LABELS.values()) + ".",
        "Wskaźniki: wspólne dla wszystkich usług (typ „wszystkie”) i właściwe dla typu usługi. "
        "Każdy ma cel, wagę i kierunek (im więcej / im mniej, tym lepiej).",
        "Pomiary: wpisz wartość wskaźnika dla usługi. Wynik to stopień osiągnięcia celu od 0 "
        f"do 100 %. Wskaźnik bez wartości („{NO_DATA}”) jest pomijany w wyniku usługi razem "
        "ze swoją wagą, a karta wyników podaje, ile takich wskaźników jest – nie liczy się "
        "go jako 0. Wartość spoza zakresu (np. 140 % lub −5) jest odrzucana.",
        "Karta wyników: wynik ważony w każdej perspektywie i ogółem oraz światło (progi "
        "w arkuszu Parametry).",
        "Usługi: dotacja wg kryteriów regionalnych – etaty × średni koszt na etat danego typu "
        "minus opłaty użytkowników, razy współczynnik kategorii sieci (A – podstawowa, "
        "B – uzupełniająca). Dotacja i opłaty użytkowników razem nie przekraczają limitu "
        "udziału w kosztach usługi (nigdy 100 %); resztę kosztów – co najmniej 1 − limit – "
        "wnosi realizator (wkład własny).",
        "Te same obliczenia dają funkcje Excela KKZ_BSC_WYNIK, KKZ_BSC_SWIATLO i KKZ_DOTACJA "
        "(dodatek KKZ); karta usługi w Wordzie: kkz bsc karta.",
    )
    st.instructions(ws, lines)


def build_bsc_workbook(net: Network) -> Workbook:
    wb = Workbook()
    ws_help = wb.active
    ws_help.title = S_HELP
    _help(ws_help)
    ref = _params(wb.create_sheet(S_PARAMS), net)
    _costs(wb.create_sheet(S_COSTS), net)
    _indicators(wb.create_sheet(S_IND), net)
    _services(wb.create_sheet(S_SVC), net, ref)
    meas = wb.create_sheet(S_MEAS)
    _measurements(meas, net, ref)
    _weighted_column(meas, net)
    _card(wb.create_sheet(S_CARD), net, ref)
    wb.properties.title = f"BSC – {net.nazwa}"
    wb.properties.creator = "kkz-xl"
    wb.properties.created = dt.datetime(2025, 1, 1)
    return wb


def write_bsc_workbook(path: Path, net: Network) -> Path:
    return st.save(build_bsc_workbook(net), path)
