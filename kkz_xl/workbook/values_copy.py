"""``kkz raport``: the values-only copy of a filled calculator (every number computed by the
engine, formatting and charts kept), its parameter ranking computed from the workbook's own
inputs. Apart from ``report`` because the inputs become a scenario here (``scenario`` reads a
workbook with ``report.read_inputs``)."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

from kkz_xl.errors import InputError
from kkz_xl.params.base import default_base
from kkz_xl.workbook.build import write_workbook
from kkz_xl.workbook.report import read_inputs
from kkz_xl.workbook.scenario import scenario_of


def values_report(source: Path, output: Path | None = None) -> Path:
    """The values-only copy of the calculator at ``source`` (default: ``NAME_raport.xlsx``)."""
    source = Path(source)
    output = Path(output) if output else source.with_name(f"{source.stem}_raport.xlsx")
    if output.suffix.lower() != ".xlsx":
        raise InputError("plik wynikowy", "raport z wartościami zapisuje się jako .xlsx")
    base = default_base()
    data = read_inputs(source, base)
    if any(i.persons for i in data.issues):
        # Niepewność ranks the parameters of these inputs (an unknown programme: no
        # scenario; the sheets flag it and the ranking's note says what to run).
        with contextlib.suppress(InputError):
            data = replace(data, scenario=scenario_of(data, base))
    path, _ = write_workbook(output, data, values=True)
    return path
