"""The house's floors (README "Architektura", docs/metoda.md for the method): every
import of ``kkz_xl`` and ``udfs`` goes down, no package or module imports in a cycle, and an
import inside a function says why it is there.

Known violations are listed below, each with its reason; an entry that no longer matches a real
import fails the test, so the lists only shrink.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOTS = (REPO / "kkz_xl", REPO / "udfs")

# Floors, bottom to top; a package's modules may import their own package and lower floors.
# The shared vocabulary (payers, labels, Polish validation messages) lives in model/ but sits
# on the first floor: the parameter base and storage use it.
FLOORS: dict[str, float] = {
    "kkz_xl": 1, "kkz_xl.errors": 1, "kkz_xl.polish": 1, "kkz_xl.declension": 1,
    "kkz_xl.storage": 1,
    "kkz_xl.model.payers": 1, "kkz_xl.model.labels": 1, "kkz_xl.model.validation": 1,
    "kkz_xl.params": 2, "kkz_xl.model": 2.5,  # model reads the base; the base never model
    "kkz_xl.engine": 3,
    "kkz_xl.office": 4, "kkz_xl.reporting": 4,
    # Tools; the registers are below the others (documents, training, bsc and cis read them).
    "kkz_xl.registers": 5,
    # The training register itself (its schema, one-person rule and reports) sits just above
    # the registers: the strategy's training chapter reads it like a register.
    "kkz_xl.training.schema": 5.1, "kkz_xl.training.people": 5.2,
    "kkz_xl.training.reports": 5.3,
    "kkz_xl.documents": 5.5, "kkz_xl.training": 5.5, "kkz_xl.bsc": 5.5, "kkz_xl.cis": 5.5,
    "kkz_xl.excel": 6,
    "kkz_xl.dyfuzor": 6.5,  # the Dyfuzor's web pages: a screen the add-in server mounts
    "kkz_xl.workbook": 7, "kkz_xl.addin": 7, "udfs.kkz_udfs": 7,
    "kkz_xl.cli": 8,  # the entry point composes every screen (kkz skoroszyt, kkz dodatek)
}

#: (importing module, imported module) -> why it is still there.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}

#: Module cycles still there (kept apart by imports inside functions), with the reason.
KNOWN_MODULE_CYCLES: dict[frozenset[str], str] = {}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    path: str
    line: int
    local: bool  # inside a function
    commented: bool
    internal: bool  # a module of kkz_xl or udfs (else a library)


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for root in ROOTS for p in sorted(root.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, local: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            continue  # annotations only: never executed
        inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield child, inner
        yield from _walk(child, inner)


def _commented(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line or heading its block of imports."""
    if "#" in lines[lineno - 1]:
        return True
    for text in reversed(lines[: lineno - 1]):
        text = text.strip()
        if text.startswith("#"):
            return True
        if not text.startswith(("from ", "import ")):
            return False
    return False


def _imports() -> list[Import]:
    modules = _modules()
    found: list[Import] = []
    for name, path in modules.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, local in _walk(ast.parse("\n".join(lines))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                # ``from pkg import sub`` depends on the submodule, not on the package
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            else:
                continue
            commented = _commented(lines, node.lineno)
            for target in dict.fromkeys(targets):
                internal = target.split(".")[0] in ("kkz_xl", "udfs")
                assert not internal or target in modules, f"{path}: no module {target}"
                found.append(Import(name, target, str(path.relative_to(REPO)),
                                    node.lineno, local, commented, internal))
    return found


def floor_of(module: str) -> tuple[float, str]:
    """The floor of ``module`` and the room (the longest prefix in FLOORS) it belongs to."""
    if module == "kkz_xl":
        return FLOORS[module], module
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        room = ".".join(parts[:n])
        if room in FLOORS:
            return FLOORS[room], room
    raise AssertionError(f"{module} is on no floor: add its package to FLOORS")


def _room(module: str) -> str:
    return floor_of(module)[1]


ALL_IMPORTS = _imports()
IMPORTS = [i for i in ALL_IMPORTS if i.internal]


def test_every_module_is_on_a_floor() -> None:
    for module in _modules():
        floor_of(module)


def test_imports_go_down() -> None:
    wrong = []
    for imp in IMPORTS:
        (low, room), (high, own_room) = floor_of(imp.imported), floor_of(imp.importer)
        # down, sideways inside one room, or among the first floor's basics
        if low < high or room == own_room or low == high == 1:
            continue
        if (imp.importer, imp.imported) in KNOWN_VIOLATIONS:
            continue
        wrong.append(f"{imp.path}:{imp.line} {imp.importer} (floor {high}) imports "
                     f"{imp.imported} (floor {low})")
    assert not wrong, "imports going up or sideways:\n" + "\n".join(wrong)


def test_known_violations_are_still_real() -> None:
    real = {(i.importer, i.imported) for i in IMPORTS}
    assert not set(KNOWN_VIOLATIONS) - real, "fixed: remove from KNOWN_VIOLATIONS"
    for pair, reason in KNOWN_VIOLATIONS.items():
        assert reason.strip(), pair


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return result


def test_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_package_cycles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in IMPORTS:
        if (imp.importer, imp.imported) in KNOWN_VIOLATIONS:
            continue
        a, b = _room(imp.importer), _room(imp.imported)
        if a != b:
            edges[a].add(b)
    assert _cycles(edges) == []


def test_no_module_cycles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in IMPORTS:
        if imp.importer != imp.imported:
            edges[imp.importer].add(imp.imported)
    cycles = {frozenset(c) for c in _cycles(edges)}
    assert cycles - set(KNOWN_MODULE_CYCLES) == set()
    assert set(KNOWN_MODULE_CYCLES) <= cycles, "fixed: remove from KNOWN_MODULE_CYCLES"


def test_local_imports_say_why() -> None:
    silent = sorted({f"{i.path}:{i.line}" for i in ALL_IMPORTS
                     if i.local and not i.commented})
    assert not silent, ("an import inside a function needs a comment saying why (start-up "
                        "time, an optional dependency):\n" + "\n".join(silent))


def test_silent_local_import_finder_sees_comments() -> None:
    lines = ["def f():", "    # start-up time", "    import a", "    import b", "    x = 1",
             "    import c", "    import d  # optional dependency"]
    assert [_commented(lines, n) for n in (3, 4, 6, 7)] == [True, True, False, True]
