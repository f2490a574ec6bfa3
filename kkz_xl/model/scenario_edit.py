"""Editing a scenario file in place without losing what its author wrote: YAML comments, key
order and layout survive (``ruamel.yaml`` round trip), the result is validated before it is
saved, and the previous version is kept as a backup copy."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

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


# Marks the note this editor writes beside the values it set, so that the next edit replaces
# it instead of adding another; the author's own comments stay.
NOTE_MARK = "KKZ:"
_SEQUENCE, _OFFSET = 4, 2  # the list indentation of _yaml(): an entry's keys sit at column 4
_NOTE_WIDTH = 88


def set_programme(path: Path, code: str, name: str, cost: float | None, success: float, *,
                  programme: str | None = None, financing: dict[str, float] | None = None,
                  note: str | None = None) -> tuple[Scenario, Scenario, Path | None]:
    """Make issue ``code`` of the scenario file run the given programme.

    ``cost`` None keeps the file's (or the base's) cost per participant; ``programme`` is a
    programme id of the parameter base (its coverage and repetition then apply); ``financing``
    the payers' shares; ``note`` (YAML only) the values' source, date and grade, written as a
    comment beside them and replaced by the next edit. Returns the scenario before and after,
    and the backup copy of the previous file.
    """
    path = Path(path)
    before = Scenario.load(path)
    # The issue exists, the values and the programme id are valid – before the file is read.
    before.with_programme(code, name, cost, success, programme=programme,
                          financing=financing).resolve()
    is_json = path.suffix.lower() == ".json"
    text = path.read_text(encoding="utf-8")
    data: Any = json.loads(text) if is_json else _yaml().load(text)
    # Success last: its note goes under it, and in a one-line entry turned into a block the
    # comments that followed the entry follow it again.
    values: dict[str, Any] = {"nazwa_programu": name}
    if programme is not None:
        values = {"program": programme, **values}
    if cost is not None:
        values["koszt_uczestnika"] = float(cost)
    if financing is not None:
        values["finansowanie"] = {str(k): float(v) for k, v in financing.items()}
    values["skutecznosc"] = float(success)
    for index, issue in enumerate(data["kwestie"]):
        if issue.get("kod") != code:
            continue
        if is_json:
            issue.update(values)
            continue
        if "finansowanie" in values:  # one line, like the rest of the entry
            shares = CommentedMap(values["finansowanie"])
            shares.fa.set_flow_style()
            values["finansowanie"] = shares
        issue.update(values)
        if note:
            _block(data["kwestie"], index, issue)
            _note(issue, note)
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


def _block(issues: CommentedSeq, index: int, issue: CommentedMap) -> None:
    """A one-line ``{kod: …}`` entry as a block, so that the values and their note get lines
    of their own; the author's comment at the end of the entry's line stays on its first
    line, and comment lines under it stay under the entry."""
    if not issue.fa.flow_style():
        return
    issue.fa.set_block_style()
    tokens = issues.ca.items.pop(index, None)
    token = tokens[0] if tokens else None
    if token is None or not token.value:
        return
    own, _, rest = token.value.partition("\n")
    first, last = next(iter(issue)), list(issue)[-1]
    issue.yaml_add_eol_comment(own.strip(), first)
    if rest.strip():
        last_token = issue.ca.items[last][2] if last in issue.ca.items else None
        if last_token is not None and last != first:
            last_token.value = last_token.value.rstrip("\n") + "\n" + rest
        else:
            issue.yaml_add_eol_comment("#", last)
            issue.ca.items[last][2].value = "\n" + rest


def _note(issue: CommentedMap, note: str) -> None:
    """The note as comment lines under the ``skutecznosc`` line, each ``# KKZ: …``; an
    earlier KKZ note is replaced, the author's comments on and under that line are kept."""
    pad = " " * (_SEQUENCE + _OFFSET - 2)
    lines = [f"{pad}# {NOTE_MARK} {line}"
             for line in textwrap.wrap(" ".join(note.split()), _NOTE_WIDTH)]
    key = "skutecznosc"
    token = issue.ca.items[key][2] if key in issue.ca.items else None
    own, after = "", ""
    if token is not None and token.value:
        first, _, after = token.value.partition("\n")
        own = "" if first.strip().startswith(f"# {NOTE_MARK}") else first.strip()
        after = "\n".join(line for line in after.split("\n")
                          if not line.strip().startswith(f"# {NOTE_MARK}"))
    value = own + "\n" + "\n".join(lines) + "\n" + after.lstrip("\n")
    if token is None:
        issue.yaml_add_eol_comment("#", key)
        token = issue.ca.items[key][2]
    token.value = value


def _plain(data: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (for validation)."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data
