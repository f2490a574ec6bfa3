"""Checking a Word template edited by staff: broken tags, unknown fields, missing fields.

``kkz szablon sprawdz PLIK.docx`` reports, in Polish and quoting each tag with its paragraph:

* **broken tags**: Jinja syntax errors and blocks (``{% for %}``, ``{% if %}``) left open or
  closed twice — the things that would stop rendering;
* **unknown fields**: ``{{ jst.nazwa_pelna }}`` and the like, which the strategy context does
  not provide (would fail at rendering time); loop variables are followed, so ``k.npv`` inside
  ``{% for k in kwestie %}`` is checked as ``kwestie[].npv``;
* **missing fields**: fields the model template uses that the edited one no longer does (a
  chapter deleted by accident shows up here).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from jinja2 import nodes

from kkz_xl.documents.strategy import StrategyData, _goal, strategy_context
from kkz_xl.engine.run import run_scenario
from kkz_xl.errors import DataError
from kkz_xl.model.scenario import Scenario
from kkz_xl.office.render import (
    TemplateRenderError,
    make_env,
    open_template,
    polish_reason,
    render_docx,
)
from kkz_xl.office.tags import (
    Tag,
    source_lines,
    tags_in,
    tags_on_line,
    unbalanced_blocks,
)
from kkz_xl.polish import quote

LOOP_ITEM = "[]"
Path_ = tuple[str, ...]


@dataclass
class Finding:
    """One problem: a Polish description and where it is."""

    message: str
    tag: Tag | None = None
    part: str = "treść"

    def describe(self) -> str:
        if self.tag is None:
            return self.message
        paragraph = self.tag.paragraph
        if len(paragraph) > 90:
            paragraph = paragraph[:87] + "…"
        # The tag as written (its quotes are code); the paragraph with nested quotes.
        return (f"{self.message} – znacznik „{self.tag.text}” ({self.part}, akapit "
                f"{quote(paragraph)})")


@dataclass
class TemplateReport:
    """The result of checking one template."""

    path: Path
    broken: list[Finding] = field(default_factory=list)
    unknown: list[Finding] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    used: set[Path_] = field(default_factory=set)
    missing_unknown: bool = False  # missing fields not checked (broken tags come first)

    @property
    def ok(self) -> bool:
        """True when the template can be rendered (missing fields are only a warning)."""
        return not self.broken and not self.unknown

    def lines(self) -> list[str]:
        """The report as Polish lines for the terminal."""
        out = [f"Szablon {self.path.name}:"]
        if self.broken:
            out.append(f"Błędne znaczniki ({len(self.broken)}):")
            out += [f"  • {f.describe()}" for f in self.broken]
        if self.unknown:
            out.append(f"Nieznane pola ({len(self.unknown)}):")
            out += [f"  • {f.describe()}" for f in self.unknown]
        if self.missing:
            out.append(f"Brakujące pola – są w szablonie wzorcowym, nie ma ich tutaj "
                       f"({len(self.missing)}):")
            out += [f"  • {m}" for m in self.missing]
        if self.missing_unknown:
            out.append("Brakujące pola program sprawdzi po poprawieniu błędnych znaczników.")
        if self.ok and not self.missing:
            out.append("  Nie znaleziono problemów.")
        elif self.ok:
            out.append("  Szablon da się wypełnić; sprawdź, czy brakujące pola pominięto celowo.")
        return out


# --- the parts of a .docx that docxtpl renders --------------------------------------------------

def template_parts(path: Path) -> list[tuple[str, str]]:
    """(Polish part name, Jinja source as docxtpl will render it) for body, headers, footers."""
    tpl = open_template(Path(path))
    parts = [("treść", tpl.patch_xml(tpl.get_xml()))]
    for uri, name in ((RT.HEADER, "nagłówek"), (RT.FOOTER, "stopka")):
        for _key, part in tpl.get_headers_footers(uri):
            parts.append((name, tpl.patch_xml(tpl.get_part_xml(part))))
    # One paragraph per line, as docxtpl renders it, so line numbers point at paragraphs.
    return [(name, "\n".join(source_lines(xml))) for name, xml in parts]


# --- field paths --------------------------------------------------------------------------------

def _chain(node: nodes.Node) -> tuple[str, Path_] | None:
    """``a.b['c'].d`` → ("a", ("b", "c", "d")); None when the chain has a computed part."""
    attrs: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            attrs.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and \
                isinstance(node.arg.value, str):
            attrs.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attrs.append(LOOP_ITEM)  # kwestie[0] is an item of the list
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, tuple(reversed(attrs))
        else:
            return None


def _target_names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n for item in target.items for n in _target_names(item)]
    return []


def field_uses(ast: nodes.Node) -> Iterator[tuple[Path_, int]]:
    """Every context field the template reads, as a path from the top, with its line.

    Loop variables map onto their list (``k`` in ``for k in kwestie`` → ``kwestie[]``);
    variables the template sets itself are skipped.
    """
    Scope = dict[str, Path_ | None]  # noqa: N806 (a local type alias)

    def resolve(node: nodes.Node, scope: Scope) -> Path_ | None:
        chain = _chain(node)
        if chain is None:
            return None
        root, attrs = chain
        if root in scope:
            base = scope[root]
            return None if base is None else base + attrs
        return (root, *attrs)

    def visit(node: nodes.Node, scope: Scope) -> Iterator[tuple[Path_, int]]:
        if isinstance(node, nodes.For):
            yield from visit(node.iter, scope)
            inner = dict(scope)
            inner["loop"] = None
            source = resolve(node.iter, scope)
            names = _target_names(node.target)
            for name in names:
                inner[name] = (*source, LOOP_ITEM) if source and len(names) == 1 else None
            for child in [*node.body, *node.else_, *([node.test] if node.test else [])]:
                yield from visit(child, inner)
            return
        if isinstance(node, nodes.Assign | nodes.AssignBlock):
            for name in _target_names(node.target):
                scope[name] = None
            if isinstance(node, nodes.Assign):
                yield from visit(node.node, scope)
            else:
                for child in node.body:
                    yield from visit(child, scope)
            return
        if isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for arg in node.args:
                inner[arg.name] = None
            inner.update({"caller": None, "varargs": None, "kwargs": None})
            for child in node.body:
                yield from visit(child, inner)
            return
        if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
            chain = _chain(node)
            if chain is not None:
                if isinstance(node, nodes.Name) and node.ctx != "load":
                    return
                path = resolve(node, scope)
                if path is not None:
                    yield path, node.lineno
                if isinstance(node, nodes.Getitem):
                    yield from visit(node.arg, scope)
                return
        for child in node.iter_child_nodes():
            yield from visit(child, scope)

    yield from visit(ast, {})


def field_tree(value: Any) -> Any:
    """The shape of a context: dicts of keys, lists as their items' merged shape, leaves None."""
    if isinstance(value, dict):
        return {k: field_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        merged: dict[str, Any] = {}
        leaf = False
        for item in value:
            shape = field_tree(item)
            if isinstance(shape, dict):
                merged.update(shape)
            else:
                leaf = True
        return {LOOP_ITEM: merged if merged or not leaf else None}
    return None


def unknown_at(path: Path_, tree: Any) -> Path_ | None:
    """The first prefix of ``path`` the context does not have, or None when it is known."""
    node = tree
    for depth, key in enumerate(path):
        if node is None:  # below a leaf: a method of text or number (upper, replace…)
            return None
        if not isinstance(node, dict) or key not in node:
            if isinstance(node, dict) and LOOP_ITEM in node and key in {"length"}:
                return None
            return path[: depth + 1]
        node = node[key]
    return None


def show_path(path: Path_) -> str:
    """``kwestie[].npv`` as staff write it in a loop: ``kwestie → element → npv``."""
    text = ""
    for key in path:
        text += "[]" if key == LOOP_ITEM else (f".{key}" if text else key)
    return text


@cache
def known_fields() -> Any:
    """The shape of a real strategy context (a one-issue scenario through the engine)."""
    return _specimen()[1]


@cache
def specimen_context() -> dict[str, Any]:
    """A real strategy context (one issue through the engine) to trial-render a template."""
    return _specimen()[0]


@cache
def _specimen() -> tuple[dict[str, Any], Any]:
    scenario = Scenario.model_validate({
        "jst": {"nazwa": "Gmina Wzorcowa", "teryt": "1499011", "rodzaj": "gmina",
                "mieszkancy": 1000},
        "kwestie": [{"kod": "bezrobocie", "osoby": 10}],
    })
    results = run_scenario(scenario, monte_carlo_draws=100)
    specimen = StrategyData.model_validate({
        "wskazniki": [{"nazwa": "x", "wartosc": "1"}],
        "ekonomia_spoleczna": [{"nazwa": "x"}], "uslugi_spoleczne": [{"nazwa": "x"}],
        "zadania_zlecane": [{"zadanie": "x"}],
    })
    context = strategy_context(scenario, results, data=specimen, today=dt.date(2026, 1, 1),
                               with_charts=False)
    tree = field_tree(context)
    # Lists whose items are issues (goals' programmes, programmes that do not pay, the
    # obligatory tasks) and goals, whichever of them this specimen happens to fill.
    for key in ("obowiazkowe", "nieoplacalne"):
        tree[key] = tree["kwestie"]
    tree["ramy"]["programy"] = tree["kwestie"]
    goal = _goal(1, results.issues[0], context["kwestie"][0], [], "gmina")
    tree["cele"] = {LOOP_ITEM: field_tree(goal)}
    # Lists filled only from registers: their items' fields, from the code that fills them.
    tree["liderzy"] = {LOOP_ITEM: dict.fromkeys(
        ("imie_nazwisko", "instytucja", "funkcja", "kwestie", "kontakt"))}
    tree["przeszkoleni"] = {LOOP_ITEM: dict.fromkeys(("narzedzie", "osoby"))}
    tree["kwestie"][LOOP_ITEM]["programy"] = {LOOP_ITEM: dict.fromkeys(
        ("nazwa", "opis", "dowody", "zrodlo", "realizator", "jst"))}
    # The trial render fills every loop once: goals, leaders, programmes and trainings too.
    issue = context["kwestie"][0]
    issue["programy"] = [dict.fromkeys(tree["kwestie"][LOOP_ITEM]["programy"][LOOP_ITEM], "x")]
    context["cele"] = context["cele"] or [goal]
    context["ramy"]["programy"] = context["ramy"]["programy"] or [issue]
    context["nieoplacalne"] = context["nieoplacalne"] or [issue]
    context["liderzy"] = [dict.fromkeys(tree["liderzy"][LOOP_ITEM], "x")]
    context["przeszkoleni"] = [dict.fromkeys(tree["przeszkoleni"][LOOP_ITEM], "x")]
    return context, tree


# --- the check ----------------------------------------------------------------------------------

def _used_paths(path: Path) -> set[Path_]:
    env = make_env()
    used: set[Path_] = set()
    for _name, xml in template_parts(path):
        try:
            used |= {p for p, _ in field_uses(env.parse(xml))}
        except jinja2.TemplateSyntaxError:
            continue
    return used


def _syntax_findings(env: jinja2.Environment, part: str, xml: str) -> list[Finding]:
    found: list[Finding] = []
    all_tags = tags_in(xml)
    for tag, reason in unbalanced_blocks(all_tags):
        found.append(Finding(f"Błędny blok: {reason}", tag, part))
    for tag in all_tags:  # each expression alone, so that every broken one is listed
        if tag.text.startswith("{{"):
            try:
                env.parse(tag.text)
            except jinja2.TemplateSyntaxError as err:
                found.append(Finding(f"Błędne wyrażenie: {polish_reason(err)}", tag, part))
    if not found:
        try:
            env.parse(xml)
        except jinja2.TemplateSyntaxError as err:
            tags = tags_on_line(xml, err.lineno or 0)
            found.append(Finding(polish_reason(err), tags[0] if tags else None, part))
    return found


def _trial_render(path: Path) -> list[Finding]:
    """Render the template with a real context in the same sandbox as generation: whatever
    generation would refuse (unsafe access, size limits, include, a filter applied before
    division) is reported here first."""
    with tempfile.TemporaryDirectory(prefix="kkz-check-") as scratch:
        try:
            render_docx(path, specimen_context(), Path(scratch) / "proba.docx")
        except TemplateRenderError as err:
            tag = err.tags[0] if err.tags else None
            return [Finding(f"Generowanie dokumentu się nie powiedzie: {err.reason}", tag)]
    return []


def check_template(path: Path, reference: Path | None = None) -> TemplateReport:
    """Check a template against the strategy context and (for missing fields) ``reference``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Nie znaleziono pliku {path}")
    report = TemplateReport(path)
    env = make_env()
    tree = known_fields()
    for part, xml in template_parts(path):
        findings = _syntax_findings(env, part, xml)
        report.broken += findings
        if findings:
            continue
        seen: set[Path_] = set()
        for used, line in field_uses(env.parse(xml)):
            report.used.add(used)
            bad = unknown_at(used, tree)
            if bad is None or bad in seen:
                continue
            seen.add(bad)
            tags: list[Tag | None] = [*tags_on_line(xml, line)] or [None]
            tag = next((t for t in tags if t and bad[-1] in t.text), tags[0])
            report.unknown.append(Finding(f"Nieznane pole „{show_path(bad)}”", tag, part))
    if report.ok:
        report.broken += _trial_render(path)
    if reference is not None and report.broken:
        # A part that does not parse shows none of its fields: listing the reference's
        # fields as missing would bury the real error under false ones.
        report.missing_unknown = True
    elif reference is not None and Path(reference).resolve() != path.resolve():
        expected = _used_paths(Path(reference))
        report.missing = sorted(show_path(p) for p in expected - report.used)
    return report
