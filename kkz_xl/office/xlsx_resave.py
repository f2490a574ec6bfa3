"""Re-saving a user's workbook through openpyxl (``kkz dodatek``) without losing what can be
kept and naming what cannot.

openpyxl rewrites every part it understands and drops the rest: formula results (written with
an empty ``<v>``, so a file sent on shows #NAZWA? until Excel recalculates it), shapes, form
controls, slicers, extension lists and more. This module writes the cached results back
(``xlsx_cached``) and compares the archive before and after, so a caller can refuse to
overwrite a file that would lose something.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import openpyxl
from openpyxl.workbook.workbook import Workbook

from kkz_xl.office.xlsx_cached import fill_archive, read_cached

#: Part kinds (the part's name with its numbers as N) openpyxl may drop, in Polish.
PART_NAMES: dict[str, str] = {
    "xl/pivotTables/pivotTableN.xml": "tabele przestawne",
    "xl/slicers/slicerN.xml": "fragmentatory",
    "xl/timelines/timelineN.xml": "osie czasu",
    "xl/activeX/activeXN.xml": "formanty ActiveX",
    "xl/ctrlProps/ctrlPropN.xml": "formanty formularza (przyciski, pola wyboru, listy)",
    "customXml/itemN.xml": "niestandardowe dane XML",
    "xl/externalLinks/externalLinkN.xml": "łącza do innych skoroszytów",
    "xl/connections.xml": "połączenia z danymi zewnętrznymi",
    "xl/queryTables/queryTableN.xml": "tabele kwerend",
    "xl/model/item.data": "model danych (Power Pivot)",
    "xl/media/imageN.png": "obrazy",
    "xl/media/imageN.jpeg": "obrazy",
    "xl/media/imageN.emf": "obrazy",
    "xl/charts/chartN.xml": "wykresy",
    "xl/chartsheets/sheetN.xml": "arkusze wykresów",
    "xl/threadedComments/threadedCommentN.xml": "komentarze wątkowe (zostaje ich zwykła wersja)",
    "xl/richData/rdrichvalue.xml": "typy danych i obrazy w komórkach",
    "xl/tables/tableN.xml": "tabele",
    "xl/webextensions/webextensionN.xml": "dodatki Office zapisane w pliku",
}
#: Parts openpyxl rewrites under another name or that Excel rebuilds by itself.
_REWRITTEN = re.compile(
    r"(\.rels$|^\[Content_Types\]\.xml$|^docProps/|^xl/(workbook\.xml|styles\.xml|"
    r"sharedStrings\.xml|calcChain\.xml|theme/|worksheets/|printerSettings/|commentsN\.xml|"
    r"comments/|drawings/(vmlDrawing|commentsDrawing)|charts/(style|colors)|persons/|"
    r"pivotCache/))"
)
_SHAPE = re.compile(r"<(?:\w+:)?(?:sp|grpSp|cxnSp)[\s>]")
#: openpyxl's warnings when it drops something while loading, in Polish.
_WARNINGS: tuple[tuple[str, str], ...] = (
    ("Data Validation extension", "listy rozwijane z rozszerzeń Excela (np. z innego arkusza)"),
    ("Conditional Formatting extension",
     "formatowanie warunkowe z rozszerzeń Excela (paski danych, zestawy ikon)"),
    ("Slicer List extension", "fragmentatory"),
    ("extension is not supported", "rozszerzenia arkusza, których program nie zna"),
    ("DrawingML support is incomplete", "kształty i rysunki"),
    ("Unable to read chart", "wykresy, których nie da się odczytać"),
    ("image", "obrazy"),
    ("conditional formatting rule", "reguły formatowania warunkowego"),
    ("comment", "komentarze w scalonych komórkach"),
    ("header or footer", "nagłówki lub stopki"),
    ("Defined names", "nazwy zdefiniowane"),
    ("Print area", "obszary wydruku"),
    ("style", "style komórek"),
)


@dataclass(frozen=True)
class Resaved:
    """The re-saved archive and, in Polish, what it no longer has."""

    data: bytes
    lost: tuple[str, ...]


def _kind(name: str) -> str:
    return re.sub(r"\d+", "N", name)


def _shapes(archive: ZipFile) -> int:
    return sum(len(_SHAPE.findall(archive.read(n).decode("utf-8", "replace")))
               for n in archive.namelist()
               if n.startswith("xl/drawings/drawing") and n.endswith(".xml"))


def lost_parts(before: bytes, after: bytes) -> list[str]:
    """What the archive ``after`` has fewer of than ``before`` (kinds of parts and shapes)."""
    with ZipFile(BytesIO(before)) as old, ZipFile(BytesIO(after)) as new:
        had = Counter(_kind(n) for n in old.namelist() if not _REWRITTEN.search(_kind(n)))
        has = Counter(_kind(n) for n in new.namelist())
        lost = [PART_NAMES.get(kind, kind) for kind, count in sorted(had.items())
                if has[kind] < count]
        shapes = _shapes(old) - _shapes(new)
    if shapes > 0:
        lost.append(f"kształty i pola tekstowe ({shapes})")
    return lost


def _polish(message: str) -> str:
    return next((text for key, text in _WARNINGS if key in message), message)


def resave(path: Path, edit: Callable[[Workbook], None], *, keep_vba: bool) -> Resaved:
    """The workbook at ``path`` loaded by openpyxl, changed by ``edit`` and saved, with the
    cached results of its formulas kept and the list of what it lost."""
    before = Path(path).read_bytes()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        workbook = openpyxl.load_workbook(BytesIO(before), keep_vba=keep_vba)
    try:
        edit(workbook)
        buffer = BytesIO()
        workbook.save(buffer)
    finally:
        if workbook.vba_archive is not None:  # openpyxl leaves the source archive open
            workbook.vba_archive.close()
    after = fill_archive(buffer.getvalue(), read_cached(path))
    lost = [_polish(str(w.message)) for w in caught if issubclass(w.category, UserWarning)]
    lost += lost_parts(before, after)
    return Resaved(after, tuple(dict.fromkeys(lost)))
