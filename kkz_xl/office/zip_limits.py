"""Refusing an Office file (.docx, .xlsx, .xlsm) before a reader unpacks it.

A .docx or .xlsx is a zip archive. A 3 MB file can declare gigabytes of XML (a "zip bomb",
made on purpose or by a broken exporter), and a reader that unpacks it exhausts memory before
it can say anything useful. :func:`check_archive` reads only the archive's central directory
(its table of contents, a few kilobytes) and refuses the file with a Polish message when it is
not a zip, is damaged, is password-protected, or declares more than the limits allow. Nothing
is decompressed, so the check costs milliseconds whatever the file declares.

The declared sizes are a true upper bound for the product's readers: Python's ``zipfile``
(under openpyxl, python-docx and docxtpl) stops each member at its declared size.

The limits follow Apache POI's ``ZipSecureFile`` (what Excel files meet in the Java world):
a member may inflate at most 100× once it is past a grace size (small members of repeated
XML legitimately compress far better), and the whole archive at most a fixed total.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_number

#: Total declared uncompressed size: far above any real calculator, register or strategy
#: (the largest shipped workbook unpacks to a few megabytes), far below what exhausts memory.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
#: Uncompressed / compressed size of one member (POI's MIN_INFLATE_RATIO = 0.01).
MAX_RATIO = 100.0
#: Members smaller than this are not held to the ratio (POI's GRACE_ENTRY_SIZE is 100 kB).
RATIO_GRACE = 1024 * 1024
#: Members in one archive: a real workbook has tens, a 356-sheet one a few thousand.
MAX_MEMBERS = 20_000

# An OLE compound file (CFB): Excel and Word save a password-protected .xlsx/.docx in it
# (the zip is encrypted inside), and .xls/.doc are CFB too.
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MIB = 1024 * 1024

_RESAVE = "otwórz go w Excelu lub Wordzie i zapisz ponownie jako .xlsx lub .docx"


def _mib(size: int) -> str:
    """A size in MB for a message, Polish style (1 234,5 MB)."""
    return f"{fmt_number(size / _MIB, 1)} MB"


def check_archive(path: Path, *, max_uncompressed: int = MAX_UNCOMPRESSED,
                  max_ratio: float = MAX_RATIO, ratio_grace: int = RATIO_GRACE,
                  max_members: int = MAX_MEMBERS) -> None:
    """Raise :class:`InputError` (field: the file name) unless ``path`` is a readable zip
    within the limits; reads the central directory only, decompresses nothing."""
    path = Path(path)
    name = path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise InputError(name, "nie znaleziono pliku") from None
    except IsADirectoryError:
        raise InputError(name, "to folder, a oczekiwano pliku") from None
    except PermissionError:
        raise InputError(name, "brak uprawnień do odczytu pliku") from None
    if not head:
        raise InputError(name, "plik jest pusty")
    if head == _CFB_MAGIC:
        raise InputError(name, "plik jest zabezpieczony hasłem albo zapisany w starym formacie "
                               f"(.xls, .doc); zdejmij hasło albo {_RESAVE}")
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except zipfile.BadZipFile:
        if not head.startswith(b"PK"):
            raise InputError(name, "to nie jest plik pakietu Office (.docx, .xlsx, .xlsm); "
                                   f"{_RESAVE}") from None
        raise InputError(name, f"plik jest uszkodzony (niepełny lub ucięty); {_RESAVE}") from None
    except (OSError, ValueError, EOFError):  # truncated ZIP64 records and the like
        raise InputError(name, f"plik jest uszkodzony; {_RESAVE}") from None
    if not members:
        raise InputError(name, f"plik jest pustym archiwum, bez treści dokumentu; {_RESAVE}")
    if len(members) > max_members:
        raise InputError(name, f"archiwum ma {fmt_number(len(members), 0)} części, więcej, niż "
                               f"dopuszcza limit ({fmt_number(max_members, 0)}); plik nie "
                               "został otwarty")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise InputError(name, f"część {info.filename} jest zaszyfrowana; zdejmij hasło "
                                   f"albo {_RESAVE}")
        total += info.file_size
        if info.file_size > ratio_grace:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > max_ratio:
                raise InputError(name, (
                    f"część {info.filename} rozpakowuje się do {_mib(info.file_size)}, "
                    f"{fmt_number(ratio, 0)} razy więcej, niż zajmuje (dopuszczalne "
                    f"{fmt_number(max_ratio, 0)} razy); plik wygląda na uszkodzony lub "
                    "spreparowany i nie został otwarty"))
    if total > max_uncompressed:
        raise InputError(name, f"plik rozpakowuje się do {_mib(total)}, więcej, niż dopuszcza "
                               f"limit ({_mib(max_uncompressed)}); plik nie został otwarty")
