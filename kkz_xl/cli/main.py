"""The ``kkz`` command: one Typer app, each group of subcommands in its own module, loaded only
when its command runs (``kkz --help`` imports none of them).

To add a command: write ``kkz_xl/cli/<module>.py`` with ``register(app)`` and add one line per
command name to ``COMMANDS`` (its help line must be the command's own first help line;
``tests/test_cli_lazy.py`` checks it).
"""

from __future__ import annotations

import typer

from kkz_xl.cli.lazy import LazyCommand, LazyGroup
from kkz_xl.cli.polish_cli import install as install_polish

install_polish()

# In the order of `kkz --help`: the calculator first, then the other tools.
COMMANDS = (
    LazyCommand("oblicz", "calc", "Oblicz koszt zaniechania dla scenariusza JST (lub wielu "
                "JST): kwestie, płatnicy, budżet."),
    LazyCommand("demo", "calc", "Demonstracja na wbudowanym przykładzie (fikcyjna Gmina "
                "Przykładowa, ok. 20 000 mieszk.)."),
    LazyCommand("parametry", "params_cmd", "Baza parametrów: wartości, jednostki, lata, źródła "
                "i stopnie pewności (1-5)."),
    LazyCommand("model-ogolny", "general_cmd", "Postać ogólna metody: poziomy nasilenia "
                "i problemy powiązane, z pełnym wyliczeniem."),
    LazyCommand("skoroszyt", "workbook_cmd", "Zbuduj Kalkulator KKZ (.xlsm z funkcjami KKZ_), "
                "pusty albo wypełniony danymi JST."),
    LazyCommand("raport", "workbook_cmd", "Kopia kalkulatora z samymi wartościami (dla osób "
                "bez dodatku) i PDF podsumowania."),
    LazyCommand("porownaj", "workbook_cmd", "Porównaj warianty programów jednej JST (bez "
                "sumowania wariantów)."),
    LazyCommand("serwer", "addin_cmd", "Serwer funkcji KKZ dla Excela 365 / Excela "
                "w przeglądarce (dodatek Office.js)."),
    LazyCommand("dodatek", "addin_cmd", "Wpisz do skoroszytu ustawienia xlwings (arkusz "
                "xlwings.conf), by mieć funkcje KKZ_."),
    LazyCommand("strategia", "documents_cmd", "Strategia Rozwiązywania Problemów Społecznych "
                "(art. 16b u.p.s.) w Wordzie i PDF."),
    LazyCommand("katalog", "registers_cmd", "Katalog Innowacji Społecznych: programy i ich "
                "skuteczność."),
    LazyCommand("liderzy", "registers_cmd", "Sieć Liderów Innowacji Społecznych (dane "
                "osobowe: tylko za zgodą)."),
    LazyCommand("dyfuzor", "dyfuzor_cmd", "Dyfuzor w sieci: tokeny JST i odtwarzanie "
                "rejestru regionalnego z bazy."),
    LazyCommand("szablon", "documents_cmd", "Szablony dokumentów Word: sprawdzanie po edycji."),
    LazyCommand("szkolenia", "training_cmd", "System Szkoleń KKZ: moduły, sesje, uczestnicy, "
                "ukończenia."),
    LazyCommand("bsc", "bsc_cmd", "Zrównoważona karta wyników (BSC) sieci usług społecznych."),
    LazyCommand("cis", "cis_cmd", "Centrum Integracji Społecznej: finansowanie, program, "
                "monitoring."),
)


class KkzGroup(LazyGroup):
    COMMANDS = COMMANDS


app = typer.Typer(
    name="kkz",
    cls=KkzGroup,
    help="Kalkulator Kosztów Zaniechania (KKZ): koszt zaniechania działań społecznych dla JST.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    """Kalkulator Kosztów Zaniechania (KKZ) dla gmin i powiatów."""
