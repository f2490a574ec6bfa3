"""Value axes of charts (Word's and Excel's alike): round steps, and amounts in PLN labelled the
Polish way in the unit that suits the axis (``850 tys. zł``, ``−1,5 mln zł``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from kkz_xl.polish import MINUS

# An axis up to 20 000 zł counts in złoty ("8 000 zł" rather than "8 tys. zł").
_AXIS_UNITS = ((1e9, 1e9, "mld"), (1e6, 1e6, "mln"), (2e4, 1e3, "tys."))


def nice_scale(values: Sequence[float], intervals: int = 4, *, zero: bool = True,
               most: int | None = None) -> tuple[float, float, float]:
    """A value axis over ``values`` (and 0 unless ``zero=False``): (min, max, step), the step
    1, 2 or 5 times a power of ten giving about ``intervals`` intervals (a chart engine's own
    choice crowds a small panel with ticks), and no more than ``most`` (≥ 2) when given."""
    low, high = min(values, default=0.0), max(values, default=0.0)
    if zero:
        low, high = min(0.0, low), max(0.0, high)
    if high - low <= 0:  # one value (an input that does not move the result): a span around it
        pad = abs(high) / 10 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / intervals
    power = 10.0 ** math.floor(math.log10(raw))
    steps = (m * power * 10**k for k in range(4) for m in (1, 2, 5))
    for step in steps:
        if step < raw * 0.999:
            continue
        bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
        if most is None or round((top - bottom) / step) <= most:
            break
    return bottom, top, step


def money_axis_format(values: Sequence[float], intervals: int = 4, *, zero: bool = True,
                      most: int | None = None, locale: str = ""
                      ) -> tuple[tuple[float, float, float], str]:
    """A value axis for these amounts: its scale (see :func:`nice_scale`) and an Excel number
    format in the unit of its largest amount (thousands and millions by Excel's scaling
    commas), with a decimal only where a step needs one, and a true minus sign; ``locale``
    (such as ``[$-415]``) is put before the format."""
    scale = nice_scale(values, intervals, zero=zero, most=most)
    size = max(abs(scale[0]), abs(scale[1]))
    unit, name = next(((u, n) for start, u, n in _AXIS_UNITS if size >= start), (1.0, ""))
    whole = abs(scale[2] / unit - round(scale[2] / unit)) < 1e-9
    digits = ("#,##0" if whole else "#,##0.0") + "," * round(math.log10(unit) / 3)
    suffix = f'" {name} zł"' if name else '" zł"'
    return scale, f'{locale}{digits}{suffix};"{MINUS}"{digits}{suffix};0" zł"'
