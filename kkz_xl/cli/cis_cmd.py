"""``kkz cis``: Centrum Integracji Społecznej – financing, the programme, graduate monitoring."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cis.financing import CisInput, CisResult, cis_cost
from kkz_xl.cis.labels import CIS_PAYER_LABELS, INPUT_LABELS, RESULT_LABELS, TOTAL_LABEL, CisPayer
from kkz_xl.cis.monitoring import Graduate, monitoring_plan, standard_2011
from kkz_xl.cis.params import cis_params
from kkz_xl.cis.plan_file import CisPlan, load_plan, sample_plan
from kkz_xl.cis.programme import cis_programme
from kkz_xl.cis.sample_outputs import WORKBOOK_NAME
from kkz_xl.cis.workbook import write_cis_workbook
from kkz_xl.cli.common import console, user_errors
from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_date, fmt_money, fmt_number, fmt_percent
from kkz_xl.storage.atomic import atomic_write_bytes

app = typer.Typer(help="Centrum Integracji Społecznej: finansowanie, program, monitoring.",
                  no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="cis")


def _print_result(result: CisResult) -> None:
    d = result.dane
    console.print(
        f"[bold]{INPUT_LABELS['uczestnicy']}:[/] {d.uczestnicy}, "
        f"[bold]{INPUT_LABELS['miesiace'].lower()}:[/] {fmt_number(d.miesiace, 1)}"
    )
    console.print(f"{RESULT_LABELS['swiadczenie_mies']}: {fmt_money(result.swiadczenie_mies)} "
                  f"({fmt_percent(d.mnoznik, 0)} × {fmt_money(d.zasilek)})")
    for key in ("swiadczenia", "skladki", "koszty_biezace"):
        console.print(f"{RESULT_LABELS[key]}: {fmt_money(getattr(result, key))}")
    if result.nadwyzka_przychodow > 0:
        console.print(f"[yellow]{RESULT_LABELS['nadwyzka_przychodow']}: "
                      f"{fmt_money(result.nadwyzka_przychodow)}[/]")
    table = Table(title="Podział kosztów według płatników", title_justify="left")
    table.add_column("płatnik")
    table.add_column("kwota", justify="right")
    table.add_column("udział", justify="right")
    for p in CisPayer:
        table.add_row(CIS_PAYER_LABELS[p], fmt_money(result.platnicy[p]),
                      fmt_percent(result.udzial(p)))
    table.add_row(f"[bold]{TOTAL_LABEL}[/]", f"[bold]{fmt_money(result.razem)}[/]", "100,0 %")
    console.print(table)
    console.print(f"{RESULT_LABELS['koszt_uczestnika']}: {fmt_money(result.koszt_uczestnika)}")
    console.print(f"{RESULT_LABELS['koszt_publiczny_uczestnika']}: "
                  f"{fmt_money(result.koszt_publiczny / d.uczestnicy)}")


@app.command("koszt")
@user_errors
def koszt(
    uczestnicy: Annotated[int, typer.Option(help="Liczba uczestników.")],
    miesiace: Annotated[float, typer.Option(help="Miesiące uczestnictwa (średnio).")],
    koszty_biezace: Annotated[float, typer.Option(
        help="Koszty bieżące CIS na miesiąc (kadra, lokal, materiały), zł.")],
    przychody_wlasne: Annotated[float, typer.Option(help="Przychody własne w okresie, zł.")] = 0,
    udzial_ue: Annotated[float, typer.Option(help="Udział funduszy UE (0–1).")] = 0,
    udzial_panstwa: Annotated[float | None, typer.Option(
        help="Udział budżetu państwa w pozostałych kosztach bieżących (0–1).")] = None,
    propozycja_2011: Annotated[bool, typer.Option(
        "--propozycja-2011", help="Udział państwa wg propozycji z Olsztyna (2011): 80 %.")] = False,
    zasilek: Annotated[float | None, typer.Option(
        help="Zasiłek dla bezrobotnych (pierwsze 90 dni), zł/mies.")] = None,
) -> None:
    """Koszt edycji CIS i jego podział: Fundusz Pracy, gmina, państwo, UE, przychody własne."""
    if propozycja_2011 and udzial_panstwa is not None:
        raise InputError("--udzial-panstwa", "podaj udział państwa albo --propozycja-2011, nie oba")
    state = cis_params().udzial_panstwa_propozycja.wartosc if propozycja_2011 else udzial_panstwa
    fields = {"uczestnicy": uczestnicy, "miesiace": miesiace,
              "koszty_biezace_mies": koszty_biezace, "przychody_wlasne": przychody_wlasne,
              "udzial_ue": udzial_ue, "udzial_panstwa": state, "zasilek": zasilek}
    _print_result(cis_cost(CisInput(**{k: v for k, v in fields.items() if v is not None})))


@app.command("program")
@user_errors
def program(
    plik: Annotated[Path | None, typer.Argument(
        help="Plik planu CIS (YAML); bez niego – domyślne z bazy parametrów.")] = None,
    kwestia: Annotated[str, typer.Option(help="Kod kwestii społecznej.")] = "bezrobocie",
    json_out: Annotated[bool, typer.Option("--json", help="Wypisz jako JSON.")] = False,
) -> None:
    """CIS jako działanie kalkulatora: koszt na uczestnika, skuteczność, finansowanie."""
    calc = cis_cost(load_plan(plik).kalkulator) if plik else None
    prog = cis_programme(kwestia, kalkulacja=calc)
    if json_out:
        console.print_json(json.dumps(prog, ensure_ascii=False))
        return
    console.print(f"[bold]{prog['nazwa']}[/] (kwestia: {prog['kwestia']})")
    console.print(f"koszt na uczestnika: {fmt_money(prog['koszt_uczestnika'])} – "
                  f"{prog['zrodlo_kosztu']}")
    console.print(f"skuteczność: {fmt_percent(prog['skutecznosc'])} – "
                  f"{prog['zrodlo_skutecznosci']}")
    shares = ", ".join(f"{k} {fmt_percent(v)}" for k, v in prog["finansowanie"].items())
    console.print(f"finansowanie: {shares}")


@app.command("monitoring")
@user_errors
def monitoring(
    plik: Annotated[Path | None, typer.Argument(
        help="Plik planu CIS (YAML) z absolwentami; bez niego – przykład.")] = None,
    data: Annotated[str | None, typer.Option(
        help="Zamiast pliku: data ukończenia jednego absolwenta (RRRR-MM-DD).")] = None,
    lata: Annotated[int, typer.Option(help="Lata monitoringu (przy --data).")] = 3,
    co_ile_rok1: Annotated[int, typer.Option(help="Odstęp kontaktów w 1. roku, mies.")] = 3,
    co_ile_potem: Annotated[int, typer.Option(help="Odstęp kontaktów potem, mies.")] = 6,
    wyjscie: Annotated[Path | None, typer.Option(
        "--wyjscie", "-o", help="Zapisz arkusz monitoringu (XLSX).")] = None,
) -> None:
    """Plan kontaktów z absolwentami CIS (domyślnie: 3 lata, co kwartał, potem co pół roku)."""
    if data is not None:
        try:
            day = dt.date.fromisoformat(data)
        except ValueError:
            raise InputError("--data", f"oczekiwano daty RRRR-MM-DD, otrzymano „{data}”") from None
        schedule = standard_2011(lata, co_ile_rok1=co_ile_rok1, co_ile_potem=co_ile_potem)
        plan = CisPlan(kalkulator=sample_plan().kalkulator, harmonogram=schedule,
                       absolwenci=[Graduate(id="1", imie_nazwisko="absolwent",
                                            data_ukonczenia=day)])
    else:
        plan = load_plan(plik) if plik else sample_plan()
    table = Table(title="Plan kontaktów z absolwentami", title_justify="left")
    for col in ("absolwent", "kontakt", "miesiąc", "data"):
        table.add_column(col, justify="left" if col == "absolwent" else "right")
    for c in monitoring_plan(plan.absolwenci, plan.harmonogram):
        table.add_row(f"{c.absolwent.id} {c.absolwent.imie_nazwisko}", str(c.nr), str(c.miesiac),
                      fmt_date(c.data))
    console.print(table)
    if wyjscie:
        write_cis_workbook(wyjscie, plan.kalkulator, plan.absolwenci, plan.harmonogram,
                           calculator=False)
        console.print(f"Zapisano arkusz monitoringu: {wyjscie}")


@app.command("skoroszyt")
@user_errors
def skoroszyt(
    plik: Annotated[Path | None, typer.Argument(help="Plik planu CIS (YAML); bez niego – przykład.")
                    ] = None,
    wyjscie: Annotated[Path, typer.Option("--wyjscie", "-o", help="Plik XLSX.")] = Path(
        WORKBOOK_NAME),
) -> None:
    """Skoroszyt CIS: kalkulator finansowania, absolwenci, arkusz monitoringu."""
    plan = load_plan(plik) if plik else sample_plan()
    write_cis_workbook(wyjscie, plan.kalkulator, plan.absolwenci, plan.harmonogram)
    console.print(f"Zapisano: {wyjscie}")


@app.command("przyklad")
@user_errors
def przyklad(
    wyjscie: Annotated[Path, typer.Argument(help="Gdzie zapisać przykładowy plik planu (YAML).")],
) -> None:
    """Zapisz przykładowy plik planu CIS do edycji."""
    from importlib import resources

    data = (resources.files("kkz_xl.cis") / "sample" / "cis.yaml").read_bytes()
    atomic_write_bytes(wyjscie, data)
    console.print(f"Zapisano: {wyjscie}")
