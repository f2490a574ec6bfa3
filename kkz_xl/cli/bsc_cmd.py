"""``kkz bsc``: the Balanced Scorecard of a regional network of social services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.bsc.card import NO_DATA, funding_note, write_card
from kkz_xl.bsc.criteria import FundingCriteria
from kkz_xl.bsc.funding import FundingInput, funding
from kkz_xl.bsc.labels import PERSPECTIVE_LABELS, Category, Light, Perspective
from kkz_xl.bsc.network import Network, load_network, sample_network, scorecard
from kkz_xl.bsc.sample_outputs import WORKBOOK_NAME
from kkz_xl.bsc.workbook import write_bsc_workbook
from kkz_xl.cli.common import console, user_errors
from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_money, fmt_number, fmt_percent
from kkz_xl.registers.values import parse_money, parse_share
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
    notes = []
    for card in scorecard(net):
        per = ["–" if card.perspektywy[p] is None else fmt_percent(card.perspektywy[p] or 0.0)
               for p in Perspective]
        light = (NO_DATA if card.swiatlo is None
                 else f"[{_STYLE[card.swiatlo]}]{card.swiatlo.value}[/]")
        capped = " (limit)" if card.finansowanie.ograniczona else ""
        flag = " *" if card.brakujace else ""
        table.add_row(card.usluga.id + flag, *per,
                      NO_DATA if card.wynik is None else fmt_percent(card.wynik),
                      light, fmt_money(card.finansowanie.dotacja) + capped)
        if card.brakujace:
            notes.append(f"* {card.usluga.id}: {card.missing_note()}")
    console.print(table)
    for note in notes:
        console.print(f"[yellow]{note}[/]")
    share = net.kryteria.limit_udzialu
    console.print(f"Dotacja i opłaty użytkowników razem ≤ {fmt_percent(share, 0)} kosztów usługi; "
                  f"wkład własny realizatora ≥ {fmt_percent(1 - share, 0)}.")


@app.command("dotacja")
@user_errors
def dotacja(
    etaty: Annotated[str, typer.Option(help="Etaty w usłudze (np. 4 lub 4,5).")],
    koszt_na_etat: Annotated[str, typer.Option(help="Średni koszt na etat typu usługi, zł/rok.")],
    koszty: Annotated[str, typer.Option(help="Koszty usługi, zł/rok.")],
    oplaty: Annotated[str, typer.Option(help="Opłaty użytkowników, zł/rok.")] = "0",
    kategoria: Annotated[str, typer.Option(help="Kategoria sieci: A lub B.")] = "A",
    limit_udzialu: Annotated[str | None, typer.Option(
        help="Najwyższy udział dotacji i opłat razem w kosztach (0–1, mniej niż 1; "
             "np. 0,9 lub 90%).")] = None,
) -> None:
    """Dotacja wg kryteriów regionalnych: koszt na etat minus opłaty, kategoria, limit udziału
    (dotacja i opłaty razem), wkład własny realizatora."""
    cat = kategoria.strip().upper()
    if cat not in {c.value for c in Category}:
        raise InputError("--kategoria", f"dozwolone: A lub B, otrzymano „{kategoria}”")
    share = _option(limit_udzialu, "--limit-udzialu", parse_share)
    crit = FundingCriteria() if share is None else FundingCriteria(limit_udzialu=share)
    r = funding(FundingInput(
        etaty=_option(etaty, "--etaty", parse_money), oplaty=_option(oplaty, "--oplaty",
                                                                      parse_money),
        koszt_na_etat=_option(koszt_na_etat, "--koszt-na-etat", parse_money),
        koszty=_option(koszty, "--koszty", parse_money), kategoria=Category(cat)), crit)
    cap = crit.limit_udzialu
    console.print(f"podstawa (etaty × koszt na etat − opłaty): {fmt_money(r.podstawa)}")
    console.print(f"× współczynnik kategorii {cat}: {fmt_number(r.wspolczynnik, 2)}"
                  f" → {fmt_money(r.wyliczona)}")
    console.print(f"limit dotacji i opłat razem ({fmt_percent(cap, 0)} kosztów): "
                  f"{fmt_money(r.limit)}; minus opłaty {fmt_money(r.oplaty)} → limit dotacji "
                  f"{fmt_money(r.limit_dotacji)}")
    note = " [yellow](ograniczona limitem)[/]" if r.ograniczona else ""
    console.print(f"[bold]dotacja: {fmt_money(r.dotacja)}[/]{note}")
    console.print(f"wkład własny realizatora: {fmt_money(r.wklad_wlasny)} "
                  f"({fmt_percent(r.udzial_wkladu)} kosztów; wymagane co najmniej "
                  f"{fmt_percent(1 - cap, 0)})")
    if r.oplaty_ponad_limit:
        console.print(f"[yellow]{funding_note(r)}[/]")


def _option(text: str | None, name: str, parse: Callable[[object], float | None]
            ) -> float | None:
    """A number typed the Polish way (``0,9``, ``90%``, ``90 000``); a Polish error otherwise."""
    try:
        return parse(text)
    except ValueError as err:
        raise InputError(name, str(err)) from None


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
