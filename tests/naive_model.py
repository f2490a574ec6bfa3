"""A straightforward scalar implementation of the two-state model, written from ``docs/metoda.md``
independently of the engine: the oracle of property tests and the per-draw baseline of the
Monte Carlo benchmark. Deliberately plain Python, one person-group and one year at a time."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from kkz_xl.model.inputs import GainLine, IssueInputs
from kkz_xl.model.payers import PAYERS


@dataclass
class Naive:
    N: float
    c: list[list[float]]  # per payer, per year: cost of a dependent person
    q: float
    s: float
    c_p: float
    T: int
    rho: float
    e: float = 1.0
    r: float = 0.0
    a: float = 0.0
    R: bool = False
    g: list[list[float]] = field(default_factory=list)  # per payer, per year: gain
    f: list[float] = field(default_factory=lambda: [1.0, 0.0, 0.0, 0.0, 0.0])

    def payer_npv(self) -> list[float]:
        """Σ_t DF_t·(Z^k_t − A^k_t) for each payer k."""
        gains = self.g or [[0.0] * self.T for _ in self.c]
        out = [0.0] * len(self.c)
        for programme in (False, True):
            d, i = self.N, 0.0
            for t in range(self.T):
                p = self.e * d if programme and (self.R or t == 0) else 0.0
                df = (1 + self.rho) ** -t
                for k in range(len(self.c)):
                    flow = d * self.c[k][t] - i * gains[k][t] + (
                        self.f[k] * p * self.c_p if programme else 0.0)
                    out[k] += df * flow * (-1 if programme else 1)
                exits = self.q * d + self.s * (1 - self.q) * p
                d, i = d - exits + self.r * i + self.a, i + exits - self.r * i
        return out

    def npv(self) -> float:
        return sum(self.payer_npv())


def per_draw_monte_carlo(base: Naive, n: int, cv: float, seed: int) -> list[float]:
    """The straightforward way: one draw, one scalar model run, in a Python loop."""
    rng = random.Random(seed)

    def beta(m: float) -> float:
        if m <= 0 or m >= 1:
            return m
        var = min((cv * m) ** 2, 0.95 * m * (1 - m))
        k = m * (1 - m) / var - 1
        return rng.betavariate(m * k, (1 - m) * k)

    def gamma(m: float) -> float:
        return rng.gammavariate(1 / cv**2, m * cv**2) if m > 0 else m

    out = []
    for _ in range(n):
        mult = [gamma(1.0) for _ in base.c]
        model = Naive(
            N=base.N, c=[[x * m for x in row] for row, m in zip(base.c, mult, strict=True)],
            q=beta(base.q), s=beta(base.s), c_p=gamma(base.c_p), T=base.T, rho=base.rho,
            e=beta(base.e), r=beta(base.r), a=base.a, R=base.R, g=base.g, f=base.f,
        )
        out.append(model.npv())
    return out


def naive_of(item: IssueInputs, years: int, rho: float) -> Naive:
    """The scalar model of validated inputs (cost lines summed per payer)."""

    def per_payer(lines: list[GainLine]) -> list[list[float]]:
        out = [[0.0] * years for _ in PAYERS]
        for line in lines:
            k = PAYERS.index(line.payer)
            out[k] = [a + b for a, b in zip(out[k], line.series(years), strict=True)]
        return out

    return Naive(N=item.persons, c=per_payer(item.costs), q=item.exit_rate, s=item.success,
                 c_p=item.programme_cost, T=years, rho=rho, e=item.coverage, r=item.relapse,
                 a=item.inflow, R=item.repeat, g=per_payer(item.gains),
                 f=[item.financing.get(p, 0.0) for p in PAYERS])
