"""Where NPV crosses zero as one input moves: break-even success rate, switching values."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kkz_xl.engine.cohort import Array
from kkz_xl.engine.two_state import TwoStateParams, npv

GRID = 65
BISECTIONS = 52  # the bracket shrinks below 1e-15 of its width


def first_crossing(f: Callable[[Array], Array], lo: Array, hi: Array) -> Array:
    """Smallest ``x`` in ``[lo, hi]`` with ``f(x) ≥ 0``, per batch element; NaN where none.

    ``f`` maps ``x`` of shape ``(G, ...)`` to values of the same shape, so every grid point
    and batch element is evaluated in one vectorised call. A grid locates the first bracket,
    bisection refines it; a non-monotone ``f`` still yields the smallest crossing on the grid.
    """
    lo, hi = np.broadcast_arrays(np.asarray(lo, float), np.asarray(hi, float))
    steps = np.linspace(0.0, 1.0, GRID).reshape((GRID,) + (1,) * lo.ndim)
    xs = lo + steps * (hi - lo)
    ok = f(xs) >= 0
    found = ok.any(0)
    first = np.argmax(ok, axis=0)
    upper = np.take_along_axis(xs, first[None], 0)[0]
    lower = np.take_along_axis(xs, np.maximum(first - 1, 0)[None], 0)[0]
    at_start = first == 0
    for _ in range(BISECTIONS):
        mid = 0.5 * (lower + upper)
        good = f(mid[None])[0] >= 0
        upper = np.where(good, mid, upper)
        lower = np.where(good, lower, mid)
    return np.where(found, np.where(at_start, lo, upper), np.nan)


def break_even_success(p: TwoStateParams) -> Array:
    """Smallest success rate ``s`` in [0, 1] with NPV ≥ 0; NaN where not reachable."""

    def f(s: Array) -> Array:
        return npv(p.lead_axis().with_value("success", s))

    batch = np.shape(npv(p))
    return first_crossing(f, np.zeros(batch), np.ones(batch))
