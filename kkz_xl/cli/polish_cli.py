"""Typer's own words in Polish: help screens (usage line, panel titles, the help option, type
names, defaults) and usage errors (missing argument, unknown option, bad value, unknown command).

Typer bundles its own copy of click whose messages are plain f-strings, not gettext calls, so a
message catalogue cannot reach them. Instead :func:`install` replaces the few module constants
and methods that produce them, and errors are rebuilt from the exceptions' structured fields
(the parameter, its kind, the option name, pydantic's error as the cause) rather than by
rewriting English text; only the remaining free-form messages go through :data:`MESSAGES`.
``tests/test_cli_polish.py`` fails if an English word reaches the user, so a Typer upgrade that
moves a string shows up at once.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

import typer.completion
import typer.core
from typer import rich_utils
from typer._click import exceptions as cx
from typer._click import formatting
from typer._click.core import Command
from typer._click.utils import echo

USAGE = "Użycie: "
#: Placeholders of the usage line.
USAGE_PIECES = {"[OPTIONS]": "[OPCJE]", "COMMAND [ARGS]...": "POLECENIE [ARGUMENTY]..."}
HELP_OPTION = "Pokaż tę pomoc i zakończ."

#: Typer's gettext-wrapped strings (typer/core.py), by their English text.
GETTEXT = {
    "(dynamic)": "(wyliczane)",
    "Aborted!": "Przerwano.",
    "default: {default}": "domyślnie: {default}",
    "required": "wymagane",
    "env var: {var}": "zmienna środowiskowa: {var}",
    "Arguments": "Argumenty",
    "Options": "Opcje",
    "Commands": "Polecenia",
    "Missing command.": "Brak polecenia.",
    "No such command {name!r}.": "Nie ma polecenia {name!r}.",
}

#: Help screen strings kept as constants in typer.rich_utils.
RICH_CONSTANTS = {
    "DEPRECATED_STRING": "(wycofane) ",
    "DEFAULT_STRING": "[domyślnie: {}]",
    "ENVVAR_STRING": "[zmienna środowiskowa: {}]",
    "REQUIRED_LONG_STRING": "[wymagane]",
    "ARGUMENTS_PANEL_TITLE": "Argumenty",
    "OPTIONS_PANEL_TITLE": "Opcje",
    "COMMANDS_PANEL_TITLE": "Polecenia",
    "ERRORS_PANEL_TITLE": "Błąd",
    "ABORTED_TEXT": "Przerwano.",
    "RICH_HELP": "Pomoc: [blue]{command_path} {help_option}[/]",
}

#: Shell-completion options' help (typer/completion.py).
COMPLETION_HELP = {
    "--install-completion": "Zainstaluj podpowiadanie poleceń w bieżącej powłoce.",
    "--show-completion": "Pokaż skrypt podpowiadania poleceń dla bieżącej powłoki (do "
                         "skopiowania lub dostosowania).",
}

#: Type names shown in help (``<int>``) → Polish.
TYPE_NAMES = {
    "int": "liczba całkowita", "float": "liczba", "str": "tekst", "Path": "ścieżka",
    "file": "plik", "directory": "folder", "path": "ścieżka", "bool": "tak/nie",
    "int range": "liczba całkowita", "float range": "liczba", "datetime": "data",
}
_PATH_KIND = {"File": "Plik", "Directory": "Folder", "Path": "Ścieżka"}

#: Free-form messages (no structured fields to rebuild them from): pattern → Polish.
MESSAGES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Nie ma polecenia (.+?)\.(?: Did you mean (.+)\?)?$"),
     lambda m: f"Nie ma polecenia {m[1]}." + (f" Może chodziło o {m[2]}?" if m[2] else "")),
    (re.compile(r"No such command (.+?)\.(?: Did you mean (.+)\?)?$"),
     lambda m: f"Nie ma polecenia {m[1]}." + (f" Może chodziło o {m[2]}?" if m[2] else "")),
    (re.compile(r"Missing command\.$"), "Brak polecenia."),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"),
     r"Nadmiarowe argumenty: \1."),
    (re.compile(r"Option (.+) requires an argument\.$"), r"Opcja \1 wymaga wartości."),
    (re.compile(r"Option (.+) requires (\d+) arguments\.$"), r"Opcja \1 wymaga \2 wartości."),
    (re.compile(r"Option (.+) does not take a value\.$"), r"Opcja \1 nie przyjmuje wartości."),
    (re.compile(r"Argument (.+) takes (\d+) values\.$"), r"Argument \1 wymaga \2 wartości."),
    (re.compile(r"(File|Directory|Path) (.+) does not exist\.$"),
     lambda m: f"{_PATH_KIND[m[1]]} {m[2]} nie istnieje."),
    (re.compile(r"(File|Directory|Path) (.+) is a file\.$"),
     lambda m: f"{m[2]} to plik, a oczekiwano folderu."),
    (re.compile(r"(File|Directory|Path) (.+) is a directory\.$"),
     lambda m: f"{m[2]} to folder, a oczekiwano pliku."),
    (re.compile(r"(File|Directory|Path) (.+) is not readable\.$"),
     lambda m: f"brak uprawnień do odczytu: {m[2]}."),
    (re.compile(r"(File|Directory|Path) (.+) is not writable\.$"),
     lambda m: f"brak uprawnień do zapisu: {m[2]}."),
    (re.compile(r"(?:Value error, )?(.+) is not one of (.+)\.$"),
     r"\1 nie jest żadną z dozwolonych wartości: \2."),
    (re.compile(r"Value (.+) is not a valid (.+)\.$"), r"wartość \1 ma zły typ (\2)."),
    (re.compile(r"Value must be an iterable\.$"), "oczekiwano listy wartości."),
]

_KIND_GENITIVE = {"argument": "argumentu", "option": "opcji", "parameter": "parametru"}


def translate(text: str) -> str:
    """A free-form message of Typer in Polish (unchanged if it is not one of MESSAGES)."""
    for pattern, polish in MESSAGES:
        match = pattern.match(text)
        if match:
            return polish(match) if callable(polish) else match.expand(polish)
    return text


def _hint(err: cx.BadParameter) -> str:
    hint = err.param_hint if err.param_hint is not None else (
        err.param.get_error_hint() if err.param is not None else "")
    if not isinstance(hint, str):
        hint = " / ".join(repr(h) for h in hint)
    return hint


def _kind(err: cx.BadParameter) -> str:
    kind = getattr(err, "param_type", None) or (
        err.param.param_type_name if err.param is not None else "parameter")
    return _KIND_GENITIVE.get(kind, "parametru")


def _reason(err: cx.BadParameter) -> str:
    cause = err.__cause__
    if cause is not None and hasattr(cause, "errors"):
        # pydantic is already loaded when it raised; the project's Polish messages for it
        from kkz_xl.model.validation import polish_errors

        reasons = [message for _, message in polish_errors(cause)]
        if reasons and not reasons[0].startswith("Value error"):
            return reasons[0]
    return translate(err.message)


def polish_message(err: cx.ClickException) -> str:
    """The Polish text of a usage error, from its fields where it has them."""
    if isinstance(err, cx.MissingParameter):
        hint = _hint(err)
        return f"Brak {_kind(err)}{' ' + hint if hint else ''}."
    if isinstance(err, cx.NoSuchOption):
        text = f"Nie ma opcji {err.option_name}"
        if err.possibilities:
            text += f" (może chodziło o: {', '.join(sorted(err.possibilities))})"
        return text + "."
    if isinstance(err, cx.BadParameter):
        hint = _hint(err)
        where = f" {_kind(err)} {hint}" if hint else ""
        return f"Nieprawidłowa wartość{where}: {_reason(err)}"
    if isinstance(err, cx.UsageError):
        return translate(err.message)
    return translate(err.format_message())


def _gettext(message: str) -> str:
    return GETTEXT.get(message, message)


def _polish_usage(write_usage: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write_usage)
    def wrapper(self: Any, prog: str, args: str = "", prefix: str | None = None) -> Any:
        for english, polish in USAGE_PIECES.items():
            args = args.replace(english, polish)
        return write_usage(self, prog, args, USAGE if prefix is None else prefix)
    return wrapper


def _polish_help_option(get_help_option: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(get_help_option)
    def wrapper(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option
    return wrapper


def _polish_type(display_type: Callable[..., str | None]) -> Callable[..., str | None]:
    @functools.wraps(display_type)
    def wrapper(self: Any, ctx: Any) -> str | None:
        shown = display_type(self, ctx)
        if not shown:
            return shown
        label = shown[1:-1]
        many = re.fullmatch(r"list\[(.+)\]", label)
        inner = many[1] if many else label
        polish = "|".join(TYPE_NAMES.get(part, part) for part in inner.split("|"))
        return f"<{polish}{', kilka' if many else ''}>"
    return wrapper


def _polish_flag(display_type_rich: Callable[..., str | None]) -> Callable[..., str | None]:
    @functools.wraps(display_type_rich)
    def wrapper(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False):
            return None  # a switch takes no value: no type to show
        return display_type_rich(self, ctx)
    return wrapper


def _polish_rich_error(show: Callable[[cx.ClickException], None]
                       ) -> Callable[[cx.ClickException], None]:
    @functools.wraps(show)
    def wrapper(err: cx.ClickException) -> None:
        polish = polish_message(err)
        err.format_message = lambda: polish  # type: ignore[method-assign]
        show(err)
    return wrapper


_installed = False


def install() -> None:
    """Put the Polish strings in place (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    typer.core._ = _gettext  # type: ignore[attr-defined]
    for name, value in RICH_CONSTANTS.items():
        setattr(rich_utils, name, value)
    rich_utils.OptionHighlighter.highlights = [
        *(h for h in rich_utils.OptionHighlighter.highlights if "usage" not in h),
        rf"(?P<usage>{USAGE})",
    ]
    formatting.HelpFormatter.write_usage = _polish_usage(  # type: ignore[method-assign]
        formatting.HelpFormatter.write_usage)
    Command.get_help_option = _polish_help_option(  # type: ignore[method-assign]
        Command.get_help_option)
    param = typer.core._TyperParameter  # type: ignore[attr-defined]
    param.display_type = _polish_type(param.display_type)
    option = typer.core.TyperOption
    option.display_type_rich = _polish_flag(option.display_type_rich)
    rich_utils.rich_format_error = _polish_rich_error(rich_utils.rich_format_error)
    for kind in (cx.ClickException, cx.UsageError):
        kind.show = _polish_plain_show(kind.show)  # type: ignore[method-assign]
    for function in (typer.completion._install_completion_placeholder_function,
                     typer.completion._install_completion_no_auto_placeholder_function):
        for parameter in inspect.signature(function).parameters.values():
            info = parameter.default
            names = [*getattr(info, "param_decls", ()), "--" + parameter.name.replace("_", "-")]
            help_text = next((COMPLETION_HELP[n] for n in names if n in COMPLETION_HELP), None)
            if help_text:
                info.help = help_text


def _polish_plain_show(show: Callable[..., None]) -> Callable[..., None]:
    """Without rich (not installed), click's plain ``Error: …`` line, in Polish."""
    @functools.wraps(show)
    def wrapper(err: cx.ClickException, file: Any = None) -> None:
        ctx = getattr(err, "ctx", None)
        if ctx is not None:
            echo(f"{ctx.get_usage()}\nPomoc: {ctx.command_path} {ctx.help_option_names[0]}",
                 file=file, err=file is None)
        echo(f"Błąd: {polish_message(err)}", file=file, err=file is None)
    return wrapper
