"""Native Word charts: bar charts as DrawingML chart parts inside the document.

A chart is written as the same ``c:chartSpace`` XML that Excel and Word use (built with
openpyxl's chart model, which the workbook's charts already use), with its numbers cached in the
part, and placed inline in a paragraph. So the reader's Word draws it (sharp at any zoom and in
print, restyled like any Word chart: colours, fonts, sizes), LibreOffice draws it in the PDF, and
writing one takes about a millisecond instead of a rasterised picture's tens.

No workbook is embedded: Word shows and restyles the chart from its cached numbers, but
"Edit Data" reports that the linked data is unavailable; the numbers come from the calculator
anyway (and are printed in the tables next to each chart).

A :class:`Figure` is what a template placeholder receives: a line of legend (coloured squares
and labels, as text) above charts set side by side as many as fit a line, a paragraph per line,
which is how small multiples (a panel per issue) are laid out without a table.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from openpyxl.chart import BarChart
from openpyxl.chart.data_source import (
    AxDataSource,
    NumData,
    NumDataSource,
    NumRef,
    NumVal,
    StrData,
    StrRef,
    StrVal,
)
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import (
    CharacterProperties,
    Font,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
EMU_PER_MM = 36_000
SHEET = "Arkusz1"  # the sheet name the series formulas cite (Word's own charts do the same)
TEXT_COLOUR = "404040"
AXIS_COLOUR = "808080"
GRID_COLOUR = "E0E0E0"


@dataclass(frozen=True)
class BarSeries:
    """One series of bars; ``point_colours`` colours each bar on its own (e.g. gain/loss)."""

    name: str
    values: Sequence[float]
    colour: str
    point_colours: Sequence[str] | None = None


@dataclass(frozen=True)
class Bars:
    """One bar chart. Horizontal charts list the categories from the top.

    ``origin`` is the value the bars grow from (0, or the base of a tornado chart: the category
    axis crosses there, so it is drawn as the vertical line at the base value).
    ``number_format`` is an Excel number format of the value axis (Word shows it with the
    reader's decimal and thousands separators)."""

    categories: Sequence[str]
    series: Sequence[BarSeries]
    width_mm: float
    height_mm: float
    number_format: str = "#,##0"
    title: Sequence[str] = ()  # lines; the first bold
    horizontal: bool = False
    origin: float = 0.0
    scale: tuple[float, float, float] | None = None  # value axis (min, max, step)
    font: str = "Calibri"
    font_pt: float = 7.5
    title_pt: float = 8.5


@dataclass(frozen=True)
class Figure:
    """What a placeholder shows: an optional legend line, then the charts in a row that wraps."""

    charts: Sequence[Bars]
    legend: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (colour, label)
    legend_pt: float = 8.5
    line_mm: float = 160.0  # the text width: charts that fit side by side share a line

    def __html__(self) -> str:  # pragma: no cover - placed by render_docx before rendering
        raise TypeError("wykres nie został przygotowany do wstawienia")


# --- chart XML --------------------------------------------------------------------------------

def _chars(size_pt: float, *, bold: bool = False, font: str, colour: str = TEXT_COLOUR
           ) -> CharacterProperties:
    return CharacterProperties(sz=round(size_pt * 100), b=bold, latin=Font(typeface=font),
                               solidFill=colour)


def _text(size_pt: float, font: str) -> RichText:
    chars = _chars(size_pt, font=font)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=chars), endParaRPr=chars)])


def _title(lines: Sequence[str], size_pt: float, font: str) -> Title:
    paragraphs = []
    for n, line in enumerate(lines):
        chars = _chars(size_pt, bold=n == 0, font=font)
        paragraphs.append(Paragraph(pPr=ParagraphProperties(defRPr=chars),
                                    r=[RegularTextRun(rPr=chars, t=line)]))
    return Title(tx=Text(rich=RichText(p=paragraphs)), overlay=False)


def _line(colour: str | None) -> GraphicalProperties:
    props = GraphicalProperties(ln=LineProperties(solidFill=colour, w=6350) if colour
                                else LineProperties(noFill=True))
    return props


def _strings(ref: str, values: Sequence[str]) -> StrRef:
    return StrRef(f=ref, strCache=StrData(ptCount=len(values), pt=[
        StrVal(idx=i, v=v) for i, v in enumerate(values)]))


def _series(chart: Bars, n: int, s: BarSeries, categories: Sequence[str],
            values: Sequence[float], colours: Sequence[str] | None) -> Series:
    col, rows = get_column_letter(n + 2), len(values)
    numbers = NumData(formatCode="General", ptCount=rows,
                      pt=[NumVal(idx=i, v=float(v)) for i, v in enumerate(values)])
    series = Series(
        val=NumDataSource(numRef=NumRef(f=f"{SHEET}!${col}$2:${col}${rows + 1}",
                                        numCache=numbers)),
        cat=AxDataSource(strRef=_strings(f"{SHEET}!$A$2:$A${rows + 1}", categories)),
        tx=SeriesLabel(strRef=_strings(f"{SHEET}!${col}$1", [s.name])),
        idx=n, order=n)
    series.graphicalProperties = GraphicalProperties(solidFill=s.colour)
    series.graphicalProperties.line.noFill = True
    series.invertIfNegative = False  # else Excel and Word draw negative bars white
    if colours is not None:
        series.dPt = [DataPoint(idx=i, invertIfNegative=False,
                                spPr=GraphicalProperties(solidFill=c, ln=LineProperties(
                                    noFill=True)))
                      for i, c in enumerate(colours)]
    return series


