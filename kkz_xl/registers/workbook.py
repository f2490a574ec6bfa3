"""Building a register workbook from code: the Excel table with a style, dropdowns and Polish
validation messages, a lists sheet, the instructions sheet and (after a merge) the conflicts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.registers.cells import put
from kkz_xl.registers.compare import value_digest
from kkz_xl.registers.reconcile import COUNTS, LABELS
from kkz_xl.registers.register import Conflict, Register
from kkz_xl.registers.schema import (
    CONFLICT_HEADERS,
    CONFLICT_SHEET,
    CONSENT_SCOPE_HELP,
    CONSENT_SCOPES,
    EVIDENCE_LEVELS,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    MAZOWIECKIE_POWIATY,
    RECONCILIATION_SHEET,
    STATE_SHEET,
    STATUSES,
    Column,
    Kind,
    RegisterSchema,
    issue_names,
)
from kkz_xl.registers.text import fold
from kkz_xl.registers.values import is_empty

TABLE_STYLE = "TableStyleMedium2"
LAST_ROW = 1048576
_TITLE = Font(bold=True, size=14, color="1F4E78")
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="4472C4")  # the header colour of TableStyleMedium2
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")


def table_for(ws: Worksheet, name: str, headers: list[str], n_rows: int) -> Table:
    """An Excel table over ``headers`` and ``n_rows`` rows (at least one, as Excel requires)."""
    ref = f"A1:{get_column_letter(len(headers))}{1 + max(n_rows, 1)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    table._initialise_columns()
    for tc, header in zip(table.tableColumns, headers, strict=True):
        tc.name = header
    ws.add_table(table)
    return table


def _validation(col: Column, letter: str) -> DataValidation | None:
    """The sheet's input rule of a column, with Polish prompt and error messages."""
    opts: dict[str, object] = {}
    err = col.help
    kind = col.kind
    if kind == Kind.CODES:
        opts = dict(type="list", formula1="=Lista_Kwestii", errorStyle="warning")
        err = ("Wybierz kod kwestii z listy. Kilka kwestii wpisz oddzielone średnikiem "
               "(np. bezrobocie; ubostwo) i kliknij „Tak”.")
    elif kind == Kind.JST:
        opts = dict(type="list", formula1="=Lista_JST", errorStyle="warning")
        err = "JST spoza listy: sprawdź pisownię; aby zachować wpis, kliknij „Tak”."
    elif kind == Kind.LEVEL:
        opts = dict(type="list", formula1='"1,2,3,4,5"')
        err = "Poziom dowodów: wybierz liczbę od 1 (najsilniejsze) do 5 (opinia)."
    elif kind in (Kind.STATUS, Kind.CONSENT):
        allowed = STATUSES if kind == Kind.STATUS else CONSENT_SCOPES
        opts = dict(type="list", formula1='"' + ",".join(allowed) + '"')
        err = "Wybierz wartość z listy: " + ", ".join(allowed) + "."
    elif kind == Kind.SHARE:
        opts = dict(type="decimal", operator="between", formula1="0", formula2="1")
        err = "Skuteczność: liczba od 0 do 1 (w komórce procentowej od 0% do 100%)."
    elif kind == Kind.MONEY:
        opts = dict(type="decimal", operator="greaterThanOrEqual", formula1="0")
        err = "Kwota w zł: liczba większa lub równa 0."
    elif kind == Kind.COUNT:
        opts = dict(type="whole", operator="greaterThanOrEqual", formula1="0")
        err = "Liczba osób: liczba całkowita większa lub równa 0."
    elif kind == Kind.DATE:
        # 36526 = 2000-01-01, 73415 = 2100-12-31 as Excel serials.
        opts = dict(type="date", operator="between", formula1="36526", formula2="73415")
        err = "Data: wpisz datę RRRR-MM-DD (od 2000 do 2100 roku)."
    elif kind == Kind.TERYT:
        opts = dict(type="custom", errorStyle="warning",
                    formula1=f"OR(LEN({letter}2)=2,LEN({letter}2)=4,LEN({letter}2)=7)")
        err = "TERYT: 7 cyfr dla gminy (np. 1463011), 4 dla powiatu."
    elif kind == Kind.EMAIL:
        opts = dict(type="custom", errorStyle="warning",
                    formula1=f'ISNUMBER(SEARCH("@",{letter}2))')
        err = "Adres e-mail powinien zawierać znak @ (np. jan@gmina.pl)."
    else:
        return None
    dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        errorTitle=col.header[:32], error=err[:255],
                        promptTitle=col.header[:32], prompt=col.help[:255], **opts)
    dv.add(f"{letter}2:{letter}{LAST_ROW}")
    return dv


