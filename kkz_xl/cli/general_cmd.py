"""``kkz model-ogolny``: the general form (severity levels, linked problems) with its working."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
import yaml
from rich.table import Table

from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.engine.general import GeneralResult, run_general
from kkz_xl.engine.severity import to_general
from kkz_xl.errors import InputError
from kkz_xl.model.general import GeneralIssue
from kkz_xl.model.labels import PROFILE_ROW
from kkz_xl.model.payers import PAYER_LABELS, PAYERS
from kkz_xl.model.scenario import IssueScenario, Scenario
from kkz_xl.model.severity import resolve_states
from kkz_xl.params.base import default_base
from kkz_xl.params.state_models import model_values, shipped_models
from kkz_xl.polish import fmt_money, fmt_number
from kkz_xl.storage.atomic import atomic_write, atomic_write_bytes

SAMPLE = resources.files("kkz_xl.sample") / "model_ogolny_powiazane.yaml"
SAMPLE_SCENARIO = resources.files("kkz_xl.sample") / "gmina_przykladowa.yaml"


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


def _shipped(code: str, persons: float | None, inflow: float | None,
             programme: str | None, scenario_file: Path | None = None) -> GeneralIssue:
    """The shipped multi-state model of ``code`` as a general-form issue, with its sources
    printed: what each state, transition and cost is, where it comes from, its grade. The
    issue's inputs come from ``scenario_file`` (or the embedded sample), the options win."""
    models = shipped_models()
    if code not in models:
        raise InputError("--kwestia", f"kwestia {code!r} nie ma wbudowanego modelu "
                         f"wielostanowego; modele: {', '.join(models)}")
    base = default_base()
    scenario = Scenario.load(scenario_file or Path(str(SAMPLE_SCENARIO)))
    price_year, years, rate = scenario.settings(base)
    own = next((i for i in scenario.issues if i.code == code), None)
    if own is None and scenario_file is not None:
        raise InputError("--kwestia", f"scenariusz {scenario_file} nie zawiera kwestii {code!r}")
    if own is None:
        own = IssueScenario.model_validate({"kod": code, "osoby": 100.0})
    update: dict[str, object] = {"model": "wielostanowy"}
    if persons is not None:
        update |= {"persons": float(persons), "persons_by_state": None}
    if inflow is not None:
        update["inflow"] = float(inflow)
    if programme is not None:
        update["programme"] = programme
    issue = IssueScenario.model_validate(
        own.model_copy(update=update).model_dump(by_alias=True, exclude_none=True))
    inp = resolve_states(issue, base, price_year, "kwestia")
    params = models[code]
    console.print(f"[bold]{params.nazwa}[/] (jednostka: {params.jednostka})\n{params.opis}")
    names = dict(zip(params.state_ids(), params.state_names(), strict=True))
    table = Table(title="Przejścia bez działania (roczne prawdopodobieństwa)",
                  title_justify="left")
    for col in ("z", "do", "wartość", "rok", "stopień", "źródło"):
        table.add_column(col)
    for t in params.przejscia:
        table.add_row(names[t.z], names[t.do], fmt_number(t.wartosc, 4), str(t.rok),
                      str(t.stopien), t.zrodlo)
    for s in params.stany:
        if s.nastepny:
            table.add_row(s.nazwa, names[s.nastepny], "reszta", "", "",
                          "Stan czasu trwania: kto nie wychodzi, przechodzi do następnego roku.")
    console.print(table)
    costs = Table(title="Koszty na osobę w stanie (zł/rok, ceny bazy)", title_justify="left")
    for col in ("linia", "płatnik", "stany × udział", "kwota", "stopień", "źródło"):
        costs.add_column(col)
    for c in params.koszty:
        shares = ", ".join(f"{names[k]} × {fmt_number(v, 2)}" for k, v in c.stany.items())
        costs.add_row(c.nazwa, PAYER_LABELS[c.platnik], shares, fmt_money(c.wartosc, 0),
                      str(c.stopien), c.zrodlo)
    console.print(costs)
    prog = next(p for p in params.programy if p.id == inp.programme_id)
    console.print(
        f"[bold]Program[/]: {prog.nazwa} – zmienia: "
        + "; ".join(f"{names[e.z]} → {names[e.do]} ({e.rodzaj})" for e in prog.zmienia)
        + f"; skuteczność {fmt_number(prog.skutecznosc.wartosc, 3)} (stopień "
        f"{prog.skutecznosc.stopien}: {prog.skutecznosc.zrodlo}); zasięg "
        f"{fmt_number(prog.zasieg.wartosc, 2)} (stopień {prog.zasieg.stopien}); koszt "
        f"{fmt_money(prog.koszt_uczestnika.wartosc, 0)} (stopień "
        f"{prog.koszt_uczestnika.stopien}); finansowanie: {prog.finansowanie_zrodlo}")
    console.print(f"Podział grupy: {params.podzial.zrodlo} (stopień {params.podzial.stopien})")
    spec = to_general(inp, years, rate)
    for label, m in (("bez działania", spec.trans_z), ("w roku programu", spec.trans_a)):
        mt = Table(title=f"Macierz przejść – {label} (wiersz: z, kolumna: do)",
                   title_justify="left")
        mt.add_column("z \\ do")
        for state in spec.states:
            mt.add_column(state, justify="right")
        for state, row in zip(spec.states, m, strict=True):
            mt.add_row(state, *[fmt_number(v, 4) for v in row])
        console.print(mt)
    return spec


