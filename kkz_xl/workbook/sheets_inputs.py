"""The sheets a treasurer types into: Instrukcja (read first), Dane JST and Parametry."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.labels import NET_SAVING_NOTE, OWN_PROGRAMME
from kkz_xl.model.severity import has_state_model
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    INPUT_LEGEND,
    NOTE_FONT,
    a4,
    as_input,
    header_row,
    list_validation,
    note,
    number_validation,
    protect,
    title,
    widths,
)
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted, ref
from kkz_xl.workbook.context import PROG_COL, Context
from kkz_xl.workbook.formats import FACTOR, INTEGER, MONEY, PERCENT
from kkz_xl.workbook.inputs import NO, PROGRAMME_FIGURES, YES, IssueRow
from kkz_xl.workbook.sheet_programmes import lookup, options_range
from kkz_xl.workbook.values import TORNADO_SPREAD

OVERRIDE_FILL = PatternFill("solid", fgColor="F8CBAD")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
NAME_PRICE_FACTOR = "Mnoznik_cen"

STEPS = (
    "Dane JST: wpisz nazwę i kod TERYT gminy lub powiatu, rok cen, horyzont i stopę "
    "dyskontową (domyślne wartości są już wpisane).",
    "Kalkulator: w kolumnie „Osoby” wpisz, ile osób (lub rodzin) z danym problemem korzysta "
    "dziś z pomocy (np. z OZPS lub sprawozdania MRPiPS-03); w „Napływ” – ile nowych osób "
    "przybywa co roku. Kwestie bez liczby osób są pomijane.",
    "Parametry: sprawdź koszty (każda linia kosztów osobno), odpływ, nawroty i wybierz program "
    "z listy dla każdej kwestii. Jeśli masz własne dane, wpisz je w kolumnie „Twoja wartość” "
    "– wiersz zmieni kolor, a obliczenia użyją Twojej wartości. Źródło i stopień pewności "
    "każdej liczby są obok. Arkusz Koszty w latach pokazuje koszty rok po roku według płatników. "
    "Kwestie ze stopniami nasilenia (np. sieroctwo, bezdomność): stany, koszt osoby w każdym "
    "stanie i przejścia między stanami – arkusz Stany (też z kolumną „Twoja wartość”).",
    "Wyniki: Kalkulator (oszczędność netto z działania, BCR, ROI, rok zwrotu), Przepływy (rok "
    "po roku – wybierz kwestię z listy), Płatnicy (kto płaci, kto oszczędza), Niepewność "
    "(Monte Carlo i wykres tornado), Budżet i WPF (wydatki w latach kalendarzowych), Wykresy.",
    "Podsumowanie: jedna strona dla rady – wydrukuj ją (A4) lub przygotuj kopię z samymi "
    "wartościami dla osób bez dodatku: polecenie „kkz raport PLIK.xlsm” (tworzy też PDF).",
)

METHOD = (
    "Porównujemy dwie przyszłości w horyzoncie T lat. ZANIECHANIE: osoby pozostają w pomocy "
    "społecznej, część wychodzi z niej sama (odpływ q). DZIAŁANIE: program obejmuje część grupy "
    "(zasięg e); część uczestników (skuteczność s, ponad to, co stałoby się i tak) usamodzielnia "
    "się. Osoby usamodzielnione mogą wrócić (nawroty r); co roku dochodzą nowe osoby (napływ). "
    "Kwestie z modelem wielostanowym mają zamiast odpływu i nawrotów stany i przejścia między "
    "nimi (arkusz Stany).",
    "Każda osoba w systemie kosztuje płatników (gminę, powiat, budżet państwa, NFZ, ZUS/Fundusz "
    "Pracy) roczną kwotę z arkusza Koszty w latach: kwoty linii kosztów z arkusza Parametry, "
    "w każdym roku razy mnożnik linii (np. gmina pokrywa 10 % kosztów pieczy zastępczej "
    "w 1. roku, 30 % w 2. i 50 % od 3.). Koszty kolejnych lat dyskontujemy realną stopą "
    "(rok 1 bez dyskonta), w cenach stałych roku cen.",
    f"{NET_SAVING_NOTE} Funkcja KKZ_KOSZT_ZANIECHANIA zwraca tę liczbę. "
    "BCR = (NPV + koszt programu) / "
    "koszt programu; ROI = NPV / koszt programu; rok zwrotu – pierwszy rok, w którym "
    "zdyskontowane oszczędności narastająco pokrywają koszt programu; próg skuteczności – "
    "najmniejsza skuteczność, przy której program się zwraca.",
    "Niepewność: analiza Monte Carlo losuje niepewne parametry (rozkłady beta i gamma wokół "
    "wartości z arkusza, współczynnik zmienności z Dane JST) i podaje średnią, percentyle 5/50/95 "
    "i prawdopodobieństwo, że NPV > 0. Wykres tornado pokazuje, jak zmienia się NPV, gdy jeden "
    f"parametr zmieni się o ±{100 * TORNADO_SPREAD:g} %.",
    "Funkcje KKZ_ dostają koszty każdej kwestii jako tabelę (wiersz = rok, kolumna = płatnik), "
    "więc wyniki arkusza są takie same jak w dokumentach strategii (polecenie kkz). Różni się "
    "tylko Monte Carlo: arkusz losuje osobno dla każdej kwestii, polecenie kkz – dla "
    "wszystkich kwestii naraz, więc średnie i percentyle różnią się nieco (błąd losowania).",
)


def _height(text: str) -> float:
    """Row height of a wrapped paragraph in the guide's 110-wide column (about 105 characters
    a line), a little air below."""
    return 15.0 * (1 + len(text) // 105) + 4


def guide(ctx: Context, ws: Worksheet) -> None:
    """Instrukcja: five steps, the method in plain Polish, sources, the add-in."""
    title(ws, "Kalkulator Kosztów Zaniechania (KKZ) – instrukcja",
          "Ile kosztuje gminę lub powiat (i innych płatników) NIEpodjęcie działań społecznych.")
    widths(ws, [4, 110])
    row = 4
    ws.cell(row=row, column=1, value="Jak korzystać – pięć kroków").font = BOLD_FONT
    for n, text in enumerate(STEPS, start=1):
        row += 1
        ws.cell(row=row, column=1, value=n).alignment = Alignment(vertical="top")
        ws.cell(row=row, column=2, value=text).alignment = WRAP
        ws.row_dimensions[row].height = _height(text)
    row += 1
    ws.cell(row=row, column=2, value=INPUT_LEGEND).font = NOTE_FONT
    row += 2
    ws.cell(row=row, column=1, value="Metoda w skrócie").font = BOLD_FONT
    for text in METHOD:
        row += 1
        ws.cell(row=row, column=2, value=text).alignment = WRAP
        ws.row_dimensions[row].height = _height(text)
    multi = [i.name for i in ctx.data.issues if i.multi]
    two = [i.name for i in ctx.data.issues if not i.multi and has_state_model(i.code)]
    texts = []
    if multi:
        texts.append("Stopnie nasilenia: kwestie " + ", ".join(multi) + " są liczone modelem "
                     "wielostanowym (arkusz Stany: stany, podział osób na początku, koszt osoby "
                     "w każdym stanie według płatników i prawdopodobieństwa przejść) – tak samo "
                     "jak polecenie kkz i dokumenty strategii. Funkcje KKZ_…_STANY dostają te "
                     "zakresy, więc Twoja wartość w arkuszu Stany zmienia wyniki.")
    if two:
        texts.append("Postać dwustanowa (wybrana w scenariuszu: model: dwustanowy): "
                     + ", ".join(two) + " – bez stopni nasilenia; polecenie kkz liczy je "
                     "domyślnie modelem wielostanowym.")
    for text in texts:
        row += 1
        ws.cell(row=row, column=2, value=text).alignment = WRAP
        ws.row_dimensions[row].height = _height(text)
    row += 2
    ws.cell(row=row, column=1, value="Źródła wartości domyślnych").font = BOLD_FONT
    g = ctx.base.general
    sources = [
        "Każda liczba arkusza Parametry ma obok źródło (ustawa, rozporządzenie, raport NIK, "
        "GUS, badanie) lub oznaczenie „Założenie” oraz stopień pewności: 1 = statystyka "
        "urzędowa lub kwota ustawowa … 5 = założenie eksperckie. Zastąp założenia danymi JST.",
        f"Stopa dyskontowa: {g.stopa_dyskontowa.zrodlo.strip()}",
        f"Horyzont: {g.horyzont.zrodlo.strip()}",
        f"Ceny: kwoty przeliczone wskaźnikiem cen towarów i usług konsumpcyjnych GUS "
        f"(tabela w arkuszu Parametry) na ceny roku wybranego w Dane JST; "
        f"{ctx.base.cpi.opis.strip()}",
    ]
    for text in sources:
        row += 1
        ws.cell(row=row, column=2, value=text).alignment = WRAP
        ws.row_dimensions[row].height = _height(text)
    row += 2
    ws.cell(row=row, column=1, value="Funkcje KKZ_ w Excelu").font = BOLD_FONT
    for text in (
        "Wyniki liczą funkcje KKZ_ (np. KKZ_KOSZT_ZANIECHANIA) z dodatku xlwings i pakietu "
        "kkz-xl. Jednorazowo: zainstaluj Pythona z pakietem kkz-xl, uruchom „kkz dodatek "
        "Kalkulator_KKZ.xlsm” (wpisze ścieżki w arkuszu xlwings.conf), otwórz plik, włącz makra "
        "i uruchom makro ImportPythonUDFs (Alt+F8) albo przycisk Import Functions na karcie "
        "xlwings.",
        "Bez dodatku plik pokazuje wyniki zapisane przy ostatnim przeliczeniu (Excel, "
        "LibreOffice, podgląd pliku), ale zmiana danych ich nie przelicza. Po włączeniu dodatku "
        "przelicz wszystko: Ctrl+Alt+F9. Dla rady i osób bez dodatku przygotuj kopię z samymi "
        "wartościami i PDF: „kkz raport Kalkulator_KKZ.xlsm”.",
        "Arkusze są chronione bez hasła (przed przypadkową zmianą formuł): Recenzja → Nie chroń "
        "arkusza.",
    ):
        row += 1
        ws.cell(row=row, column=2, value=text).alignment = WRAP
        ws.row_dimensions[row].height = _height(text)
    a4(ws)
    ws.print_area = f"A1:B{row}"
    protect(ws)


def _name(ctx: Context, name: str, sheet: str, cell: str) -> None:
    ctx.wb.defined_names[name] = DefinedName(name, attr_text=f"{quoted(sheet)}!{cell}")


def jst(ctx: Context, ws: Worksheet) -> None:
    """Dane JST: who, price year, horizon, rate and the Monte Carlo settings."""
    d = ctx.data
    title(ws, "Dane jednostki samorządu terytorialnego i założenia obliczeń",
          "Wpisz dane w żółtych komórkach. Nazwy (np. Horyzont, Stopa) są używane w formułach.")
    widths(ws, [4, 44, 26, 60])
    years = sorted(ctx.base.cpi.wartosci)
    low_year, high_year = years[0] - 1, years[-1]
    rows = [
        (None, 3, "Jednostka"),
        (L.NAME_JST, d.jst_name, "Nazwa gminy lub powiatu"),
        (L.NAME_TERYT, d.teryt, "Kod TERYT (7 cyfr gminy lub 4 cyfry powiatu)"),
        (L.NAME_KIND, d.kind, "Rodzaj jednostki"),
        (L.NAME_VOIVODESHIP, d.voivodeship, "Województwo"),
        (L.NAME_RESIDENTS, d.residents, "Liczba mieszkańców"),
        (None, 10, "Założenia obliczeń"),
        (L.NAME_PRICE_YEAR, d.price_year, "Rok cen (kwoty w cenach stałych tego roku)"),
        (L.NAME_HORIZON, d.horizon, "Horyzont analizy (lata)"),
        (L.NAME_RATE, d.rate, "Realna stopa dyskontowa"),
        (L.NAME_START_YEAR, d.first_year, "Pierwszy rok budżetowy programów (WPF)"),
        (None, 15, "Analiza Monte Carlo"),
        (L.NAME_DRAWS, d.draws, "Liczba losowań"),
        (L.NAME_SPREAD, d.spread, "Współczynnik zmienności niepewnych parametrów"),
        (L.NAME_SEED, d.seed, "Ziarno losowania (to samo ziarno – te same wyniki)"),
    ]
    g = ctx.base.general

    def pct(x: float) -> str:
        return f"{100 * x:g}".replace(".", ",") + " %"

    notes = {
        L.NAME_PRICE_YEAR: f"Lata {low_year}–{high_year} (wskaźnik cen GUS w Parametrach).",
        L.NAME_HORIZON: f"1–{L.MAX_YEARS} lat; model KKZ: {ctx.base.horizon} lat. Tabele "
                        f"roczne pokazują do {L.MAX_YEARS} lat; wykresy obejmują horyzont "
                        "z chwili przygotowania pliku.",
        L.NAME_RATE: f"Domyślnie {pct(ctx.base.discount_rate)}; w analizie wrażliwości "
                     f"sprawdź {', '.join(pct(x) for x in g.stopy_wrazliwosci.wartosc)}.",
        L.NAME_DRAWS: "Więcej losowań = dokładniej, ale wolniej (domyślnie "
                      + f"{int(g.losowania.wartosc):,}".replace(",", "\u00a0") + ").",
        L.NAME_SPREAD: f"Domyślnie {pct(g.zmiennosc.wartosc)}.",
        L.NAME_START_YEAR: "Rok 1 analizy = ten rok budżetu (arkusz Budżet i WPF).",
    }
    for name, value, label in rows:
        if name is None:
            ws.cell(row=value, column=2, value=label).font = BOLD_FONT
            continue
        r = L.JST_ROWS[name]
        ws.cell(row=r, column=2, value=label)
        cell = ws.cell(row=r, column=L.JST_VALUE_COL, value=value)
        as_input(cell)
        if name in notes:
            ws.cell(row=r, column=4, value=notes[name]).font = NOTE_FONT
        _name(ctx, name, L.JST, ref(r, L.JST_VALUE_COL, absolute=True))
    c = L.JST_VALUE_COL

    def at(name: str) -> str:
        return ref(L.JST_ROWS[name], c)

    ws[at(L.NAME_TERYT)].number_format = "@"
    ws[at(L.NAME_RATE)].number_format = PERCENT
    ws[at(L.NAME_SPREAD)].number_format = PERCENT
    ws[at(L.NAME_RESIDENTS)].number_format = INTEGER
    ws[at(L.NAME_DRAWS)].number_format = INTEGER
    list_validation(ws, at(L.NAME_KIND), ["gmina", "powiat", "miasto na prawach powiatu"],
                    "Rodzaj jednostki")
    teryt = DataValidation(type="textLength", operator="between", formula1="4", formula2="7",
                           allow_blank=True, showErrorMessage=True,
                           errorTitle="Niepoprawny kod TERYT",
                           error="Kod TERYT: 7 cyfr dla gminy (np. 1465011) lub 4 dla powiatu.")
    teryt.add(at(L.NAME_TERYT))
    ws.add_data_validation(teryt)
    number_validation(ws, at(L.NAME_RESIDENTS), "Liczba mieszkańców", 0, 10_000_000, whole=True)
    number_validation(ws, at(L.NAME_PRICE_YEAR), "Rok cen", low_year, high_year, whole=True)
    number_validation(ws, at(L.NAME_HORIZON), "Horyzont", 1, L.MAX_YEARS, whole=True)
    number_validation(ws, at(L.NAME_START_YEAR), "Rok rozpoczęcia", 2000, 2100, whole=True)
    number_validation(ws, at(L.NAME_RATE), "Stopa dyskontowa", 0, 0.99, percent=True)
    number_validation(ws, at(L.NAME_DRAWS), "Liczba losowań", 100, 1_000_000, whole=True)
    number_validation(ws, at(L.NAME_SPREAD), "Współczynnik zmienności", 0, 2, percent=True)
    number_validation(ws, at(L.NAME_SEED), "Ziarno", 0, 2_000_000_000, whole=True)
    ws.freeze_panes = "A3"
    a4(ws)
    protect(ws)


def params(ctx: Context, ws: Worksheet) -> None:
    """Parametry: the base's defaults with sources and grades, the user's own values."""
    w, f = ctx.w, ctx.factor
    base_year = ctx.base.price_year
    title(ws, "Parametry kwestii społecznych (baza parametrów KKZ)",
          "Wartość użyta = Twoja wartość, jeśli ją wpiszesz, w przeciwnym razie wartość domyślna "
          "(kwoty przeliczone na ceny roku z Dane JST). Zmienione wiersze są oznaczone kolorem.")
    headers = ["Kod", "Kwestia", "Parametr", f"Wartość w bazie (ceny {base_year})",
               "Wartość domyślna (rok cen)", "Twoja wartość", "Wartość użyta", "Jednostka",
               "Stopień pewności (1–5)", "Źródło"]
    header_row(ws, L.PARAMS_HEADER_ROW, headers, height=45)
    widths(ws, [14, 20, 40, 16, 16, 16, 16, 26, 10, 90, 12, 12, 6, 3, 8, 10, 12])
    for col in (L.PARAMS_KEY_COL, L.PARAMS_PAYER_COL, L.PARAMS_OK_COL):
        ws.column_dimensions[col_letter(col)].hidden = True  # keys for the reader
    # CPI table (right of the parameters): year, index, factor from the base's price year.
    cpi_col = L.PARAMS_CPI_COL
    ws.cell(row=3, column=cpi_col, value="Wskaźnik cen GUS (CPI)").font = BOLD_FONT
    header_row(ws, L.PARAMS_HEADER_ROW, ["Rok", "CPI (r/r)", f"Mnożnik cen {base_year}→rok"],
               col=cpi_col, height=45)
    years = sorted(ctx.base.cpi.wartosci)
    cpi_rows = [years[0] - 1, *years]
    first_cpi = L.PARAMS_FIRST_ROW
    for n, year in enumerate(cpi_rows):
        r = first_cpi + n
        ws.cell(row=r, column=cpi_col, value=year)
        entry = ctx.base.cpi.wartosci.get(year)
        ws.cell(row=r, column=cpi_col + 1, value=entry.wartosc if entry else None)
        cell = ws.cell(row=r, column=cpi_col + 2,
                       value=ctx.base.price_factor(base_year, year))
        cell.number_format = FACTOR
    last_cpi = first_cpi + len(cpi_rows) - 1
    factor_row = last_cpi + 2
    ws.cell(row=factor_row, column=cpi_col, value="Mnożnik dla roku cen z Dane JST:")
    table = (f"${ref(first_cpi, cpi_col)[0]}${first_cpi}:"
             f"${ref(last_cpi, cpi_col + 2)[0]}${last_cpi}")
    w.native(ws, factor_row, cpi_col + 2, f"VLOOKUP({L.NAME_PRICE_YEAR},{table},3,FALSE)", f,
             FACTOR)
    _name(ctx, NAME_PRICE_FACTOR, L.PARAMS, ref(factor_row, cpi_col + 2, absolute=True))

    r = L.PARAMS_FIRST_ROW
    by_kind: dict[str, list[str]] = {}
    for issue in ctx.data.issues:
        prog_row = r + [p.key for p in issue.params].index("program")
        for p in issue.params:
            ctx.param_rows[(issue.code, p.key)] = r
            ws.cell(row=r, column=1, value=issue.code)
            ws.cell(row=r, column=2, value=issue.name)
            ws.cell(row=r, column=3, value=p.label).alignment = WRAP
            ws.cell(row=r, column=L.PARAMS_KEY_COL, value=p.key)
            ws.cell(row=r, column=L.PARAMS_PAYER_COL, value=p.payer.value if p.payer else None)
            if p.gain:
                ws.cell(row=r, column=L.PARAMS_OK_COL, value=GAIN_MARK)
            fmt = {"money": MONEY, "probability": PERCENT, "share": PERCENT}.get(p.kind)
            if p.from_programme:
                w.native(ws, r, 4, lookup(ctx, issue.code, p.key, f"$G${prog_row}"),
                         p.base_value, fmt)
            else:
                base_cell = ws.cell(row=r, column=4, value=p.base_value)
                if fmt:
                    base_cell.number_format = fmt
            # An empty default stays empty (a bare =D would show 0).
            default = (f'IF(D{r}="","",D{r}*{NAME_PRICE_FACTOR})' if p.kind == "money"
                       else f'IF(D{r}="","",D{r})')
            w.native(ws, r, 5, default, p.default(f), fmt)
            own = as_input(ws.cell(row=r, column=6, value=p.own), fmt)
            w.native(ws, r, 7, f'IF(F{r}="",E{r},F{r})', p.used(f), fmt, bold=True)
            if p.key == "program":
                _programme_status(ctx, ws, issue, r, own.coordinate)
            else:
                ws.cell(row=r, column=8, value=p.unit).alignment = WRAP
            ws.cell(row=r, column=9, value=p.grade).alignment = Alignment(horizontal="center",
                                                                          vertical="top")
            src = ws.cell(row=r, column=10, value=p.source)
            src.alignment = WRAP
            src.font = Font(size=9)
            for col in (1, 2, 4, 5, 6, 7):  # a tall row reads from its top, like its source
                ws.cell(row=r, column=col).alignment = WRAP if p.kind in ("choice",
                                                                          "text") else TOP
            lines = max(1 + len(p.source) // 110, 1 + len(p.label) // 42,
                        1 + len(p.unit) // 28)
            ws.row_dimensions[r].height = min(120, 15 * lines)
            by_kind.setdefault(p.kind, []).append(own.coordinate)
            r += 1
    last = r - 1
    for kind, cells in by_kind.items():
        _validate(ws, " ".join(cells), kind)
    ws.conditional_formatting.add(
        f"C{L.PARAMS_FIRST_ROW}:G{last}",
        FormulaRule(formula=[f'$F{L.PARAMS_FIRST_ROW}<>""'], fill=OVERRIDE_FILL),
    )
    note(ws, 3, 1, "Kolor pomarańczowy: wiersz z Twoją wartością (nadpisuje domyślną). "
         + INPUT_LEGEND, merge_to=10)
    ws.freeze_panes = ws.cell(row=L.PARAMS_FIRST_ROW, column=4)
    ws.auto_filter.ref = f"A{L.PARAMS_HEADER_ROW}:J{last}"
    a4(ws, landscape=True, repeat_rows=f"{L.PARAMS_HEADER_ROW}:{L.PARAMS_HEADER_ROW}")
    ws.print_area = f"A1:J{last}"
    protect(ws)


GAIN_MARK = "korzysc"  # hidden: the line is a gain (korzysc_roczna), not a cost
STATUS_BASE = "program z bazy parametrów"
STATUS_OWN = f"program {OWN_PROGRAMME} – wartości JST"
STATUS_OWN_MISSING = (f"UZUPEŁNIJ: program {OWN_PROGRAMME} – wpisz koszt, skuteczność i zasięg "
                      "w kolumnie „Twoja wartość”")
STATUS_UNKNOWN = "NIEZNANY PROGRAM – wybierz program z listy (wyniki kwestii nie są liczone)"
PROBLEM_FILL = PatternFill("solid", fgColor="FF9999")


def programme_status(issue: IssueRow) -> str:
    """What the status cell of an issue's programme row says (as its formula computes)."""
    if issue.programme not in issue.options:
        return STATUS_UNKNOWN
    if issue.programme_problem:
        return STATUS_OWN_MISSING
    return STATUS_OWN if issue.programme == OWN_PROGRAMME else STATUS_BASE


