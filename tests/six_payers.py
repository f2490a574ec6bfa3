"""Run in a fresh process by ``test_workbook_layout.py``: the payers list with a sixth payer
(PFRON) patched in before anything binds it, then the sample's workbook built with formulas
and with values; prints what the test checks as JSON."""
# ruff: noqa: E402 - the imports after the patch are the point of this script

import enum
import json
import sys
from dataclasses import replace
from pathlib import Path

import kkz_xl.model.payers as P  # noqa: N812


class Payer(enum.StrEnum):
    GMINA = "gmina"
    POWIAT = "powiat"
    BUDZET_PANSTWA = "budzet_panstwa"
    NFZ = "nfz"
    ZUS_FP = "zus_fp"
    PFRON = "pfron"

P.Payer = Payer
P.PAYERS = tuple(Payer)
P.PAYER_LABELS = {**{Payer(k.value): v for k, v in P.PAYER_LABELS.items()}, Payer.PFRON: "PFRON"}
P.N_PAYERS = len(P.PAYERS)

import openpyxl

from kkz_xl.engine.run import run_scenario
from kkz_xl.model.scenario import Scenario
from kkz_xl.workbook import from_scenario, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.context import COL_COST0, COL_EXIT, COL_NPV

out = Path(sys.argv[1])
sample = Path(sys.argv[2])
scenario = Scenario.load(sample)
data = from_scenario(scenario)
data = replace(data, draws=200)
book, _ = write_workbook(out / "k.xlsm", data)
values, _ = write_workbook(out / "v.xlsx", data, values=True)
result = run_scenario(scenario, monte_carlo_draws=0,
                      with_tornado=False)  # as kkz oblicz: the five on their multi-state models
calc = openpyxl.load_workbook(values)[L.CALC]
cached = openpyxl.load_workbook(book, data_only=True)[L.CALC]
formulas = openpyxl.load_workbook(book)[L.CALC]
codes = [i.code for i in data.issues]
rows = {i.code: L.CALC_FIRST_ROW + codes.index(i.code) for i in result.issues}
print(json.dumps({
    "headers": [calc.cell(row=L.CALC_HEADER_ROW, column=c).value
                for c in (COL_COST0 + 5, COL_EXIT)],
    "npv": {c: [calc.cell(row=r, column=COL_NPV).value, cached.cell(row=r, column=COL_NPV).value,
                result.issue(c).npv] for c, r in rows.items()},
    "formula": formulas.cell(row=rows["bezrobocie"], column=COL_NPV).value,
    "payers": [c.value for c in openpyxl.load_workbook(values)[L.PAYERS][5]][:9],
}, ensure_ascii=False))
