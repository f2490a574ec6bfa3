"""Editing a scenario file in place without losing what its author wrote: YAML comments, key
order and layout survive (``ruamel.yaml`` round trip), the result is validated before it is
saved, and the previous version is kept as a backup copy."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML

from kkz_xl.errors import InputError
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.validation import polish_validation_message
from kkz_xl.storage.atomic import atomic_write_bytes


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode: comments and order are kept
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def set_programme(path: Path, code: str, name: str, cost: float,
                  success: float) -> tuple[Scenario, Scenario, Path | None]:
    """Make issue ``code`` of the scenario file run the given programme.

    Returns the scenario before and after, and the backup copy of the previous file.
    """
    path = Path(path)
    before = Scenario.load(path)
    before.with_programme(code, name, cost, success)  # the issue exists, the values are valid
    is_json = path.suffix.lower() == ".json"
    text = path.read_text(encoding="utf-8")
    data: Any = json.loads(text) if is_json else _yaml().load(text)
    for issue in data["kwestie"]:
        if issue.get("kod") == code:
            issue["nazwa_programu"] = name
            issue["koszt_uczestnika"] = float(cost)
            issue["skutecznosc"] = float(success)
    if is_json:
        out = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        buf = io.StringIO()
        _yaml().dump(data, buf)
        out = buf.getvalue()
    try:
        after = Scenario.model_validate(json.loads(json.dumps(data)) if is_json else
                                        _plain(data))
    except ValidationError as err:
        raise InputError(str(path), "\n" + polish_validation_message(err)) from None
    backup = atomic_write_bytes(path, out.encode("utf-8"))
    return before, after, backup


def _plain(data: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (for validation)."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data
