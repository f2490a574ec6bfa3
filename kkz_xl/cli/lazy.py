"""A command group whose commands load on first use: ``kkz --help`` lists every command from
its name and one line of help without importing the command modules (and with them pandas,
openpyxl, numpy, the engine), while ``kkz <command> …`` imports only that command's module.

The pattern is click's documented lazy-loading group (click docs, "Lazily Loading
Subcommands"), on Typer's group so help and errors keep Typer's look.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import typer
from typer._click import Context
from typer._click.core import Command
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """One ``kkz`` command: its name, the module (in ``kkz_xl.cli``) whose ``register(app)``
    adds it, and the line ``kkz --help`` shows (the command's own help, checked by a test)."""

    name: str
    module: str
    help: str


class _Placeholder(TyperCommand):
    """Stands in for a command in the listing; never run (resolve_command loads the real one)."""


def load_module_commands(module: str) -> dict[str, Command]:
    """The click commands that ``kkz_xl.cli.<module>.register`` adds, by name."""
    sub = typer.Typer(rich_markup_mode="rich", pretty_exceptions_enable=False,
                      add_completion=False)
    sub.callback()(lambda: None)  # always a group, even for a module with one command
    importlib.import_module(f"kkz_xl.cli.{module}").register(sub)
    group = typer.main.get_command(sub)
    assert isinstance(group, TyperGroup)
    return dict(group.commands)


class LazyGroup(TyperGroup):
    """The root group; ``COMMANDS`` (set by the subclass) lists the lazy commands in order."""

    COMMANDS: Sequence[LazyCommand] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._lazy = {c.name: c for c in self.COMMANDS}
        for c in self.COMMANDS:
            self.commands.setdefault(c.name, _Placeholder(c.name, help=c.help,
                                                          rich_markup_mode="rich"))

    def _load(self, name: str) -> Command:
        loaded = load_module_commands(self._lazy[name].module)
        for cmd_name, cmd in loaded.items():
            if cmd_name in self._lazy:
                self.commands[cmd_name] = cmd
        return self.commands[name]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if isinstance(cmd, _Placeholder) and ctx.resilient_parsing:  # shell completion
            return self._load(cmd_name)
        return cmd

    def resolve_command(self, ctx: Context, args: list[str]
                        ) -> tuple[str | None, Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(cmd, _Placeholder):
            cmd = self._load(name)
        return name, cmd, rest
