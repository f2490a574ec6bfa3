"""Writing a scenario's results to CSV, JSON or XLSX (atomically, nothing half-written)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from kkz_xl.engine.run import ScenarioResult
from kkz_xl.errors import InputError
from kkz_xl.reporting import tables
from kkz_xl.storage.atomic import atomic_write, atomic_write_bytes
from kkz_xl.storage.safe_text import csv_safe, keep_text

FORMATS = (".csv", ".json", ".xlsx")


def sheets(result: ScenarioResult) -> dict[str, pd.DataFrame]:
    """Named tables of the results (the sheets of an XLSX export)."""
    return {
        "Podsumowanie": tables.summary(result),
        "Przepływy": tables.all_flows(result),
        "Płatnicy": tables.payers(result),
        "Korzyści": tables.gains(result),
        "Korzyści według płatnika": tables.payer_gains(result),
        "Budżet": tables.budget(result),
    }


def _jsonable(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def to_json(result: ScenarioResult) -> dict:
    """The results as plain data: scenario, settings, and each table as a list of records."""
    out: dict = {
        "jst": result.scenario.jst.model_dump(by_alias=True),
        "rok_cen": result.price_year,
        "horyzont": result.horizon,
        "stopa": result.rate,
    }
    for name, df in sheets(result).items():
        records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
        out[name] = [{k: _jsonable(v) for k, v in rec.items()} for rec in records]
    return out


def _csv(df: pd.DataFrame) -> str:
    """CSV for Polish Excel; text such as a JST named ``=HYPERLINK(…)`` stays text."""
    safe = df.rename(columns=csv_safe)
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):  # numbers keep the decimal comma
            safe[name] = safe[name].map(csv_safe)
    return safe.to_csv(sep=";", decimal=",", index=False)


def write(result: ScenarioResult, path: Path) -> Path:
    """Write by the file's extension: CSV (the summary; semicolon, as Polish Excel expects),
    JSON (everything) or XLSX (a sheet per table)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = _csv(tables.summary(result))
        atomic_write_bytes(path, text.encode("utf-8-sig"))
    elif suffix == ".json":
        text = json.dumps(to_json(result), ensure_ascii=False, indent=2)
        atomic_write_bytes(path, text.encode("utf-8"))
    elif suffix == ".xlsx":
        def write_xlsx(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, df in sheets(result).items():
                    df.to_excel(writer, sheet_name=name, index=False)
                keep_text(writer.book)  # data only: a formula here came from a text
        atomic_write(path, write_xlsx)
    else:
        raise _unsupported(suffix)
    return path


def write_many(results: list[ScenarioResult], path: Path) -> Path:
    """Several JSTs: CSV (one row per JST), JSON (each JST's full results) or XLSX (sheets
    "JST" and "Kwestie")."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = _csv(tables.by_jst(results))
        atomic_write_bytes(path, text.encode("utf-8-sig"))
    elif suffix == ".json":
        text = json.dumps([to_json(r) for r in results], ensure_ascii=False, indent=2)
        atomic_write_bytes(path, text.encode("utf-8"))
    elif suffix == ".xlsx":
        def write_xlsx(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                tables.by_jst(results).to_excel(writer, sheet_name="JST", index=False)
                tables.issues_of_many(results).to_excel(writer, sheet_name="Kwestie",
                                                        index=False)
                keep_text(writer.book)  # data only: a formula here came from a text
        atomic_write(path, write_xlsx)
    else:
        raise _unsupported(suffix)
    return path


def _unsupported(suffix: str) -> InputError:
    return InputError("plik", f"nieobsługiwany format {suffix or '(brak rozszerzenia)'}; "
                              f"dozwolone: {', '.join(FORMATS)}")
