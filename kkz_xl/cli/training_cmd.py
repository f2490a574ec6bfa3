"""``kkz szkolenia``: System Szkoleń – register, report per JST, attendance lists, certificates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_number, plural
from kkz_xl.storage.atomic import atomic_write_bytes
from kkz_xl.training.documents import (
    certificate_holders,
    write_attendance_list,
    write_certificates,
)
from kkz_xl.training.leaders import leader_names
from kkz_xl.training.people import duplicates, merge_duplicates
from kkz_xl.training.reports import (
    REPORT_HEADER,
    check_jst,
    completions,
    leader_trainings,
    unknown_leaders,
)
from kkz_xl.training.sample_outputs import WORKBOOK_NAME
from kkz_xl.training.schema import TrainingRegister
from kkz_xl.training.storage import load_register, sample_register
from kkz_xl.training.workbook import write_training_workbook

app = typer.Typer(help="System Szkoleń KKZ: moduły, sesje, uczestnicy, ukończenia.",
                  no_args_is_help=True)
RegisterArg = Annotated[Path | None, typer.Argument(
    help="Rejestr szkoleń (YAML lub Szkolenia_KKZ.xlsx).")]
SampleOpt = Annotated[bool, typer.Option(
    "--przyklad", help="Użyj wbudowanego przykładu (fikcyjne osoby) zamiast rejestru.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="szkolenia")


def _raw_reg(path: Path | None, sample: bool) -> TrainingRegister:
    """The register from ``path``, or the sample only when asked for explicitly."""
    if path is not None and sample:
        raise InputError("--przyklad", "podaj rejestr albo --przyklad, nie oba")
    if path is None and not sample:
        raise InputError("rejestr", "podaj plik rejestru szkoleń (YAML lub Szkolenia_KKZ.xlsx) "
                                    "albo --przyklad, aby użyć przykładu z fikcyjnymi osobami")
    return load_register(path) if path is not None else sample_register()


def _reg(path: Path | None, sample: bool) -> TrainingRegister:
    """The register with the records of one person merged, each merge reported."""
    reg, notes = merge_duplicates(_raw_reg(path, sample))
    for note in notes:
        err_console.print(f"[yellow]Uwaga – ta sama osoba dwa razy:[/] {note}")
    return reg


@app.command("sprawdz")
@user_errors
def sprawdz(plik: RegisterArg = None, przyklad: SampleOpt = False) -> None:
    """Sprawdź rejestr: id, odwołania, daty, limity miejsc, ukończenie tylko przy obecności,
    ta sama osoba wpisana dwa razy (kod wyjścia 1, gdy są powtórzenia)."""
    raw = _raw_reg(plik, przyklad)
    found = duplicates(raw)
    reg, notes = merge_duplicates(raw)
    for note in notes:
        err_console.print(f"[yellow]Uwaga – ta sama osoba dwa razy:[/] {note}")
    counts = ", ".join((plural(len(reg.moduly), "moduł", "moduły", "modułów"),
                        plural(len(reg.sesje), "sesja", "sesje", "sesji"),
                        plural(len(reg.uczestnicy), "uczestnik", "uczestnicy", "uczestników"),
                        plural(len(reg.udzialy), "zapis", "zapisy", "zapisów")))
    if found:
        console.print(f"[yellow]Rejestr wymaga poprawy:[/] ta sama osoba wpisana więcej niż raz "
                      f"({plural(len(found), 'przypadek', 'przypadki', 'przypadków')}); po "
                      f"połączeniu: {counts}.")
        raise typer.Exit(1)
    console.print(f"[green]Rejestr poprawny:[/] {counts}.")


@app.command("raport")
@user_errors
def raport(plik: RegisterArg = None,
           jst: Annotated[str | None, typer.Option(help="Tylko ta JST.")] = None,
           przyklad: SampleOpt = False) -> None:
    """Kto w JST jest przeszkolony i z czego (ukończone szkolenia)."""
    reg = _reg(plik, przyklad)
    if jst is not None:
        check_jst(reg, jst)
    table = Table(title="Ukończone szkolenia według JST", title_justify="left")
    for h in REPORT_HEADER:
        if h not in ("instytucja", "forma"):
            table.add_column(h)
    for c in completions(reg, jst):
        table.add_row(c.jst, c.uczestnik, c.lider_id or "–", c.narzedzie, c.modul,
                      fmt_number(c.godziny, 1), str(c.data))
    console.print(table)


@app.command("liderzy")
@user_errors
def liderzy(
    plik: RegisterArg = None,
    rejestr_liderow: Annotated[Path | None, typer.Option(
        "--rejestr-liderow", help="Skoroszyt Sieci Liderów (XLSX); bez niego – przykład.")] = None,
    przyklad: SampleOpt = False,
) -> None:
    """Ukończone szkolenia liderów (do kolumny „Ukończone szkolenia” rejestru Liderów)."""
    reg = _reg(plik, przyklad)
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
    przyklad: SampleOpt = False,
) -> None:
    """Lista obecności sesji (Word)."""
    out = wyjscie or Path(f"Lista_obecnosci_{sesja}.docx")
    write_attendance_list(_reg(plik, przyklad), sesja, out)
    console.print(f"Zapisano: {out}")


def zaswiadczenia(
    sesja: Annotated[str, typer.Argument(help="Id sesji.")],
    plik: Annotated[Path | None, typer.Option("--rejestr", help="Rejestr szkoleń.")] = None,
    katalog: Annotated[Path, typer.Option("--katalog", "-o", help="Folder wyjściowy.")] = Path(),
    przyklad: SampleOpt = False,
) -> None:
    """Zaświadczenia dla osób, które ukończyły sesję (Word, po jednym na osobę)."""
    reg = _reg(plik, przyklad)
    for note in certificate_holders(reg, sesja)[1]:
        err_console.print(f"[yellow]Uwaga:[/] {note}")
    paths = write_certificates(reg, sesja, katalog)
    noun = plural(len(paths), "zaświadczenie", "zaświadczenia", "zaświadczeń")
    console.print(f"Zapisano {noun} w {katalog}")


# One name for the document: "zaswiadczenia"; "certyfikaty" kept, hidden, for old scripts.
app.command("zaswiadczenia")(user_errors(zaswiadczenia))
app.command("certyfikaty", hidden=True)(user_errors(zaswiadczenia))


@app.command("skoroszyt")
@user_errors
def skoroszyt(
    plik: RegisterArg = None,
    wyjscie: Annotated[Path, typer.Option("--wyjscie", "-o", help="Plik XLSX.")] = Path(
        WORKBOOK_NAME),
    przyklad: SampleOpt = False,
) -> None:
    """Skoroszyt Systemu Szkoleń (arkusze rejestru i raport JST)."""
    write_training_workbook(wyjscie, _reg(plik, przyklad))
    console.print(f"Zapisano: {wyjscie}")


@app.command("przyklad")
@user_errors
def przyklad(wyjscie: Annotated[Path, typer.Argument(help="Gdzie zapisać przykład (YAML).")]
             ) -> None:
    """Zapisz przykładowy rejestr szkoleń do edycji."""
    atomic_write_bytes(wyjscie, (resources.files("kkz_xl.training") / "sample" /
                                 "szkolenia.yaml").read_bytes())
    console.print(f"Zapisano: {wyjscie}")
