"""The add-in's ``manifest.xml``: what Office needs to load the KKZ functions from this server."""

from __future__ import annotations

from pathlib import Path
from string import Template
from xml.sax.saxutils import escape

from kkz_xl.addin.settings import AddinSettings
from kkz_xl.errors import InputError

TEMPLATE = Path(__file__).with_name("static") / "manifest.xml"


def render_manifest(settings: AddinSettings) -> str:
    """The manifest for this deployment address (``public_url``, or host and port); refused
    for an address Office would not load (plain HTTP to another computer)."""
    if settings.insecure_address:
        raise InputError("adres", settings.insecure_address)
    values = {
        "base_url": settings.base_url,
        "origin": settings.origin,
        "manifest_id": settings.manifest_id,
        "version": settings.manifest_version,
        "namespace": settings.namespace.upper(),
    }
    escaped = {key: escape(value, {'"': "&quot;"}) for key, value in values.items()}
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(escaped)