def _programme_status(ctx: Context, ws: Worksheet, issue: IssueRow, r: int, pick: str) -> None:
    """The chosen programme's row: a drop-down of the issue's options, a status that flags
    a name matching nothing (or an own programme without figures), and the hidden flag the
    results test (1: computable)."""
    w = ctx.w
    dv = DataValidation(type="list", formula1=options_range(ctx, issue.code), allow_blank=True,
                        showErrorMessage=True, errorTitle="Nieznany program",
                        error=f"Wybierz program z listy albo „{OWN_PROGRAMME}”.",
                        promptTitle="Program", showInputMessage=True,
                        prompt=f"Wybierz program z listy (albo „{OWN_PROGRAMME}” i wpisz jego "
                               "wartości).")
    dv.add(pick)
    ws.add_data_validation(dv)
    first, last = ctx.programme_rows[issue.code]
    c = col_letter(PROG_COL["klucz"])
    keys = f"{quoted(L.PROGRAMMES)}!${c}${first}:${c}${last}"
    known = f'ISNUMBER(MATCH("{issue.code}|"&G{r},{keys},0))'
    # The figure rows follow the programme row (not written yet): rows from the order.
    keys_order = [p.key for p in issue.params]
    rows = [r + keys_order.index(k) - keys_order.index("program") for k in PROGRAMME_FIGURES]
    figures = ",".join(f"$G${x}" for x in rows)
    complete = f"COUNT({figures})={len(rows)}"
    ok = f'IF({known},IF(G{r}="{OWN_PROGRAMME}",IF({complete},1,0),1),0)'
    w.native(ws, r, L.PARAMS_OK_COL, ok, 0 if issue.programme_problem else 1, "0")
    flag = f"${col_letter(L.PARAMS_OK_COL)}${r}"
    status = (f'IF({flag}=1,IF(G{r}="{OWN_PROGRAMME}","{STATUS_OWN}","{STATUS_BASE}"),'
              f'IF({known},"{STATUS_OWN_MISSING}","{STATUS_UNKNOWN}"))')
    cell = w.native(ws, r, 8, status, programme_status(issue))
    cell.alignment = WRAP
    ws.conditional_formatting.add(cell.coordinate, FormulaRule(formula=[f"{flag}<>1"],
                                                               fill=PROBLEM_FILL))
    ctx.programme_ok[issue.code] = f"{quoted(L.PARAMS)}!{flag}"


def _validate(ws: Worksheet, cells: str, kind: str) -> None:
    first = cells.split()[0]
    if kind == "money":
        dv = number_validation(ws, first, "Kwota (zł)", 0, 100_000_000)
    elif kind == "probability":
        dv = number_validation(ws, first, "Prawdopodobieństwo lub udział", 0, 1, percent=True)
    elif kind == "share":
        dv = number_validation(ws, first, "Udział w finansowaniu (suma dla kwestii = 100 %)", 0,
                               1, percent=True)
    elif kind == "flag":
        dv = list_validation(ws, first, [YES, NO], "Program co roku")
    else:
        return
    dv.sqref = MultiCellRange(cells)
