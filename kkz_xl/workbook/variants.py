"""Variants of one JST side by side (``kkz porownaj``, the "Warianty" sheet): each scenario
file is one set of programmes for the same JST; they are compared on the engine's figures –
net saving (NPV) in total and per payer, the programmes' cost in year 1 (and the gmina's part),
the break-even year and P(NPV > 0) – and never added up as if they were different JSTs."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from kkz_xl.engine.run import ScenarioResult, run_scenario
from kkz_xl.errors import InputError
from kkz_xl.model.labels import GMINA_PAYS_YEAR1, NET_SAVING_TOTAL, PROGRAMME_COST_YEAR1
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, Payer
from kkz_xl.model.scenario_files import load_scenario
from kkz_xl.office.xlsx_style import a4, header_row, note, protect, title, widths
from kkz_xl.storage.atomic import atomic_write
from kkz_xl.workbook.formats import MONEY_ZL, PERCENT

SHEET = "Warianty"
NO_BREAK_EVEN = "brak w horyzoncie"


@dataclass(frozen=True)
class Variant:
    """One variant: its file and the engine's results."""

    name: str
    result: ScenarioResult

    @property
    def programmes(self) -> str:
        """The programmes the variant runs, issue by issue."""
        return "; ".join(f"{i.name}: {i.inputs.programme_name}" for i in self.result.issues)

    @property
    def first_year_cost(self) -> float:
        return sum(float(i.programme[0]) for i in self.result.issues)

    @property
    def gmina_first_year(self) -> float:
        return sum(float(i.programme[0]) * float(i.inputs.financing.get(Payer.GMINA, 0.0))
                   for i in self.result.issues)

    def row(self) -> list[object]:
        t = self.result.totals
        mc = t.monte_carlo
        return [self.name, self.programmes, t.npv, *t.npv_by_payer, self.first_year_cost,
                self.gmina_first_year,
                t.break_even_year if t.break_even_year is not None else NO_BREAK_EVEN,
                mc.prob_positive if mc else None]


HEADERS = ["Wariant (plik)", "Programy", NET_SAVING_TOTAL,
           *[f"NPV – {PAYER_LABELS[p]}" for p in PAYERS], PROGRAMME_COST_YEAR1,
           GMINA_PAYS_YEAR1, "Rok zwrotu", "P(NPV > 0)"]


def differences(variants: list[Variant]) -> dict[str, str]:
    """Per variant, only what sets it apart: issues whose programme differs between the
    variants, or that not every variant computes."""
    def by_issue(v: Variant) -> dict[str, str]:
        return {i.name: i.inputs.programme_name for i in v.result.issues}

    maps = [by_issue(v) for v in variants]
    names = {n for m in maps for n in m}
    differing = sorted(n for n in names if len({m.get(n) for m in maps}) > 1)
    return {v.name: "; ".join(f"{n}: {m.get(n, 'nie liczona')}" for n in differing)
            or "te same programy (inne dane lub założenia)" for v, m in zip(variants, maps,
                                                                          strict=True)}


def _jst_key(result: ScenarioResult) -> str:
    jst = result.scenario.jst
    return jst.teryt or jst.name.strip().lower()


def compare(paths: list[Path], draws: int | None = None) -> list[Variant]:
    """The variants in ``paths`` (at least two, all of one JST), computed by the engine."""
    if len(paths) < 2:
        raise InputError("warianty", "podaj co najmniej dwa pliki scenariuszy jednej JST")
    variants = [Variant(Path(p).stem, run_scenario(load_scenario(Path(p)),
                                                   monte_carlo_draws=draws,
                                                   with_tornado=False)) for p in paths]
    keys = {_jst_key(v.result) for v in variants}
    if len(keys) > 1:
        names = ", ".join(sorted({v.result.scenario.jst.name or v.name for v in variants}))
        raise InputError("warianty", f"pliki opisują różne JST ({names}); kkz porownaj "
                         "porównuje warianty jednej JST – zestawienie wielu JST: kkz oblicz")
    return variants


def sheet(ws: Worksheet, variants: list[Variant]) -> None:
    """The "Warianty" sheet: one row per variant, values from the engine."""
    jst = variants[0].result.scenario.jst
    title(ws, f"Warianty programów – {jst.name or jst.teryt}",
          "Każdy wiersz to inny zestaw programów dla tej samej JST (wartość bieżąca, ceny "
          "stałe). Warianty się wykluczają: ich wyników się nie sumuje.")
    widths(ws, [22, 60, 18, *[15] * len(PAYERS), 16, 16, 12, 10])
    header_row(ws, 4, HEADERS, height=48)
    money_cols = {3 + k for k in range(len(PAYERS) + 3)}
    for n, v in enumerate(variants):
        r = 5 + n
        for j, value in enumerate(v.row(), start=1):
            cell = ws.cell(row=r, column=j, value=value)
            if j in money_cols:
                cell.number_format = MONEY_ZL
            elif j == len(HEADERS):
                cell.number_format = PERCENT
        ws.row_dimensions[r].height = 15 * (1 + len(v.programmes) // 70)
        ws.cell(row=r, column=2).alignment = openpyxl.styles.Alignment(wrap_text=True,
                                                                        vertical="top")
    note(ws, 6 + len(variants), 1, "Oszczędność netto (NPV) dodatnia: wariant jest tańszy "
         "niż zaniechanie. Policzono silnikiem KKZ (kkz porownaj).", merge_to=len(HEADERS))
    ws.freeze_panes = "C5"
    a4(ws, landscape=True)
    protect(ws)


def write(path: Path, variants: list[Variant]) -> Path:
    """The variants as ``.xlsx`` (the Warianty sheet) or ``.csv`` (";"-separated, UTF-8)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        wb = openpyxl.Workbook()
        wb.active.title = SHEET
        sheet(wb.active, variants)
        atomic_write(path, lambda tmp: wb.save(tmp))
        return path
    if suffix == ".csv":
        buf = io.StringIO()
        out = csv.writer(buf, delimiter=";")
        out.writerow(HEADERS)
        for v in variants:
            out.writerow(["" if x is None else x for x in v.row()])
        atomic_write(path, lambda tmp: Path(tmp).write_text(buf.getvalue(),
                                                             encoding="utf-8-sig"))
        return path
    raise InputError("--wynik", "warianty zapisuje się jako .xlsx albo .csv")
