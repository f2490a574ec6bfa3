"""The calculator workbook (``Kalkulator_KKZ.xlsm``): built from code with ``KKZ_`` formulas,
or with the engine's values for people without the add-in."""

from kkz_xl.workbook.build import build, save, write_workbook
from kkz_xl.workbook.importer import FillReport, fill_from_table
from kkz_xl.workbook.inputs import WorkbookInputs, blank_inputs, from_scenario
from kkz_xl.workbook.report import demo, read_inputs, summary_pdf
from kkz_xl.workbook.values_copy import values_report

__all__ = ["FillReport", "WorkbookInputs", "blank_inputs", "build", "demo", "fill_from_table",
           "from_scenario", "read_inputs", "save", "summary_pdf", "values_report",
           "write_workbook"]
