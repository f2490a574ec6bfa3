"""Programy (hidden): every issue's programmes of the parameter base, then "własny" – the
table the Parametry rows look a chosen programme's figures up in (INDEX/MATCH on the key
``kod|nazwa``), so picking a programme from the list switches its cost, success, coverage,
repetition and financing."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.labels import OWN_PROGRAMME
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.xlsx_style import a4, header_row, protect, title
from kkz_xl.params.classification import classification
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted
from kkz_xl.workbook.context import PROG_COL, PROG_KEYS, Context
from kkz_xl.workbook.formats import MONEY, PERCENT
from kkz_xl.workbook.inputs import find_programme, programme_table, programme_values

HEADERS = {
    "klucz": "Klucz (kod|nazwa)", "kod": "Kod kwestii", "id": "Id programu",
    "nazwa": "Program", "koszt_uczestnika": "Koszt na uczestnika (ceny bazy)",
    "skutecznosc": "Skuteczność", "zasieg": "Zasięg", "powtarzaj": "Co roku",
    **{f"fin_{p.value}": f"Finansowanie – {PAYER_LABELS[p]}" for p in PAYERS},
    "rozdzial": "Rozdział", "paragraf": "Paragraf",
}
FORMATS = {"koszt_uczestnika": MONEY, "skutecznosc": PERCENT, "zasieg": PERCENT,
           **{f"fin_{p.value}": PERCENT for p in PAYERS}}


def key(code: str, name: str) -> str:
    return f"{code}|{name}"


def place(ctx: Context) -> None:
    """Where each issue's options go (the Parametry sheet needs it before this one)."""
    r = L.PROG_FIRST_ROW
    for issue in ctx.data.issues:
        ctx.programme_rows[issue.code] = (r, r + len(issue.options) - 1)
        r += len(issue.options)


def programmes(ctx: Context, ws: Worksheet) -> None:
    title(ws, "Programy bazy parametrów (tabela pomocnicza listy wyboru programu)",
          f"Arkusz ukryty: wiersze programów bazy i „{OWN_PROGRAMME}” każdej kwestii. Program "
          "wybiera się w arkuszu Parametry.")
    header_row(ws, L.PROG_FIRST_ROW - 1, [HEADERS[k] for k in PROG_KEYS])
    for issue in ctx.data.issues:
        params = programme_table(issue, ctx.base)
        first, _ = ctx.programme_rows[issue.code]
        for n, name in enumerate(issue.options):
            r = first + n
            prog = find_programme(params, name)
            values: dict[str, object] = {
                "klucz": key(issue.code, name), "kod": issue.code,
                "id": prog.id if prog else "", "nazwa": name,
                **programme_values(prog, ctx.base),
                "rozdzial": prog.rozdzial if prog else None,
                "paragraf": classification().programme(prog.id) if prog else None}
            for k, v in values.items():
                if v == "":
                    continue  # no default: the Parametry row stays empty for the user's value
                cell = ws.cell(row=r, column=PROG_COL[k], value=v)
                if k in FORMATS:
                    cell.number_format = FORMATS[k]
    ws.sheet_state = "hidden"
    a4(ws, landscape=True)
    protect(ws)


def lookup(ctx: Context, code: str, field: str, choice: str) -> str:
    """The formula text of ``field`` of the programme named in cell ``choice`` for issue
    ``code``: a number or "" (none, or the name matches no programme of the issue)."""
    first, last = ctx.programme_rows[code]
    s = quoted(L.PROGRAMMES)

    def rng(k: str) -> str:
        c = get_column_letter(PROG_COL[k])
        return f"{s}!${c}${first}:${c}${last}"

    found = f'INDEX({rng(field)},MATCH("{code}|"&{choice},{rng("klucz")},0))'
    if field in ("id", "powtarzaj", "rozdzial", "paragraf"):
        return f'IFERROR({found}&"","")'
    return f'IFERROR(IF(ISNUMBER({found}),{found},""),"")'


def options_range(ctx: Context, code: str) -> str:
    first, last = ctx.programme_rows[code]
    c = get_column_letter(PROG_COL["nazwa"])
    return f"{quoted(L.PROGRAMMES)}!${c}${first}:${c}${last}"
