"""The ``xlwings.conf`` sheet of a workbook (classic xlwings: Windows Excel + local Python).

With the xlwings add-in installed, a workbook carrying this sheet tells xlwings where Python
and the UDF module are; the user clicks *Import Functions* once and every ``KKZ_`` function
is there. xlwings reads the keys from column A, starting in A1 and stopping at the first
empty cell, case-insensitively; values sit in column B and may hold ``%VARIABLES%``. The
calculator's builder and ``kkz dodatek`` both write it, so it sits on the Excel floor.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from kkz_xl.excel.locations import UDF_MODULE

CONF_SHEET = "xlwings.conf"
#: The sheet xlwings' quickstart creates; inactive until renamed, so we replace it.
INACTIVE_CONF_SHEET = "_xlwings.conf"
#: Where the guide tells users on Windows to keep the product when the workbook is prepared
#: elsewhere; xlwings expands the variable on the user's machine.
PORTABLE_UDFS_DIR = r"%USERPROFILE%\kkz-xl\udfs"
NOTE_COLUMN = 4


@dataclass(frozen=True)
class ClassicSettings:
    """The values written to ``xlwings.conf``; empty strings mean "let xlwings decide"."""

    udf_modules: str = UDF_MODULE
    pythonpath: str = PORTABLE_UDFS_DIR
    interpreter_win: str = ""
    interpreter_mac: str = ""
    conda_path: str = ""
    conda_env: str = ""

    def rows(self) -> list[tuple[str, str | bool]]:
        """Key and value in xlwings' own spelling and order. Empty values are left out: an
        entry in the sheet, even an empty one, would hide what the user set in the xlwings
        ribbon (the sheet wins over the add-in's own settings)."""
        rows: list[tuple[str, str | bool]] = [
            ("Interpreter_Win", self.interpreter_win),
            ("Interpreter_Mac", self.interpreter_mac),
            ("PYTHONPATH", self.pythonpath),
            ("Conda Path", self.conda_path),
            ("Conda Env", self.conda_env),
            ("UDF Modules", self.udf_modules),
            ("Debug UDFs", False),
            ("Use UDF Server", False),
            ("Show Console", False),
        ]
        return [(key, value) for key, value in rows if value != ""]


def read_conf(workbook: Workbook) -> dict[str, object]:
    """The ``xlwings.conf`` entries as xlwings would read them (keys upper-cased)."""
    if CONF_SHEET not in workbook.sheetnames:
        return {}
    sheet = workbook[CONF_SHEET]
    entries: dict[str, object] = {}
    row = 1
    while (key := sheet.cell(row=row, column=1).value) not in (None, ""):
        entries[str(key).upper()] = sheet.cell(row=row, column=2).value
        row += 1
    return entries


def put_conf(workbook: Workbook, settings: ClassicSettings) -> None:
    """Write (or rewrite) the ``xlwings.conf`` sheet; keys we have no value for and keys of
    other tools already there stay."""
    ours = settings.rows()
    our_keys = {key.upper() for key, _ in ours}
    kept: list[tuple[str, object]] = []
    if CONF_SHEET in workbook.sheetnames:
        old = workbook[CONF_SHEET]
        row = 1
        while (key := old.cell(row=row, column=1).value) not in (None, ""):
            if str(key).upper() not in our_keys:
                kept.append((str(key), old.cell(row=row, column=2).value))
            row += 1
        position = workbook.sheetnames.index(CONF_SHEET)
        workbook.remove(old)
    else:
        position = len(workbook.sheetnames)
    if INACTIVE_CONF_SHEET in workbook.sheetnames:
        workbook.remove(workbook[INACTIVE_CONF_SHEET])
        position = min(position, len(workbook.sheetnames))
    sheet = workbook.create_sheet(CONF_SHEET, position)
    for row, (key, value) in enumerate([*ours, *kept], start=1):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=value)
    notes = [
        "Ustawienia dodatku xlwings dla funkcji KKZ_ (nie zmieniaj nazw w kolumnie A).",
        "Po otwarciu pliku: karta xlwings → Import Functions (raz).",
        "PYTHONPATH: folder z plikiem kkz_udfs.py; Interpreter_Win: pełna ścieżka do pythonw.exe"
        " (bez tego wiersza: interpreter z ustawień karty xlwings).",
        "Poprawne ścieżki dla tego komputera wpisze polecenie: kkz dodatek PLIK.xlsm",
    ]
    for row, text in enumerate(notes, start=1):
        sheet.cell(row=row, column=NOTE_COLUMN, value=text).font = Font(italic=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 48
