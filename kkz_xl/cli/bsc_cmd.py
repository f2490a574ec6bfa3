"""``kkz bsc``: the Balanced Scorecard of a regional network of social services."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.bsc.card import write_card
from kkz_xl.bsc.criteria import FundingCriteria
from kkz_xl.bsc.funding import FundingInput, funding
from kkz_xl.bsc.labels import PERSPECTIVE_LABELS, Category, Light, Perspective
from kkz_xl.bsc.network import Network, load_network, sample_network, scorecard
from kkz_xl.bsc.sample_outputs import WORKBOOK_NAME
from kkz_xl.bsc.workbook import write_bsc_workbook
from kkz_xl.cli.common import console, user_errors
from kkz_xl.polish import fmt_money, fmt_percent
from kkz_xl.storage.atomic import atomic_write_bytes

app = typer.Typer(help="Zrównoważona karta wyników (BSC) sieci usług społecznych.",
                  no_args_is_help=True)
_STYLE = {Light.ZIELONE: "green", Light.ZOLTE: "yellow", Light.CZERWONE: "red"}
NetworkArg = Annotated[Path | None, typer.Argument(
    help="Plik sieci usług (YAML); bez niego – przykład.")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="bsc")


def _network(path: Path | None) -> Network:
    return load_network(path) if path else sample_network()


@app.command("wyniki")
@user_errors
def wyniki(plik: NetworkArg = None) -> None:
    """Karta wyników: wynik każdej usługi w czterech perspektywach, ogółem, światło, dotacja."""
    net = _network(plik)
    table = Table(title=f"{net.nazwa} ({net.region}, {net.rok})", title_justify="left")
    table.add_column("usługa")
    for p in Perspective:
        table.add_column(PERSPECTIVE_LABELS[p], justify="right")
    for col in ("ogółem", "światło", "dotacja"):
        table.add_column(col, justify="right")
    for card in scorecard(net):
        per = ["–" if card.perspektywy[p] is None else fmt_percent(card.perspektywy[p] or 0.0)
               for p in Perspective]
        light = f"[{_STYLE[card.swiatlo]}]{card.swiatlo.value}[/]"
        capped = " (limit)" if card.finansowanie.ograniczona else ""
        table.add_row(card.usluga.id, *per, fmt_percent(card.wynik),
                      light, fmt_money(card.finansowanie.dotacja) + capped)
    console.print(table)


@app.command("dotacja")
@user_errors
def dotacja(
    etaty: Annotated[float, typer.Option(help="Etaty w usłudze.")],
    koszt_na_etat: Annotated[float, typer.Option(help="Średni koszt na etat typu usługi, zł/rok.")],
    koszty: Annotated[float, typer.Option(help="Koszty usługi, zł/rok.")],
    oplaty: Annotated[float, typer.Option(help="Opłaty użytkowników, zł/rok.")] = 0,
    kategoria: Annotated[Category, typer.Option(help="Kategoria sieci: A lub B.")] = Category.A,
    limit_udzialu: Annotated[float | None, typer.Option(
        help="Najwyższy udział dotacji w kosztach (0–1, mniej niż 1).")] = None,
) -> None:
    """Dotacja wg kryteriów regionalnych: koszt na etat minus opłaty, kategoria, limit udziału."""
    crit = FundingCriteria() if limit_udzialu is None else FundingCriteria(
        limit_udzialu=limit_udzialu)
    r = funding(FundingInput(etaty=etaty, koszt_na_etat=koszt_na_etat, oplaty=oplaty,
                             koszty=koszty, kategoria=kategoria), crit)
    console.print(f"podstawa (etaty × koszt na etat − opłaty): {fmt_money(r.podstawa)}")
    console.print(f"× współczynnik kategorii {kategoria.value}: {r.wspolczynnik:.2f}".replace(
        ".", ",") + f" → {fmt_money(r.wyliczona)}")
    console.print(f"limit ({fmt_percent(crit.limit_udzialu, 0)} kosztów): {fmt_money(r.limit)}")
    note = " [yellow](ograniczona limitem)[/]" if r.ograniczona else ""
    console.print(f"[bold]dotacja: {fmt_money(r.dotacja)}[/]{note}")


@app.command("karta")
@user_errors
def karta(
    usluga: Annotated[str, typer.Argument(help="Id usługi.")],
    plik: Annotated[Path | None, typer.Option("--siec", help="Plik sieci usług (YAML).")] = None,
    wyjscie: Annotated[Path | None, typer.Option("--wyjscie", "-o", help="Plik DOCX.")] = None,
) -> None:
    """Karta usługi w Wordzie: dane, finansowanie, wyniki BSC."""
    net = _network(plik)
    out = wyjscie or Path(f"Karta_uslugi_{usluga}.docx")
    write_card(net, usluga, out, dt.date.today())
    console.print(f"Zapisano: {out}")


@app.command("skoroszyt")
@user_errors
def skoroszyt(
    plik: NetworkArg = None,
    wyjscie: Annotated[Path, typer.Option("--wyjscie", "-o", help="Plik XLSX.")] = Path(
        WORKBOOK_NAME),
) -> None:
    """Skoroszyt karty wyników sieci (formuły Excela, światła, dotacje)."""
    write_bsc_workbook(wyjscie, _network(plik))
    console.print(f"Zapisano: {wyjscie}")


@app.command("przyklad")
@user_errors
def przyklad(wyjscie: Annotated[Path, typer.Argument(help="Gdzie zapisać przykład (YAML).")]
             ) -> None:
    """Zapisz przykładowy plik sieci usług do edycji."""
    atomic_write_bytes(wyjscie, (resources.files("kkz_xl.bsc") / "sample" / "siec.yaml"
                                 ).read_bytes())
    console.print(f"Zapisano: {wyjscie}")
