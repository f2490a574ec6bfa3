"""Classic xlwings (Windows Excel + local Python): ``kkz dodatek`` puts this computer's
``xlwings.conf`` sheet (``kkz_xl.excel.xlwings_conf``) into a user's workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from kkz_xl.errors import InputError
from kkz_xl.excel.locations import UDF_MODULE, default_udfs_dir
from kkz_xl.excel.xlwings_conf import PORTABLE_UDFS_DIR, ClassicSettings, put_conf
from kkz_xl.storage.atomic import atomic_write

MACRO_SUFFIXES = (".xlsm", ".xltm")
SUPPORTED_SUFFIXES = (".xlsx", ".xltx", *MACRO_SUFFIXES)


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

