"""Filling the calculator from a JST's own figures: a CSV or XLSX table of counts per reason
of assistance, as in the MRPiPS-03 report and the OZPS (``Powód…``, ``liczba rodzin``,
``liczba osób w rodzinach``), or simply ``kod``/``kwestia`` and ``osoby``.

Which count is used: a column of persons (``osoby``) when the file has one; otherwise the
number of families (benefits are granted to a family, so it is the closer proxy of one
beneficiary than every member of the household), then persons in families. Rows of one issue
add up (alkoholizm + narkomania). The report says which count, row by row.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl

from kkz_xl.errors import InputError
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.workbook.inputs import WorkbookInputs

KEY_COLUMNS = ("kod", "kwestia", "powod", "powody", "przyczyna", "problem")
PERSON_COLUMNS = ("osoby", "liczba osob", "osob")
FAMILY_COLUMNS = ("rodziny", "liczba rodzin", "rodzin")
FAMILY_PERSON_COLUMNS = ("liczba osob w rodzinach", "osoby w rodzinach", "osob w rodzinach")
INFLOW_COLUMNS = ("naplyw",)


def _norm(text: object) -> str:
    s = unicodedata.normalize("NFKD", str(text or "").replace("ł", "l").replace("Ł", "L"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", s).strip()


def _number(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


@dataclass
class FillReport:
    """What was filled from the file and what is missing, in Polish, line by line."""

    filled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["Wypełniono:"] + [f"  • {x}" for x in self.filled or ["nic"]]
        if self.missing:
            out += ["Brak danych (kwestia pominięta – wpisz liczbę osób w Kalkulatorze):"]
            out += [f"  • {x}" for x in self.missing]
        if self.skipped:
            out += ["Pominięte wiersze pliku:"] + [f"  • {x}" for x in self.skipped]
        return out


def read_rows(path: Path) -> list[list[object]]:
    """The file's rows (CSV with ; or , separators, or the first sheet of an XLSX)."""
    path = Path(path)
    if not path.exists():
        raise InputError("dane", f"nie znaleziono pliku {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    if path.suffix.lower() != ".csv":
        raise InputError("dane", f"obsługiwane są pliki CSV i XLSX, otrzymano {path.name}")
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    return [list(r) for r in csv.reader(text.splitlines(), dialect)]


def _find(header: list[str], names: tuple[str, ...], *, exact: bool = False) -> int | None:
    for i, h in enumerate(header):
        if any((h == n) if exact else h.startswith(n) for n in names):
            return i
    return None


def fill_from_table(data: WorkbookInputs, path: Path,
                    base: ParameterBase | None = None) -> tuple[WorkbookInputs, FillReport]:
    """``data`` with persons (and inflow) per issue from the table at ``path``."""
    base = base or default_base()
    rows = read_rows(path)
    report = FillReport()
    head_at = next((i for i, r in enumerate(rows)
                    if _find([_norm(c) for c in r], KEY_COLUMNS) is not None), None)
    if head_at is None:
        raise InputError("dane", "nie znaleziono wiersza nagłówka z kolumną „kod”, „kwestia” "
                                 "lub „powód” (przyczyna przyznania pomocy)")
    header = [_norm(c) for c in rows[head_at]]
    key = _find(header, KEY_COLUMNS)
    family_persons = _find(header, FAMILY_PERSON_COLUMNS)
    persons = _find(header, PERSON_COLUMNS, exact=True)
    families = _find(header, FAMILY_COLUMNS)
    inflow = _find(header, INFLOW_COLUMNS)
    if persons is None and families is None and family_persons is None:
        raise InputError("dane", "brak kolumny z liczbą osób („osoby”) ani rodzin („liczba "
                                 "rodzin”, „liczba osób w rodzinach”)")
    # Persons when given; otherwise families, then persons in families (see the docstring).
    order = [(c, name) for c, name in ((persons, "osoby"), (families, "liczba rodzin"),
                                       (family_persons, "liczba osób w rodzinach"))
             if c is not None]
    counts: dict[str, float] = {}
    inflows: dict[str, float] = {}
    sources: dict[str, list[str]] = {}
    for n, row in enumerate(rows[head_at + 1:], start=head_at + 2):
        if key >= len(row) or not str(row[key] or "").strip():
            continue
        label = str(row[key]).strip()
        text = _norm(label)
        # Reasons of assistance as the MRPiPS-03 report words them: each issue's file lists them.
        code = text if text in base.issues else next(
            (c for pattern, c in base.mrpips03_reasons() if pattern in text), None)
        if code is None or code not in base.issues:
            report.skipped.append(f"wiersz {n}: „{label}” – nie odpowiada żadnej kwestii")
            continue
        value, what = None, ""
        for column, name in order:
            value = _number(row[column]) if column < len(row) else None
            if value is not None:
                what = name
                break
        if value is None or value < 0:
            report.skipped.append(f"wiersz {n}: „{label}” – brak liczby (oczekiwano liczby ≥ 0)")
            continue
        counts[code] = counts.get(code, 0.0) + value
        sources.setdefault(code, []).append(f"„{label}” ({what}: {value:g}, wiersz {n})")
        if inflow is not None and inflow < len(row) and _number(row[inflow]) is not None:
            inflows[code] = inflows.get(code, 0.0) + float(_number(row[inflow]) or 0.0)
    issues = []
    for issue in data.issues:
        if issue.code in counts:
            note = " + ".join(sources[issue.code])
            extra = (f"; napływ {inflows[issue.code]:g}" if issue.code in inflows else "")
            report.filled.append(f"{issue.name}: {counts[issue.code]:g} ← {note}{extra}")
            issues.append(replace(issue, persons=counts[issue.code],
                                  inflow=inflows.get(issue.code, issue.inflow)))
        else:
            if not issue.persons:
                report.missing.append(issue.name)
            issues.append(issue)
    first = next((i.code for i in issues if i.persons), data.flow_issue)
    # The counts are no longer the scenario's: its parameter ranking would not be this data's.
    return replace(data, issues=issues, flow_issue=first, tornado_issue=first,
                   scenario=None), report
