"""Classic xlwings (Windows Excel + local Python): ``kkz dodatek`` puts this computer's
``xlwings.conf`` sheet (``kkz_xl.excel.xlwings_conf``) into a user's workbook."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

from kkz_xl.errors import InputError
from kkz_xl.excel.locations import UDF_MODULE, default_udfs_dir
from kkz_xl.excel.xlwings_conf import PORTABLE_UDFS_DIR, ClassicSettings, put_conf
from kkz_xl.office.xlsx_resave import resave
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


@dataclass(frozen=True)
class Written:
    """The file written and, in Polish, what it lost on the way (only when written to a new
    file: a file that would lose something is not overwritten)."""

    path: Path
    lost: tuple[str, ...] = ()


def write_classic_settings(
    path: Path, settings: ClassicSettings | None = None, output: Path | None = None
) -> Written:
    """Put the ``xlwings.conf`` sheet into the workbook at ``path`` (saved to ``output``, by
    default in place with a backup copy), keeping its VBA project and its formulas' last
    results. A workbook that would lose something in the re-save (shapes, slicers, form
    controls, …) is refused rather than overwritten; written to another ``output``, the loss is
    reported."""
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
    chosen = settings or local_settings()
    try:
        resaved = resave(path, lambda book: put_conf(book, chosen),
                         keep_vba=suffix in MACRO_SUFFIXES)
    except (OSError, KeyError, ValueError, BadZipFile) as err:
        raise InputError("plik", f"nie da się otworzyć skoroszytu {path.name}: {err}") from None
    if resaved.lost and output.resolve() == path.resolve():
        raise InputError(
            "plik",
            f"nie nadpisuję {path.name}: zapis przez ten program usunąłby z niego: "
            f"{'; '.join(resaved.lost)}. Zapisz kopię (--wynik INNY{suffix}) i sprawdź ją, "
            "albo dodaj arkusz xlwings.conf ręcznie (docs/dodatek_excel.md, krok 2)",
        )
    atomic_write(output, lambda tmp: tmp.write_bytes(resaved.data))
    return Written(output, resaved.lost)
