"""Sample content (fictional Mazowieckie entries, data files in ``sample/``) and the shipped
register workbooks built from code."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from kkz_xl.registers.register import Register
from kkz_xl.registers.schema import CATALOGUE, LEADERS, RegisterSchema
from kkz_xl.registers.workbook import build_workbook
from kkz_xl.storage.atomic import atomic_write

SAMPLE_FILES = {"katalog": "katalog.yaml", "liderzy": "liderzy.yaml"}
# File names of the shipped workbooks: the empty template and the one with sample content.
WORKBOOK_NAMES = {"katalog": "Katalog_Innowacji", "liderzy": "Siec_Liderow"}


def sample_register(schema: RegisterSchema) -> Register:
    """The sample rows of ``schema``'s register, typed as the schema parses them."""
    source = resources.files("kkz_xl.registers") / "sample" / SAMPLE_FILES[schema.kind]
    records = yaml.safe_load(source.read_text(encoding="utf-8"))
    rows = [{col.header: col.parse(record.get(col.key)) for col in schema.columns}
            for record in records]
    return Register(schema, schema.headers, rows, source=source.name)


def build_shipped_workbooks(folder: Path) -> list[Path]:
    """Write ``Katalog_Innowacji.xlsx``, ``Siec_Liderow.xlsx`` (empty templates) and their
    ``_przyklad`` versions with sample content into ``folder``."""
    written = []
    for schema in (CATALOGUE, LEADERS):
        stem = WORKBOOK_NAMES[schema.kind]
        for name, register in ((f"{stem}.xlsx", Register.empty(schema)),
                               (f"{stem}_przyklad.xlsx", sample_register(schema))):
            path = Path(folder) / name
            atomic_write(path, build_workbook(register).save, backup=False)
            written.append(path)
    return written
