"""Charts for the strategy document, drawn with matplotlib from plain arrays into PNG bytes.

Titles are left to the document's captions (drawing text is most of a chart's cost). Uses
matplotlib's object API (``Figure`` + Agg canvas), not ``pyplot``: no global state, safe in
a batch, and noticeably faster. Axis labels use Polish number formatting (``1,2 mln zł``).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from functools import cache
from io import BytesIO
from typing import ParamSpec

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kkz_xl.documents.render import Chart
from kkz_xl.polish import NBSP, fmt_number

GAIN = "#2E7D32"  # acting saves money
LOSS = "#C62828"  # acting costs money
INACTION = "#C62828"
ACTION = "#1F4E79"
DPI = 130


@cache
def _font_family() -> list[str]:
    """Carlito (the document's body font on Linux) when installed, else DejaVu Sans."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return ["Carlito"] if "Carlito" in names else ["DejaVu Sans"]


P = ParamSpec("P")
LABEL_WIDTH = 30  # characters per line of a bar label; longer issue names wrap


def _wrap(labels: Sequence[str]) -> list[str]:
    return [textwrap.fill(label, LABEL_WIDTH) for label in labels]


def _styled(draw: Callable[P, Chart]) -> Callable[P, Chart]:
    """Draw with the document's font (Text objects take it when created, so wrap it all)."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Chart:
        with rc_context({"font.family": _font_family(), "font.size": 9}):
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


def _figure(width_in: float, height_in: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width_in, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8.5)
    return fig, ax


def _png(fig: Figure, width_mm: float, labels: Sequence[str] = ()) -> Chart:
    """Encode the figure; margins are set from the longest bar label instead of
    ``tight_layout`` (which draws the figure twice and doubled the cost of a batch)."""
    longest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    left = min(0.45, 0.05 + 0.0078 * longest) if labels else 0.13
    fig.subplots_adjust(left=left, right=0.93, top=0.95, bottom=0.16)
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return Chart(buffer.getvalue(), width_mm)


def _bars(labels: Sequence[str], values: Sequence[float]) -> Chart:
    """Horizontal bars, green where acting saves money, red where it costs."""
    labels = _wrap(labels)
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 0.7 + 0.24 * lines + 0.2 * len(labels)
    fig, ax = _figure(6.3, height)
    positions = list(range(len(labels)))[::-1]
    colours = [GAIN if v >= 0 else LOSS for v in values]
    ax.barh(positions, values, color=colours, height=0.6)
    ax.set_yticks(positions, labels=list(labels))
    ax.axvline(0, color="#404040", linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(money_axis))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    return _png(fig, 160, labels)


@_styled
def npv_by_issue(names: Sequence[str], npvs: Sequence[float]) -> Chart:
    """Cost of inaction (NPV) of each issue."""
    return _bars(names, npvs)


@_styled
def npv_by_payer(payers: Sequence[str], npvs: Sequence[float]) -> Chart:
    """Cost of inaction (NPV) for each payer: who saves (green), who pays (red)."""
    return _bars(payers, npvs)


@_styled
def yearly_costs(years: Sequence[int], inaction: Sequence[float],
                 action: Sequence[float]) -> Chart:
    """Yearly public costs in both futures (undiscounted)."""
    fig, ax = _figure(6.3, 2.8)
    width = 0.38
    ax.bar([y - width / 2 for y in years], inaction, width, color=INACTION, label="zaniechanie")
    ax.bar([y + width / 2 for y in years], action, width, color=ACTION,
           label="działanie (z programem)")
    ax.set_xticks(list(years))
    ax.set_xlabel("rok analizy", fontsize=8.5)
    ax.yaxis.set_major_formatter(FuncFormatter(money_axis))
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.legend(fontsize=8, frameon=False)
    return _png(fig, 150)


@_styled
def tornado(labels: Sequence[str], low: Sequence[float], high: Sequence[float],
            base: float) -> Chart:
    """One-way sensitivity: NPV at each input's low and high value around the base NPV.

    Bars are drawn in the given order from the top (pass them sorted by swing, widest first).
    """
    labels = _wrap(labels)
    height = 1.0 + 0.36 * max(len(labels), 1)
    fig, ax = _figure(6.3, height)
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, [lo - base for lo in low], left=base, color="#9DB9D5", height=0.6,
            label="wartość niska")
    ax.barh(positions, [hi - base for hi in high], left=base, color=ACTION, height=0.6,
            label="wartość wysoka")
    ax.set_yticks(positions, labels=list(labels))
    ax.axvline(base, color="#404040", linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(money_axis))
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return _png(fig, 150, labels)
