"""``kkz szkolenia``: System Szkoleń – register, report per JST, attendance lists, certificates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.polish import fmt_number
from kkz_xl.storage.atomic import atomic_write_bytes
from kkz_xl.training.documents import write_attendance_list, write_certificates
from kkz_xl.training.leaders import leader_names
from kkz_xl.training.reports import REPORT_HEADER, completions, leader_trainings, unknown_leaders
from kkz_xl.training.sample_outputs import WORKBOOK_NAME
from kkz_xl.training.schema import TrainingRegister
from kkz_xl.training.storage import load_register, sample_register
from kkz_xl.training.workbook import write_training_workbook

app = typer.Typer(help="System Szkoleń KKZ: moduły, sesje, uczestnicy, ukończenia.",
                  no_args_is_help=True)
RegisterArg = Annotated[Path | None, typer.Argument(
    help="Rejestr szkoleń (YAML lub Szkolenia_KKZ.xlsx); bez niego – przykład.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="szkolenia")


def _reg(path: Path | None) -> TrainingRegister:
    return load_register(path) if path else sample_register()


@app.command("sprawdz")
@user_errors
def sprawdz(plik: RegisterArg = None) -> None:
    """Sprawdź rejestr: id, odwołania, limity miejsc, ukończenie tylko przy obecności."""
    reg = _reg(plik)
    console.print(f"[green]Rejestr poprawny:[/] {len(reg.moduly)} modułów, {len(reg.sesje)} "
                  f"sesji, {len(reg.uczestnicy)} uczestników, {len(reg.udzialy)} zapisów.")


@app.command("raport")
@user_errors
def raport(plik: RegisterArg = None,
           jst: Annotated[str | None, typer.Option(help="Tylko ta JST.")] = None) -> None:
    """Kto w JST jest przeszkolony i z czego (ukończone szkolenia)."""
    table = Table(title="Ukończone szkolenia według JST", title_justify="left")
    for h in REPORT_HEADER:
        if h not in ("instytucja", "forma"):
            table.add_column(h)
    for c in completions(_reg(plik), jst):
        table.add_row(c.jst, c.uczestnik, c.lider_id or "–", c.narzedzie, c.modul,
                      fmt_number(c.godziny, 1), str(c.data))
    console.print(table)


@app.command("liderzy")
@user_errors
def liderzy(
    plik: RegisterArg = None,
    rejestr_liderow: Annotated[Path | None, typer.Option(
        "--rejestr-liderow", help="Skoroszyt Sieci Liderów (XLSX); bez niego – przykład.")] = None,
) -> None:
    """Ukończone szkolenia liderów (do kolumny „Ukończone szkolenia” rejestru Liderów)."""
    reg = _reg(plik)
    names = leader_names(rejestr_liderow)
    for problem in unknown_leaders(reg, set(names)):
        err_console.print(f"[yellow]Uwaga:[/] {problem}")
    table = Table(title="Ukończone szkolenia liderów", title_justify="left")
    for h in ("id lidera", "imię i nazwisko", "ukończone szkolenia"):
        table.add_column(h)
    for lid, trainings in sorted(leader_trainings(reg).items()):
        table.add_row(lid, names.get(lid, "?"), "; ".join(trainings))
    console.print(table)


@app.command("lista")
@user_errors
def lista(
    sesja: Annotated[str, typer.Argument(help="Id sesji.")],
    plik: Annotated[Path | None, typer.Option("--rejestr", help="Rejestr szkoleń.")] = None,
    wyjscie: Annotated[Path | None, typer.Option("--wyjscie", "-o", help="Plik DOCX.")] = None,
) -> None:
    """Lista obecności sesji (Word)."""
    out = wyjscie or Path(f"Lista_obecnosci_{sesja}.docx")
    write_attendance_list(_reg(plik), sesja, out)
    console.print(f"Zapisano: {out}")


@app.command("certyfikaty")
@user_errors
def certyfikaty(
    sesja: Annotated[str, typer.Argument(help="Id sesji.")],
    plik: Annotated[Path | None, typer.Option("--rejestr", help="Rejestr szkoleń.")] = None,
    katalog: Annotated[Path, typer.Option("--katalog", "-o", help="Folder wyjściowy.")] = Path(),
) -> None:
    """Zaświadczenia dla osób, które ukończyły sesję (Word, po jednym na osobę)."""
    paths = write_certificates(_reg(plik), sesja, katalog)
    console.print(f"Zapisano {len(paths)} zaświadczeń w {katalog}")


@app.command("skoroszyt")
@user_errors
def skoroszyt(
    plik: RegisterArg = None,
    wyjscie: Annotated[Path, typer.Option("--wyjscie", "-o", help="Plik XLSX.")] = Path(
        WORKBOOK_NAME),
) -> None:
    """Skoroszyt Systemu Szkoleń (arkusze rejestru i raport JST)."""
    write_training_workbook(wyjscie, _reg(plik))
    console.print(f"Zapisano: {wyjscie}")


@app.command("przyklad")
@user_errors
def przyklad(wyjscie: Annotated[Path, typer.Argument(help="Gdzie zapisać przykład (YAML).")]
             ) -> None:
    """Zapisz przykładowy rejestr szkoleń do edycji."""
    atomic_write_bytes(wyjscie, (resources.files("kkz_xl.training") / "sample" /
                                 "szkolenia.yaml").read_bytes())
    console.print(f"Zapisano: {wyjscie}")
