"""Classic xlwings (Windows Excel + local Python): the ``xlwings.conf`` sheet in a workbook.

With the xlwings add-in installed, a workbook carrying this sheet tells xlwings where Python
and the UDF module are; the user clicks *Import Functions* once and every ``KKZ_`` function
is there. xlwings reads the keys from column A, starting in A1 and stopping at the first
empty cell, case-insensitively; values sit in column B and may hold ``%VARIABLES%``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from kkz_xl.addin.locations import UDF_MODULE, default_udfs_dir
from kkz_xl.errors import InputError
from kkz_xl.storage.atomic import atomic_write

CONF_SHEET = "xlwings.conf"
#: The sheet xlwings' quickstart creates; inactive until renamed, so we replace it.
INACTIVE_CONF_SHEET = "_xlwings.conf"
MACRO_SUFFIXES = (".xlsm", ".xltm")
SUPPORTED_SUFFIXES = (".xlsx", ".xltx", *MACRO_SUFFIXES)
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


def local_settings() -> ClassicSettings:
    """Settings for this computer: its ``udfs/`` folder and, on Windows, this Python (the
    windowless ``pythonw.exe`` next to it, so no console flashes up)."""
    if not sys.platform.startswith("win"):
        return ClassicSettings()
    exe = Path(sys.executable)
    pythonw = exe.with_name("pythonw.exe")
    udfs = default_udfs_dir()
    # A non-editable install has no udfs/ next to the package: keep the guide's location.
    pythonpath = str(udfs) if (udfs / f"{UDF_MODULE}.py").exists() else PORTABLE_UDFS_DIR
    return ClassicSettings(
        pythonpath=pythonpath, interpreter_win=str(pythonw if pythonw.exists() else exe)
    )


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


def write_classic_settings(
    path: Path, settings: ClassicSettings | None = None, output: Path | None = None
) -> Path:
    """Put the ``xlwings.conf`` sheet into the workbook at ``path`` (saved to ``output``, by
    default in place with a backup copy), keeping its VBA project. Returns the file written."""
    path = Path(path)
    output = Path(output) if output else path
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(SUPPORTED_SUFFIXES)
        raise InputError("plik", f"obsługiwane są skoroszyty {allowed}, otrzymano {path.name}")
    if output.suffix.lower() != suffix:
        raise InputError("plik wynikowy", f"oczekiwano rozszerzenia {suffix}, jak plik źródłowy")
    if not path.exists():
        raise InputError("plik", f"nie znaleziono pliku {path}")
    try:
        workbook = openpyxl.load_workbook(path, keep_vba=suffix in MACRO_SUFFIXES)
    except (OSError, KeyError, ValueError) as err:
        raise InputError("plik", f"nie da się otworzyć skoroszytu {path.name}: {err}") from None
    try:
        put_conf(workbook, settings or local_settings())
        atomic_write(output, lambda tmp: workbook.save(tmp))
    finally:
        if workbook.vba_archive is not None:  # openpyxl leaves the source archive open
            workbook.vba_archive.close()
    return output

