"""Charts for the strategy document, drawn with matplotlib from plain arrays into PNG bytes.

Per-issue charts are *small multiples*: one figure with a panel per issue (yearly costs; the
tornado in figures of up to :data:`TORNADO_PANELS` panels), so readers compare issues at a
glance and a document draws five figures instead of twenty-two. Text is most of a chart's cost,
so panels share one legend and one axis title, keep few ticks, and margins are computed from
the labels instead of ``tight_layout`` (which draws a figure twice). Uses matplotlib's object
API (``Figure`` + Agg canvas), not ``pyplot``: no global state, safe in a batch. Axis labels
use Polish number formatting (``1,2 mln zł``).
"""

from __future__ import annotations

import functools
import gc
import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any, ParamSpec

import numpy as np
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kkz_xl.office.render import Chart
from kkz_xl.polish import NBSP, fmt_number

GAIN = "#2E7D32"  # acting saves money
LOSS = "#C62828"  # acting costs money
INACTION = "#C62828"
ACTION = "#1F4E79"
LOW = "#9DB9D5"
DPI = 150  # print quality at the 160 mm the charts are shown at
WIDTH_IN = 6.3  # figure width; the document shows it 160 mm wide (1:1)
WIDTH_MM = 160.0
TORNADO_PANELS = 6  # panels per tornado figure: three rows of two fit half a page
LABEL_WIDTH = 30  # characters per line of a bar label; longer issue names wrap
TORNADO_LABEL_WIDTH = 26  # the same in a tornado panel (half the page wide)
TITLE_WIDTH = 50  # characters per line of a panel title (it spans the tick labels too)

P = ParamSpec("P")


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


@cache
def _font_family() -> list[str]:
    """Carlito (the document's body font on Linux) when installed, else DejaVu Sans."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return ["Carlito"] if "Carlito" in names else ["DejaVu Sans"]


# Measured on the sample gmina (10 issues): unhinted glyphs draw ~25 % faster and are
# indistinguishable at 150 dpi; a fixed title height skips matplotlib's search for a title
# position clear of the tick labels (a full layout of every panel's text).
STYLE = {"font.size": 9, "axes.titlesize": 8.5, "axes.titley": 1.0, "xtick.labelsize": 8,
         "ytick.labelsize": 8, "text.hinting": "no_hinting"}


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while drawing: a chart allocates thousands of
    small artists, which set off full collections of everything the process holds
    (a third of the drawing time in a process with the engine and pandas loaded)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _styled(draw: Callable[P, Any]) -> Callable[P, Any]:
    """Draw with the document's font (Text objects take it when created, so wrap it all)."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        with _no_gc(), rc_context({"font.family": _font_family(), **STYLE}):
            return draw(*args, **kwargs)

    return wrapper


def money_axis(value: float, _pos: object = None) -> str:
    """Axis label of an amount in PLN: ``850 tys. zł``, ``1,2 mln zł``."""
    size = abs(value)
    if size >= 1e9:
        return f"{fmt_number(value / 1e9, 1)}{NBSP}mld{NBSP}zł"
    if size >= 1e6:
        return f"{fmt_number(value / 1e6, 1)}{NBSP}mln{NBSP}zł"
    if size >= 1e3:
        return f"{fmt_number(value / 1e3, 0)}{NBSP}tys.{NBSP}zł"
    return f"{fmt_number(value, 0)}{NBSP}zł"


MONEY = FuncFormatter(money_axis)


def _wrap(labels: Sequence[str], width: int = LABEL_WIDTH) -> list[str]:
    return [textwrap.fill(label, width) for label in labels]


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _longest_line(labels: Sequence[str]) -> int:
    return max((len(line) for label in labels for line in label.split("\n")), default=0)


