"""Stany: every issue computed on its multi-state model (severity levels, duration states) –
its states, the split of its persons by state at the start, the yearly amount of each cost
line in each state (per payer) and the transition probabilities, each with its default from
the model file, the user's own value, the value used, its grade and source. The ``…_STANY``
functions take the used-value columns as their ``podzial``, ``koszty_stanow`` and
``przejscia`` ranges, so an edited cell changes every result of the issue.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter as col_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.model.labels import YES_TEXT
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.office.xlsx_style import (
    BOLD_FONT,
    INPUT_LEGEND,
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
from kkz_xl.params.state_models import shipped_models
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import quoted
from kkz_xl.workbook.context import COL_PERSONS, Context, StatePlaces
from kkz_xl.workbook.formats import MONEY, PERCENT, PERSONS
from kkz_xl.workbook.inputs import IssueRow, ParamRow
from kkz_xl.workbook.sheet_programmes import lookup
from kkz_xl.workbook.sheets_inputs import NAME_PRICE_FACTOR, OVERRIDE_FILL

# Columns of every table (1-based): as on Parametry – the row's label(s), the default from the
# model file, the default at the workbook's price year, the user's value, the value used, the
# unit, the grade and the source; the states table adds persons and the yearly cost of one
# person per payer; a hidden key column for the reader.
COL_A, COL_B, COL_C = 1, 2, 3
COL_BASE, COL_DEFAULT, COL_OWN, COL_USED, COL_UNIT, COL_GRADE, COL_SOURCE = range(4, 11)
COL_STATE_PERSONS = 11
COL_STATE_COST0 = 12  # one column per payer
COL_KEY = COL_STATE_COST0 + len(PAYERS) + 1
KEY_HEADER = "klucz"
WRAP = Alignment(wrap_text=True, vertical="top")
SOURCE_FONT = Font(size=9)


@dataclass(frozen=True)
class Block:
    """Where one issue's tables start (the builder's plan, before any cell is written)."""

    top: int
    split: int  # first state row
    costs: int  # first cost row
    transitions: int  # first transition row
    end: int  # last row of the block


def plan(issue: IssueRow, top: int) -> Block:
    n_states = len(issue.state_rows("podzial"))
    n_costs = len(issue.state_rows("koszt"))
    n_trans = len(issue.state_rows("przejscie"))
    split = top + 4  # title, description, programme id, header
    costs = split + n_states + 1 + 3  # the total row, a gap, a title and a header
    transitions = costs + n_costs + 3
    return Block(top, split, costs, transitions, transitions + n_trans - 1)


def places(ctx: Context) -> None:
    """Where each multi-state issue's ranges are (the Kalkulator's calls need them before
    the sheet is written)."""
    top = 5
    for issue in ctx.data.issues:
        if not issue.multi:
            continue
        b = plan(issue, top)
        n = len(issue.state_rows("podzial"))
        sheet = quoted(L.STATES)

        def rng(first: int, count: int, col: str = col_letter(COL_USED),
                sheet: str = sheet) -> str:
            return f"{sheet}!${col}${first}:${col}${first + count - 1}"

        ctx.states[issue.code] = StatePlaces(
            split=rng(b.split, n),
            costs=rng(b.costs, len(issue.state_rows("koszt"))),
            transitions=rng(b.transitions, len(issue.state_rows("przejscie"))),
            programme=f"{sheet}!$D${b.top + 2}",
            payer_costs=[rng(b.split, n, col_letter(COL_STATE_COST0 + k))
                         for k in range(len(PAYERS))],
            detail=(b.split + n + 1, b.end),
        )
        top = b.end + 3


def states(ctx: Context, ws: Worksheet) -> None:
    """The Stany sheet (a note alone when no issue is on a multi-state model)."""
    title(ws, "Stany – kwestie liczone modelem wielostanowym (tak jak polecenie kkz)",
          "Stopnie nasilenia i lata pobytu: podział osób na stany na początku, roczny koszt "
          "osoby w każdym stanie (według linii kosztów i płatników) i prawdopodobieństwa "
          "przejść. Wpisz własne wartości w kolumnie „Twoja wartość” (żółte) – funkcje "
          "KKZ_…_STANY liczą z wartości użytych.")
    widths(ws, [24, 30, 12, 13, 13, 13, 13, 20, 9, 55, 10, *[12] * len(PAYERS), 3, 12, 12,
                12, 12])
    for col in range(COL_KEY, COL_KEY + 4):
        ws.column_dimensions[col_letter(col)].hidden = True  # keys for the reader
    note(ws, 3, 1, "Kolor pomarańczowy: wiersz z Twoją wartością (nadpisuje domyślną). "
         "Edytowalne: udziały stanów na początku (suma 100 %), kwota każdej linii kosztów "
         "w każdym stanie, w którym ta linia występuje, i prawdopodobieństwo każdego "
         "przejścia modelu. Nie da się tu dodać stanu, linii kosztów ani nowego przejścia "
         "(to zmiana modelu: kkz model-ogolny). " + INPUT_LEGEND, merge_to=COL_SOURCE,
         height=45)
    multi = [i for i in ctx.data.issues if i.multi]
    last = 4
    if not multi:
        ws.cell(row=5, column=1, value="Żadna kwestia nie jest liczona modelem "
                "wielostanowym (scenariusz wybrał postać dwustanową).").font = NOTE_FONT
    inputs: dict[str, list[str]] = {"share": [], "money": [], "probability": []}
    top = 5
    for issue in multi:
        b = plan(issue, top)
        if top > 5:
            ws.row_breaks.append(Break(id=top - 1))  # each issue starts a page
        _block(ctx, ws, issue, b, inputs)
        last = b.end
        top = b.end + 3
    for kind, cells in inputs.items():
        if not cells:
            continue
        if kind == "money":
            dv = number_validation(ws, cells[0], "Kwota (zł)", 0, 100_000_000)
        else:
            dv = number_validation(ws, cells[0], "Udział lub prawdopodobieństwo", 0, 1,
                                   percent=True)
        dv.sqref = type(dv.sqref)(" ".join(cells))
    ws.freeze_panes = "C5"
    a4(ws, landscape=True)
    ws.page_setup.fitToHeight = 0
    ws.print_area = f"A1:{col_letter(COL_STATE_COST0 + len(PAYERS) - 1)}{last}"
    protect(ws)


def _block(ctx: Context, ws: Worksheet, issue: IssueRow, b: Block,
           inputs: dict[str, list[str]]) -> None:
    w, f = ctx.w, ctx.factor
    model = shipped_models()[issue.code]
    head = ws.cell(row=b.top, column=1, value=f"{issue.name} ({issue.code}) – {model.nazwa}")
    head.font = Font(bold=True, size=12)
    ws.merge_cells(start_row=b.top, start_column=1, end_row=b.top, end_column=COL_SOURCE)
    note(ws, b.top + 1, 1, " ".join(model.opis.split()), merge_to=COL_SOURCE, height=45)
    # The chosen programme's id (the transitions it changes): from the Parametry pick.
    ws.cell(row=b.top + 2, column=1, value="Program (Parametry):").font = BOLD_FONT
    pick = f"{quoted(L.PARAMS)}!$G${ctx.param_rows[(issue.code, 'program')]}"
    w.native(ws, b.top + 2, COL_B, pick, issue.programme)
    prog = next((p for p in model.programy if p.nazwa == issue.programme), None)
    ws.cell(row=b.top + 2, column=COL_C, value="identyfikator:").font = NOTE_FONT
    w.native(ws, b.top + 2, COL_BASE, lookup(ctx, issue.code, "id", pick),
             prog.id if prog else "")
    changes = "; ".join(
        f"{p.nazwa}: " + ", ".join(f"{'zapobiega' if e.rodzaj == 'zapobiega' else 'wyprowadza'}"
                                   f" {e.z} → {e.do}" for e in p.zmienia)
        for p in model.programy)
    note(ws, b.top + 2, COL_DEFAULT, f"Przejścia, które zmienia program: {changes}. Program "
         "„własny” działa na przejścia pierwszego programu.", merge_to=COL_SOURCE, height=30)

    # 1. States: the split at the start, persons, the yearly cost of one person per payer.
    header_row(ws, b.split - 1, ["Stan", "Nazwa stanu", "Samodzielny", "Udział w modelu",
                                 "Udział domyślny", "Twoja wartość", "Udział użyty", "Jednostka",
                                 "Stopień pewności (1–5)", "Źródło", "Osoby na początku",
                                 *[f"Koszt roczny osoby – {PAYER_LABELS[p]}" for p in PAYERS]],
               height=60)
    self_reliant = set(model.samodzielne)
    split_rows = issue.state_rows("podzial")
    cost_rows = issue.state_rows("koszt")
    cost_col = col_letter(COL_USED)
    c_first, c_last = b.costs, b.costs + len(cost_rows) - 1
    persons = f"N({ctx.calc(issue.code, COL_PERSONS)})"
    for n, row in enumerate(split_rows):
        r = b.split + n
        state = row.key.split(".", 1)[1]
        ws.cell(row=r, column=COL_A, value=state)
        ws.cell(row=r, column=COL_B, value=row.label).alignment = WRAP
        ws.cell(row=r, column=COL_C, value=YES_TEXT if state in self_reliant else "")
        _values(ctx, ws, r, row, inputs, source=n == 0)
        w.native(ws, r, COL_STATE_PERSONS, f"{col_letter(COL_USED)}{r}*{persons}",
                 float(row.used(f)) * float(issue.persons or 0), PERSONS)
        for k, payer in enumerate(PAYERS):
            value = sum(float(c.used(f)) for c in cost_rows
                        if c.key.rsplit(".", 1)[1] == state and c.payer == payer)
            keys = f"${col_letter(COL_KEY + 1)}${c_first}:${col_letter(COL_KEY + 1)}${c_last}"
            payers = f"${col_letter(COL_KEY + 2)}${c_first}:${col_letter(COL_KEY + 2)}${c_last}"
            used = f"${cost_col}${c_first}:${cost_col}${c_last}"
            w.native(ws, r, COL_STATE_COST0 + k,
                     f'SUMIFS({used},{keys},$A{r},{payers},"{payer.value}")', value, MONEY)
    total = b.split + len(split_rows)
    ws.cell(row=total, column=COL_B, value="Razem (udziały muszą dać 100 %)").font = BOLD_FONT
    g = col_letter(COL_USED)
    span = f"{g}{b.split}:{g}{total - 1}"
    cell = w.native(ws, total, COL_USED, f"SUM({span})",
                    sum(float(x.used(f)) for x in split_rows), PERCENT, bold=True)
    ws.conditional_formatting.add(cell.coordinate, FormulaRule(
        formula=[f"ABS({cell.coordinate}-1)>0.000001"], fill=_PROBLEM_FILL))
    p = col_letter(COL_STATE_PERSONS)
    w.native(ws, total, COL_STATE_PERSONS, f"SUM({p}{b.split}:{p}{total - 1})",
             float(issue.persons or 0) * sum(float(x.used(f)) for x in split_rows), PERSONS,
             bold=True)

    # 2. Cost lines per state.
    ws.cell(row=b.costs - 2, column=1, value="Roczny koszt osoby w stanie – linie kosztów "
            "według płatników").font = BOLD_FONT
    header_row(ws, b.costs - 1, ["Linia kosztów – stan", "Płatnik", "Rozdział",
                                 f"Wartość w modelu (ceny {ctx.base.price_year})",
                                 "Wartość domyślna (rok cen)", "Twoja wartość", "Wartość użyta",
                                 "Jednostka", "Stopień pewności (1–5)", "Źródło"], height=45)
    for n, row in enumerate(cost_rows):
        r = b.costs + n
        ws.cell(row=r, column=COL_A, value=row.label).alignment = WRAP
        ws.cell(row=r, column=COL_B, value=PAYER_LABELS[row.payer] if row.payer else "")
        ws.cell(row=r, column=COL_C, value=row.rozdzial)
        ws.cell(row=r, column=COL_KEY + 1, value=row.key.rsplit(".", 1)[1])  # the state
        ws.cell(row=r, column=COL_KEY + 2, value=row.payer.value if row.payer else None)
        _values(ctx, ws, r, row, inputs)

    # 3. Transitions.
    ws.cell(row=b.transitions - 2, column=1, value="Prawdopodobieństwa przejść między "
            "stanami w roku (bez programu)").font = BOLD_FONT
    header_row(ws, b.transitions - 1, ["Przejście (z → do)", "", "", "Wartość w modelu",
                                       "Wartość domyślna", "Twoja wartość", "Wartość użyta",
                                       "Jednostka", "Stopień pewności (1–5)", "Źródło"],
               height=30)
    for n, row in enumerate(issue.state_rows("przejscie")):
        r = b.transitions + n
        ws.cell(row=r, column=COL_A, value=row.label).alignment = WRAP
        ws.merge_cells(start_row=r, start_column=COL_A, end_row=r, end_column=COL_C)
        _values(ctx, ws, r, row, inputs)
    o = col_letter(COL_OWN)
    for first, last in ((b.split, total - 1), (c_first, c_last),
                        (b.transitions, b.end)):  # the tables' rows, not their headers
        ws.conditional_formatting.add(
            f"A{first}:{col_letter(COL_USED)}{last}",
            FormulaRule(formula=[f'${o}{first}<>""'], fill=OVERRIDE_FILL))
    for r in range(b.split, b.end + 1):  # a tall row reads from its top, like its source
        for col in range(1, COL_STATE_COST0 + len(PAYERS)):
            cell = ws.cell(row=r, column=col)
            cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top",
                                       horizontal=cell.alignment.horizontal)
    for r in range(b.split - 1, b.end + 1):
        ws.cell(row=r, column=COL_KEY, value=issue.code if r >= b.split else KEY_HEADER)


_PROBLEM_FILL = OVERRIDE_FILL.__class__("solid", fgColor="FF9999")


def _values(ctx: Context, ws: Worksheet, r: int, row: ParamRow,
            inputs: dict[str, list[str]], *, source: bool = True) -> None:
    """Columns D–J of one row: the model's value, the default at the price year, the user's
    value (yellow), the value used, unit, grade, source; the row's key (hidden)."""
    w, f = ctx.w, ctx.factor
    fmt = MONEY if row.kind == "money" else PERCENT
    ws.cell(row=r, column=COL_BASE, value=row.base_value).number_format = fmt
    d = col_letter(COL_BASE)
    default = f"{d}{r}*{NAME_PRICE_FACTOR}" if row.kind == "money" else f"{d}{r}"
    w.native(ws, r, COL_DEFAULT, default, row.default(f), fmt)
    own = as_input(ws.cell(row=r, column=COL_OWN, value=row.own), fmt)
    inputs[row.kind].append(own.coordinate)
    o, e = col_letter(COL_OWN), col_letter(COL_DEFAULT)
    w.native(ws, r, COL_USED, f'IF({o}{r}="",{e}{r},{o}{r})', row.used(f), fmt, bold=True)
    ws.cell(row=r, column=COL_UNIT, value=row.unit).alignment = WRAP
    ws.cell(row=r, column=COL_GRADE, value=row.grade).alignment = Alignment(
        horizontal="center", vertical="top")
    text = row.source if source else "jak wyżej"
    cell = ws.cell(row=r, column=COL_SOURCE, value=text)
    cell.alignment = WRAP
    cell.font = SOURCE_FONT
    ws.row_dimensions[r].height = min(120, 13 * max(1 + len(text) // 70,
                                                    1 + len(row.label) // 30,
                                                    1 + len(row.unit) // 24))
    ws.cell(row=r, column=COL_KEY + 3, value=row.key)


def read_states(wb: object) -> dict[str, dict[str, object]]:
    """The Stany sheet of a filled workbook: issue code → {row key: the user's value or
    None}; an issue with a block here was computed on its multi-state model (older files
    without the sheet computed every issue in the two-state form)."""
    if L.STATES not in wb.sheetnames:  # type: ignore[attr-defined]
        return {}
    ws = wb[L.STATES]  # type: ignore[index]
    out: dict[str, dict[str, object]] = {}
    for cells in ws.iter_rows(min_row=1, max_col=COL_KEY + 3, values_only=True):
        code, key = cells[COL_KEY - 1], cells[COL_KEY + 2]
        if code and key and code != KEY_HEADER:
            own = cells[COL_OWN - 1]
            out.setdefault(str(code), {})[str(key)] = None if own in (None, "") else own
    return out
