"""``kkz oblicz`` (a scenario's cost of inaction) and ``kkz demo`` (the embedded sample)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cli.common import console, err_console, progress_bar, track, user_errors
from kkz_xl.engine.run import ScenarioResult, run_scenario
from kkz_xl.model.labels import SIGNED_STATE_GAIN
from kkz_xl.model.payers import PAYER_LABELS, PAYERS, Payer
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.scenario_files import load_scenario
from kkz_xl.model.validation import failure_reason
from kkz_xl.polish import fmt_money, fmt_number, fmt_percent
from kkz_xl.reporting import export, tables
from kkz_xl.workbook import scenario as _workbook_scenario  # noqa: F401 - reads .xlsm/.xlsx

SAMPLE = resources.files("kkz_xl.sample") / "gmina_przykladowa.yaml"


def register(app: typer.Typer) -> None:
    app.command("oblicz")(oblicz)
    app.command("demo")(demo)


def compute(scenario: Scenario, draws: int | None, with_tornado: bool = True) -> ScenarioResult:
    """Run the scenario with a progress bar over the Monte Carlo chunks."""
    with progress_bar() as bar:
        task = bar.add_task("Monte Carlo", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run_scenario(scenario, monte_carlo_draws=draws, with_tornado=with_tornado,
                            on_progress=advance)


def _fmt(value: float | None, kind: str = "money") -> str:
    if value is None:
        return "–"
    if kind == "money":
        return fmt_money(value, 0)
    if kind == "pct":
        return fmt_percent(value, 0)
    return fmt_number(value, 2)


def print_result(result: ScenarioResult, budget: bool = False) -> None:
    """Rich tables: per issue with totals, who pays and who saves, optionally the budget."""
    s = result.scenario
    console.print(
        f"[bold]{s.jst.name}[/] (TERYT {s.jst.teryt}) – koszt zaniechania w cenach "
        f"{result.price_year} r., horyzont {result.horizon} lat, stopa dyskontowa "
        f"{fmt_percent(result.rate)}"
    )
    table = Table(title="Koszt zaniechania według kwestii (NPV > 0: działanie się opłaca)",
                  title_justify="left", show_lines=False)
    # Figures never shrink; long Polish names are cut with an ellipsis, and the programme's
    # name is left out on a narrow terminal.
    wide = console.width >= 110
    table.add_column("kwestia", no_wrap=True, overflow="ellipsis", max_width=30 if wide else 18)
    table.add_column("osoby", justify="right", no_wrap=True, min_width=5)
    if wide:
        table.add_column("program", no_wrap=True, overflow="ellipsis", max_width=28)
    for col, width in (("NPV", 14), ("w tym korzyści", 12), ("BCR", 5), ("rok zwrotu", 6),
                       ("P(NPV > 0)", 6)):
        table.add_column(col, justify="right", no_wrap=True, min_width=width)
    for r in result.issues:
        npv_style = "green" if r.npv >= 0 else "red"
        table.add_row(
            r.name, fmt_number(r.inputs.persons, 0), *([r.inputs.programme_name] if wide else []),
            f"[{npv_style}]{_fmt(r.npv)}[/]", _fmt(r.npv_gains), _fmt(r.bcr, "num"),
            str(r.break_even_year) if r.break_even_year else "brak",
            _fmt(r.monte_carlo.prob_positive, "pct") if r.monte_carlo else "–",
        )
    t = result.totals
    table.add_section()
    table.add_row("[bold]Razem[/]", fmt_number(sum(r.inputs.persons for r in result.issues), 0),
                  *([""] if wide else []), f"[bold]{_fmt(t.npv)}[/]", _fmt(t.npv_gains),
                  _fmt(t.bcr, "num"),
                  str(t.break_even_year) if t.break_even_year else "brak",
                  _fmt(t.monte_carlo.prob_positive, "pct") if t.monte_carlo else "–")
    console.print(table)
    if t.monte_carlo:
        mc = t.monte_carlo
        console.print(f"Monte Carlo (razem): średnia {_fmt(mc.mean)}, 90 % przedział "
                      f"{_fmt(mc.p5)} … {_fmt(mc.p95)}")
    if t.npv_by_rate:  # the rates of public appraisal, from the parameter base
        rates = Table(title="Koszt zaniechania (razem) przy stopach dyskontowych oceny "
                      "projektów publicznych", title_justify="left")
        rates.add_column("stopa dyskontowa", justify="right")
        rates.add_column("koszt zaniechania", justify="right")
        for r, v in t.npv_by_rate.items():
            rates.add_row(fmt_percent(r, 1), f"[{'green' if v >= 0 else 'red'}]{_fmt(v)}[/]")
        console.print(rates)
    who = Table(title="Kto płaci, kto oszczędza (NPV według płatnika)", title_justify="left")
    who.add_column("płatnik")
    who.add_column("koszt zaniechania", justify="right")
    who.add_column("w tym korzyści fiskalne", justify="right")
    for p, v, g in zip(PAYERS, t.npv_by_payer, t.npv_gains_by_payer, strict=True):
        who.add_row(PAYER_LABELS[p], f"[{'green' if v >= 0 else 'red'}]{_fmt(v)}[/]", _fmt(g))
    console.print(who)
    gains = tables.gains(result)
    if not gains.empty:
        console.print("Korzyści fiskalne (PIT, składki) liczone od osób, które podjęły pracę – "
                      "szczegóły wierszami: zapis wyników do .xlsx/.json (arkusz „Korzyści”), "
                      "źródła: kkz parametry --zrodla.")
    if t.npv_gains_by_payer and t.npv_gains_by_payer[PAYERS.index(Payer.BUDZET_PANSTWA)] < 0:
        console.print(SIGNED_STATE_GAIN)
    if budget:
        df = tables.budget(result)
        bt = Table(title="Wydatki według rozdziałów klasyfikacji budżetowej", title_justify="left")
        for col in df.columns:
            bt.add_column(str(col), justify="right" if df[col].dtype.kind in "fi" else "left")
        for row in df.itertuples(index=False):
            bt.add_row(*[fmt_number(v, 0) if isinstance(v, float) else str(v) for v in row])
        console.print(bt)


@user_errors
def oblicz(
    scenariusze: Annotated[list[Path], typer.Argument(
        help="Scenariusz(e) JST: YAML/JSON albo wypełniony Kalkulator (.xlsm); kilka plików: "
             "zestawienie JST.")],
    wynik: Annotated[list[Path] | None, typer.Option(
        "--wynik", "-w", help="Zapisz wyniki: .csv, .json lub .xlsx (można kilka razy).")] = None,
    losowania: Annotated[int | None, typer.Option(
        help="Liczba losowań Monte Carlo (0 = bez; domyślnie ze scenariusza).", min=0)] = None,
    budzet: Annotated[bool, typer.Option("--budzet", help="Pokaż wydatki według rozdziałów.")
                      ] = False,
) -> None:
    """Oblicz koszt zaniechania dla scenariusza JST (lub wielu JST): kwestie, płatnicy, budżet."""
    if len(scenariusze) == 1:
        result = compute(load_scenario(scenariusze[0]), losowania)
        print_result(result, budget=budzet)
        for path in wynik or []:
            export.write(result, path)
            err_console.print(f"Zapisano: {path}")
        return
    results, failures = compute_many(scenariusze, losowania)
    print_many(results, failures)
    if results:
        for path in wynik or []:
            export.write_many(results, path)
            err_console.print(f"Zapisano: {path}")
    if failures:
        raise typer.Exit(1)


def compute_many(paths: list[Path], draws: int | None
                 ) -> tuple[list[ScenarioResult], list[tuple[Path, str]]]:
    """Every JST's results; one JST's bad file or data never stops the others."""
    results: list[ScenarioResult] = []
    failures: list[tuple[Path, str]] = []
    for path in track(paths, "Obliczenia JST", total=len(paths)):
        try:
            results.append(run_scenario(load_scenario(path), monte_carlo_draws=draws,
                                        with_tornado=False))
        except Exception as err:  # reported per JST; the batch goes on
            failures.append((path, failure_reason(err)))
    return results, failures


def same_jst(results: list[ScenarioResult]) -> list[str]:
    """The JSTs (TERYT, else name) that more than one result describes."""
    seen: dict[str, int] = {}
    for res in results:
        jst = res.scenario.jst
        key = jst.teryt or jst.name.strip().lower()
        if key:
            seen[key] = seen.get(key, 0) + 1
    return [key for key, n in seen.items() if n > 1]


def print_many(results: list[ScenarioResult], failures: list[tuple[Path, str]]) -> None:
    """One row per JST, the region's total, and which files failed and why."""
    table = Table(title="Koszt zaniechania według JST (NPV > 0: działanie się opłaca)",
                  title_justify="left")
    table.add_column("JST", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("TERYT", no_wrap=True, min_width=7)
    for col, width in (("NPV", 14), ("BCR", 5), ("rok zwrotu", 6), ("P(NPV > 0)", 6)):
        table.add_column(col, justify="right", no_wrap=True, min_width=width)
    for res in results:
        t = res.totals
        table.add_row(res.scenario.jst.name, res.scenario.jst.teryt,
                      f"[{'green' if t.npv >= 0 else 'red'}]{_fmt(t.npv)}[/]", _fmt(t.bcr, "num"),
                      str(t.break_even_year) if t.break_even_year else "brak",
                      _fmt(t.monte_carlo.prob_positive, "pct") if t.monte_carlo else "–")
    twins = same_jst(results)
    if results and not twins:
        table.add_section()
        table.add_row("[bold]Razem[/]", "", f"[bold]{_fmt(sum(r.totals.npv for r in results))}[/]",
                      "", "", "")
    console.print(table)
    for jst in twins:
        err_console.print(f"[yellow]Uwaga: kilka plików opisuje tę samą JST ({jst}) – to "
                          "warianty jednej JST, nie różne JST, więc sumy „Razem” nie podano. "
                          "Warianty porównuje polecenie: kkz porownaj A.yaml B.yaml[/]")
    if failures:
        err_console.print(f"[bold red]Nie udało się: {len(failures)} z "
                          f"{len(failures) + len(results)}.[/]")
        for path, reason in failures:
            err_console.print(f"  • {path}: {reason.removeprefix(f'{path}: ')}")


@user_errors
def demo(
    katalog: Annotated[Path, typer.Option(help="Katalog na wyniki demonstracji.")] = Path(
        "out/demo"),
) -> None:
    """Demonstracja na wbudowanym przykładzie (fikcyjna Gmina Przykładowa, ok. 20 000 mieszk.)."""
    katalog.mkdir(parents=True, exist_ok=True)
    scenario = Scenario.load(Path(str(SAMPLE)))
    scenario.save(katalog / "gmina_przykladowa.yaml")
    result = compute(scenario, None)
    print_result(result, budget=False)
    written = [export.write(result, katalog / f"wyniki{ext}") for ext in export.FORMATS]
    written += _strategy(katalog, scenario, result)
    for step in _demo_steps():
        written += step(katalog)
    console.print("\n[bold]Pliki demonstracji:[/]")
    for path in written:
        console.print(f"  {path}")


def _strategy(out_dir: Path, scenario: Scenario, result: ScenarioResult) -> list[Path]:
    """The sample's strategy in Word (and PDF with LibreOffice), from the results just
    computed, with the sample Katalog's programmes (and leaders of this JST, if any)."""
    # Word and the registers load only for kkz demo, so kkz oblicz starts without them.
    from kkz_xl.documents.batch import output_name, template_for
    from kkz_xl.documents.strategy import strategy_context
    from kkz_xl.office.libreoffice import soffice_path
    from kkz_xl.office.render import render_docx, to_pdf
    from kkz_xl.registers.samples import sample_register
    from kkz_xl.registers.schema import CATALOGUE, LEADERS

    context = strategy_context(scenario, result, sample_register(CATALOGUE).rows,
                               sample_register(LEADERS).rows)
    docx = render_docx(template_for(scenario.jst.kind), context, out_dir / output_name(scenario))
    return [docx, to_pdf(docx, out_dir)] if soffice_path() else [docx]


def _demo_steps() -> list[Callable[[Path], list[Path]]]:
    """The other tools' demo steps: each takes the output folder, returns the files written."""
    # every tool loads only for kkz demo, so kkz oblicz starts without them
    from kkz_xl import bsc, cis, training, workbook
    from kkz_xl.registers import demo as registers

    return [workbook.demo, registers.demo, cis.demo, bsc.demo, training.demo]
