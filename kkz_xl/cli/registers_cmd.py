"""``kkz katalog …`` and ``kkz liderzy …``: the registers and the Dyfuzor exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kkz_xl.cli.common import console, err_console, track, user_errors
from kkz_xl.errors import InputError, KKZError
from kkz_xl.polish import fmt_money, fmt_number, fmt_percent, plural
from kkz_xl.registers.check import Level, Problem, check_register
from kkz_xl.registers.export import Privacy, export_register, export_rows
from kkz_xl.registers.importing import import_file, load_mapping, parse_mapping_args
from kkz_xl.registers.merge import display
from kkz_xl.registers.reading import read_register, read_registers
from kkz_xl.registers.reconcile import (
    ACCEPTED,
    COUNTS,
    REFUSED,
    Reconciliation,
    import_balance,
    reading_balance,
    refused_file,
)
from kkz_xl.registers.register import Register
from kkz_xl.registers.rounds import merge_round
from kkz_xl.registers.samples import sample_register
from kkz_xl.registers.schema import CATALOGUE, LEADERS, Kind, RegisterSchema
from kkz_xl.registers.search import search
from kkz_xl.registers.sheets import SheetsRead, read_every_sheet
from kkz_xl.registers.workbook import build_workbook
from kkz_xl.registers.writing import save_register, spill_long_texts
from kkz_xl.storage.atomic import atomic_write, atomic_write_bytes

_SHOWN = {"katalog": ("id", "nazwa", "kwestie", "jst", "koszt_uczestnika", "skutecznosc",
                      "poziom_dowodow", "status"),
          "liderzy": ("id", "osoba", "jst", "instytucja", "funkcja", "kwestie", "kompetencje")}


def register(app: typer.Typer) -> None:
    """Add the ``katalog`` and ``liderzy`` command groups to ``app``."""
    catalogue = _group(CATALOGUE, "Katalog Innowacji Społecznych: programy i ich skuteczność.")
    catalogue.command("do-scenariusza")(do_scenariusza)
    app.add_typer(catalogue, name="katalog")
    app.add_typer(_group(LEADERS, "Sieć Liderów Innowacji Społecznych (dane osobowe: tylko za "
                                  "zgodą)."), name="liderzy")


def _saved(path: Path, backup: Path | None) -> None:
    note = f" (poprzednia wersja: {backup})" if backup else ""
    console.print(f"[green]Zapisano[/] {path}{note}")


def _show_sheets(read: SheetsRead) -> None:
    """What was read from each register sheet of the file and what was skipped."""
    for line in read.report():
        console.print(f"[dim]{escape(line)}[/]")


def _shown(schema: RegisterSchema, header: str, value: object) -> str:
    """A cell for the terminal: money and shares the Polish way, bad values as typed."""
    col = schema.by_header.get(header)
    if value is None or col is None:
        return "" if value is None else display(value)
    try:
        typed = col.parse(value)
    except ValueError:
        return display(value)
    if col.kind == Kind.MONEY:
        return fmt_money(typed, 0)
    if col.kind == Kind.SHARE:
        return fmt_percent(typed, 0)
    return display(typed)


# Terminal headers of the balance (the sheet and JSON carry the full labels).
_SHORT = {"wiersze_we": "wiersze\nwe", "wiersze_umieszczone": "\numieszcz.",
          "wiersze_polaczone": "\npołącz.", "wiersze_odrzucone": "\nodrzuc.",
          "wiersze_utracone": "\nutrac.", "komorki_we": "komórki\nwe",
          "komorki_umieszczone": "\numieszcz.", "komorki_polaczone": "\npołącz.",
          "komorki_konflikty": "\nkonflikty", "komorki_odrzucone": "\nodrzuc.",
          "komorki_utracone": "\nutrac."}


def _read_all(paths: list[Path], schema: RegisterSchema, recon: Reconciliation, *,
              values: bool, sheet: str | None = None) -> list[tuple[str, list[Register]]]:
    """Every readable file's register sheets; a file that cannot be read is refused with its
    reason in the reconciliation and the others go on."""
    out: list[tuple[str, list[Register]]] = []
    for path in track(paths, "Wczytywanie plików", total=len(paths)):
        try:
            out.append((path.name, read_registers(path, schema, values=values, sheet=sheet)))
        except FileNotFoundError:
            recon.files.append(refused_file(path.name, "nie znaleziono pliku"))
        except KKZError as err:
            recon.files.append(refused_file(path.name, str(err)))
        except Exception as err:  # a file must never stop the others; the reason is shown
            recon.files.append(refused_file(
                path.name, f"nie udało się odczytać pliku ({type(err).__name__}: {err})"))
    return out


def _show_balance(recon: Reconciliation, json_path: Path | None) -> int:
    """Print the balance per file and the notes; write JSON if asked; the exit code (1 when a
    file was refused or anything is unaccounted for)."""
    table = Table(title=f"Uzgodnienie ({recon.command}): gdzie trafił każdy wiersz i komórka",
                  title_justify="left")
    table.add_column("plik", overflow="fold")
    for key in COUNTS:
        table.add_column(_SHORT[key], justify="right")
    for f in recon.files:
        counts = f.counts()
        lost = f.rows_lost or f.cells_lost
        cells = [fmt_number(counts[k], 0) for k in COUNTS]
        name = f.file if f.status == ACCEPTED else f"[red]{f.file} (odrzucony)[/]"
        table.add_row(name, *(f"[red]{c}[/]" if lost else c for c in cells))
    totals = recon.totals()
    table.add_row("[bold]razem[/]", *(f"[bold]{fmt_number(totals[k], 0)}[/]" for k in COUNTS))
    console.print(table)
    for f in recon.files:
        if f.status == REFUSED:
            err_console.print(f"[red]Odrzucono plik {escape(f.file)}:[/] {escape(f.reason)}")
        for reason, n in f.refused_reasons.items():
            cells = plural(n, "komórkę", "komórki", "komórek")
            console.print(f"[yellow]{escape(f.file)}: odrzucono {cells} – {escape(reason)}[/]")
        for note in f.notes:
            where = f", arkusz „{note.sheet}”" if note.sheet else ""
            where += f", wiersz {note.row}" if note.row else ""
            console.print(f"[dim]{escape(f.file + where)}: {note.kind} – "
                          f"{escape(note.message)}[/]")
        for where in f.lost:
            err_console.print(f"[bold red]UTRACONE[/] {escape(f.file)}: {escape(where)}")
    if json_path is not None:
        atomic_write_bytes(json_path, recon.to_json().encode("utf-8"), backup=False)
        console.print(f"Uzgodnienie zapisano do {json_path}")
    code = 0
    if not recon.balanced:
        err_console.print("[bold red]Błąd uzgodnienia:[/] nie każdy wiersz lub komórka ma swoje "
                          "miejsce (kolumna „utracone”); zgłoś to wraz z plikami.")
        code = 1
    if recon.refused_files:
        err_console.print(f"[red]Plików odrzuconych: {len(recon.refused_files)}[/] – pozostałe "
                          "przetworzono.")
        code = 1
    return code


def _problems_table(problems: list[Problem]) -> Table:
    table = Table(title="Problemy", title_justify="left", show_lines=False)
    for name in ("plik", "arkusz", "wiersz", "kolumna", "rodzaj", "opis"):
        table.add_column(name, justify="right" if name == "wiersz" else "left",
                         overflow="fold")
    for p in problems:
        style = "red" if p.level == Level.ERROR else "yellow"
        table.add_row(p.source, p.sheet, str(p.row), p.column, f"[{style}]{p.level}[/]",
                      p.message)
    return table


def _group(schema: RegisterSchema, help_text: str) -> typer.Typer:
    group = typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode="rich")
    noun = "programów" if schema.kind == "katalog" else "liderów"

    @group.command("utworz")
    @user_errors
    def utworz(
        plik: Annotated[Path, typer.Argument(help="Nowy plik rejestru (.xlsx).")],
        przyklad: Annotated[bool, typer.Option("--przyklad",
                                               help="Wypełnij przykładowymi danymi.")] = False,
        nadpisz: Annotated[bool, typer.Option("--nadpisz", help="Zastąp istniejący plik "
                                              "(poprzednia wersja trafi do .kopie).")] = False,
    ) -> None:
        """Utwórz pusty rejestr (tabela Excela, listy rozwijane, instrukcja) lub z przykładem."""
        if plik.suffix.lower() != ".xlsx":
            raise InputError("plik", f"oczekiwano nazwy pliku .xlsx, otrzymano {plik.name}")
        if plik.exists() and not nadpisz:
            raise InputError("plik", f"{plik} już istnieje; użyj --nadpisz, aby go zastąpić")
        content = sample_register(schema) if przyklad else Register.empty(schema)
        _saved(plik, atomic_write(plik, build_workbook(content).save))

    @group.command("sprawdz")
    @user_errors
    def sprawdz(
        pliki: Annotated[list[Path], typer.Argument(
            help="Pliki rejestru (.xlsx, .xls, .csv, .json).")],
        arkusz: Annotated[str | None, typer.Option(help="Arkusz z tabelą rejestru.")] = None,
        uzgodnienie: Annotated[Path | None, typer.Option(
            help="Zapisz uzgodnienie (bilans wierszy i komórek) do pliku JSON.")] = None,
    ) -> None:
        """Sprawdź rejestr: każdy problem z arkuszem, wierszem, kolumną i opisem; bilans."""
        recon = Reconciliation("sprawdz")
        problems: list[Problem] = []
        rows = 0
        for name, regs in _read_all(pliki, schema, recon, values=False, sheet=arkusz):
            for reg in regs:
                rows += len(reg.rows)
                problems += check_register(reg)
            recon.files.append(reading_balance(name, regs))
        errors = sum(p.level == Level.ERROR for p in problems)
        if problems:
            console.print(_problems_table(problems))
        code = _show_balance(recon, uzgodnienie)
        console.print(f"Sprawdzono {plural(rows, 'wiersz', 'wiersze', 'wierszy')} "
                      f"(plików: {len(pliki)}): błędy {errors}, "
                      f"ostrzeżenia {len(problems) - errors}.")
        if errors or code:
            raise typer.Exit(1)

    @group.command("importuj")
    @user_errors
    def importuj(
        zrodlo: Annotated[Path, typer.Argument(help="Plik źródłowy (.csv, .xlsx, .xls, .json).")],
        do: Annotated[Path, typer.Option("--do", help="Rejestr (.xlsx), do którego dopisać "
                                         "wiersze; powstanie, jeśli go nie ma.")],
        mapowanie: Annotated[Path | None, typer.Option(
            help="Plik YAML/JSON: „kolumna źródłowa: kolumna rejestru”.")] = None,
        kolumna: Annotated[list[str] | None, typer.Option(
            "--kolumna", "-k", help="Mapowanie jednej kolumny: „Źródłowa=Kolumna rejestru”.")
        ] = None,
        arkusz: Annotated[str | None, typer.Option(help="Arkusz pliku źródłowego.")] = None,
        nadawca: Annotated[str | None, typer.Option(
            help="Kto przesłał dane (domyślnie nazwa pliku).")] = None,
        uzgodnienie: Annotated[Path | None, typer.Option(
            help="Zapisz uzgodnienie także do pliku JSON.")] = None,
    ) -> None:
        """Dopisz wiersze z CSV/XLSX/JSON do rejestru, z mapowaniem kolumn i bilansem."""
        mapping = load_mapping(mapowanie) if mapowanie else {}
        mapping.update(parse_mapping_args(kolumna or []))
        result = import_file(zrodlo, schema, mapping, sheet=arkusz, sender=nadawca)
        table = Table(title="Mapowanie kolumn", title_justify="left")
        table.add_column("kolumna źródłowa")
        table.add_column("kolumna rejestru")
        for source, target in result.mapped.items():
            table.add_row(source, target)
        for source in result.unmapped:
            table.add_row(source, f"[yellow]{source} (nowa kolumna)[/]")
        console.print(table)
        target = read_register(do, schema) if do.exists() else Register.empty(schema)
        start = len(target.rows)
        target.add_rows(result.register.rows)
        recon = Reconciliation("importuj")
        balance = import_balance(zrodlo.name, result.sources, result.sent,
                                 target.rows[start:], result.refused)
        balance.notes += spill_long_texts(target, do)
        recon.files.append(balance)
        backup = save_register(target, do, reconciliation=recon)
        problems = check_register(read_register(do, schema))
        added = plural(len(result.register.rows), "wiersz", "wiersze", "wierszy")
        code = _show_balance(recon, uzgodnienie)
        console.print(f"Dopisano {added}; w rejestrze jest ich {len(target.rows)}. Problemy "
                      f"po imporcie: {len(problems)} "
                      f"(szczegóły: kkz {schema.kind} sprawdz {do}).")
        if result.contacts_removed:
            err_console.print(f"[yellow]Usunięto dane kontaktowe z {result.contacts_removed} "
                              "wierszy bez ważnej zgody.[/]")
        _saved(do, backup)
        if code:
            raise typer.Exit(code)

    @group.command("scal")
    @user_errors
    def scal(
        pliki: Annotated[list[Path], typer.Argument(help="Rejestry przesłane przez JST.")],
        wynik: Annotated[Path, typer.Option("--wynik", "-o",
                                            help="Rejestr regionalny (.xlsx).")],
        uzgodnienie: Annotated[Path | None, typer.Option(
            help="Zapisz uzgodnienie także do pliku JSON.")] = None,
    ) -> None:
        """Dyfuzor: scal rejestry wielu JST w rejestr regionalny, bez utraty danych.

        Istniejący rejestr regionalny (--wynik) wchodzi do scalenia: decyzje z arkusza
        „Konflikty” i wartości wpisane w nim ręcznie zostają.
        """
        recon = Reconciliation("scal")
        sent = [p for p in pliki if not (wynik.exists() and p.resolve() == wynik.resolve())]
        regional = _read_all([wynik], schema, recon, values=True) if wynik.exists() else []
        files = _read_all(sent, schema, recon, values=True)
        problems = sum(p.level == Level.ERROR for _, regs in files for reg in regs
                       for p in check_register(reg))
        if not files and not regional:
            _show_balance(recon, uzgodnienie)
        done = merge_round(regional[0][1] if regional else [], files, wynik, recon)
        result, backup = done.result, done.backup
        out = result.register
        code = _show_balance(recon, uzgodnienie)
        summary = Table(title="Dyfuzor – podsumowanie", title_justify="left", show_header=False)
        summary.add_column()
        summary.add_column(justify="right")
        for label, value in (
            ("pliki", len(pliki)),
            ("wiersze przesłane", result.input_rows),
            (f"wiersze w rejestrze regionalnym ({noun})", len(out.rows)),
            ("połączone powtórzenia", result.duplicates_joined),
            ("wiersze z konfliktem", sum(1 for r in out.rows if r.get(schema.header("konflikty")))),
            ("wartości w arkuszu Konflikty", len(out.conflicts)),
            ("konflikty rozstrzygnięte decyzją", result.decisions),
            ("błędy w plikach źródłowych", problems),
            ("wiersze bez ważnej zgody – usunięte kontakty", result.contacts_removed),
        ):
            summary.add_row(label, fmt_number(value, 0))
        console.print(summary)
        _saved(wynik, backup)
        if code:
            raise typer.Exit(code)

    @group.command("eksportuj")
    @user_errors
    def eksportuj(
        rejestr: Annotated[Path, typer.Argument(help="Rejestr (.xlsx, .csv, .json).")],
        wynik: Annotated[Path, typer.Argument(help="Plik wynikowy: .xlsx, .csv lub .json.")],
        z_kontaktami: Annotated[bool, typer.Option(
            "--z-kontaktami", help="Dołącz kontakty (u liderów tylko za zgodą na "
            "udostępnianie).")] = False,
        anonimowo: Annotated[bool, typer.Option(
            "--anonimowo", help="Eksport zanonimizowany: bez danych wskazujących osobę.")
        ] = False,
        arkusz: Annotated[str | None, typer.Option(
            help="Tylko ten arkusz (domyślnie każdy arkusz rejestru).")] = None,
    ) -> None:
        """Eksportuj rejestr do XLSX, CSV lub JSON (kontakty tylko na żądanie i za zgodą)."""
        if z_kontaktami and anonimowo:
            raise InputError("--anonimowo", "nie łącz z --z-kontaktami")
        privacy = (Privacy.ANONYMOUS if anonimowo else
                   Privacy.CONTACTS if z_kontaktami else Privacy.NO_CONTACTS)
        read = read_every_sheet(rejestr, schema, sheet=arkusz)
        _show_sheets(read)
        reg = read.register
        backup = export_register(reg, wynik, privacy)
        sheets = plural(len(read.sheets), "arkusza", "arkuszy", "arkuszy")
        console.print(f"Eksport ({privacy.value}): "
                      f"{plural(len(reg.rows), 'wiersz', 'wiersze', 'wierszy')} z {sheets}.")
        _saved(wynik, backup)

    @group.command("szukaj")
    @user_errors
    def szukaj(
        rejestr: Annotated[Path, typer.Argument(help="Rejestr (.xlsx, .csv, .json).")],
        kwestia: Annotated[str | None, typer.Option(help="Kod lub nazwa kwestii.")] = None,
        jst: Annotated[str | None, typer.Option(help="JST (wystarczy fragment nazwy).")] = None,
        tekst: Annotated[str | None, typer.Option(help="Fragment tekstu w dowolnej kolumnie.")
                         ] = None,
        arkusz: Annotated[str | None, typer.Option(
            help="Tylko ten arkusz (domyślnie każdy arkusz rejestru).")] = None,
    ) -> None:
        """Szukaj w rejestrze po kwestii, JST i tekście (bez względu na wielkość liter i znaki)."""
        read = read_every_sheet(rejestr, schema, sheet=arkusz)
        _show_sheets(read)
        reg = read.register
        found = search(reg, kwestia=kwestia, jst=jst, tekst=tekst)
        table = Table(title=f"Znaleziono {len(found)} z {len(reg.rows)}", title_justify="left")
        shown = [schema.header(k) for k in _SHOWN[schema.kind]]
        several = len(read.sheets) > 1
        for header in ("arkusz:wiersz" if several else "wiersz", *shown):
            table.add_column(header, overflow="fold")
        # The terminal is an output like an export without contacts: a contact typed into
        # a shown text cell stays behind (the same rule as ``eksportuj``).
        _, rows = export_rows(reg, Privacy.NO_CONTACTS)
        for i in found:
            sheet, number = read.where(i)
            table.add_row(f"{sheet}:{number}" if several else str(number),
                          *(_shown(schema, h, rows[i].get(h)) for h in shown))
        console.print(table)

    return group


@user_errors
def do_scenariusza(
    rejestr: Annotated[Path, typer.Argument(help="Katalog (.xlsx, .csv, .json).")],
    program: Annotated[str, typer.Argument(help="Identyfikator programu w katalogu.")],
    scenariusz: Annotated[Path, typer.Argument(help="Scenariusz JST (.yaml, .json).")],
    kwestia: Annotated[str | None, typer.Option(
        help="Kod kwestii w scenariuszu; domyślnie pierwsza kwestia programu.")] = None,
    arkusz: Annotated[str | None, typer.Option(
        help="Tylko ten arkusz katalogu (domyślnie każdy arkusz rejestru).")] = None,
) -> None:
    """Wstaw program z Katalogu do scenariusza kalkulatora (koszt na uczestnika, skuteczność)."""
    from kkz_xl.engine.run import run_scenario  # the engine only for this command's NPV
    from kkz_xl.model.scenario_edit import set_programme  # ruamel only when editing
    from kkz_xl.registers.programme import programme_inputs  # pydantic rows only here

    read = read_every_sheet(rejestr, CATALOGUE, sheet=arkusz)
    _show_sheets(read)
    reg = read.register
    id_header = CATALOGUE.header("id")
    found = [i for i, r in enumerate(reg.rows)
             if str(r.get(id_header) or "").strip() == program.strip()]
    if not found:
        raise InputError("program", f"w katalogu {rejestr.name} (arkusze: "
                                    f"{', '.join(r.sheet for r in read.sheets)}) nie ma "
                                    f"programu o identyfikatorze {program!r}")
    places = [f"arkusz „{sheet}”, wiersz {row}" for sheet, row in map(read.where, found)]
    chosen = [programme_inputs(reg.rows[i]) for i in found]
    if any(c != chosen[0] for c in chosen[1:]):
        raise InputError("program", f"identyfikator {program!r} ma w katalogu różne programy "
                                    f"({'; '.join(places)}) – popraw identyfikator albo wskaż "
                                    "arkusz (--arkusz)")
    row = reg.rows[found[0]]
    values = chosen[0]
    console.print(f"Program {program!r} z katalogu {rejestr.name}: {places[0]}"
                  + (f" (ten sam w: {'; '.join(places[1:])})" if places[1:] else ""))
    codes = CATALOGUE.by_key["kwestie"].parse(row.get(CATALOGUE.header("kwestie"))) or []
    code = kwestia or (codes[0] if codes else None)
    if code is None:
        raise InputError("kwestia", "program nie ma przypisanej kwestii – podaj --kwestia")
    before, after, backup = set_programme(scenariusz, code, values["nazwa"],
                                          values["koszt_uczestnika"], values["skutecznosc"],
                                          note=f"koszt i skuteczność z katalogu {rejestr.name} "
                                               f"({places[0]}, ID {program.strip()})")
    npv = [run_scenario(s, monte_carlo_draws=0, with_tornado=False).issue(code).npv
           for s in (before, after)]
    console.print(f"Kwestia [bold]{code}[/]: program „{values['nazwa']}” – koszt na uczestnika "
                  f"{fmt_money(values['koszt_uczestnika'], 0)}, skuteczność "
                  f"{fmt_percent(values['skutecznosc'], 1)}")
    console.print(f"Koszt zaniechania (NPV) tej kwestii: {fmt_money(npv[0], 0)} → "
                  f"[bold]{fmt_money(npv[1], 0)}[/]")
    _saved(scenariusz, backup)
