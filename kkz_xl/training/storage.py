"""Reading and saving the training register: YAML (the file the CLI edits) or the workbook."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from kkz_xl.storage.atomic import atomic_write_bytes
from kkz_xl.storage.datafile import load_shipped, read_data
from kkz_xl.training.schema import TrainingRegister, validated
from kkz_xl.training.workbook import read_training_workbook


def load_register(path: Path) -> TrainingRegister:
    """A ``.yaml`` register or a ``Szkolenia_KKZ.xlsx`` workbook."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_training_workbook(path)
    return validated(read_data(path), str(path))


def save_register(reg: TrainingRegister, path: Path) -> Path:
    """Save as YAML atomically, keeping a copy of the previous version."""
    text = yaml.safe_dump(reg.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    atomic_write_bytes(Path(path), text.encode("utf-8"))
    return Path(path)


def sample_register() -> TrainingRegister:
    return load_shipped(resources.files("kkz_xl.training") / "sample" / "szkolenia.yaml",
                        TrainingRegister)
