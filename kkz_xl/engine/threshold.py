"""Where NPV crosses zero as one input moves: break-even success rate, switching values."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kkz_xl.engine.cohort import Array
from kkz_xl.engine.two_state import TwoStateParams, npv

GRID = 65
REFINE_POINTS = 33
REFINE_ROUNDS = 5  # each round narrows a bracket 32×: 32^5 ≈ 3·10^7
FULL_ROUNDS = 11  # 32^11 = 2^55: the bracket shrinks below 1e-16 of its width


def refine(f: Callable[[Array], Array], a: Array, b: Array) -> Array:
    """The end on ``b``'s side of each bracket ``[a, b]`` (arrays, one per element) where
    ``f`` changes sign, to full precision: where ``f`` leaves ``a``'s sign (a zero counts as
    the far side). Successive grids (:func:`refine_grid`, ``FULL_ROUNDS``): a dozen
    vectorised calls of ``f`` instead of some fifty halvings, each call's cost being mostly
    per call for a small model."""
    return refine_grid(f, a, b, FULL_ROUNDS)


def refine_grid(f: Callable[[Array], Array], a: Array, b: Array,
                rounds: int = REFINE_ROUNDS) -> Array:
    """As :func:`refine`, to ``32^-rounds`` of the bracket: ``rounds + 1`` vectorised calls
    of ``f`` (each on ``REFINE_POINTS`` points per bracket); fewer rounds for models whose
    every call is costly (multi-state models)."""
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    a, b = a.copy(), b.copy()
    side = np.sign(f(a[None])[0])
    steps = np.linspace(0.0, 1.0, REFINE_POINTS).reshape((REFINE_POINTS,) + (1,) * a.ndim)
    for _ in range(rounds):
        grid = a + steps * (b - a)
        other = np.sign(f(grid)) != side
        other[-1] = True  # the bracket's far end is on the other side
        k = np.maximum(np.argmax(other, axis=0), 1)
        a = np.take_along_axis(grid, (k - 1)[None], 0)[0]
        b = np.take_along_axis(grid, k[None], 0)[0]
    return b


def first_crossing(f: Callable[[Array], Array], lo: Array, hi: Array) -> Array:
    """Smallest ``x`` in ``[lo, hi]`` with ``f(x) ≥ 0``, per batch element; NaN where none.

    ``f`` maps ``x`` of shape ``(G, ...)`` to values of the same shape, so every grid point
    and batch element is evaluated in one vectorised call. A grid locates the first bracket,
    successive grids refine it; a non-monotone ``f`` still yields the smallest crossing on the grid.
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
    # f(lower) < 0 ≤ f(upper) where a crossing was found after the start; the rest are
    # refined harmlessly (their result is replaced below).
    upper = refine(f, lower, upper)
    return np.where(found, np.where(at_start, lo, upper), np.nan)


def sign_changes(f: Callable[[Array], Array], lo: float, hi: float, grid: int,
                 also: float | None = None,
                 refiner: Callable[[Callable[[Array], Array], Array, Array], Array] = refine,
                 ) -> Array:
    """Every value in ``[lo, hi]`` where the scalar function ``f`` changes sign, found on a
    grid of ``grid`` points (plus ``also``) and refined by :func:`refine`. A zero that is not
    a change of sign (``f`` only touching 0, e.g. at the domain's edge) is none."""
    xs = np.linspace(lo, hi, grid)
    if also is not None:
        xs = np.union1d(xs, [also])
    ys = f(xs)
    keep = ys != 0
    xs, ys = xs[keep], ys[keep]
    brackets = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) < 0)
    if brackets.size == 0:
        return np.empty(0)
    return refiner(f, xs[brackets], xs[brackets + 1])


def break_even_success(p: TwoStateParams) -> Array:
    """Smallest success rate ``s`` in [0, 1] with NPV ≥ 0; NaN where not reachable."""

    def f(s: Array) -> Array:
        return npv(p.lead_axis().with_value("success", s))

    batch = np.shape(npv(p))
    return first_crossing(f, np.zeros(batch), np.ones(batch))
