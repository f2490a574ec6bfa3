"""Building the calculator workbook: with formulas (``.xlsm`` carrying the xlwings VBA module
and settings) or with the engine's values (the report for people without the add-in)."""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import openpyxl
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.writer.excel import ExcelWriter

from kkz_xl.addin.classic import CONF_SHEET, INACTIVE_CONF_SHEET, ClassicSettings, put_conf
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.storage.atomic import atomic_write
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import Writer, quoted
from kkz_xl.workbook.context import Context
from kkz_xl.workbook.inputs import WorkbookInputs, blank_inputs
from kkz_xl.workbook.sheet_calculator import calculator
from kkz_xl.workbook.sheet_costs import yearly_costs
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
    ctx = Context(wb=wb, data=data, figures=Figures(data, full=values), base=base, w=writer)
    n = len(data.issues)
    for i, issue in enumerate(data.issues):
        ctx.calc_rows[issue.code] = L.CALC_FIRST_ROW + i
        ctx.cost_rows[issue.code] = L.costs_first_row(i)
        ctx.mc_rows[issue.code] = 6 + i
        ctx.payer_rows[issue.code] = 6 + i
    wb.defined_names[L.NAME_ISSUE_CODES] = DefinedName(
        L.NAME_ISSUE_CODES,
        attr_text=f"{quoted(L.CALC)}!$A${L.CALC_FIRST_ROW}:$A${L.CALC_FIRST_ROW + n - 1}")
    guide(ctx, wb[L.GUIDE])
    jst(ctx, wb[L.JST])
    params(ctx, wb[L.PARAMS])
    yearly_costs(ctx, wb[L.COSTS])
    calculator(ctx, wb[L.CALC])
    flows(ctx, wb[L.FLOWS])
    payers(ctx, wb[L.PAYERS])
    uncertainty(ctx, wb[L.UNCERTAINTY])
    charts(ctx, wb[L.CHARTS])
    summary(ctx, wb[L.SUMMARY])
    if values:
        _values_notes(wb)
    else:
        code_name = (wb[INACTIVE_CONF_SHEET].sheet_properties.codeName
                     if INACTIVE_CONF_SHEET in wb.sheetnames else None)
        put_conf(wb, ClassicSettings())
        conf = wb[CONF_SHEET]
        if code_name:
            conf.sheet_properties.codeName = code_name
        wb.move_sheet(conf, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(CONF_SHEET))
        conf.sheet_state = "visible"
        wb.calculation.fullCalcOnLoad = True
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == L.GUIDE
    props = wb.properties
    props.creator = props.lastModifiedBy = "kkz-xl"
    props.title = "Kalkulator Kosztów Zaniechania"
    props.created = props.modified = DOC_TIME
    return wb, writer


def _values_notes(wb: Workbook) -> None:
    """The report is values only: say so where a user would try to change something."""
    text = ("Kopia z samymi wartościami (policzonymi silnikiem KKZ): zmiana danych nie przelicza "
            "wyników. Obliczenia zmienia się w pliku Kalkulator_KKZ.xlsm.")
    for name in (L.GUIDE, L.CALC, L.FLOWS, L.UNCERTAINTY):
        ws = wb[name]
        ws["A2"] = text
    for ws in wb.worksheets:
        ws.data_validations.dataValidation = []


def _write_fixed(wb: Workbook, path: Path) -> None:
    """openpyxl's save without its "modified now" stamp, then every zip entry dated
    ``DOC_TIME``: the same workbook gives the same bytes."""
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    data = path.read_bytes()
    with ZipFile(BytesIO(data)) as src, ZipFile(path, "w", ZIP_DEFLATED) as out:
        for info in src.infolist():
            fixed = ZipInfo(info.filename, date_time=DOC_TIME.timetuple()[:6])
            fixed.compress_type = ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            out.writestr(fixed, src.read(info.filename))


def save(wb: Workbook, path: Path) -> Path:
    """Save atomically (temporary file, backup of the previous version, rename)."""
    path = Path(path)
    atomic_write(path, lambda tmp: _write_fixed(wb, tmp))
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)  # the temporary file was private; a workbook is shared
    return path


def write_workbook(path: Path, data: WorkbookInputs | None = None, *,
                   values: bool = False) -> tuple[Path, Writer]:
    wb, writer = build(data, values=values)
    return save(wb, path), writer