def _plain(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def _rects(ax: Axes, left: Sequence[float] | np.ndarray, bottom: Sequence[float] | np.ndarray,
           width: Sequence[float] | np.ndarray | float,
           height: Sequence[float] | np.ndarray | float, colour: str | Sequence[str], *,
           vertical: bool) -> None:
    """Bars as one collection: the rectangles, colours, data limits and sticky base of
    ``ax.bar``/``ax.barh`` (bars grow from ``bottom``/``left``), without an artist per bar
    (those were a fifth of a chart's time)."""
    x, y, w, h = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                       for v in (left, bottom, width, height)))
    corners = np.stack([np.stack(c, axis=-1) for c in
                        ((x, y), (x + w, y), (x + w, y + h), (x, y + h))], axis=1)
    bars = PolyCollection(list(corners), facecolors=colour, edgecolors="none", linewidths=0)
    (bars.sticky_edges.y if vertical else bars.sticky_edges.x).extend(
        np.unique(y if vertical else x).tolist())
    ax.add_collection(bars, autolim=True)


def _png(fig: Figure) -> Chart:
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return Chart(buffer.getvalue(), WIDTH_MM)


# --- one chart for all issues or payers --------------------------------------------------------

def _bars(labels: Sequence[str], values: Sequence[float]) -> Chart:
    """Horizontal bars, green where acting saves money, red where it costs."""
    labels = _wrap(labels)
    lines = sum(_lines(label) for label in labels)
    height = 0.7 + 0.24 * lines + 0.2 * len(labels)
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _plain(ax)
    positions = np.arange(len(labels))[::-1]
    _rects(ax, 0.0, positions - 0.3, values, 0.6, [GAIN if v >= 0 else LOSS for v in values],
           vertical=False)
    ax.set_yticks(positions.tolist(), labels=list(labels))
    ax.axvline(0, color="#404040", linewidth=0.8)
    ax.xaxis.set_major_formatter(MONEY)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    # Margin from the longest label (chars × ~0.055 in at 8 pt), not tight_layout.
    left = min(0.45, (0.25 + 0.055 * _longest_line(labels)) / WIDTH_IN)
    fig.subplots_adjust(left=left, right=0.95, top=1 - 0.1 / height, bottom=0.45 / height)
    return _png(fig)


@_styled
def npv_by_issue(names: Sequence[str], npvs: Sequence[float]) -> Chart:
    """Cost of inaction (NPV) of each issue."""
    return _bars(names, npvs)


@_styled
def npv_by_payer(payers: Sequence[str], npvs: Sequence[float]) -> Chart:
    """Cost of inaction (NPV) for each payer: who saves (green), who pays (red)."""
    return _bars(payers, npvs)


# --- small multiples: a panel per issue --------------------------------------------------------

def _grid(count: int, panel_in: float, title_lines: int, *, left_in: float, gap_in: float,
          below_in: float, bottom_in: float) -> tuple[Figure, list[Axes], float]:
    """A figure of ``count`` panels in two columns (one when alone), a legend strip on top;
    ``below_in`` is the space under each panel (its tick labels), ``bottom_in`` the figure's.

    Returns the figure, its panels and the x (in axes units) where a panel's title starts so
    that it spans the tick labels too (long issue names wrap less)."""
    cols = 1 if count == 1 else 2
    rows = math.ceil(count / cols)
    legend_in, title_in = 0.3, 0.04 + 0.15 * title_lines
    row_in = title_in + panel_in + below_in
    height = legend_in + rows * row_in + bottom_in
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    panel_w = (WIDTH_IN - cols * left_in - (cols - 1) * gap_in - 0.3) / cols
    axes: list[Axes] = []
    for i in range(count):
        row, col = divmod(i, cols)
        x = left_in + col * (panel_w + left_in + gap_in)
        y = height - legend_in - row * row_in - title_in - panel_in
        ax = fig.add_axes((x / WIDTH_IN, y / height, panel_w / WIDTH_IN, panel_in / height))
        _plain(ax)
        axes.append(ax)
    return fig, axes, -(left_in - 0.1) / panel_w


def _legend(fig: Figure, entries: Sequence[tuple[str, str]]) -> None:
    fig.legend(handles=[Patch(color=colour, label=label) for colour, label in entries],
               loc="upper center", ncols=len(entries), frameon=False, fontsize=8.5,
               bbox_to_anchor=(0.5, 1.0))


