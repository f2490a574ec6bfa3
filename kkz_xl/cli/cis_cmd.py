"""``kkz cis``: Centrum Integracji Społecznej – financing, the programme, graduate monitoring."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kkz_xl.cis.financing import CisInput, CisResult, cis_cost
from kkz_xl.cis.labels import CIS_PAYER_LABELS, INPUT_LABELS, RESULT_LABELS, TOTAL_LABEL, CisPayer
from kkz_xl.cis.monitoring import (
    Graduate,
    Schedule,
    monitoring_plan,
    schedule_from_months,
    standard_2011,
)
from kkz_xl.cis.outcomes import outcomes, read_monitoring_workbook, success_rate
from kkz_xl.cis.params import VALUE_NAMES, cis_params, validity_warnings
from kkz_xl.cis.plan_file import CisPlan, load_plan, sample_plan
from kkz_xl.cis.programme import (
    cis_programme,
    payer_shares_named,
    scenario_edit,
    scenario_fragment,
)
from kkz_xl.cis.report import write_report
from kkz_xl.cis.sample_outputs import WORKBOOK_NAME
from kkz_xl.cis.workbook import write_cis_workbook
from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.errors import InputError
from kkz_xl.polish import fmt_date, fmt_money, fmt_number, fmt_percent, plural
from kkz_xl.storage.atomic import atomic_write_bytes

app = typer.Typer(help="Centrum Integracji Społecznej: finansowanie, program, monitoring.",
                  no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="cis")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _print_validity() -> None:
    """The legal amounts used, each with its period of validity; warnings when past."""
    p = cis_params()
    for key, name in VALUE_NAMES.items():
        v = getattr(p, key)
        whole = round(v.wartosc * 100, 6).is_integer()
        shown = fmt_money(v.wartosc) if v.jednostka.startswith("zł") else fmt_percent(
            v.wartosc, 0 if whole else 2)
        console.print(f"[dim]{name}: {shown} – {v.validity()} (stopień {v.stopien})[/]")
    for warning in validity_warnings():
        err_console.print(f"[yellow]Uwaga:[/] {warning}")


def _print_result(result: CisResult) -> None:
    d = result.dane
    console.print(
        f"[bold]{INPUT_LABELS['uczestnicy']}:[/] {d.uczestnicy}, "
        f"[bold]{INPUT_LABELS['miesiace'].lower()}:[/] {fmt_number(d.miesiace, 1)}, "
        f"[bold]{_lower_first(INPUT_LABELS['miesiace_dzialania'])}:[/] "
        f"{fmt_number(d.miesiace_dzialania, 1)}"
    )
    _print_validity()
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
    miesiace_dzialania: Annotated[float | None, typer.Option(
        help="Miesiące działania CIS w okresie (za tyle miesięcy liczą się koszty bieżące); "
             "domyślnie 12 albo --miesiace, gdy dłuższe.")] = None,
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
              "miesiace_dzialania": miesiace_dzialania,
              "koszty_biezace_mies": koszty_biezace, "przychody_wlasne": przychody_wlasne,
              "udzial_ue": udzial_ue, "udzial_panstwa": state, "zasilek": zasilek}
    _print_result(cis_cost(CisInput(**{k: v for k, v in fields.items() if v is not None})))


@app.command("program")
@user_errors
def program(
    plik: Annotated[Path | None, typer.Argument(
        help="Plik planu CIS (YAML); bez niego – domyślne z bazy parametrów.")] = None,
    kwestia: Annotated[str, typer.Option(help="Kod kwestii społecznej.")] = "bezrobocie",
    monitoring_xlsx: Annotated[Path | None, typer.Option(
        "--monitoring", help="Wypełniony skoroszyt monitoringu: skuteczność z wyników "
                             "absolwentów tego CIS.")] = None,
    nazwa: Annotated[str | None, typer.Option(help="Nazwa CIS (do źródła skuteczności).")
                     ] = None,
    miesiac: Annotated[int, typer.Option(
        help="Miesiąc po ukończeniu, z którego liczyć skuteczność.")] = 12,
    fragment: Annotated[Path | None, typer.Option(
        "--fragment", help="Zapisz fragment scenariusza kalkulatora (YAML, ze źródłami).")
    ] = None,
    do_scenariusza: Annotated[Path | None, typer.Option(
        "--do-scenariusza", help="Wpisz ten CIS (skuteczność; koszt i finansowanie z planu) "
                                 "do kwestii w scenariuszu JST (.yaml/.json).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Wypisz jako JSON.")] = False,
) -> None:
    """CIS jako działanie kalkulatora: koszt na uczestnika, skuteczność, finansowanie."""
    if do_scenariusza is not None and json_out:
        raise InputError("--do-scenariusza", "nie łącz z --json")
    calc = cis_cost(load_plan(plik).kalkulator) if plik else None
    rate = None
    if monitoring_xlsx is not None:
        filled = read_monitoring_workbook(monitoring_xlsx)
        if calc is None and filled.kalkulator is not None:
            calc = cis_cost(filled.kalkulator)
        today = dt.date.today()
        rows = outcomes(filled.absolwenci, filled.entries_by_key(),
                        filled.miesiace or standard_2011(), today)
        rate = success_rate(rows, nazwa or monitoring_xlsx.stem, today, miesiac)
    prog = cis_programme(kwestia, kalkulacja=calc, wynik_monitoringu=rate)
    if fragment is not None:
        atomic_write_bytes(fragment, scenario_fragment(prog).encode("utf-8"))
    if json_out:
        console.print_json(json.dumps(prog, ensure_ascii=False))
        return
    console.print(f"[bold]{prog['nazwa']}[/] (kwestia: {prog['kwestia']})")
    console.print(f"koszt na uczestnika: {fmt_money(prog['koszt_uczestnika'])} – "
                  f"{prog['zrodlo_kosztu']}")
    console.print(f"skuteczność: {fmt_percent(prog['skutecznosc'])} – "
                  f"{prog['zrodlo_skutecznosci']} (stopień {prog['stopien_skutecznosci']}, "
                  f"{prog['data_skutecznosci']})")
    shares = ", ".join(f"{k} {fmt_percent(v)}" for k, v in prog["finansowanie_platnicy"].items())
    console.print(f"finansowanie: {shares}")
    if calc is not None or rate is not None:
        base = cis_programme(kwestia)
        base_shares = ", ".join(f"{k} {fmt_percent(v)}"
                                for k, v in base["finansowanie_platnicy"].items())
        console.print(f"[dim]dla porównania baza parametrów: {fmt_money(base['koszt_uczestnika'])}"
                      f" na uczestnika, skuteczność {fmt_percent(base['skutecznosc'])}, "
                      f"finansowanie: {base_shares}[/]")
    for note in prog["uwagi"]:
        err_console.print(f"[yellow]Uwaga:[/] {note}")
    if fragment is not None:
        console.print(f"Zapisano fragment scenariusza: {fragment}")
    if do_scenariusza is not None:
        _into_scenario(prog, do_scenariusza)


@app.command("monitoring")
@user_errors
def monitoring(
    plik: Annotated[Path | None, typer.Argument(
        help="Plik planu CIS (YAML) albo wypełniony skoroszyt monitoringu (XLSX); bez niego "
             "– przykład.")] = None,
    data: Annotated[str | None, typer.Option(
        help="Zamiast pliku: data ukończenia jednego absolwenta (RRRR-MM-DD).")] = None,
    lata: Annotated[int, typer.Option(help="Lata monitoringu (przy --data).")] = 3,
    co_ile_rok1: Annotated[int, typer.Option(help="Odstęp kontaktów w 1. roku, mies.")] = 3,
    co_ile_potem: Annotated[int, typer.Option(help="Odstęp kontaktów potem, mies.")] = 6,
    wyjscie: Annotated[Path | None, typer.Option(
        "--wyjscie", "-o", help="Zapisz arkusz monitoringu (XLSX).")] = None,
) -> None:
    """Plan kontaktów z absolwentami CIS (domyślnie: 3 lata, co kwartał, potem co pół roku).

    Z wypełnionym skoroszytem (XLSX): czyta absolwentów i wpisane kontakty, dodaje terminy
    absolwentów dopisanych później i zapisuje skoroszyt od nowa (-o, domyślnie ten sam plik,
    poprzednia wersja w kopii) – nic, co wpisano, nie ginie."""
    if plik is not None and plik.suffix.lower() in (".xlsx", ".xlsm"):
        # Options left at their defaults: keep the sheet's own schedule.
        given = (lata, co_ile_rok1, co_ile_potem) != (3, 3, 6)
        _refresh_workbook(plik, wyjscie, standard_2011(
            lata, co_ile_rok1=co_ile_rok1, co_ile_potem=co_ile_potem) if given else None)
        return
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


def _print_problems(problems: list[str]) -> None:
    for problem in problems:
        err_console.print(f"[yellow]Uwaga:[/] {problem}")


def _refresh_workbook(path: Path, out: Path | None, schedule: Schedule | None) -> None:
    filled = read_monitoring_workbook(path)
    schedule = schedule or schedule_from_months(filled.miesiace) or standard_2011()
    _print_problems(filled.problemy)
    entries = filled.entries_by_key()
    target = out or path
    calc = filled.kalkulator
    write_cis_workbook(target, calc or sample_plan().kalkulator, filled.absolwenci, schedule,
                       calculator=calc is not None, entries=entries)
    n_new = len(filled.nowi)
    people = plural(len(filled.absolwenci), "absolwenta", "absolwentów", "absolwentów")
    contacts = plural(len(entries), "wpisany kontakt", "wpisane kontakty", "wpisanych kontaktów")
    console.print(f"Odczytano {people} i {contacts}; wszystkie wpisy przeniesiono.")
    if n_new:
        console.print(f"Nowi absolwenci w planie kontaktów: {', '.join(filled.nowi)}.")
    console.print(f"Zapisano: {target}")


@app.command("wyniki")
@user_errors
def wyniki(
    plik: Annotated[Path, typer.Argument(help="Wypełniony skoroszyt monitoringu (XLSX).")],
    nazwa: Annotated[str | None, typer.Option(help="Nazwa CIS (do raportu i źródła).")] = None,
    miesiac: Annotated[int, typer.Option(
        help="Miesiąc po ukończeniu, z którego liczyć skuteczność dla kalkulatora.")] = 12,
    raport: Annotated[Path | None, typer.Option(
        "--raport", help="Zapisz raport wyników (Word, DOCX).")] = None,
    fragment: Annotated[Path | None, typer.Option(
        "--fragment", help="Zapisz fragment scenariusza kalkulatora z obserwowaną "
                           "skutecznością (YAML, ze źródłem i datą).")] = None,
    do_scenariusza: Annotated[Path | None, typer.Option(
        "--do-scenariusza", help="Wpisz obserwowaną skuteczność (i finansowanie z kalkulacji "
                                 "CIS) do programu CIS kwestii w scenariuszu JST (.yaml/.json)."
    )] = None,
    kwestia: Annotated[str, typer.Option(
        help="Kwestia scenariusza, której programem jest CIS.")] = "bezrobocie",
) -> None:
    """Wyniki absolwentów z wypełnionego arkusza: według rocznika i miesiąca kontaktu
    (zatrudnieni, usamodzielnieni, brak kontaktu) i skuteczność dla kalkulatora."""
    today = dt.date.today()
    filled = read_monitoring_workbook(plik, today)
    _print_problems(filled.problemy)
    name = nazwa or plik.stem
    # The contact months of the sheet itself (it may follow another schedule than the default).
    rows = outcomes(filled.absolwenci, filled.entries_by_key(),
                    filled.miesiace or standard_2011(), today)
    table = Table(title=f"Wyniki absolwentów – {name} (stan na {fmt_date(today)})",
                  title_justify="left")
    for h in ("rocznik", "mies.", "absolw.", "po terminie", "wpisane", "zatrudn.",
              "usamodz.", "udział", "brak kontaktu", "niewpisane"):
        table.add_column(h, justify="left" if h == "rocznik" else "right")
    for r in (r for r in rows if r.termin_minal):  # contact months not yet due are left out
        table.add_row("ogółem" if r.rocznik == 0 else str(r.rocznik), str(r.miesiac),
                      str(r.absolwenci), str(r.termin_minal), str(r.wpisane),
                      str(r.zatrudnieni), str(r.usamodzielnieni),
                      "–" if r.udzial is None else fmt_percent(r.udzial, 0), str(r.brak_kontaktu),
                      str(r.niewpisane))
    console.print(table)
    try:
        rate = success_rate(rows, name, today, miesiac)
    except InputError as err:
        rate = None
        err_console.print(f"[yellow]Uwaga:[/] {err}")
    prog = None
    if rate is not None:
        calc = cis_cost(filled.kalkulator) if filled.kalkulator is not None else None
        prog = cis_programme(kwestia, kalkulacja=calc, wynik_monitoringu=rate)
        console.print(f"Usamodzielnieni (brutto): {fmt_percent(rate.wartosc)} – {rate.zrodlo} "
                      f"(stopień {rate.stopien}).")
        console.print(f"Skuteczność dla kalkulatora (netto, bez odpływu samoistnego): "
                      f"[bold]{fmt_percent(prog['skutecznosc'])}[/].")
    if raport is not None:
        write_report(raport, name, rows, len(filled.absolwenci), rate, filled.problemy, today,
                     net=None if prog is None else prog["skutecznosc"])
        console.print(f"Zapisano raport: {raport}")
    if fragment is not None:
        if prog is None:
            raise InputError("--fragment", "brak skuteczności z monitoringu – fragmentu "
                                           "scenariusza nie zapisano")
        atomic_write_bytes(fragment, scenario_fragment(prog).encode("utf-8"))
        console.print(f"Zapisano fragment scenariusza: {fragment}")
    if do_scenariusza is not None:
        if prog is None:
            raise InputError("--do-scenariusza", "brak skuteczności z monitoringu – scenariusza "
                                                 "nie zmieniono")
        _into_scenario(prog, do_scenariusza)


def _when(day: str | None) -> str:
    """An ISO date the Polish way; a year (the base's figure) as it is."""
    try:
        return fmt_date(dt.date.fromisoformat(str(day)))
    except ValueError:
        return f"{day} r."


def _into_scenario(prog: dict, path: Path) -> None:
    """Write the CIS into the scenario's issue and say what changed, with the issue's NPV
    before and after."""
    from kkz_xl.engine.run import run_scenario  # the engine only to show the NPV change
    from kkz_xl.model.scenario import Scenario  # pydantic scenario only when editing one
    from kkz_xl.model.scenario_edit import set_programme  # ruamel only when editing a file

    edit = scenario_edit(prog)
    code = edit["code"]
    codes = [i.code for i in Scenario.load(path).issues]
    if code not in codes:
        raise InputError("--do-scenariusza", f"scenariusz {path.name} nie zawiera kwestii "
                         f"{code!r} (kwestie scenariusza: {', '.join(codes)}) – dodaj ją z "
                         "liczbą osób (osoby) albo zapisz fragment: --fragment; scenariusza "
                         "nie zmieniono")
    before, after, backup = set_programme(path, **edit)
    npv = [run_scenario(s, monte_carlo_draws=0, with_tornado=False).issue(code).npv
           for s in (before, after)]
    console.print(f"Scenariusz {path.name}, kwestia [bold]{code}[/]: program „{prog['nazwa']}” "
                  f"– skuteczność {fmt_percent(edit['success'], 1)} (stan na "
                  f"{_when(prog['data_skutecznosci'])}, stopień wiarygodności "
                  f"{prog['stopien_skutecznosci']}"
                  + ("" if path.suffix.lower() == ".json" else
                     "; źródło w komentarzu „# KKZ:” przy wartości") + ").")
    if edit["financing"] is not None:
        shares = ", ".join(f"{k} {fmt_percent(v)}"
                           for k, v in payer_shares_named(edit["financing"]).items())
        console.print(f"Koszt na uczestnika {fmt_money(edit['cost'], 0)} i finansowanie "
                      f"({shares}) – z kalkulacji tego CIS.")
    else:
        console.print("Koszt na uczestnika i finansowanie – z programu CIS bazy parametrów "
                      "(w skoroszycie monitoringu nie ma kalkulacji tego CIS).")
    console.print(f"Koszt zaniechania (NPV) tej kwestii: {fmt_money(npv[0], 0)} → "
                  f"[bold]{fmt_money(npv[1], 0)}[/]")
    note = f" (poprzednia wersja: {backup})" if backup else ""
    console.print(f"[green]Zapisano[/] {path}{note}")


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
    data = (resources.files("kkz_xl.cis") / "sample" / "cis.yaml").read_bytes()
    atomic_write_bytes(wyjscie, data)
    console.print(f"Zapisano: {wyjscie}")