def _write_table_sheet(ws: Worksheet, register: Register, formulas: bool = False) -> None:
    schema = register.schema
    headers = register.headers
    columns = [schema.by_header.get(h) for h in headers]
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(1, j)
        put(cell, header)  # a header from a CSV may look like a formula: it stays text
        # Also set on the cells: viewers that ignore table styles still show a header.
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
    ws.row_dimensions[1].height = 32
    for i, row in enumerate(register.rows, start=2):
        for j, header in enumerate(headers, start=1):
            value = row.get(header)
            if value is not None:
                put(ws.cell(i, j), value, columns[j - 1], formulas=formulas)
    table_for(ws, schema.table, headers, len(register.rows))
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width if col else 18
        if col is not None:
            dv = _validation(col, letter)
            if dv is not None:
                ws.add_data_validation(dv)
    ws.freeze_panes = "C2"
    # A register is wide: printed landscape across pages, header row and name on each page.
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"


def _jst_names(register: Register) -> list[tuple[str, str]]:
    """JSTs for the dropdown: Mazowieckie powiats and cities, plus every JST in the rows."""
    jst, teryt = register.schema.header("jst"), register.schema.header("teryt")
    found = dict(MAZOWIECKIE_POWIATY)
    for row in register.rows:
        name = row.get(jst)
        if not is_empty(name) and str(name).strip() not in found:
            found[str(name).strip()] = "" if is_empty(row.get(teryt)) else str(row.get(teryt))
    return sorted(found.items(), key=lambda kv: fold(kv[0]))


def _write_lists(wb: Workbook, register: Register) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    blocks: list[tuple[str, list[str], list[tuple[object, ...]]]] = [
        ("Lista_Kwestii", ["Kod kwestii", "Nazwa"], list(issue_names().items())),
        ("", ["Poziom dowodów", "Znaczenie"], list(EVIDENCE_LEVELS.items())),
        ("", ["Status"], [(s,) for s in STATUSES]),
        ("", ["Zakres zgody", "Znaczenie"], list(CONSENT_SCOPE_HELP.items())),
        ("Lista_JST", ["JST", "TERYT"], list(_jst_names(register))),
    ]
    col = 1
    for name, heads, rows in blocks:
        for k, head in enumerate(heads):
            cell = ws.cell(1, col + k, head)
            cell.font, cell.fill = _BOLD, _HEAD_FILL
            ws.column_dimensions[get_column_letter(col + k)].width = 60 if k else 22
        for i, values in enumerate(rows, start=2):
            for k, value in enumerate(values):
                put(ws.cell(i, col + k), value)
        if name:
            letter = get_column_letter(col)
            ref = f"'{LISTS_SHEET}'!${letter}$2:${letter}${1 + len(rows)}"
            wb.defined_names[name] = DefinedName(name, attr_text=ref)
        col += len(heads) + 1
    ws.freeze_panes = "A2"


