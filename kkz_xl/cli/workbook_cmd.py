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
                                        "dane, parametry, wyniki, wykresy) zamiast jednej "
                                        "strony podsumowania.")] = False,
) -> None:
    """Kopia kalkulatora z samymi wartościami (dla osób bez dodatku) i PDF podsumowania."""
    from kkz_xl.workbook import summary_pdf, values_report
    from kkz_xl.workbook.report import report_pdf, soffice_available

    path = values_report(skoroszyt, wyjscie)
    console.print(f"Zapisano raport z wartościami: [bold]{path}[/]")
    if pdf:
        if soffice_available():
            made = report_pdf(path) if pelny else summary_pdf(path)
            what = "raportu" if pelny else "podsumowania"
            console.print(f"Zapisano PDF {what}: [bold]{made}[/]")
        else:
            err_console.print("[yellow]Brak LibreOffice (soffice): PDF podsumowania pominięto."
                              "[/]")