def chart_xml(chart: Bars) -> bytes:
    """The chart part (``c:chartSpace``) of one bar chart, numbers cached in it."""
    # A horizontal chart's first category is drawn at the bottom; listing them reversed puts
    # the first on top without reversing the axis (which would move the value axis up).
    order = slice(None, None, -1) if chart.horizontal else slice(None)
    categories = list(chart.categories)[order]
    bar = BarChart()
    bar.type = "bar" if chart.horizontal else "col"
    bar.grouping = "clustered"
    bar.overlap = 100 if chart.horizontal else 0  # a tornado's low and high share a row
    bar.gapWidth = 60 if chart.horizontal else 40
    bar.series = [
        _series(chart, n, s, categories, list(s.values)[order],
                None if s.point_colours is None else list(s.point_colours)[order])
        for n, s in enumerate(chart.series)]
    bar.legend = None
    bar.roundedCorners = False
    bar.graphical_properties = _line(None)
    if chart.title:
        bar.title = _title(chart.title, chart.title_pt, chart.font)
    cats, values = bar.x_axis, bar.y_axis
    cats.delete = values.delete = False
    cats.crosses = None
    cats.crossesAt = chart.origin  # bars grow from here; the axis line marks it
    cats.tickLblPos = "low"  # labels at the edge, not at the origin
    cats.majorTickMark = "none"
    cats.tickLblSkip = 1  # every label given is shown; leave out a label by giving ""
    cats.noMultiLvlLbl = True
    cats.spPr = _line(AXIS_COLOUR)
    cats.txPr = _text(chart.font_pt, chart.font)
    if chart.scale is not None:
        values.scaling.min, values.scaling.max, values.majorUnit = chart.scale
    values.number_format = chart.number_format
    values.numFmt.sourceLinked = False
    values.majorTickMark = "out"
    values.majorGridlines.spPr = _line(GRID_COLOUR)
    values.spPr = _line(None)
    values.txPr = _text(chart.font_pt, chart.font)
    return tostring(bar._write())


# --- placing charts in a document -------------------------------------------------------------

_RUN_BREAK_OPEN = '</w:t></w:r>'
_RUN_BREAK_CLOSE = '<w:r><w:t xml:space="preserve">'


def _inline(rid: str, shape_id: int, chart: Bars) -> str:
    return (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f'<wp:extent cx="{round(chart.width_mm * EMU_PER_MM)}" '
        f'cy="{round(chart.height_mm * EMU_PER_MM)}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Wykres {shape_id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def _legend_runs(figure: Figure) -> str:
    size = round(figure.legend_pt * 2)  # half-points
    runs = []
    for n, (colour, label) in enumerate(figure.legend):
        gap = "\u2003" if n else ""
        runs.append(f'<w:r><w:rPr><w:color w:val="{colour}"/><w:sz w:val="{size}"/></w:rPr>'
                    f'<w:t xml:space="preserve">{gap}■</w:t></w:r>'
                    f'<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr>'
                    f'<w:t xml:space="preserve"> {escape(label)}</w:t></w:r>')
    return "".join(runs) + '<w:r><w:br/></w:r>'


class ChartPlacer:
    """Adds the charts of one render to a docxtpl template: a chart part per chart, related
    to the part being rendered, and shape ids that follow the template's own."""

    def __init__(self, tpl: Any) -> None:
        self.tpl = tpl
        self._ids = itertools.count(tpl.docx.part.next_id + 1000)

    def place(self, figure: Figure) -> _Placed:
        return _Placed(self, figure)

    def runs(self, figure: Figure) -> str:
        """The XML of ``figure`` in place of its placeholder: the legend and the first row of
        charts in the placeholder's paragraph, each further row in a paragraph of its own, the
        last kept with what follows (the caption), so a figure may flow onto the next page
        but its caption never stands alone."""
        part = getattr(self.tpl, "current_rendering_part", None) or self.tpl.docx.part
        package = part.package
        xml = [_RUN_BREAK_OPEN]
        if figure.legend:
            xml.append(_legend_runs(figure))
        rows = _rows(figure.charts, figure.line_mm)
        for n, row in enumerate(rows):
            if n:
                keep = "<w:keepNext/>" if n == len(rows) - 1 else ""
                xml.append(f'</w:p><w:p><w:pPr>{keep}<w:jc w:val="center"/></w:pPr>')
            for chart in row:
                chart_part = Part(PackURI(package.next_partname("/word/charts/chart%d.xml")),
                                  CHART_CONTENT_TYPE, chart_xml(chart), package)
                xml.append(_inline(part.relate_to(chart_part, RT.CHART), next(self._ids),
                                   chart))
        xml.append(_RUN_BREAK_CLOSE)
        return "".join(xml)


def _rows(charts: Sequence[Bars], line_mm: float) -> list[list[Bars]]:
    """The charts in lines of at most ``line_mm`` (a chart wider than a line has one alone)."""
    rows: list[list[Bars]] = []
    width = math.inf
    for chart in charts:
        if width + chart.width_mm > line_mm:
            rows.append([])
            width = 0.0
        rows[-1].append(chart)
        width += chart.width_mm
    return rows


class _Placed:
    """A figure as docxtpl's autoescaping Jinja sees it: markup written when rendered."""

    def __init__(self, placer: ChartPlacer, figure: Figure) -> None:
        self._placer, self._figure = placer, figure

    def __html__(self) -> str:
        return self._placer.runs(self._figure)

    __str__ = __html__
