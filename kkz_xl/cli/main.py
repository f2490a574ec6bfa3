"""The ``kkz`` command: one Typer app, each group of subcommands in its own module."""

from __future__ import annotations

import typer

from kkz_xl.cli import (
    addin_cmd,
    bsc_cmd,
    calc,
    cis_cmd,
    documents_cmd,
    dyfuzor_cmd,
    general_cmd,
    params_cmd,
    registers_cmd,
    training_cmd,
    workbook_cmd,
)

app = typer.Typer(
    name="kkz",
    help="Kalkulator Kosztów Zaniechania (KKZ): koszt zaniechania działań społecznych dla JST.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

# In the order of `kkz --help`: the calculator first, then the other tools.
for module in (calc, params_cmd, general_cmd, workbook_cmd, addin_cmd, registers_cmd, dyfuzor_cmd,
               documents_cmd,
               training_cmd, bsc_cmd, cis_cmd):
    module.register(app)


@app.callback()
def _main() -> None:
    """Kalkulator Kosztów Zaniechania (KKZ) dla gmin i powiatów."""
