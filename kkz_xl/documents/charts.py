"""The strategy document's charts, as native Word charts (see :mod:`kkz_xl.office.docx_charts`).

Per-issue charts are *small multiples*: a panel per issue (yearly costs; the tornado in groups
of up to :data:`TORNADO_PANELS` panels), two to a line, under one legend line, so readers
compare issues at a glance. Each panel has its own scale, and every value axis is labelled the
Polish way in the unit that suits its largest amount (``850 tys. zł``, ``1,2 mln zł``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kkz_xl.office.chart_scale import money_axis_format
from kkz_xl.office.docx_charts import Bars, BarSeries, Figure
from kkz_xl.polish import NBSP, fmt_number, wrap_lines

GAIN = "2E7D32"  # acting saves money
LOSS = "C62828"  # acting costs money
INACTION = "C62828"
ACTION = "1F4E79"
LOW = "9DB9D5"
WIDTH_MM = 160.0  # the text width of the strategy's A4 page
PANEL_MM = 79.0  # two panels to a line
TORNADO_PANELS = 6  # panels per tornado group at most (three lines of two)
# The height a figure's lines of panels may take on the strategy's A4 page (25,5 cm of text
# less the legend line and the caption kept with the last line), and the space between lines.
FIGURE_PAGE_MM = 225.0
FIGURE_GAP_MM = 4.0
LABEL_WIDTH = 45  # characters per line of a bar label; longer issue names wrap
TORNADO_LABEL_WIDTH = 24  # the same in a tornado panel (half the page wide)
TORNADO_LABEL_LINES = 3  # a longer tornado label keeps its start and end („… część powiatu”)
TITLE_WIDTH = 44  # characters per line of a panel title
YEAR_LABELS = 10  # at most this many year labels under a panel (every n-th year beyond)


@dataclass(frozen=True)
class YearlyPanel:
    """One issue's yearly public costs in both futures (undiscounted)."""

    title: str
    years: Sequence[int]
    inaction: Sequence[float]
    action: Sequence[float]


@dataclass(frozen=True)
class TornadoPanel:
    """One issue's one-way sensitivity: NPV at each input's low and high value.

    Rows are drawn in the given order from the top (pass them sorted by swing, widest first).
    """

    title: str
    labels: Sequence[str]
    low: Sequence[float]
    high: Sequence[float]
    base: float


_UNITS = ((1e9, "mld"), (1e6, "mln"), (1e3, "tys."))


def money_axis(value: float) -> str:
    """An amount in PLN as an axis or a title shows it: ``850 tys. zł``, ``1,2 mln zł``."""
    size = abs(value)
    for unit, name in _UNITS:
        if size >= unit:
            decimals = 0 if name == "tys." else 1
            return f"{fmt_number(value / unit, decimals)}{NBSP}{name}{NBSP}zł"
    return f"{fmt_number(value, 0)}{NBSP}zł"


def _wrap(text: str, width: int, lines: int | None = None) -> str:
    return "\n".join(wrap_lines(text, width, lines))


def _titles(titles: Sequence[Sequence[str]]) -> list[list[str]]:
    """Panel titles of one figure padded to the same number of lines, so that the plots of a
    row line up (a no-break space keeps an empty line's height)."""
    lines = max((len(t) for t in titles), default=0)
    return [[*t, *[NBSP] * (lines - len(t))] for t in titles]


def _bars(labels: Sequence[str], values: Sequence[float]) -> Figure:
    """Horizontal bars across the page, green where acting saves money, red where it costs."""
    labels = [_wrap(label, LABEL_WIDTH) for label in labels]
    # A row holds its label's lines (8 pt is 3,5 mm a line) with room to spare: a chart engine
    # leaves out labels it thinks would touch.
    rows_mm = sum(max(7.0, 4.2 * (label.count("\n") + 1) + 2.5) for label in labels)
    colours = [GAIN if v >= 0 else LOSS for v in values]
    scale, number_format = money_axis_format(values)
    chart = Bars(labels, [BarSeries("koszt zaniechania", values, GAIN, colours)],
                 width_mm=WIDTH_MM, height_mm=12 + rows_mm, scale=scale,
                 number_format=number_format, horizontal=True, font_pt=8)
    return Figure([chart], line_mm=WIDTH_MM)


def npv_by_issue(names: Sequence[str], npvs: Sequence[float]) -> Figure:
    """Cost of inaction (NPV) of each issue."""
    return _bars(names, npvs)


def npv_by_payer(payers: Sequence[str], npvs: Sequence[float]) -> Figure:
    """Cost of inaction (NPV) for each payer: who saves (green), who pays (red)."""
    return _bars(payers, npvs)


