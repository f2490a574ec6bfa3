"""What every command shares: the console, Polish error reporting, progress bars."""

from __future__ import annotations

import functools
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import ParamSpec, TypeVar

import typer
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kkz_xl.errors import KKZError
from kkz_xl.model.validation import polish_validation_message

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the product's errors into a red Polish message and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except KKZError as err:
            err_console.print(f"[bold red]Błąd:[/] {err}")
            raise typer.Exit(2) from None
        except ValidationError as err:
            err_console.print(f"[bold red]Błąd danych:[/]\n{polish_validation_message(err)}")
            raise typer.Exit(2) from None
        except FileNotFoundError as err:
            err_console.print(f"[bold red]Błąd:[/] nie znaleziono pliku {err.filename}")
            raise typer.Exit(2) from None
        except IsADirectoryError as err:
            err_console.print(f"[bold red]Błąd:[/] {err.filename} to folder, a oczekiwano pliku")
            raise typer.Exit(2) from None
        except PermissionError as err:
            err_console.print(f"[bold red]Błąd:[/] brak uprawnień do pliku {err.filename}")
            raise typer.Exit(2) from None
        except (zipfile.BadZipFile, InvalidFileException):
            err_console.print("[bold red]Błąd:[/] plik jest uszkodzony albo nie jest skoroszytem "
                              "Excela (otwórz go w Excelu i zapisz ponownie)")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise  # the command's own exit codes and typer's usage errors
        except Exception as err:
            if os.environ.get("KKZ_DEBUG"):
                raise
            err_console.print(f"[bold red]Nieoczekiwany błąd programu[/] "
                              f"({type(err).__name__}: {err}). Zgłoś go zespołowi KKZ; "
                              f"pełny opis: uruchom polecenie ponownie z KKZ_DEBUG=1.",
                              markup=True)
            raise typer.Exit(3) from None

    return wrapper


def progress_bar() -> Progress:
    """A Polish progress bar for long work (Monte Carlo, batches)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pozostało"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar."""
    with progress_bar() as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)
