"""What a rewrite with openpyxl would lose: checked before writing a user's workbook in place.

openpyxl keeps tables, validation, names, charts, comments and (with Pillow) images, and drops
shapes, slicers, form controls, SmartArt, embedded objects, threaded comments and the Excel
2010+ extensions of a sheet. A workbook holding any of them is refused with the reason, so
nothing the user made disappears silently.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from collections import Counter
from pathlib import Path

_PARTS: tuple[tuple[str, str], ...] = (
    ("xl/vbaProject.bin", "makra VBA"),
    ("xl/slicers/", "fragmentatory (slicery)"),
    ("xl/timelines/", "osie czasu"),
    ("xl/ctrlProps/", "formanty formularza"),
    ("xl/activeX/", "formanty ActiveX"),
    ("xl/diagrams/", "grafikę SmartArt"),
    ("xl/embeddings/", "osadzone obiekty (OLE)"),
    ("xl/threadedComments/", "komentarze wątkowe"),
)
_SHAPES = re.compile(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)[\s>]")
_X14 = re.compile(rb"<x14:(?:sparklineGroups|dataValidations|conditionalFormattings)\b")
# What must be as many after the write as before (counted from the package's parts).
_COUNTED = {"obrazy": "xl/media/", "wykresy": "xl/charts/chart", "komentarze": "xl/comments",
            "tabele": "xl/tables/", "tabele przestawne": "xl/pivotTables/"}


def pillow_available() -> bool:
    """openpyxl keeps images only when Pillow can be imported."""
    return importlib.util.find_spec("PIL") is not None


def preservation_problems(path: Path) -> list[str]:
    """Polish descriptions of what rewriting ``path`` would drop (empty: safe to rewrite)."""
    found: list[str] = []
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        for prefix, what in _PARTS:
            if any(n.startswith(prefix) for n in names):
                found.append(what)
        if any(n.startswith("xl/media/") for n in names) and not pillow_available():
            found.append("obrazy (brak biblioteki Pillow, bez której openpyxl je usuwa; "
                         "zainstaluj: pip install Pillow)")
        drawings = [n for n in names if n.startswith("xl/drawings/drawing") and n.endswith(".xml")]
        if any(_SHAPES.search(zf.read(n)) for n in drawings):
            found.append("kształty lub pola tekstowe")
        sheets = [n for n in names if n.startswith("xl/worksheets/sheet")]
        if any(_X14.search(zf.read(n)) for n in sheets):
            found.append("rozszerzenia Excela 2010+ (wykresy przebiegu w czasie albo reguły "
                         "poprawności lub formatowania odwołujące się do innych arkuszy)")
    return found


def inventory(path: Path) -> Counter[str]:
    """How many images, charts, comment parts, tables and pivot tables the package holds."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    return Counter({what: sum(n.startswith(prefix) for n in names)
                    for what, prefix in _COUNTED.items()})
