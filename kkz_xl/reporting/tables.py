"""Results as tables with Polish headers (pandas), read the same way by the CLI, exports,
workbooks and documents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kkz_xl.engine.run import IssueResult, ScenarioResult
from kkz_xl.engine.tornado import TornadoRow
from kkz_xl.model.labels import FLOW_COLUMNS, GAIN_LINE, GAIN_NPV, GAINS_HEADER, INPUT_LABELS
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, payer_index

SUMMARY_COLUMNS = {
    "code": "kod",
    "name": "kwestia",
    "persons": "osoby",
    "programme": "program",
    "npv": "koszt zaniechania (NPV)",
    "npv_gains": GAIN_NPV,
    "pv_z": "PV kosztów zaniechania",
    "pv_a": "PV kosztów działania",
    "pv_programme": "PV kosztu programu",
    "bcr": "BCR",
    "roi": "ROI",
    "break_even_year": "rok zwrotu",
    "payback": "okres zwrotu (lata)",
    "break_even_success": "próg skuteczności",
    "mc_mean": "MC średnia",
    "mc_p5": "MC p5",
    "mc_p95": "MC p95",
    "prob_positive": "P(NPV > 0)",
}
OUTSIDE_BUDGET = "poza klasyfikacją budżetową"


def summary(result: ScenarioResult) -> pd.DataFrame:
    """One row per issue, then ``RAZEM``."""
    rows = []
    for r in result.issues:
        mc = r.monte_carlo
        rows.append({
            "code": r.code, "name": r.name, "persons": r.inputs.persons,
            "programme": r.inputs.programme_name, "npv": r.npv, "npv_gains": r.npv_gains,
            "pv_z": r.pv_z,
            "pv_a": r.pv_a, "pv_programme": r.pv_programme, "bcr": r.bcr, "roi": r.roi,
            "break_even_year": r.break_even_year, "payback": r.payback,
            "break_even_success": r.break_even_success,
            "mc_mean": mc.mean if mc else None, "mc_p5": mc.p5 if mc else None,
            "mc_p95": mc.p95 if mc else None, "prob_positive": mc.prob_positive if mc else None,
        })
    t = result.totals
    tmc = t.monte_carlo
    rows.append({
        "code": "RAZEM", "name": "Razem", "persons": sum(r.inputs.persons for r in result.issues),
        "programme": "", "npv": t.npv, "npv_gains": t.npv_gains, "pv_z": t.pv_z, "pv_a": t.pv_a,
        "pv_programme": t.pv_programme, "bcr": t.bcr, "roi": t.roi,
        "break_even_year": t.break_even_year, "payback": None, "break_even_success": None,
        "mc_mean": tmc.mean if tmc else None, "mc_p5": tmc.p5 if tmc else None,
        "mc_p95": tmc.p95 if tmc else None, "prob_positive": tmc.prob_positive if tmc else None,
    })
    return pd.DataFrame(rows).rename(columns=SUMMARY_COLUMNS)


def by_jst(results: list[ScenarioResult]) -> pd.DataFrame:
    """One row per JST (its totals over issues), for a regional centre's overview."""
    rows = []
    for res in results:
        t, jst = res.totals, res.scenario.jst
        rows.append({
            "JST": jst.name, "TERYT": jst.teryt, "rodzaj": jst.kind,
            "osoby": sum(r.inputs.persons for r in res.issues),
            "koszt zaniechania (NPV)": t.npv, "PV kosztu programu": t.pv_programme,
            "BCR": t.bcr, "rok zwrotu": t.break_even_year,
            "P(NPV > 0)": t.monte_carlo.prob_positive if t.monte_carlo else None,
        })
    return pd.DataFrame(rows)


def issues_of_many(results: list[ScenarioResult]) -> pd.DataFrame:
    """Every JST's per-issue summary (without its RAZEM row), the JST first."""
    frames = [summary(res).iloc[:-1].assign(JST=res.scenario.jst.name,
                                            TERYT=res.scenario.jst.teryt)
              for res in results]
    df = pd.concat(frames, ignore_index=True)
    return df[["JST", "TERYT", *[c for c in df.columns if c not in ("JST", "TERYT")]]]


def flows(r: IssueResult) -> pd.DataFrame:
    """Year by year (the columns of KKZ_PRZEPLYWY) plus self-reliant persons and participants."""
    diff = r.cost_z - r.cost_a
    data = {
        FLOW_COLUMNS[0]: np.arange(1, r.years + 1),
        FLOW_COLUMNS[1]: r.dependent_z,
        FLOW_COLUMNS[2]: r.dependent_a,
        FLOW_COLUMNS[3]: r.cost_z,
        FLOW_COLUMNS[4]: r.cost_a,
        FLOW_COLUMNS[5]: r.programme,
        FLOW_COLUMNS[6]: diff,
        FLOW_COLUMNS[7]: r.cumulative,
        "osoby samodzielne – zaniechanie": r.independent_z,
        "osoby samodzielne – działanie": r.independent_a,
        "uczestnicy programu": r.participants,
        "współczynnik dyskontowy": r.discount,
        "korzyści fiskalne – zaniechanie": r.gains_z.sum(-1),
        "korzyści fiskalne – działanie": r.gains_a.sum(-1),
    }
    return pd.DataFrame(data)


