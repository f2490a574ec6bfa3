"""``kkz model-ogolny``: the general form (severity levels, linked problems) with its working."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.engine.general import GeneralResult, run_general
from kkz_xl.model.general import GeneralIssue
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.polish import fmt_money, fmt_number
from kkz_xl.storage.atomic import atomic_write

SAMPLE = resources.files("kkz_xl.sample") / "model_ogolny_powiazane.yaml"


def register(app: typer.Typer) -> None:
    app.command("model-ogolny")(model_ogolny)


def tables(result: GeneralResult) -> dict[str, pd.DataFrame]:
    """The working as tables: persons per state and year in both futures, costs, indicators."""
    spec, f, ind = result.spec, result.flows, result.indicators
    years = np.arange(1, spec.horizon + 1)
    out = {
        f"Stany – {label}": pd.DataFrame(counts, columns=spec.states).assign(rok=years)[
            ["rok", *spec.states]]
        for label, counts in (("zaniechanie", f.counts_z), ("działanie", f.counts_a))
    }
    costs = pd.DataFrame({"rok": years, "koszty obowiązkowe – zaniechanie": f.line_z.sum(-1),
                          "koszty obowiązkowe – działanie": f.line_a.sum(-1),
                          "koszt programu (fakultatywne)": f.programme,
                          "uczestnicy": f.participants})
    for j, c in enumerate(spec.costs):
        costs[f"{c.name} – zaniechanie"] = f.line_z[:, j]
        costs[f"{c.name} – działanie"] = f.line_a[:, j]
    out["Koszty"] = costs
    out["Wskaźniki"] = pd.DataFrame({"wskaźnik": [
        "koszt zaniechania (NPV) = oszczędności netto", "oszczędności brutto",
        "PV kosztu programu", "BCR", "ROI", "rok zwrotu", "okres zwrotu (lata)",
        *[f"NPV – {PAYER_LABELS[p]}" for p in PAYERS]],
        "wartość": [float(ind.npv), result.gross_savings, float(ind.pv_programme),
                    _nan(ind.bcr), _nan(ind.roi), int(ind.break_even_year) or None,
                    _nan(ind.payback), *ind.npv_by_payer.tolist()]})
    return out


def _nan(x: np.ndarray) -> float | None:
    return float(x) if np.isfinite(x) else None


@user_errors
def model_ogolny(
    plik: Annotated[Path | None, typer.Argument(
        help="Plik YAML modelu (stany, przejścia, koszty); domyślnie przykład wbudowany.")] = None,
    wynik: Annotated[Path | None, typer.Option(
        "--wynik", "-w", help="Zapisz całe wyliczenie do pliku .xlsx.")] = None,
) -> None:
    """Postać ogólna metody: poziomy nasilenia i problemy powiązane, z pełnym wyliczeniem."""
    spec = GeneralIssue.load(plik or Path(str(SAMPLE)))
    result = run_general(spec)
    ind = result.indicators
    console.print(f"[bold]{spec.name}[/] – horyzont {spec.horizon} lat, stopa "
                  f"{fmt_number(100 * spec.rate, 1)} %")
    for label, counts in (("zaniechanie", result.flows.counts_z),
                          ("działanie", result.flows.counts_a)):
        table = Table(title=f"Osoby w stanach – {label}", title_justify="left")
        table.add_column("rok", justify="right")
        for state in spec.states:
            table.add_column(state, justify="right")
        for t, row in enumerate(counts):
            table.add_row(str(t + 1), *[fmt_number(v, 1) for v in row])
        console.print(table)
    summary = Table(title="Wyniki", title_justify="left", show_header=False)
    summary.add_column()
    summary.add_column(justify="right")
    summary.add_row("oszczędności brutto (koszty obowiązkowe Z − A)",
                    fmt_money(result.gross_savings, 0))
    summary.add_row("koszt programu (PV)", fmt_money(float(ind.pv_programme), 0))
    summary.add_row("[bold]koszt zaniechania (NPV) = oszczędności netto[/]",
                    f"[bold]{fmt_money(float(ind.npv), 0)}[/]")
    summary.add_row("rok zwrotu", str(int(ind.break_even_year)) if ind.break_even_year else
                    "brak zwrotu w horyzoncie")
    for p, v in zip(PAYERS, ind.npv_by_payer, strict=True):
        summary.add_row(f"  w tym {PAYER_LABELS[p]}", fmt_money(float(v), 0))
    console.print(summary)
    if wynik is not None:
        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, df in tables(result).items():
                    df.to_excel(writer, sheet_name=name, index=False)
        atomic_write(wynik, write)
        err_console.print(f"Zapisano: {wynik}")
