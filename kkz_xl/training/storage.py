"""Reading and saving the training register: YAML (the file the CLI edits) or the workbook."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_validation_message
from kkz_xl.storage.atomic import atomic_write_bytes
from kkz_xl.training.schema import TrainingRegister


def validated(data: Any, where: str) -> TrainingRegister:
    try:
        return TrainingRegister.model_validate(data)
    except ValidationError as err:
        raise InputError(where, "błędy w rejestrze szkoleń:\n" + polish_validation_message(err)
                         ) from None


def load_register(path: Path) -> TrainingRegister:
    """A ``.yaml`` register or a ``Szkolenia_KKZ.xlsx`` workbook."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from kkz_xl.training.workbook import read_training_workbook

        return read_training_workbook(path)
    try:
        with path.open("r", encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as err:
        raise InputError(str(path), f"plik nie jest poprawnym YAML-em ({err})") from None
    return validated(data, str(path))


def save_register(reg: TrainingRegister, path: Path) -> Path:
    """Save as YAML atomically, keeping a copy of the previous version."""
    text = yaml.safe_dump(reg.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    atomic_write_bytes(Path(path), text.encode("utf-8"))
    return Path(path)


def sample_register() -> TrainingRegister:
    src = resources.files("kkz_xl.training") / "sample" / "szkolenia.yaml"
    with src.open("r", encoding="utf-8") as fh:
        return validated(yaml.safe_load(fh), "przykład")