@_styled
def yearly_costs(panels: Sequence[YearlyPanel]) -> Chart:
    """Yearly public costs in both futures, a panel per issue (each with its own scale)."""
    titles = [textwrap.fill(p.title, TITLE_WIDTH) for p in panels]
    title_lines = max((_lines(t) for t in titles), default=1)
    fig, axes, title_x = _grid(len(panels), 1.0, title_lines, left_in=0.75, gap_in=0.15,
                               below_in=0.12, bottom_in=0.35)
    width = 0.4
    cols = 1 if len(panels) == 1 else 2
    for i, (ax, panel, title) in enumerate(zip(axes, panels, titles, strict=True)):
        years = np.asarray(panel.years, dtype=float)
        _rects(ax, years - width, 0.0, width, panel.inaction, INACTION, vertical=True)
        _rects(ax, years, 0.0, width, panel.action, ACTION, vertical=True)
        ax.set_title(title, loc="left", pad=4, x=title_x)
        # The years are the same in every panel: numbered under the lowest panel of each
        # column only (a third of the chart's text otherwise).
        lowest = i + cols >= len(panels)
        step = math.ceil(len(panel.years) / 12)
        ax.set_xticks(list(panel.years)[::step] if lowest else [])
        ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
        ax.tick_params(axis="x", length=0, pad=2)
        ax.yaxis.set_major_formatter(MONEY)
        ax.yaxis.set_major_locator(MaxNLocator(3))
    _legend(fig, [(INACTION, "zaniechanie"), (ACTION, "działanie (z programem)")])
    fig.text(0.5, 0.01, "rok", ha="center", va="bottom", fontsize=8)
    return _png(fig)


@_styled
def tornado(panels: Sequence[TornadoPanel]) -> Chart:
    """One-way sensitivity, a panel per issue: NPV at each input's low (light) and high (dark)
    value around the issue's NPV (the vertical line, given in the panel's title)."""
    titles = [textwrap.fill(p.title, TITLE_WIDTH) for p in panels]
    # Two lines fit a row of 7.5 pt; a longer label ends with "…" rather than overlap.
    labels = [[textwrap.fill(label, TORNADO_LABEL_WIDTH, max_lines=2, placeholder=" …")
               for label in p.labels] for p in panels]
    title_lines = max((_lines(t) for t in titles), default=1) + 1
    rows = max((len(ls) for ls in labels), default=1)
    longest = max((_longest_line(ls) for ls in labels), default=10)
    fig, axes, title_x = _grid(len(panels), 0.1 + 0.3 * rows, title_lines,
                               left_in=0.15 + 0.052 * longest, gap_in=0.2, below_in=0.3,
                               bottom_in=0.0)
    for ax, panel, title, wrapped in zip(axes, panels, titles, labels, strict=True):
        positions = np.arange(len(wrapped))[::-1]
        _rects(ax, panel.base, positions - 0.325, np.subtract(panel.low, panel.base), 0.65,
               LOW, vertical=False)
        _rects(ax, panel.base, positions - 0.325, np.subtract(panel.high, panel.base), 0.65,
               ACTION, vertical=False)
        ax.set_yticks(positions.tolist(), labels=wrapped, fontsize=7.5)
        ax.tick_params(axis="y", length=0, pad=2)
        ax.axvline(panel.base, color="#404040", linewidth=0.8)
        ax.set_title(f"{title}\nkoszt zaniechania: {money_axis(panel.base)}", loc="left",
                     pad=4, x=title_x)
        ax.xaxis.set_major_formatter(MONEY)
        # Two intervals at most: three amounts like "−1,4 mln zł" fill a narrow panel.
        ax.xaxis.set_major_locator(MaxNLocator(2))
    _legend(fig, [(LOW, "wartość niska założenia"), (ACTION, "wartość wysoka założenia")])
    return _png(fig)


def chunks(count: int, size: int = TORNADO_PANELS) -> list[range]:
    """Split ``count`` panels into balanced figures of at most ``size`` panels (10 → 5 + 5)."""
    if count <= 0:
        return []
    figures = math.ceil(count / size)
    per = math.ceil(count / figures)
    return [range(start, min(start + per, count)) for start in range(0, count, per)]