def all_flows(result: ScenarioResult) -> pd.DataFrame:
    """``flows`` of every issue, stacked, with the issue's code first."""
    frames = [flows(r).assign(kod=r.code) for r in result.issues]
    df = pd.concat(frames, ignore_index=True)
    return df[["kod", *[c for c in df.columns if c != "kod"]]]


def payers(result: ScenarioResult) -> pd.DataFrame:
    """Who pays, who saves: NPV per payer and issue, and the total."""
    rows = []
    for r in result.issues:
        rows.append({"kod": r.code, **{PAYER_LABELS[p]: v for p, v in
                                         zip(PAYERS, r.npv_by_payer, strict=True)}})
    rows.append({"kod": "RAZEM", **{PAYER_LABELS[p]: v for p, v in
                                      zip(PAYERS, result.totals.npv_by_payer, strict=True)}})
    return pd.DataFrame(rows)


def payer_gains(result: ScenarioResult) -> pd.DataFrame:
    """The part of each payer's NPV that comes from fiscal gains, per issue and in total."""
    rows = [{"kod": r.code, **{PAYER_LABELS[p]: v for p, v in
                               zip(PAYERS, r.npv_gains_by_payer, strict=True)}}
            for r in result.issues]
    rows.append({"kod": "RAZEM", **{PAYER_LABELS[p]: v for p, v in
                                    zip(PAYERS, result.totals.npv_gains_by_payer, strict=True)}})
    return pd.DataFrame(rows)


def gains(result: ScenarioResult) -> pd.DataFrame:
    """Every fiscal-gain line (korzyść) of every issue: its payer and present value in both
    futures; the difference is the line's part of the NPV."""
    rows = [dict(zip(GAINS_HEADER, (r.code, line.name, PAYER_LABELS[line.payer], pv_z, pv_a,
                                    pv_a - pv_z), strict=True))
            for r in result.issues for line, pv_z, pv_a in r.gain_line_pv]
    return pd.DataFrame(rows, columns=list(GAINS_HEADER))


def budget(result: ScenarioResult) -> pd.DataFrame:
    """Costs by year, payer and budget line (dział, rozdział) in both futures, the way a
    treasurer reads a budget; the programme's cost sits in its own rozdział. Fiscal gains are
    rows of their own (``rodzaj``), as negative spending, so that every column still adds up to
    the futures' costs."""
    rows = []
    for r in result.issues:
        for j, line in enumerate(r.lines):
            kind = GAIN_LINE if line.gain else "wydatek"
            for t in range(r.years):
                rows.append((t + 1, line.payer, line.rozdzial, kind, r.code,
                             float(r.line_z[t, j]), float(r.line_a[t, j])))
        for payer, share in r.inputs.financing.items():
            for t in range(r.years):
                rows.append((t + 1, payer, r.inputs.programme_rozdzial, "wydatek", r.code, 0.0,
                             float(r.programme[t]) * share))
    df = pd.DataFrame(rows, columns=["rok", "payer", "rozdział", "rodzaj", "kod", "z", "a"])
    df["rozdział"] = df["rozdział"].fillna(OUTSIDE_BUDGET)
    df["dział"] = df["rozdział"].map(lambda x: x[:3] if x[:3].isdigit() else OUTSIDE_BUDGET)
    df["order"] = df["payer"].map(payer_index)
    df["płatnik"] = df["payer"].map(PAYER_LABELS)
    out = (df.groupby(["rok", "order", "płatnik", "dział", "rozdział", "rodzaj"],
                      as_index=False)[["z", "a"]].sum().drop(columns="order"))
    out = out.rename(columns={"z": "wydatki – zaniechanie", "a": "wydatki – działanie"})
    out["różnica"] = out["wydatki – zaniechanie"] - out["wydatki – działanie"]
    return out


#: Tornado rows a chart or a sheet shows per issue, widest swing first.
TORNADO_ROWS = 6


def tornado_label(row: TornadoRow, r: IssueResult) -> str:
    """A tornado row's Polish name: the input's, a cost or gain line's own name after it
    (``cost_mult[k]``), a multi-state transition by its states (``transition[k]``)."""
    key = row.name.split("[", 1)[0]
    name = INPUT_LABELS.get(key, row.name)
    if row.line is not None and row.line < len(r.lines):
        return f"{name}: {r.lines[row.line].name}"
    states = getattr(r, "states", None)
    if key == "transition" and states is not None:
        try:
            return f"{name}: {states.edge_labels[int(row.name[len(key) + 1:-1])]}"
        except (ValueError, IndexError):
            return name
    return name


def tornado(r: IssueResult) -> pd.DataFrame:
    """The issue's tornado rows with Polish input names."""
    rows = []
    for row in r.tornado:
        rows.append({"parametr": tornado_label(row, r), "wartość": row.point,
                     "niska": row.low, "wysoka": row.high, "NPV przy niskiej": row.npv_low,
                     "NPV przy wysokiej": row.npv_high, "rozpiętość": row.swing,
                     "wartość progowa (NPV = 0)": row.switching})
    return pd.DataFrame(rows)
