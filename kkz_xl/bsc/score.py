"""Scores and traffic lights of the Balanced Scorecard.

An indicator's score is how much of its target is reached, between 0 and 1:
``wartość / cel`` when more is better, ``cel / wartość`` when less is better (a value of 0 then
scores 1). A missing value has no score: it is left out of the weighted scores (with its weight)
and reported as "brak danych", never counted as 0. A weighted score is ``Σ waga·wynik / Σ waga``
over the measured indicators. The light is green from the green threshold up, yellow from the
yellow one, red below.

Example: values (45, 8), targets (50, 10), more-is-better and less-is-better, weights (2, 1):
scores 0,9 and 1 → (2·0,9 + 1·1) / 3 = 0,9333 → green at 0,9. With the second value missing:
0,9 (weight 2 only), one indicator reported as missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from kkz_xl.bsc.criteria import Thresholds
from kkz_xl.bsc.labels import Direction, Light
from kkz_xl.errors import InputError


def indicator_score(value: float | None, target: float, direction: Direction) -> float | None:
    """Share of the target reached, clipped to [0, 1]; ``None`` when the value is missing."""
    if value is None:
        return None
    if direction is Direction.WYZEJ:
        ratio = 1.0 if target <= 0 else value / target
    else:
        ratio = 1.0 if value <= 0 else target / value
    return min(1.0, max(0.0, ratio))


def weighted_score(
    values: Sequence[float | None], targets: Sequence[float], weights: Sequence[float],
    directions: Sequence[Direction],
) -> float:
    """``Σ w·score / Σ w`` over the indicators that have a value (missing ones left out)."""
    n = len(values)
    if not n or len(targets) != n or len(weights) != n or len(directions) != n:
        raise InputError("wartosci", "wartości, cele, wagi i kierunki muszą mieć tyle samo pozycji "
                         f"(otrzymano {len(values)}, {len(targets)}, {len(weights)}, "
                         f"{len(directions)})")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise InputError("wagi", "wagi muszą być ≥ 0, a ich suma większa od 0")
    scored = [(w, indicator_score(v, t, d))
              for v, t, w, d in zip(values, targets, weights, directions, strict=True)]
    measured = [(w, s) for w, s in scored if s is not None]
    total_weight = sum(w for w, _s in measured)
    if total_weight <= 0:
        raise InputError("wartosci", "brak danych: żaden wskaźnik (o wadze > 0) nie ma wartości, "
                         "więc wyniku nie da się policzyć")
    return sum(w * s for w, s in measured) / total_weight


def traffic_light(score: float, thresholds: Thresholds | None = None) -> Light:
    """Green, yellow or red for a 0–1 score."""
    th = thresholds or Thresholds()
    if score >= th.zielony:
        return Light.ZIELONE
    if score >= th.zolty:
        return Light.ZOLTE
    return Light.CZERWONE
