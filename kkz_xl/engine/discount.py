"""Discounting: year 0 is not discounted (numpy-financial's ``npv`` convention, not Excel's NPV)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def discount_factors(rate: ArrayLike, years: int) -> NDArray[np.float64]:
    """``DF_t = (1 + rate)^(-t)`` for ``t = 0 … years-1``, shape ``rate.shape + (years,)``.

    >>> discount_factors(0.1, 3).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    r = np.asarray(rate, dtype=float)[..., None]
    return (1.0 + r) ** -np.arange(years, dtype=float)


def npv(rate: float, values: ArrayLike) -> float:
    """Present value of ``values`` (first value at t = 0, undiscounted).

    >>> npv(0.0, [1.0, 2.0, 3.0])
    6.0
    >>> round(npv(0.1, [-100.0, 110.0]), 10)
    0.0
    """
    v = np.asarray(values, dtype=float)
    return float(np.sum(v * discount_factors(rate, v.shape[-1]), axis=-1))
