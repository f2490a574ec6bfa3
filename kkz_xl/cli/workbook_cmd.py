"""``kkz skoroszyt`` (build or fill the calculator workbook) and ``kkz raport`` (its
values-only copy and the summary PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.errors import InputError
from kkz_xl.workbook import layout as L  # noqa: N812


def register(root: typer.Typer) -> None:
    root.command("skoroszyt")(skoroszyt)
    root.command("raport")(raport)
    root.command("porownaj")(porownaj)


@user_errors
def skoroszyt(
    wyjscie: Annotated[Path, typer.Option("--wyjscie", "-o", help="Plik .xlsm do zapisania.")
                       ] = Path("workbooks") / L.WORKBOOK_NAME,
    scenariusz: Annotated[Path | None, typer.Option(
        "--scenariusz", "-s", help="Scenariusz YAML/JSON: wypełnij skoroszyt jego danymi.")
    ] = None,
    dane: Annotated[Path | None, typer.Option(
        "--dane", "-d", help="CSV/XLSX z liczbą osób lub rodzin według powodów pomocy "
                             "(np. MRPiPS-03, OZPS).")] = None,
) -> None:
    """Zbuduj Kalkulator KKZ (.xlsm z funkcjami KKZ_), pusty albo wypełniony danymi JST."""
    # Local imports in the commands: `kkz --help` loads none of them (start-up time).
    from kkz_xl.model.scenario import Scenario
    from kkz_xl.workbook import blank_inputs, fill_from_table, from_scenario, write_workbook

    if wyjscie.suffix.lower() != ".xlsm":
        raise InputError("--wyjscie", "kalkulator zapisuje się jako .xlsm (z makrami xlwings)")
    data = from_scenario(Scenario.load(scenariusz)) if scenariusz else blank_inputs()
    if dane:
        data, report = fill_from_table(data, dane)
        for line in report.lines():
            console.print(line)
    path, _ = write_workbook(wyjscie, data)
    console.print(f"Zapisano kalkulator: [bold]{path}[/]")


@user_errors
def raport(
    skoroszyt: Annotated[Path, typer.Argument(help="Wypełniony Kalkulator_KKZ.xlsm.")],
    wyjscie: Annotated[Path | None, typer.Option(
        "--wyjscie", "-o", help="Plik .xlsx z samymi wartościami (domyślnie NAZWA_raport.xlsx).")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--bez-pdf", help="Utwórz też PDF podsumowania "
                                      "(wymaga LibreOffice).")] = True,
    pelny: Annotated[bool, typer.Option("--pelny", help="PDF całego raportu (podsumowanie, "
                                        "dane, wyniki, budżet, wykresy) zamiast jednej "
                                        "strony podsumowania, i załącznik z parametrami "
                                        "(NAZWA_parametry.pdf).")] = False,
    wpf: Annotated[Path | None, typer.Option(
        "--wpf", help="Zapisz też wykaz przedsięwzięć WPF wybranych programów (.csv).")
    ] = None,
) -> None:
    """Kopia kalkulatora z samymi wartościami (dla osób bez dodatku) i PDF podsumowania."""
    # Local: start-up time of `kkz --help`.
    from kkz_xl.workbook import summary_pdf, values_report
    from kkz_xl.workbook.report import annex_path, report_pdf, soffice_available

    path = values_report(skoroszyt, wyjscie)
    console.print(f"Zapisano raport z wartościami: [bold]{path}[/]")
    if wpf:
        from kkz_xl.workbook.report import wpf_csv  # local: start-up time

        console.print(f"Zapisano wykaz przedsięwzięć WPF: [bold]{wpf_csv(skoroszyt, wpf)}[/]")
    if pdf:
        if soffice_available():
            made = report_pdf(path) if pelny else summary_pdf(path)
            what = "raportu" if pelny else "podsumowania"
            console.print(f"Zapisano PDF {what}: [bold]{made}[/]")
            if pelny:
                console.print(f"Zapisano załącznik z parametrami: [bold]{annex_path(made)}[/]")
        else:
            err_console.print("[yellow]Brak LibreOffice (soffice): PDF podsumowania pominięto."
                              "[/]")


@user_errors
def porownaj(
    scenariusze: Annotated[list[Path], typer.Argument(
        help="Co najmniej dwa scenariusze tej samej JST (YAML/JSON albo wypełniony "
             "Kalkulator), np. różne zestawy programów.")],
    wynik: Annotated[list[Path] | None, typer.Option(
        "--wynik", "-w", help="Zapisz porównanie: .xlsx (arkusz Warianty) lub .csv.")] = None,
    losowania: Annotated[int | None, typer.Option(
        help="Liczba losowań Monte Carlo (0 = bez; domyślnie ze scenariusza).", min=0)] = None,
) -> None:
    """Porównaj warianty programów jednej JST (bez sumowania wariantów)."""
    # Local: start-up time of `kkz --help`.
    from rich.table import Table

    # Local, as above: start-up time.
    from kkz_xl.polish import fmt_money, fmt_percent
    from kkz_xl.workbook.variants import HEADERS, compare, differences, write

    variants = compare(scenariusze, losowania)
    table = Table(title=f"Warianty – {variants[0].result.scenario.jst.name}",
                  title_justify="left")
    for h in [HEADERS[0], *HEADERS[2:]]:
        table.add_column(h, justify="left" if h == HEADERS[0] else "right")
    for v in variants:
        row = v.row()
        cells = [str(row[0])]
        for x in row[2:-1]:
            cells.append(fmt_money(x, 0) if isinstance(x, float) else str(x))
        cells.append(fmt_percent(row[-1]) if isinstance(row[-1], float) else "–")
        table.add_row(*cells)
    console.print(table)
    for name, text in differences(variants).items():
        console.print(f"[bold]{name}[/]: {text}")
    for path in wynik or []:
        err_console.print(f"Zapisano: {write(path, variants)}")
