"""The one place where System Szkoleń and the BSC render Word templates.

Uses the product's sandboxed renderer ``kkz_xl.documents.render.render_docx`` when it is
available; otherwise a local fallback with the same guarantees that matter here: a sandboxed,
autoescaping Jinja environment (``Kowalski & Syn`` survives) and an atomic write.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kkz_xl.errors import DataError
from kkz_xl.storage.atomic import atomic_write

try:  # the shared renderer (issue 6); switch here only
    from kkz_xl.documents.render import render_docx as _shared_render
except ImportError:  # pragma: no cover - depends on the colleague's module being present
    _shared_render = None


def render_template(template: Path, context: Mapping[str, Any], out: Path) -> Path:
    """Fill ``template`` with ``context`` and save atomically at ``out``."""
    if _shared_render is not None:
        return _shared_render(Path(template), context, Path(out))
    return _fallback_render(Path(template), context, Path(out))


def _fallback_render(template: Path, context: Mapping[str, Any], out: Path) -> Path:
    from docxtpl import DocxTemplate
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    if not template.is_file():
        raise DataError(f"Nie znaleziono szablonu {template}")
    tpl = DocxTemplate(str(template))
    env = ImmutableSandboxedEnvironment(autoescape=True)
    tpl.render(dict(context), jinja_env=env, autoescape=True)
    atomic_write(out, lambda tmp: tpl.save(str(tmp)))
    return out
