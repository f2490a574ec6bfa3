"""``kkz parametry``: the parameter base with its sources and confidence grades."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cli.common import console, user_errors
from kkz_xl.model.payers import PAYER_LABELS
from kkz_xl.params.base import default_base
from kkz_xl.polish import fmt_number


def register(app: typer.Typer) -> None:
    app.command("parametry")(parametry)


@user_errors
def parametry(
    kwestia: Annotated[
        str | None, typer.Argument(help="Kod kwestii (domyślnie wszystkie).")
    ] = None,
    zrodla: Annotated[bool, typer.Option("--zrodla", help="Pokaż pełne źródła.")] = False,
) -> None:
    """Baza parametrów: wartości, jednostki, lata, źródła i stopnie pewności (1-5)."""
    base = default_base()
    g = base.general
    console.print(
        f"[bold]Ogólne:[/] stopa dyskontowa {fmt_number(100 * g.stopa_dyskontowa.wartosc, 1)} % "
        f"(stopień {g.stopa_dyskontowa.stopien}), horyzont {int(g.horyzont.wartosc)} lat, "
        f"rok cen {base.price_year}"
    )
    codes = [kwestia] if kwestia else list(base.issues)
    for code in codes:
        issue = base.issue(code)
        table = Table(title=f"{issue.nazwa} ({issue.kod}) – {issue.podstawa}", title_justify="left")
        for col in ("parametr", "płatnik", "rozdział", "wartość", "jednostka", "rok", "stopień"):
            table.add_column(col, justify="right" if col in ("wartość", "stopień") else "left")
        if zrodla:
            table.add_column("źródło", overflow="fold")

        def row(name: str, payer: str, rozdzial: str, value: float, unit: str, year: int,
                grade: int, source: str, table: Table = table) -> None:
            cells = [name, payer, rozdzial, fmt_number(value, 3 if value < 1 else 0), unit,
                     str(year), str(grade)]
            table.add_row(*cells, *([source] if zrodla else []))

        for kind, items in (("koszt", issue.koszty), ("korzyść", issue.korzysci)):
            for c in items:
                profile = f" (profil {c.profil})" if c.profil else ""
                row(f"{kind}: {c.nazwa}{profile}", PAYER_LABELS[c.platnik], c.rozdzial or "–",
                    c.wartosc, c.jednostka, c.rok_cen, c.stopien, c.zrodlo)
        for name, v in (("odpływ (q)", issue.odplyw), ("nawroty (r)", issue.nawroty)):
            row(name, "–", "–", v.wartosc, v.jednostka, v.rok, v.stopien, v.zrodlo)
        for p in issue.programy:
            row(f"program {p.nazwa}: koszt uczestnika", "–", p.rozdzial or "–",
                p.koszt_uczestnika.wartosc, p.koszt_uczestnika.jednostka,
                p.koszt_uczestnika.rok_cen, p.koszt_uczestnika.stopien, p.koszt_uczestnika.zrodlo)
            for name, v in (("skuteczność (s)", p.skutecznosc), ("zasięg (e)", p.zasieg)):
                row(f"program {p.nazwa}: {name}", "–", "–", v.wartosc, v.jednostka, v.rok,
                    v.stopien, v.zrodlo)
        console.print(table)
