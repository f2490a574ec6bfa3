"""Building the calculator workbook: with formulas (``.xlsm`` carrying the xlwings VBA module
and settings) or with the engine's values (the report for people without the add-in)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from importlib import resources
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

import openpyxl
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.writer.excel import ExcelWriter

from kkz_xl.excel.xlwings_conf import CONF_SHEET, INACTIVE_CONF_SHEET, ClassicSettings, put_conf
from kkz_xl.office.xlsx_cached import CALC_ID, Cached, fill_archive
from kkz_xl.office.xlsx_style import fit_text
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.storage.atomic import atomic_write
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import Writer, quoted
from kkz_xl.workbook.context import Context
from kkz_xl.workbook.inputs import WorkbookInputs, blank_inputs
from kkz_xl.workbook.sheet_budget import budget
from kkz_xl.workbook.sheet_calculator import calculator
from kkz_xl.workbook.sheet_costs import yearly_costs
from kkz_xl.workbook.sheet_programmes import place, programmes
from kkz_xl.workbook.sheet_states import places, states
from kkz_xl.workbook.sheets_detail import flows, payers, uncertainty
from kkz_xl.workbook.sheets_inputs import guide, jst, params
from kkz_xl.workbook.sheets_report import charts, summary
from kkz_xl.workbook.values import Figures

#: Fixed document dates: the same inputs always give the same workbook.
DOC_TIME = dt.datetime(2025, 1, 1)


def _vba_template() -> Path:
    """The workbook ``xlwings quickstart NAME --standalone`` copies: an ``.xlsm`` whose VBA
    project holds the xlwings module (``ImportPythonUDFs`` and the UDF runtime)."""
    return Path(str(resources.files("xlwings") / "quickstart_standalone.xlsm"))


def _start(values: bool) -> Workbook:
    if values:
        wb = openpyxl.Workbook()
        wb.active.title = L.GUIDE
        return wb
    wb = openpyxl.load_workbook(_vba_template(), keep_vba=True)
    first = wb.worksheets[0]
    for sheet in wb.worksheets[1:]:
        if sheet.title != INACTIVE_CONF_SHEET:
            wb.remove(sheet)
    first.delete_rows(1, first.max_row)
    first.title = L.GUIDE  # keeps its VBA code name (Sheet1)
    return wb


def build(data: WorkbookInputs | None = None, *, values: bool = False,
          base: ParameterBase | None = None) -> tuple[Workbook, Writer]:
    """The workbook for ``data`` (default: empty, every issue of the parameter base)."""
    base = base or default_base()
    data = data or blank_inputs(base)
    wb = _start(values)
    for name in L.SHEETS[1:]:
        wb.create_sheet(name)
    writer = Writer(values=values)
    data = _computable_picks(data)
    ctx = Context(wb=wb, data=data, figures=Figures(data, base=base), base=base, w=writer)
    n = len(data.issues)
    for i, issue in enumerate(data.issues):
        ctx.calc_rows[issue.code] = L.CALC_FIRST_ROW + i
        ctx.cost_rows[issue.code] = L.costs_first_row(i)
        ctx.mc_rows[issue.code] = 6 + i
        ctx.payer_rows[issue.code] = 6 + i
    wb.defined_names[L.NAME_ISSUE_CODES] = DefinedName(
        L.NAME_ISSUE_CODES,
        attr_text=f"{quoted(L.CALC)}!$A${L.CALC_FIRST_ROW}:$A${L.CALC_FIRST_ROW + n - 1}")
    place(ctx)
    places(ctx)
    guide(ctx, wb[L.GUIDE])
    jst(ctx, wb[L.JST])
    params(ctx, wb[L.PARAMS])
    states(ctx, wb[L.STATES])
    yearly_costs(ctx, wb[L.COSTS])
    calculator(ctx, wb[L.CALC])
    flows(ctx, wb[L.FLOWS])
    payers(ctx, wb[L.PAYERS])
    uncertainty(ctx, wb[L.UNCERTAINTY])
    budget(ctx, wb[L.BUDGET])
    charts(ctx, wb[L.CHARTS])
    summary(ctx, wb[L.SUMMARY])
    programmes(ctx, wb[L.PROGRAMMES])
    if values:
        _values_notes(wb)
        for name in (L.FLOWS, L.UNCERTAINTY):  # the pick's helper row: no reader's number
            ws = wb[name]
            for r in range(1, ws.max_row + 1):
                if str(ws.cell(row=r, column=1).value or "").startswith("Wiersz w arkuszu"):
                    ws.row_dimensions[r].hidden = True
        for ws in wb.worksheets:  # printed for the council: no cut or overprinted text
            fit_text(ws)
        # For the council: the summary first; of the year-by-year helper table only its
        # title prints (LibreOffice prints hidden sheets too), the table stays in the file.
        wb.move_sheet(L.SUMMARY, offset=-wb.sheetnames.index(L.SUMMARY))
        costs = wb[L.COSTS]
        costs.print_area = f"A1:{get_column_letter(L.COSTS_PROFILE_COL - 2)}3"
        costs.row_breaks.brk = []
        # A concise print for the council: the guide on one page, the budget on two, the
        # uncertainty on two (its ranking of parameters on a page of its own). The parameters
        # (every figure with its source) print as the annex, one page wide and as long as
        # they are: readable, not squeezed.
        for name, pages in ((L.GUIDE, 1), (L.BUDGET, 2), (L.UNCERTAINTY, 2)):
            wb[name].page_setup.fitToHeight = pages
        # Of Stany the states tables print (split, cost per payer): the rows of the lines
        # and transitions with their sources are hidden in this copy (kept in the file,
        # printed from the calculator itself).
        if ctx.states:
            stany = wb[L.STATES]
            for where in ctx.states.values():
                first, last = where.detail
                for r in range(first, last + 1):
                    stany.row_dimensions[r].hidden = True
            stany.row_breaks.brk = []
            stany.page_setup.fitToHeight = 2
            stany["A4"] = ("Kopia z samymi wartościami: wiersze linii kosztów i przejść (ze "
                           "źródłami) są ukryte – pokazuje je kalkulator (arkusz Stany).")
    else:
        code_name = (wb[INACTIVE_CONF_SHEET].sheet_properties.codeName
                     if INACTIVE_CONF_SHEET in wb.sheetnames else None)
        put_conf(wb, ClassicSettings())
        conf = wb[CONF_SHEET]
        if code_name:
            conf.sheet_properties.codeName = code_name
        wb.move_sheet(conf, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(CONF_SHEET))
        conf.sheet_state = "visible"
        # Keep the cached results on opening (no add-in: no #NAZWA?); see cached.py.
        wb.calculation.fullCalcOnLoad = False
        wb.calculation.calcId = CALC_ID
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is wb.worksheets[0]
    props = wb.properties
    props.creator = props.lastModifiedBy = "kkz-xl"
    props.title = "Kalkulator Kosztów Zaniechania"
    props.created = props.modified = DOC_TIME
    return wb, writer


def _computable_picks(data: WorkbookInputs) -> WorkbookInputs:
    """The issues shown on Przepływy and Niepewność: the chosen ones if they can be computed,
    else the first that can (an unknown programme has no figures to show)."""
    ok = [i.code for i in data.issues if i.programme_problem is None]
    fallback = ok[0] if ok else data.issues[0].code
    # The tornado is the two-state form's: a two-state issue when there is one.
    two = [c for c in ok if not data.issue(c).multi] or ok or [fallback]

    def pick(code: str, among: list[str]) -> str:
        return code if code in among else among[0]

    return replace(data, flow_issue=pick(data.flow_issue or fallback, ok or [fallback]),
                   tornado_issue=pick(data.tornado_issue or two[0], two))


def _values_notes(wb: Workbook) -> None:
    """The report is values only: say so where a user would try to change something."""
    text = ("Kopia z samymi wartościami (policzonymi silnikiem KKZ): zmiana danych nie przelicza "
            "wyników. Obliczenia zmienia się w pliku Kalkulator_KKZ.xlsm.")
    for name in (L.GUIDE, L.CALC, L.FLOWS, L.UNCERTAINTY):
        ws = wb[name]
        ws["A2"] = text
    for ws in wb.worksheets:
        ws.data_validations.dataValidation = []


def _write_fixed(wb: Workbook, path: Path, cached: Cached | None = None) -> None:
    """openpyxl's save without its "modified now" stamp, then every zip entry dated
    ``DOC_TIME`` and the formula cells' ``cached`` values filled in: the same workbook gives
    the same bytes."""
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    path.write_bytes(fill_archive(buffer.getvalue(), cached or {}, DOC_TIME.timetuple()[:6]))


def save(wb: Workbook, path: Path, writer: Writer | None = None) -> Path:
    """Save atomically (temporary file, backup of the previous version, rename); with the
    ``writer`` of a formula workbook, its formula cells carry their computed values."""
    path = Path(path)
    cached = writer.cached if writer is not None and not writer.values else None
    atomic_write(path, lambda tmp: _write_fixed(wb, tmp, cached))
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)  # the temporary file was private; a workbook is shared
    return path


def write_workbook(path: Path, data: WorkbookInputs | None = None, *,
                   values: bool = False) -> tuple[Path, Writer]:
    wb, writer = build(data, values=values)
    return save(wb, path, writer), writer
