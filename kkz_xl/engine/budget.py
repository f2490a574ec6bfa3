"""The yearly budget of a strategy: programme costs per calendar year, payer and price basis.

The engine's flows are in constant prices of the price year and per analysis year (1 … T).
A treasurer needs the programme's outlays per calendar year of the strategy, split by who
finances them, in prices of each year (nominal). This module turns one issue's yearly
programme cost into that table:

* ``by_payer[t, k] = programme[t] · share[k]`` (the programme's ``finansowanie``);
* ``nominal[t, k] = by_payer[t, k] · (1 + i)^(year_t − price_year)``, ``i`` the indexation
  assumption of the parameter base (``general.yaml: indeksacja``).

The JST's obligatory costs (the benefits and services the law requires whatever it decides:
the issue's cost lines, not its gain lines) get the same treatment, for both futures, so a
document never computes a figure itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kkz_xl.engine.cohort import Array
from kkz_xl.model.payers import N_PAYERS, Payer, payer_index


@dataclass(frozen=True)
class YearlyBudget:
    """One issue's money per calendar year (rows) and payer (columns, contract order)."""

    years: Array  # (T,) calendar years
    index: Array  # (T,) price index relative to the price year
    programme: Array  # (T, K) programme cost by financing payer, constant prices
    programme_nominal: Array  # (T, K) the same in prices of each year
    obligatory_z_nominal: Array  # (T, K) cost lines without the programme, nominal (no gains)
    obligatory_a_nominal: Array  # (T, K) the same with the programme (programme excluded)


def financing_vector(financing: dict[Payer, float]) -> Array:
    """The programme's financing shares as a vector in the payers' contract order."""
    out = np.zeros(N_PAYERS)
    for payer, share in financing.items():
        out[payer_index(payer)] = share
    return out


def price_index(first_year: int, years: int, price_year: int, indexation: float) -> Array:
    """``(1 + i)^(year − price_year)`` for each calendar year of the period."""
    calendar = first_year + np.arange(years)
    return (1.0 + indexation) ** (calendar - price_year)


def cost_line_payers(lines: Sequence[Any]) -> Array:
    """``(L, K)``: each cost line's payer as a one-hot row; gain lines (revenue, not the
    cost of a task) get a zero row, so ``line_costs @ cost_line_payers`` is the cost by payer."""
    out = np.zeros((len(lines), N_PAYERS))
    for j, line in enumerate(lines):
        if not line.gain:
            out[j, payer_index(line.payer)] = 1.0
    return out


def yearly_budget(programme: Array, financing: dict[Payer, float], line_z: Array,
                  line_a: Array, line_payers: Array, *, first_year: int, price_year: int,
                  indexation: float) -> YearlyBudget:
    """The yearly budget of one issue: ``programme`` (T,), the cost lines of both futures
    ``line_z``/``line_a`` (T, L) and their payers ``line_payers`` (L, K) from
    :func:`cost_line_payers`."""
    programme = np.asarray(programme, float)
    years = programme.shape[0]
    index = price_index(first_year, years, price_year, indexation)
    by_payer = programme[:, None] * financing_vector(financing)[None, :]
    payers = np.asarray(line_payers, float)
    return YearlyBudget(
        years=first_year + np.arange(years),
        index=index,
        programme=by_payer,
        programme_nominal=by_payer * index[:, None],
        obligatory_z_nominal=(np.asarray(line_z, float) @ payers) * index[:, None],
        obligatory_a_nominal=(np.asarray(line_a, float) @ payers) * index[:, None],
    )
