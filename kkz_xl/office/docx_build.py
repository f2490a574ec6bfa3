"""Building our Word templates from code (python-docx), so they are reproducible: A4 page,
proper heading styles, Jinja tags of docxtpl each in a single run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from kkz_xl.storage.atomic import atomic_write

REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "doc_templates"


def a4_document(*, landscape: bool = False) -> DocumentObject:
    """An empty A4 document with Polish language defaults and readable body text."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (
        Cm(21.0), Cm(29.7))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    doc.core_properties.language = "pl-PL"
    doc.core_properties.author = "kkz-xl"
    return doc


def loop_table(doc: DocumentObject, headers: Sequence[str], item: str, items: str,
               cells: Sequence[str], widths: Sequence[float] | None = None) -> None:
    """A table whose data row repeats: ``{%tr for item in items %}`` … ``{%tr endfor %}``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        run = table.rows[0].cells[i].paragraphs[0].add_run(text)
        run.bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {item} in {items} %}}")
    for i, text in enumerate(cells):
        table.rows[2].cells[i].paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if widths:
        for row in table.rows:
            for cell, w in zip(row.cells, widths, strict=True):
                cell.width = Cm(w)
        fixed_widths(table, widths)


def fixed_widths(table: Table, widths: Sequence[float]) -> None:
    """Column widths (cm) that Word and LibreOffice both honour: a fixed layout and the grid
    (cell widths alone are overridden by the equal grid python-docx writes)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(int(Cm(width).twips)))


def save_template(doc: DocumentObject, path: Path) -> Path:
    atomic_write(Path(path), lambda tmp: doc.save(str(tmp)), backup=False)
    return Path(path)


def template_path(name: str, build: object) -> Path:
    """``doc_templates/NAME`` of the repository, or a copy built on the fly into the user cache
    when the package is installed without the repository."""
    repo = REPO_TEMPLATES / name
    if repo.is_file():
        return repo
    cache = Path.home() / ".cache" / "kkz-xl" / "doc_templates" / name
    if not cache.is_file():
        build(cache)  # type: ignore[operator]
    return cache
