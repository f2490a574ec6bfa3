"""``kkz strategia`` (the strategy in Word/PDF, one JST or many) and ``kkz szablon sprawdz``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kkz_xl.cli.common import console, err_console, progress_bar, user_errors
from kkz_xl.errors import InputError

szablon_app = typer.Typer(help="Szablony dokumentów Word: sprawdzanie po edycji.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("strategia")(strategia)
    app.add_typer(szablon_app, name="szablon")


def _read_list(path: Path) -> list[Path]:
    """Scenario files listed one per line (blank lines and ``#`` comments skipped), relative
    to the list's folder."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return [p if p.is_absolute() else Path(path).parent / p for p in map(Path, entries)]


def _register_rows(path: Path | None, kind: str) -> list[dict[str, Any]] | None:
    if path is None:
        return None
    # the registers load only with --katalog/--liderzy
    from kkz_xl.registers.export import shareable_rows
    from kkz_xl.registers.schema import CATALOGUE, LEADERS
    from kkz_xl.registers.sheets import read_every_sheet  # the registers' one reader

    # Every register sheet of the file (the reader of ``kkz liderzy sprawdz``), said per sheet.
    read = read_every_sheet(path, CATALOGUE if kind == "katalog" else LEADERS)
    for line in read.report():
        console.print(f"[dim]{escape(line)}[/]")
    return shareable_rows(read.register)


@user_errors
def strategia(
    scenariusze: Annotated[list[Path] | None, typer.Argument(
        help="Plik(i) scenariusza JST (.yaml/.json); kilka plików = wiele strategii naraz.",
        show_default=False)] = None,
    lista: Annotated[Path | None, typer.Option(
        "--lista", help="Plik tekstowy z listą scenariuszy (jeden plik w wierszu).")] = None,
    wyjscie: Annotated[Path, typer.Option(
        "--wyjscie", "-o", help="Folder na dokumenty.")] = Path("strategie"),
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Utwórz także PDF (LibreOffice w trybie bez okna).")] = False,
    katalog: Annotated[Path | None, typer.Option(
        "--katalog", help="Katalog Innowacji Społecznych (.xlsx/.csv/.json).")] = None,
    liderzy: Annotated[Path | None, typer.Option(
        "--liderzy", help="Rejestr Sieci Liderów (.xlsx/.csv/.json); w dokumencie tylko osoby "
        "z JST, które zgodziły się na udostępnianie danych.")] = None,
    dane: Annotated[Path | None, typer.Option(
        "--dane", help="Dane strategii (YAML): wskaźniki diagnozy, ekonomia społeczna, usługi, "
        "zadania zlecane, szkolenia.")] = None,
    szablon: Annotated[Path | None, typer.Option(
        "--szablon", help="Własny szablon .docx (domyślnie wzorcowy dla gminy lub powiatu).")
    ] = None,
    szkolenia: Annotated[Path | None, typer.Option(
        "--szkolenia", help="Rejestr Systemu Szkoleń (.yaml lub Szkolenia_KKZ.xlsx): plan "
        "szkoleń i osoby z JST już przeszkolone.")] = None,
    losowania: Annotated[int | None, typer.Option(
        "--losowania", min=0, help="Liczba losowań Monte Carlo (domyślnie ze scenariusza; "
        "0 pomija analizę).")] = None,
) -> None:
    """Strategia Rozwiązywania Problemów Społecznych (art. 16b u.p.s.) w Wordzie i PDF."""
    # loaded when the command runs, so `kkz strategia --help` and `kkz szablon` start
    # without the engine and docxtpl (about 1 s)
    from kkz_xl.documents.batch import build_many
    from kkz_xl.documents.strategy import StrategyData
    from kkz_xl.training.storage import load_register
    from kkz_xl.workbook import scenario as _workbook_scenario  # noqa: F401 - reads .xlsm/.xlsx

    paths = list(scenariusze or []) + (_read_list(lista) if lista else [])
    if not paths:
        raise InputError("scenariusze", "podaj co najmniej jeden plik scenariusza albo --lista")
    options: dict[str, Any] = {
        "template": szablon,
        "katalog_rows": _register_rows(katalog, "katalog"),
        "liderzy_rows": _register_rows(liderzy, "liderzy"),
        "data": StrategyData.load(dane) if dane else None,
        "training": load_register(szkolenia) if szkolenia else None,
        "draws": losowania,
    }
    with progress_bar() as progress:
        task = progress.add_task("Strategie", total=len(paths))
        outcomes = build_many(paths, wyjscie, pdf=pdf,
                              on_progress=lambda _o: progress.advance(task), **options)
    failed = [o for o in outcomes if not o.ok]
    if len(outcomes) == 1 and not failed:
        o = outcomes[0]
        console.print(f"Zapisano: {o.docx}" + (f"\nZapisano: {o.pdf}" if o.pdf else ""))
        return
    table = Table(title=f"Strategie: {len(outcomes) - len(failed)} gotowe, "
                        f"{len(failed)} z błędem", title_justify="left")
    for col in ("scenariusz", "JST", "wynik"):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        result = f"[red]{o.error}[/]" if o.error else str(o.pdf or o.docx)
        table.add_row(o.source.name, o.jst, result)
    console.print(table)
    if failed:
        err_console.print(f"[bold red]Nie udało się:[/] {len(failed)} z {len(outcomes)}.")
        for o in failed:  # unwrapped, to copy into an e-mail to the JST
            err_console.print(f"  • {o.source} ({o.jst}): {o.error}", markup=False,
                              soft_wrap=True)
        raise typer.Exit(1)


@szablon_app.command("sprawdz")
@user_errors
def sprawdz(
    plik: Annotated[Path, typer.Argument(help="Szablon .docx do sprawdzenia.")],
    wzorzec: Annotated[Path | None, typer.Option(
        "--wzorzec", help="Szablon wzorcowy do porównania pól (domyślnie wzorcowy dla gminy, "
        "a dla pliku z „powiat” w nazwie – dla powiatu).")] = None,
) -> None:
    """Sprawdź szablon: błędne znaczniki, nieznane pola i pola brakujące względem wzorca."""
    # loaded when the check runs, so `kkz szablon sprawdz --help` starts without the engine
    from kkz_xl.documents.batch import template_for
    from kkz_xl.documents.template_check import check_template

    reference = wzorzec or template_for("powiat" if "powiat" in plik.name.lower() else "gmina")
    report = check_template(plik, reference)
    for line in report.lines():
        console.print(line, markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)
