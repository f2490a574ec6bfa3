"""Reading YAML/JSON data files: the users' own (scenarios, plans, registers, models) with
Polish errors naming the file and the field, and the files shipped in the package."""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kkz_xl.errors import DataError, InputError
from kkz_xl.model.validation import polish_validation_message

M = TypeVar("M", bound=BaseModel)


class _SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that keeps an impossible date (``2025-13-45``) as text, so the
    model's validation names the field in Polish instead of PyYAML raising ``ValueError``."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]
        except ValueError:
            return self.construct_scalar(node)  # type: ignore[arg-type]


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


def read_data(path: Path) -> Any:
    """The content of a YAML file (or JSON, by the ``.json`` extension); a file that does
    not parse is a Polish ``InputError`` naming it. An empty file reads as ``None``."""
    path = Path(path)
    if path.is_dir():
        raise InputError(str(path), "to jest folder, a oczekiwano pliku")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "plik nie jest tekstem w kodowaniu UTF-8 – oczekiwano "
                                    "pliku YAML lub JSON (zapisz go jako UTF-8)") from None
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.load(
            text, Loader=_SafeLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise InputError(str(path), f"plik nie jest poprawnym YAML/JSON ({err})") from None


def load_user_file(path: Path, model: type[M], *, empty: Any = None) -> M:
    """``model`` validated from a user's file; every problem listed with its field, in Polish.

    ``empty``: what an empty file stands for (None: the model's own error for missing data).
    """
    data = read_data(path)
    if data is None and empty is None:
        raise InputError(str(path), "plik jest pusty")
    try:
        return model.model_validate(empty if data is None else data)
    except ValidationError as err:
        raise InputError(str(path), "\n" + polish_validation_message(err)) from None


def load_shipped(resource: Traversable, model: type[M]) -> M:
    """``model`` validated from a data file shipped in the package; a failure means a broken
    installation or a bad edit of the product's data (``DataError``)."""
    with resource.open("r", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise DataError(f"Błąd w pliku danych {resource.name}: {err}") from err
