"""What the CLI prints by itself (help screens, usage errors) is Polish: no English word from
Typer or its bundled click reaches the user."""

from __future__ import annotations

import re

import pytest
from typer._click import exceptions as cx
from typer.testing import CliRunner

from kkz_xl.cli.main import COMMANDS, app
from kkz_xl.cli.polish_cli import polish_message, translate

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1"}

#: Words of Typer's and click's English that a Polish screen must not contain.
ENGLISH = ("Usage", "Options", "Commands", "Arguments", "Show this message", "and exit",
           "Missing", "Invalid value", "No such", "Error", "Try '", "for help", "required",
           "default:", "Did you mean", "Possible options", "OPTIONS", "COMMAND", "ARGS",
           "Install completion", "Show completion", "current shell", "<int", "<bool>",
           "<Path>", "list[", "<str>", "<float", "Input should", "unable to parse",
           "does not exist", "is not one of", "Aborted", "Got unexpected", "requires")


def _english(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


@pytest.mark.parametrize("args", [
    ["--help"], [], ["oblicz", "--help"], ["szkolenia", "--help"], ["katalog", "--help"],
    ["parametry", "--help"], ["bsc", "--help"], ["cis", "--help"], ["strategia", "--help"],
])
def test_help_screens_are_polish(args: list[str]) -> None:
    code, text = _run(*args)
    assert code in (0, 2), text  # `kkz` alone prints the help with the usage-error code
    assert _english(text) == [], text
    assert "Użycie: kkz" in text and "Opcje" in text and "Pokaż tę pomoc i zakończ." in text


def test_root_help_lists_every_command_with_polish_panels() -> None:
    _, text = _run("--help")
    assert "Polecenia" in text and "[OPCJE] POLECENIE [ARGUMENTY]..." in text
    for command in COMMANDS:
        assert command.name in text


def test_types_and_requirements_in_polish() -> None:
    _, text = _run("oblicz", "--help")
    assert "<liczba całkowita>" in text and "<ścieżka, kilka>" in text
    assert "[wymagane]" in text and "Argumenty" in text


@pytest.mark.parametrize(("args", "polish"), [
    (["oblicz"], "Brak argumentu 'scenariusze'."),
    (["oblicz", "a.yaml", "--zle"], "Nie ma opcji --zle"),
    (["oblicz", "a.yaml", "--losowania", "abc"],
     "Nieprawidłowa wartość opcji '--losowania': oczekiwano liczby całkowitej"),
    (["oblicz", "a.yaml", "--losowania", "-5"], "Nieprawidłowa wartość opcji '--losowania'"),
    (["oblicz", "a.yaml", "--losowania"], "Opcja '--losowania' wymaga wartości."),
    (["obliczz"], "Nie ma polecenia 'obliczz'. Może chodziło o 'oblicz'?"),
    (["szkolenia"], "Użycie: kkz szkolenia"),
    (["szkolenia", "nic"], "Nie ma polecenia 'nic'."),
    (["parametry", "a", "b"], "Nadmiarowe argumenty: b."),
])
def test_usage_errors_are_polish(args: list[str], polish: str) -> None:
    code, text = _run(*args)
    assert code == 2, text
    assert polish in " ".join(text.split()), text
    assert _english(text) == [], text
    if args != ["szkolenia"]:  # a group alone shows its help instead of an error
        assert "Błąd" in text
    if args[-1] not in ("--losowania", "szkolenia"):  # the parser's errors: no usage line
        assert "Pomoc: kkz" in text


def test_missing_file_argument_of_a_path_type() -> None:
    code, text = _run("szkolenia", "sprawdz", "/nie/ma/takiego.yaml")
    assert code == 2
    assert _english(text) == [], text


def test_structured_messages_without_a_context() -> None:
    assert polish_message(cx.NoSuchOption("--x", possibilities=["--xy", "--xz"])) == (
        "Nie ma opcji --x (może chodziło o: --xy, --xz).")
    assert polish_message(cx.MissingParameter(param_hint="'--plik'", param_type="option")) == (
        "Brak opcji '--plik'.")
    assert polish_message(cx.BadParameter("x", param_hint="'--n'")).startswith(
        "Nieprawidłowa wartość parametru '--n'")


@pytest.mark.parametrize(("english", "polish"), [
    ("File 'a.yaml' does not exist.", "Plik 'a.yaml' nie istnieje."),
    ("Directory 'x' is a file.", "'x' to plik, a oczekiwano folderu."),
    ("Value error, 'z' is not one of 'a', 'b'.",
     "'z' nie jest żadną z dozwolonych wartości: 'a', 'b'."),
    ("Option '--n' requires 2 arguments.", "Opcja '--n' wymaga 2 wartości."),
    ("Missing command.", "Brak polecenia."),
])
def test_free_form_messages(english: str, polish: str) -> None:
    assert translate(english) == polish


def test_unknown_messages_pass_unchanged() -> None:
    assert translate("Coś zupełnie innego.") == "Coś zupełnie innego."
    assert re.search("[A-Za-z]", translate("Option 'x' requires an argument."))


def test_a_bad_parameter_raised_by_a_command_is_a_usage_error_in_polish() -> None:
    """typer.BadParameter from a command's own check is shown as such, not as a bug."""
    import typer

    from kkz_xl.cli.common import user_errors

    @user_errors
    def command() -> None:
        raise typer.BadParameter("za mało", param_hint="'--n'")

    with pytest.raises(typer.BadParameter) as err:
        command()
    assert polish_message(err.value) == "Nieprawidłowa wartość parametru '--n': za mało"