def _panel_width(count: int) -> float:
    return WIDTH_MM if count == 1 else PANEL_MM


def yearly_costs(panels: Sequence[YearlyPanel]) -> Figure:
    """Yearly public costs in both futures, a panel per issue (each with its own scale)."""
    width = _panel_width(len(panels))
    titles = _titles([wrap_lines(p.title, TITLE_WIDTH) for p in panels])
    charts = []
    for panel, title in zip(panels, titles, strict=True):
        # Every n-th year named: LibreOffice ignores a chart's own label interval and turns
        # crowded labels on their side.
        step = math.ceil(len(panel.years) / YEAR_LABELS)
        years = [str(y) if n % step == 0 else "" for n, y in enumerate(panel.years)]
        scale, number_format = money_axis_format([*panel.inaction, *panel.action])
        charts.append(Bars(
            years,
            [BarSeries("zaniechanie", panel.inaction, INACTION),
             BarSeries("działanie (z programem)", panel.action, ACTION)],
            width_mm=width, height_mm=40 + 3.5 * len(title), title=title, scale=scale,
            number_format=number_format))
    return Figure(charts, [(INACTION, "zaniechanie"), (ACTION, "działanie (z programem)")],
                  line_mm=WIDTH_MM)


def _tornado_labels(panels: Sequence[TornadoPanel]) -> tuple[list[list[str]], float]:
    """The panels' row labels as drawn, and the height of a row in mm: a row holds its
    label's lines (8 pt is 3,5 mm a line; two lines fit the least row)."""
    labels = [[_wrap(label, TORNADO_LABEL_WIDTH, TORNADO_LABEL_LINES) for label in p.labels]
              for p in panels]
    lines = max((label.count("\n") + 1 for panel in labels for label in panel), default=1)
    return labels, 3.5 * max(2, lines)


def _tornado_titles(panels: Sequence[TornadoPanel]) -> list[list[str]]:
    return _titles([[*wrap_lines(p.title, TITLE_WIDTH),
                     f"koszt zaniechania: {money_axis(p.base)}"] for p in panels])


def _tornado_height(title_lines: int, rows: int, row_mm: float) -> float:
    return 12 + 3.5 * title_lines + row_mm * rows


def tornado_panels_per_figure(panels: Sequence[TornadoPanel]) -> int:
    """How many of these panels a tornado figure takes: as many lines of two as fit a page
    (at most :data:`TORNADO_PANELS`), judged by the tallest title, row count and label."""
    if not panels:
        return TORNADO_PANELS
    _, row_mm = _tornado_labels(panels)
    rows = max(len(p.labels) for p in panels)
    height = _tornado_height(max(len(t) for t in _tornado_titles(panels)), rows, row_mm)
    return max(2, min(TORNADO_PANELS, 2 * int(FIGURE_PAGE_MM // (height + FIGURE_GAP_MM))))


def tornado(panels: Sequence[TornadoPanel]) -> Figure:
    """One-way sensitivity, a panel per issue: NPV at each input's low (light) and high (dark)
    value, bars growing from the issue's NPV (the vertical line, given in the panel's title)."""
    width = _panel_width(len(panels))
    rows = max((len(p.labels) for p in panels), default=1)
    labels, row_mm = _tornado_labels(panels)
    charts = []
    for panel, title, names in zip(panels, _tornado_titles(panels), labels, strict=True):
        # Around the issue's NPV, not from 0 (the bars would shrink to slivers); two
        # intervals: three amounts like "−1,4 mln zł" fill a half-page panel, four crowd it.
        scale, number_format = money_axis_format([*panel.low, *panel.high, panel.base], 2,
                                                 zero=False, most=2)
        charts.append(Bars(
            names,
            [BarSeries("wartość niska założenia", panel.low, LOW),
             BarSeries("wartość wysoka założenia", panel.high, ACTION)],
            width_mm=width, height_mm=_tornado_height(len(title), rows, row_mm), title=title,
            scale=scale, number_format=number_format, horizontal=True, origin=panel.base))
    return Figure(charts, [(LOW, "wartość niska założenia"),
                           (ACTION, "wartość wysoka założenia")], line_mm=WIDTH_MM)


def chunks(count: int, size: int = TORNADO_PANELS) -> list[range]:
    """Split ``count`` panels into balanced groups of at most ``size`` panels (10 → 5 + 5)."""
    if count <= 0:
        return []
    figures = math.ceil(count / size)
    per = math.ceil(count / figures)
    return [range(start, min(start + per, count)) for start in range(0, count, per)]