def working_tables(code: str, spec: GeneralIssue) -> dict[str, pd.DataFrame]:
    """A shipped model's sourced values and both matrices, as sheets of the working."""
    values = pd.DataFrame(model_values(shipped_models()[code]))
    values["wartosc"] = values["wartosc"].map(str)
    values = values.rename(columns={"platnik": "płatnik", "wartosc": "wartość",
                                    "zrodlo": "źródło", "stopien": "stopień"})
    out = {"Wartości i źródła": values}
    for label, m in (("Macierz – zaniechanie", spec.trans_z),
                     ("Macierz – rok programu", spec.trans_a)):
        out[label] = pd.DataFrame(m, columns=spec.states).assign(**{"z \\ do": spec.states})[
            ["z \\ do", *spec.states]]
    costs = pd.DataFrame({c.name: c.amounts for c in spec.costs}, index=spec.states)
    if any(c.profile for c in spec.costs):
        # Lines that change by year (the JST's PIT shares from the third year): say so.
        costs.loc[PROFILE_ROW] = ["; ".join(fmt_number(x, 2) for x in c.profile or [1.0])
                                  for c in spec.costs]
    out["Koszty na osobę w stanie"] = costs.reset_index(names="stan")
    return out


def _nan(x: np.ndarray) -> float | None:
    return float(x) if np.isfinite(x) else None


@user_errors
def model_ogolny(
    plik: Annotated[Path | None, typer.Argument(
        help="Plik YAML modelu (stany, przejścia, koszty); domyślnie przykład wbudowany.")] = None,
    wynik: Annotated[Path | None, typer.Option(
        "--wynik", "-w", help="Zapisz całe wyliczenie do pliku .xlsx.")] = None,
    kwestia: Annotated[str | None, typer.Option(
        "--kwestia", "-k", help="Pokaż wbudowany model wielostanowy kwestii (np. sieroctwo): "
                                "stany, macierze, koszty i ich źródła.")] = None,
    osoby: Annotated[float | None, typer.Option(
        "--osoby", help="Liczba osób w grupie (z --kwestia); domyślnie jak w przykładzie "
                        "gminy.")] = None,
    naplyw: Annotated[float | None, typer.Option(
        "--naplyw", help="Nowe osoby rocznie (z --kwestia); domyślnie jak w przykładzie.")] = None,
    program: Annotated[str | None, typer.Option(
        "--program", help="Program modelu (z --kwestia); domyślnie pierwszy.")] = None,
    scenariusz: Annotated[Path | None, typer.Option(
        "--scenariusz", "-s", help="Z --kwestia: weź osoby, napływ, program, horyzont i stopę "
                                   "tej kwestii ze scenariusza (YAML/JSON).")] = None,
    zapisz_model: Annotated[Path | None, typer.Option(
        "--zapisz-model", help="Zapisz model kwestii w postaci ogólnej (YAML) do własnych "
                               "zmian.")] = None,
) -> None:
    """Postać ogólna metody: poziomy nasilenia i problemy powiązane, z pełnym wyliczeniem."""
    if kwestia is not None:
        spec = _shipped(kwestia, osoby, naplyw, program, scenariusz)
        if zapisz_model is not None:
            data = spec.model_dump(by_alias=True, mode="json", exclude_none=True)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            atomic_write_bytes(zapisz_model, text.encode("utf-8"))
            err_console.print(f"Zapisano model: {zapisz_model}")
    else:
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
                sheets = tables(result)
                if kwestia is not None:
                    sheets |= working_tables(kwestia, spec)
                for name, df in sheets.items():
                    df.to_excel(writer, sheet_name=name, index=False)
        atomic_write(wynik, write)
        err_console.print(f"Zapisano: {wynik}")