def _instructions(schema: RegisterSchema) -> list[tuple[str, str]]:
    """(kind, text) lines of the instructions sheet; kind "h" is a heading."""
    lines: list[tuple[str, str]] = [
        ("t", schema.title),
        ("p", f"Rejestr prowadzony w arkuszu „{schema.sheet}” (tabela Excela {schema.table}). "
              "Jeden wiersz to jeden " + ("program." if schema.kind == "katalog" else "lider.")),
        ("h", "Jak wypełniać"),
        ("p", "1. Wpisuj dane w kolejnych wierszach tabeli; tabela sama się powiększa."),
        ("p", "2. Kolumny wymagane: " + ", ".join(c.header for c in schema.columns if c.required)
              + ". Pozostałe uzupełnij, jeśli znasz wartość."),
        ("p", "3. Listy rozwijane podpowiadają kody kwestii, poziomy dowodów, statusy i JST; "
              "pełne listy są w arkuszu „Słowniki”."),
        ("p", "4. Nie zmieniaj nazw kolumn. Własne kolumny dodawaj na prawo od tabeli, własne "
              "arkusze – obok; polecenia kkz je zachowują."),
        ("p", "5. Tekst zaczynający się od =, +, - lub @ jest zapisywany jako tekst, nigdy jako "
              "formuła (ochrona przed wstrzyknięciem formuł)."),
        ("p", "6. Sprawdzenie pliku: kkz " + schema.kind + " sprawdz PLIK.xlsx – lista problemów "
              "z arkuszem, wierszem i kolumną."),
        ("h", "Kolumny"),
    ]
    for col in schema.columns:
        required = " (wymagana)" if col.required else ""
        lines.append(("c", f"{col.header}{required}\t{col.help}"))
    if schema.kind == "katalog":
        lines.append(("h", "Poziom dowodów (1 – najsilniejsze)"))
        lines += [("c", f"{k}\t{d}") for k, d in EVIDENCE_LEVELS.items()]
    else:
        lines += [
            ("h", "Dane osobowe (RODO)"),
            ("p", "E-mail i telefon wpisuj tylko wtedy, gdy lider wyraził zgodę – zapisz jej "
                  "datę i zakres. Bez zgody kontakt jest usuwany przy imporcie i scalaniu."),
            ("p", "Eksport pomija kontakty, chyba że zażądano ich (--z-kontaktami) i zakres zgody "
                  "pozwala je udostępnić. Eksport zanonimizowany (--anonimowo) zawiera tylko "
                  "JST, TERYT, kwestie, kompetencje, szkolenia i datę aktualizacji."),
        ]
        lines += [("c", f"{k}\t{d}") for k, d in CONSENT_SCOPE_HELP.items()]
    lines += [
        ("h", "Dyfuzor – wymiana między JST"),
        ("p", "JST przesyłają swoje pliki do centrum regionalnego, które scala je poleceniem "
              f"kkz {schema.kind} scal PLIKI… --wynik REGION.xlsx."),
        ("p", "Wiersze o tej samej nazwie i JST (bez względu na wielkość liter, spacje i polskie "
              "znaki) łączą się w jeden; kolumna „Pochodzenie” wskazuje plik i wiersz każdego "
              "zgłoszenia, nic nie ginie."),
        ("p", "Gdy zgłoszenia różnią się wartością, komórka zostaje pusta, kolumna „Konflikty” "
              "wymienia kolumnę, a wszystkie wartości ze źródłami trafiają do arkusza "
              "„Konflikty” – rozstrzyga człowiek."),
        ("p", "Każdy zapis najpierw tworzy plik tymczasowy, a poprzednią wersję kopiuje do "
              "folderu .kopie obok pliku."),
    ]
    return lines


