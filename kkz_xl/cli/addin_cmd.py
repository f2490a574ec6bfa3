"""``kkz serwer`` (the Office.js add-in server) and ``kkz dodatek`` (classic xlwings settings)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from kkz_xl.addin.classic import MACRO_SUFFIXES, local_settings, write_classic_settings
from kkz_xl.addin.server_mode import enable_server_mode, server_mode_possible
from kkz_xl.addin.settings import AddinSettings, load_settings
from kkz_xl.cli.common import console, err_console, user_errors
from kkz_xl.dyfuzor.settings import make_settings
from kkz_xl.dyfuzor.settings import settings_env as dyfuzor_env
from kkz_xl.errors import InputError
from kkz_xl.excel.locations import UDF_MODULE
from kkz_xl.polish import plural


def register(app: typer.Typer) -> None:
    app.command("serwer")(serwer)
    app.command("dodatek")(dodatek)


def _settings_env(settings: AddinSettings) -> dict[str, str]:
    """The environment that makes ``python -m kkz_xl.addin`` use ``settings``."""
    env = dict(os.environ)
    env.pop("KKZ_SERVER_CONFIG", None)  # everything from it is in the variables below
    env.update(settings.to_env())
    return env


@user_errors
def serwer(
    host: Annotated[str | None, typer.Option(help="Adres nasłuchu (domyślnie 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (domyślnie 8000).")] = None,
    adres: Annotated[
        str | None,
        typer.Option(help="Publiczny adres HTTPS dodatku (za odwrotnym proxy), np. "
                          "https://kkz.gmina.pl albo https://uslugi.powiat.pl/kkz."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Liczba procesów serwera (domyślnie 1; dla wielu JST "
                                       "np. tyle, ile rdzeni procesora)."),
    ] = None,
    konfiguracja: Annotated[
        Path | None, typer.Option(help="Plik YAML z ustawieniami serwera.")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Zapisz manifest.xml do pliku i zakończ (bez serwera)."),
    ] = None,
    katalog: Annotated[Path | None, typer.Option(
        help="Regionalny Katalog Innowacji (.xlsx): strona Dyfuzora pod /dyfuzor.")] = None,
    liderzy: Annotated[Path | None, typer.Option(
        help="Regionalna Sieć Liderów (.xlsx) dla strony Dyfuzora.")] = None,
    dane: Annotated[Path | None, typer.Option(
        help="Folder bazy Dyfuzora (historia zgłoszeń, tokeny); domyślnie obok katalogu.")
    ] = None,
) -> None:
    """Serwer funkcji KKZ dla Excela 365 / Excela w przeglądarce (dodatek Office.js).

    Token dostępu: zmienna KKZ_SERVER_TOKEN lub plik konfiguracji (nie wiersz poleceń).
    """
    settings = load_settings(konfiguracja, host=host, port=port, public_url=adres,
                             workers=workers)
    dyfuzor = make_settings(katalog, liderzy, dane)
    if dyfuzor is not None:
        os.environ.update(dyfuzor_env(dyfuzor))  # read by the server process's create_app
    if manifest is not None:
        # Only for --manifest: keeps `kkz serwer` start-up free of the manifest template.
        from kkz_xl.addin.manifest import render_manifest

        manifest.write_text(render_manifest(settings), encoding="utf-8")
        console.print(f"Zapisano manifest dodatku: [bold]{manifest}[/] (adres {settings.base_url})")
        return
    if not (settings.udfs_dir / f"{settings.udf_module}.py").exists():
        raise InputError(
            "KKZ_UDFS_DIR", f"nie ma pliku {settings.udf_module}.py w folderze {settings.udfs_dir}"
        )
    console.print(
        f"Serwer KKZ: [bold]http://{settings.host}:{settings.port}[/]"
        + (f" ({plural(settings.workers, 'proces', 'procesy', 'procesów')})"
           if settings.workers > 1 else "")
        + f"; manifest dodatku: [bold]{settings.base_url}/manifest.xml[/]"
        + ("; wymagany token dostępu" if settings.token else "")
    )
    if dyfuzor is not None:
        console.print(f"Dyfuzor: [bold]{settings.base_url}/dyfuzor[/] (baza: {dyfuzor.database})")
    if settings.insecure_address:
        err_console.print(f"[bold red]UWAGA:[/] {settings.insecure_address}.")
    console.print("Zatrzymanie: Ctrl+C.")
    if server_mode_possible():
        enable_server_mode()
        # After enable_server_mode(): the server's modules import xlwings in server mode.
        from kkz_xl.addin.run import serve

        raise typer.Exit(serve(settings))
    # xlwings is already loaded in this process in desktop mode: serve from a fresh one.
    code = subprocess.call([sys.executable, "-m", "kkz_xl.addin"], env=_settings_env(settings))
    raise typer.Exit(code)


@user_errors
def dodatek(
    plik: Annotated[Path, typer.Argument(help="Skoroszyt .xlsm (lub .xlsx) do uzupełnienia.")],
    wynik: Annotated[
        Path | None, typer.Option(help="Zapisz do innego pliku (domyślnie nadpisz, z kopią).")
    ] = None,
    udfs: Annotated[
        str | None,
        typer.Option(help="Folder z plikiem kkz_udfs.py na komputerze z Excelem "
                          "(może zawierać %USERPROFILE%)."),
    ] = None,
    python: Annotated[
        str | None, typer.Option(help="Pełna ścieżka do pythonw.exe (domyślnie z karty xlwings).")
    ] = None,
    conda_env: Annotated[str | None, typer.Option(help="Nazwa środowiska Conda.")] = None,
    conda_path: Annotated[str | None, typer.Option(help="Folder instalacji Conda.")] = None,
) -> None:
    """Wpisz do skoroszytu ustawienia xlwings (arkusz xlwings.conf), by mieć funkcje KKZ_.

    Po otwarciu pliku w Excelu z dodatkiem xlwings wystarczy raz kliknąć Import Functions.
    """
    if udfs is not None and Path(udfs).is_dir() and not (Path(udfs) / f"{UDF_MODULE}.py").exists():
        raise InputError("--udfs", f"w folderze {udfs} nie ma pliku {UDF_MODULE}.py")
    base = local_settings()
    changes = {
        "pythonpath": udfs,
        "interpreter_win": python,
        "conda_env": conda_env,
        "conda_path": conda_path,
    }
    settings = dataclasses.replace(base, **{k: v for k, v in changes.items() if v is not None})
    result = write_classic_settings(plik, settings, wynik)
    written = result.path
    console.print(f"Zapisano ustawienia xlwings w [bold]{written}[/] (arkusz xlwings.conf).")
    if result.lost:
        err_console.print(
            f"[yellow]Uwaga:[/] z pliku {written.name} zniknęły: {'; '.join(result.lost)}. "
            f"Oryginał {plik.name} jest bez zmian."
        )
    console.print(f"  UDF Modules: {settings.udf_modules}")
    console.print(f"  PYTHONPATH: {settings.pythonpath}")
    console.print(
        f"  Interpreter_Win: {settings.interpreter_win or '(z ustawień karty xlwings)'}"
    )
    console.print("Dalej: otwórz plik w Excelu → karta xlwings → Import Functions.")
    if written.suffix.lower() not in MACRO_SUFFIXES:
        err_console.print(
            "[yellow]Uwaga:[/] Import Functions dodaje do pliku makra – zapisz go potem jako "
            "skoroszyt z obsługą makr (.xlsm)."
        )
