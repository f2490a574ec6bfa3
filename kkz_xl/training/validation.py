"""Validating a training register read from any file, with the errors in Polish."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_validation_message
from kkz_xl.training.schema import TrainingRegister


def validated(data: Any, where: str) -> TrainingRegister:
    """``data`` as a register; ``where`` (the file) names the field of the error."""
    try:
        return TrainingRegister.model_validate(data)
    except ValidationError as err:
        raise InputError(where, "błędy w rejestrze szkoleń:\n" + polish_validation_message(err)
                         ) from None
