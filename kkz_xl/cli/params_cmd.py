"""``kkz parametry``: the parameter base with its sources and confidence grades; ``--json`` as
plain data; ``--wplyw`` ranks the parameters by how much they move a scenario's NPV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cli.common import console, user_errors
from kkz_xl.model.payers import PAYER_LABELS
from kkz_xl.params.base import ParameterBase, default_base
from kkz_xl.params.state_models import shipped_models
from kkz_xl.polish import fmt_money, fmt_number


def register(app: typer.Typer) -> None:
    app.command("parametry")(parametry)


@user_errors
def parametry(
    cel: Annotated[
        str | None, typer.Argument(
            metavar="[KWESTIA|SCENARIUSZ]",
            help="Kod kwestii (domyślnie wszystkie); z --wplyw: plik scenariusza (domyślnie "
                 "wbudowany przykład, Gmina Przykładowa).")
    ] = None,
    zrodla: Annotated[bool, typer.Option("--zrodla", help="Pokaż pełne źródła.")] = False,
    jako_json: Annotated[bool, typer.Option(
        "--json", help="Wypisz jako JSON (do odczytu przez inne narzędzia).")] = False,
    wplyw: Annotated[bool, typer.Option(
        "--wplyw", help="Ranking parametrów według wpływu na NPV scenariusza: które liczby "
                        "sprawdzić najpierw.")] = False,
    ile: Annotated[int, typer.Option(help="Z --wplyw: ile pierwszych parametrów pokazać "
                                          "(0 = wszystkie).", min=0)] = 20,
) -> None:
    """Baza parametrów: wartości, jednostki, lata, źródła i stopnie pewności (1-5)."""
    if wplyw:
        _influence(cel, jako_json, zrodla, ile)
    elif jako_json:
        # Imported on use: `kkz --help` stays fast (the listing loads the whole base).
        from kkz_xl.params.listing import base_listing

        listing = base_listing()
        if cel:
            default_base().issue(cel)
            listing["kwestie"] = [k for k in listing["kwestie"] if k["kod"] == cel]
        print(json.dumps(listing, ensure_ascii=False, indent=2))
    else:
        _tables(cel, zrodla)


def _influence(path: str | None, as_json: bool, sources: bool, limit: int) -> None:
    # Imported on use: the engine and the scenario reader are not needed for `kkz --help`.
    from kkz_xl.cli.calc import SAMPLE
    from kkz_xl.engine.influence import influence
    from kkz_xl.model.scenario_files import load_scenario

    scenario = load_scenario(Path(path) if path else Path(str(SAMPLE)))
    every = influence(scenario, with_decisions=True)
    if as_json:
        print(json.dumps([{"kwestia": r.issue, "parametr": r.parameter, "stopien": r.grade,
                           "zmiana_npv": round(r.swing, 2), "decyzja_jst": r.decision}
                          for r in every], ensure_ascii=False, indent=2))
        return
    base = default_base()
    ranges = base.general.zakresy_stopni.wartosc
    console.print(
        f"[bold]{scenario.jst.name}[/] – które liczby sprawdzić najpierw: zmiana NPV (razem i "
        "kwestii), gdy parametr przechodzi przez swój wiarygodny przedział (stopień pewności → "
        "± " + ", ".join(f"{g}: {fmt_number(100 * v, 0)} %" for g, v in sorted(ranges.items()))
        + "). Liczone są tylko wartości wzięte z bazy parametrów.")
    figures = [r for r in every if not r.decision]
    own = [r for r in every if r.decision]
    _ranking_table("Wpływ parametrów na koszt zaniechania (NPV)", figures, base, sources,
                   limit)
    if own:
        console.print(
            "\n[bold]Co zależy od decyzji gminy[/] – zasięg programów to plan samorządu (ile "
            "miejsc sfinansuje), a nie liczba do sprawdzenia: wartość z bazy jest tylko "
            "przykładowym planem; wpisz własny (klucz zasieg w scenariuszu). Ta sama zmiana NPV "
            "przy ± 50 % zasięgu:")
        _ranking_table("Zasięg programów (decyzja JST)", own, base, sources, 0)


def _ranking_table(title: str, rows: list, base: ParameterBase, sources: bool,
                   limit: int) -> None:
    table = Table(title=title, title_justify="left")
    for col in ("#", "kwestia", "parametr", "stopień", "wartość", "przedział",
                "zmiana NPV razem", "zmiana NPV kwestii"):
        table.add_column(col, justify="right" if col in ("#", "stopień", "wartość",
                                                          "zmiana NPV razem",
                                                          "zmiana NPV kwestii") else "left",
                         overflow="fold")
    if sources:
        table.add_column("źródło / uzasadnienie założenia", overflow="fold")
    shown = rows[:limit] if limit else rows
    for n, r in enumerate(shown, start=1):
        issue = base.issue(r.issue).nazwa if r.issue else "ogólne"
        digits = 3 if abs(r.value) < 1 else 0
        own = fmt_money(r.by_issue[r.issue], 0) if r.issue else "–"
        grade = "decyzja" if r.decision else str(r.grade)
        cells = [str(n), issue, r.name, grade, fmt_number(r.value, digits),
                 f"{fmt_number(r.low, digits)} – {fmt_number(r.high, digits)}",
                 fmt_money(r.swing, 0), own]
        note = r.source + (f" Dlaczego założenie: {r.reason}" if r.reason else "")
        table.add_row(*cells, *([note] if sources else []))
    console.print(table)
    if limit and len(rows) > limit:
        console.print(f"… i {len(rows) - limit} dalszych (wszystkie: --ile 0).")


def _tables(kwestia: str | None, zrodla: bool) -> None:
    base = default_base()
    g = base.general
    console.print(
        f"[bold]Ogólne:[/] stopa dyskontowa {fmt_number(100 * g.stopa_dyskontowa.wartosc, 1)} % "
        f"(stopień {g.stopa_dyskontowa.stopien}), horyzont {int(g.horyzont.wartosc)} lat, "
        f"rok cen {base.price_year}, korzyści fiskalne w wariancie "
        f"{'ostrożnym (bez składek emerytalnych)' if base.conservative_gains else 'pełnym'}"
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
        for name, v in (("odpływ (q)", issue.odplyw), ("nawroty (r)", issue.nawroty),
                        ("udział pracujących wśród samodzielnych", issue.udzial_zatrudnienia)):
            if v is not None:
                row(name, "–", "–", v.wartosc, v.jednostka, v.rok, v.stopien, v.zrodlo)
        for p in issue.programy:
            row(f"program {p.nazwa}: koszt uczestnika", "–", p.rozdzial or "–",
                p.koszt_uczestnika.wartosc, p.koszt_uczestnika.jednostka,
                p.koszt_uczestnika.rok_cen, p.koszt_uczestnika.stopien, p.koszt_uczestnika.zrodlo)
            for name, v in (("skuteczność (s)", p.skutecznosc), ("zasięg (e)", p.zasieg)):
                row(f"program {p.nazwa}: {name}", "–", "–", v.wartosc, v.jednostka, v.rok,
                    v.stopien, v.zrodlo)
        console.print(table)
        if code in shipped_models():  # the default form is the multi-state model
            console.print(f"Domyślnie kwestia jest liczona modelem wielostanowym – jego stany, "
                          f"przejścia i koszty ze źródłami: kkz model-ogolny --kwestia {code}. "
                          f"Powyższe wartości to postać dwustanowa (model: dwustanowy).")
