"""``kkz dyfuzor``: tokens for the JSTs that send registers through the web page, and the
regional workbook written again from the Dyfuzor's database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kkz_xl.cli.common import console, user_errors
from kkz_xl.dyfuzor.regional import rebuild
from kkz_xl.dyfuzor.settings import make_settings
from kkz_xl.dyfuzor.store import Store
from kkz_xl.errors import InputError

_DANE = typer.Option("--dane", help="Folder bazy Dyfuzora (ten sam co przy „kkz serwer --dane”).")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Dyfuzor w sieci: tokeny JST i odtwarzanie rejestru regionalnego "
                        "z bazy.",
                        no_args_is_help=True)
    group.command("token")(token)
    group.command("odbuduj")(odbuduj)
    app.add_typer(group, name="dyfuzor")


@user_errors
def token(
    jst: Annotated[str, typer.Argument(help="Nazwa JST, np. „Gmina Bodzanów”.")],
    dane: Annotated[Path, _DANE],
    centrum: Annotated[bool, typer.Option(
        "--centrum", help="Token centrum regionalnego (decyduje o przyjęciu zgłoszeń).")] = False,
) -> None:
    """Wydaj nowy token JST (poprzedni token tej JST przestaje działać)."""
    name = jst.strip()
    if not name or len(name) > 120 or not name.isprintable():
        raise InputError("JST", "podaj nazwę JST (do 120 znaków drukowalnych)")
    secret = Store(dane / "dyfuzor.sqlite").issue_token(name, "centrum" if centrum else "jst")
    console.print(f"Token dla [bold]{name}[/] (przekaż go bezpiecznie, baza przechowuje tylko "
                  "jego skrót):")
    console.print(secret, markup=False, highlight=False)


@user_errors
def odbuduj(
    rejestr: Annotated[str, typer.Argument(help="„katalog” albo „liderzy”.")],
    wynik: Annotated[Path, typer.Argument(help="Plik .xlsx do zapisania.")],
    dane: Annotated[Path, _DANE],
) -> None:
    """Zapisz rejestr regionalny ponownie z bazy Dyfuzora (ostatnia zapisana wersja)."""
    settings = make_settings(wynik if rejestr == "katalog" else None,
                             wynik if rejestr == "liderzy" else None, dane)
    if settings is None or rejestr not in ("katalog", "liderzy"):
        raise InputError("rejestr", "podaj „katalog” albo „liderzy”")
    missing = rebuild(Store(settings.database), settings, rejestr, wynik)
    console.print(f"Zapisano rejestr regionalny: [bold]{wynik}[/]")
    if missing:
        console.print(f"[yellow]Brakuje wierszy z przyjętych zgłoszeń ({len(missing)}):[/]")
        for line in missing:
            console.print(f"  {line}", markup=False)
        raise typer.Exit(1)
