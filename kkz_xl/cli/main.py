"""The ``kkz`` command: one Typer app, each group of subcommands in its own module."""

from __future__ import annotations

import typer

from kkz_xl.cli import calc, params_cmd

app = typer.Typer(
    name="kkz",
    help="Kalkulator Kosztów Zaniechania (KKZ): koszt zaniechania działań społecznych dla JST.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


calc.register(app)
params_cmd.register(app)
# Command groups of other parts of the product register below, one line each.
from kkz_xl.cli import addin_cmd; addin_cmd.register(app)  # noqa: E402, E702, I001
from kkz_xl.cli import cis_cmd; cis_cmd.register(app)  # noqa: E402, E702, I001
from kkz_xl.cli import bsc_cmd; bsc_cmd.register(app)  # noqa: E402, E702, I001
from kkz_xl.cli import training_cmd; training_cmd.register(app)  # noqa: E402, E702, I001
from kkz_xl.cli import documents_cmd; documents_cmd.register(app)  # noqa: E402, E702, I001
from kkz_xl.cli import registers_cmd; registers_cmd.register(app)  # noqa: E402, E702, I001
from kkz_xl.cli import workbook_cmd; workbook_cmd.register(app)  # noqa: E402, E702, I001


@app.callback()
def _main() -> None:
    """Kalkulator Kosztów Zaniechania (KKZ) dla gmin i powiatów."""