def _lines_needed(text: str, width_chars: int) -> int:
    """Rough number of wrapped lines (Excel does not size merged or wrapped rows itself)."""
    return max(1, -(-len(text) // width_chars))


def _write_instructions(wb: Workbook, schema: RegisterSchema) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET, 0)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 90
    for r, (kind, text) in enumerate(_instructions(schema), start=1):
        if kind == "c":
            head, _, body = text.partition("\t")
            put(ws.cell(r, 1), head)
            put(ws.cell(r, 2), body)
            ws.cell(r, 1).font = _BOLD
            ws.cell(r, 1).alignment = _WRAP
            ws.cell(r, 2).alignment = _WRAP
            ws.row_dimensions[r].height = 15 * max(_lines_needed(body, 95),
                                                    _lines_needed(head, 30))
            continue
        cell = ws.cell(r, 1)
        put(cell, text)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        cell.alignment = _WRAP
        if kind == "t":
            cell.font = _TITLE
            ws.row_dimensions[r].height = 22
        elif kind == "h":
            cell.font, cell.fill = Font(bold=True, size=12), _HEAD_FILL
            ws.row_dimensions[r].height = 20
        else:
            ws.row_dimensions[r].height = 15 * _lines_needed(text, 125)
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_conflicts_sheet(wb: Workbook, schema: RegisterSchema,
                          conflicts: Iterable[Conflict], ids: dict[tuple[str, str], str]) -> None:
    """The conflicts sheet: one row per differing value with its source; „Decyzja” for staff."""
    if CONFLICT_SHEET in wb.sheetnames:
        del wb[CONFLICT_SHEET]
    ws = wb.create_sheet(CONFLICT_SHEET)
    rows = sorted(conflicts)
    for j, header in enumerate(CONFLICT_HEADERS, start=1):
        ws.cell(1, j, header)
    for i, c in enumerate(rows, start=2):
        values = (ids.get(c.key, ""), c.name, c.jst, c.column, c.value, c.source,
                  c.decision or None)
        for j, value in enumerate(values, start=1):
            put(ws.cell(i, j), value)
    table_for(ws, "TabKonflikty", list(CONFLICT_HEADERS), len(rows))
    for letter, width in zip("ABCDEFG", (14, 36, 22, 24, 30, 40, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def build_workbook(register: Register, *, with_conflicts: bool = False,
                   conflict_ids: dict[tuple[str, str], str] | None = None,
                   reconciliation: Any = None) -> Workbook:
    """A new register workbook holding ``register``."""
    wb = Workbook()
    ws = wb.active
    ws.title = register.schema.sheet
    _write_table_sheet(ws, register)
    _write_instructions(wb, register.schema)
    _write_lists(wb, register)
    if with_conflicts:
        write_conflicts_sheet(wb, register.schema, register.conflicts, conflict_ids or {})
        write_state_sheet(wb, register)
    if reconciliation is not None:
        write_reconciliation_sheet(wb, reconciliation)
    wb.active = wb.sheetnames.index(register.schema.sheet)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == register.schema.sheet
    return wb


# Table columns need unique ids; used by the in-place writer when a column is added.
def add_table_column(table: Table, header: str) -> None:
    ids = [tc.id for tc in table.tableColumns]
    table.tableColumns.append(TableColumn(id=max(ids, default=0) + 1, name=header))


def write_reconciliation_sheet(wb: Workbook, recon: Any) -> None:
    """The „Uzgodnienie” sheet: each file's balance (rows and cells in, placed, joined, in
    conflicts, refused, lost) and below it every note of the reading (mappings, encodings…)."""
    if RECONCILIATION_SHEET in wb.sheetnames:
        del wb[RECONCILIATION_SHEET]
    ws = wb.create_sheet(RECONCILIATION_SHEET)
    keys = ["plik", "status", *COUNTS, "powod"]
    last = len(keys)
    put(ws.cell(1, 1), f"Uzgodnienie ({recon.command}, {recon.made:%Y-%m-%d %H:%M}): "
        + ("każdy wiersz i każda komórka mają swoje miejsce" if recon.balanced
           else "NIEUZGODNIONE – są utracone wiersze lub komórki"))
    ws.cell(1, 1).font = _TITLE
    for j, key in enumerate(keys, start=1):
        cell = ws.cell(3, j)
        put(cell, LABELS[key])
        cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, _HEADER_ALIGN
        width = 30 if key == "plik" else 40 if key == "powod" else 12
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[3].height = 45
    r = 4
    for f in recon.files:
        data = {"plik": f.file, "status": f.status, "powod": f.reason, **f.counts()}
        for j, key in enumerate(keys, start=1):
            put(ws.cell(r, j), data[key])
        ws.cell(r, last).alignment = _WRAP
        r += 1
    totals = recon.totals()
    put(ws.cell(r, 1), "Razem")
    for j, key in enumerate(keys, start=1):
        if key in totals:
            put(ws.cell(r, j), totals[key])
        ws.cell(r, j).font = _BOLD
    r += 2
    heads = ("Plik", "Arkusz", "Wiersz", "Kolumna", "Rodzaj", "Opis")
    for j, head in enumerate(heads, start=1):
        cell = ws.cell(r, j)
        put(cell, head)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
    ws.merge_cells(start_row=r, start_column=len(heads), end_row=r, end_column=last)
    for f in recon.files:
        entries = [(n.sheet, n.row or None, n.column, n.kind, n.message) for n in f.notes]
        entries += [("", None, "", "odrzucone", f"{reason}: {n}")
                    for reason, n in f.refused_reasons.items()]
        entries += [("", None, "", "UTRACONE", where) for where in f.lost]
        for entry in entries:
            r += 1
            for j, value in enumerate((f.file, *entry), start=1):
                put(ws.cell(r, j), value)
                ws.cell(r, j).alignment = _WRAP
            ws.merge_cells(start_row=r, start_column=len(heads), end_row=r, end_column=last)
            ws.row_dimensions[r].height = 15 * max(_lines_needed(str(entry[-1]), 110),
                                                    _lines_needed(f.file, 28))
    ws.freeze_panes = "A4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_state_sheet(wb: Workbook, register: Register) -> None:
    """A hidden sheet with a fingerprint of every cell the Dyfuzor wrote, by regional ID: at
    the next round a cell that differs was typed by a person (kept as their decision, or
    credited to the gmina that sent the file back)."""
    if STATE_SHEET in wb.sheetnames:
        del wb[STATE_SHEET]
    ws = wb.create_sheet(STATE_SHEET)
    ws.sheet_state = "hidden"
    schema = register.schema
    id_h = schema.header("id")
    put(ws.cell(1, 1), "ID")
    put(ws.cell(1, 2), "Zapis Dyfuzora (nie edytuj)")
    r = 1
    for row in register.rows:
        ident = row.get(id_h)
        if is_empty(ident):
            continue
        digests = {h: value_digest(schema.by_header.get(h), v) for h, v in row.items()
                   if not is_empty(v)}
        r += 1
        put(ws.cell(r, 1), str(ident))
        put(ws.cell(r, 2), json.dumps(digests, ensure_ascii=False, sort_keys=True))
