"""Finding Jinja tags in a Word template as a person sees them: per paragraph, with its text.

docxtpl renders each XML part as one Jinja source in which every paragraph starts on a new
line (``render_xml_part`` puts ``\\n`` before each ``<w:p``). Splitting the source the same way
turns a Jinja line number back into the paragraph a person edited in Word, so an error can quote
the tag and its paragraph instead of raw XML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_XML_TAG_RE = re.compile(r"<[^>]+>")
_PARAGRAPH_START_RE = re.compile(r"(?<!\n)<w:p([ >])")  # idempotent on split text
_BLOCK_RE = re.compile(r"^\{%-?\s*(?:[ptrc]{1,2}\s+)?(\w+)")

# Jinja statements that open a block, and the statement closing each.
BLOCK_ENDS = {
    "for": "endfor", "if": "endif", "macro": "endmacro", "filter": "endfilter",
    "with": "endwith", "call": "endcall", "set_block": "endset", "autoescape": "endautoescape",
}
BLOCK_MIDDLES = {"elif": "if", "else": ("if", "for")}


@dataclass(frozen=True)
class Tag:
    """One ``{{ … }}``, ``{% … %}`` or ``{# … #}`` tag and where it is."""

    text: str
    line: int  # 1-based line of the Jinja source (one paragraph per line)
    paragraph: str  # the paragraph's visible text

    @property
    def keyword(self) -> str | None:
        """``for``, ``endif``, … for a statement tag; None for ``{{ … }}`` and comments."""
        match = _BLOCK_RE.match(self.text)
        return match.group(1) if match else None


def source_lines(xml: str) -> list[str]:
    """The Jinja source lines of an XML part, split exactly as docxtpl does before rendering."""
    return _PARAGRAPH_START_RE.sub(r"\n<w:p\1", xml).split("\n")


def visible_text(xml_line: str) -> str:
    """The text a person sees in one line of WordprocessingML (tags removed, entities decoded)."""
    return html.unescape(_XML_TAG_RE.sub("", xml_line)).strip()


def tags_in(xml: str) -> list[Tag]:
    """Every tag of an XML part, in document order, with its line and paragraph text."""
    found: list[Tag] = []
    for number, line in enumerate(source_lines(xml), start=1):
        text = visible_text(line)
        for match in TAG_RE.finditer(text):
            found.append(Tag(match.group(0), number, text))
    return found


def tags_on_line(xml: str, line: int) -> list[Tag]:
    """The tags in the paragraph at 1-based Jinja ``line``."""
    lines = source_lines(xml)
    if not 1 <= line <= len(lines):
        return []
    text = visible_text(lines[line - 1])
    return [Tag(m.group(0), line, text) for m in TAG_RE.finditer(text)]


def unbalanced_blocks(tags: list[Tag]) -> list[tuple[Tag, str]]:
    """Block tags without their partner: ``(tag, Polish reason)`` pairs, in document order."""
    problems: list[tuple[Tag, str]] = []
    stack: list[tuple[str, Tag]] = []
    closers = {end: start for start, end in BLOCK_ENDS.items()}
    for tag in tags:
        word = tag.keyword
        if word is None:
            continue
        if word == "set" and "=" not in tag.text:
            word = "set_block"
        if word in BLOCK_ENDS:
            stack.append((word, tag))
        elif word in closers:
            opener = closers[word]
            if stack and stack[-1][0] == opener:
                stack.pop()
            else:
                expected = BLOCK_ENDS[stack[-1][0]] if stack else None
                hint = f" (oczekiwano {{% {expected} %}})" if expected else ""
                problems.append((tag, f"zamknięcie bez otwarcia{hint}"))
        elif word in BLOCK_MIDDLES:
            allowed = BLOCK_MIDDLES[word]
            allowed = (allowed,) if isinstance(allowed, str) else allowed
            if not stack or stack[-1][0] not in allowed:
                problems.append((tag, "występuje poza blokiem, do którego należy"))
    for word, tag in stack:
        problems.append((tag, f"blok nie jest zamknięty (brakuje {{% {BLOCK_ENDS[word]} %}})"))
    return sorted(problems, key=lambda p: p[0].line)
