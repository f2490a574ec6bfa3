"""The Excel functions the server answers: every ``@xw.func`` of the UDF module, nothing else.

The list is read from the module, never written down here, so functions added to
``udfs/kkz_udfs.py`` later appear in Excel without touching the server.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from kkz_xl.addin.server_mode import enable_server_mode


@dataclass(frozen=True)
class UdfParam:
    """One argument as Excel sees it."""

    name: str
    doc: str
    optional: bool


@dataclass(frozen=True)
class Udf:
    """One Excel function: its Python name, its Excel name and its arguments in order."""

    python_name: str
    excel_name: str
    description: str
    params: tuple[UdfParam, ...]
    vararg: bool

    @property
    def max_args(self) -> int | None:
        return None if self.vararg else len(self.params)


def first_paragraph(doc: str | None) -> str:
    """The docstring's first paragraph on one line: what Excel's function wizard shows."""
    if not doc:
        return ""
    text = inspect.cleandoc(doc).split("\n\n", 1)[0]
    return " ".join(text.split())


@dataclass(frozen=True)
class UdfRegistry:
    """The UDF module and the functions found in it."""

    module: ModuleType
    functions: dict[str, Udf]

    @classmethod
    def load(cls, udfs_dir: Path, module_name: str) -> UdfRegistry:
        """Import ``module_name`` from ``udfs_dir`` with xlwings in server mode."""
        enable_server_mode()
        folder = str(Path(udfs_dir).resolve())
        if folder not in sys.path:
            sys.path.insert(0, folder)
        module = importlib.import_module(module_name)
        return cls(module=module, functions=_collect(module))


def _collect(module: ModuleType) -> dict[str, Udf]:
    found: dict[str, Udf] = {}
    for name, obj in inspect.getmembers(module):
        info: dict[str, Any] | None = getattr(obj, "__xlfunc__", None)
        if not isinstance(info, dict) or not callable(obj):
            continue
        params = tuple(
            UdfParam(name=a["name"], doc=a.get("doc", ""), optional="optional" in a)
            for a in info["args"]
        )
        found[name] = Udf(
            python_name=name,
            excel_name=(info.get("excel_name") or info["name"]).upper(),
            description=first_paragraph(obj.__doc__),
            params=params,
            vararg=any(a.get("vararg") for a in info["args"]),
        )
    return found
