"""Running a general-form issue (``kkz_xl.model.general``) through the cohort engine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kkz_xl.engine.cohort import CohortModel, Flows, simulate
from kkz_xl.engine.indicators import Indicators, indicators
from kkz_xl.model.general import GeneralIssue
from kkz_xl.model.payers import N_PAYERS, payer_index


def to_cohort(spec: GeneralIssue) -> CohortModel:
    """The engine's arrays of a general-form issue (a batch of one)."""
    years, states = spec.horizon, len(spec.states)
    t = np.arange(years)
    programme_year = np.full(years, True) if spec.repeat else t == 0
    trans_z = np.broadcast_to(np.array(spec.trans_z, dtype=float), (years, states, states))
    trans_a = np.where(programme_year[:, None, None], np.array(spec.trans_a, dtype=float),
                       np.array(spec.trans_z, dtype=float))
    inflow = np.zeros((years, states))
    inflow[1:] = np.array(spec.inflow or [0.0] * states, dtype=float)
    amounts = np.array([c.amounts for c in spec.costs], dtype=float).T  # (S, L)
    profiles = np.array([c.multipliers(years) for c in spec.costs], dtype=float).T  # (T, L)
    line_payer = np.zeros((len(spec.costs), N_PAYERS))
    for j, c in enumerate(spec.costs):
        line_payer[j, payer_index(c.payer)] = 1.0
    financing = np.zeros(N_PAYERS)
    for payer, share in spec.financing.items():
        financing[payer_index(payer)] = share
    return CohortModel(
        initial=np.array(spec.persons, dtype=float),
        trans_z=trans_z,
        trans_a=trans_a,
        inflow=inflow,
        state_cost=amounts[None, :, :] * profiles[:, None, :],
        line_payer=line_payer,
        enrol=np.array(spec.enrol, dtype=float) * programme_year[:, None],
        programme_cost=np.asarray(spec.programme_cost, dtype=float),
        financing=financing,
        rate=np.asarray(spec.rate, dtype=float),
    )


@dataclass(frozen=True)
class GeneralResult:
    """Every figure of a general-form issue: counts per state, costs per line and payer."""

    spec: GeneralIssue
    flows: Flows
    indicators: Indicators

    @property
    def gross_savings(self) -> float:
        """Discounted obligatory costs of inaction minus those of action (model.md)."""
        diff = (self.flows.line_z - self.flows.line_a).sum(-1)
        return float((diff * self.flows.discount).sum())

    @property
    def net_savings(self) -> float:
        """Gross savings minus the discounted cost of the optional measures: the NPV."""
        return float(self.indicators.npv)


def run_general(spec: GeneralIssue) -> GeneralResult:
    """Simulate both futures of ``spec`` and compute the indicators."""
    flows = simulate(to_cohort(spec))
    return GeneralResult(spec, flows, indicators(flows))
