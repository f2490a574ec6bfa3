"""Rendering Word templates safely: a sandboxed, autoescaping Jinja environment for docxtpl.

Templates are edited by staff and passed around by e-mail, so a template is untrusted input:

* ``ImmutableSandboxedEnvironment`` blocks ``''.__class__.__mro__`` and similar walks to
  Python internals, and calls that grow the context's lists in place;
* ``autoescape=True`` keeps ``Kowalski & Syn`` or ``<Fundacja>`` intact in the XML (without it
  docxtpl silently drops the text after ``&``);
* ``*``, ``**``, ``+``, ``%`` and ``~`` are checked: a repetition, power, concatenation or
  ``%``-format that would build a huge value is refused, and so are the string methods and
  filters that pad to a width the template chooses; ``range`` draws from a budget of
  iterations for the whole render, and the rendered text of a part has a size and time limit;
* ``StrictUndefined``: a misspelt placeholder is an error naming the tag, never an empty gap.

Every failure is a :class:`TemplateRenderError` (Polish, quoting the tag and its paragraph), and
the output file is written atomically, so a failed render leaves no half-written document.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kkz_xl import polish
from kkz_xl.errors import DataError
from kkz_xl.office.docx_charts import ChartPlacer, Figure
from kkz_xl.office.libreoffice import clean_env, private_profile, soffice_path
from kkz_xl.office.libreoffice import run as run_office
from kkz_xl.office.tags import Tag, tags_in, tags_on_line, unbalanced_blocks
from kkz_xl.office.zip_limits import check_archive
from kkz_xl.storage.atomic import atomic_write

MAX_TEXT_LENGTH = 100_000  # longest string/list a template expression may build
MAX_OUTPUT_CHARS = 50_000_000  # longest rendered XML of one part (a strategy is ~1-3 MB)
MAX_INT_DIGITS = 100  # largest integer a template expression may build
MAX_RANGE_ITEMS = 100_000  # iterations ``range`` may yield over a whole render
RENDER_SECONDS = 60.0  # wall-clock budget of one render (checked at every call and operator)

# String methods and filters whose cost is set by a width the template chooses.
_UNSAFE_STR_METHODS = frozenset(
    {"format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join"}
)
_UNSAFE_FILTERS = ("center", "format", "indent", "wordwrap", "filesizeformat", "xmlattr")
_UNSAFE_GLOBALS = ("lipsum",)


def _n(value: int) -> str:
    """A count the Polish way: ``100 000``."""
    return polish.fmt_number(value, 0)


def _count(n: int) -> str:
    """``1 powtórzenie``, ``3 powtórzenia``, ``1 000 000 000 powtórzeń``."""
    return polish.plural(n, "powtórzenie", "powtórzenia", "powtórzeń").replace(
        str(n), _n(n), 1)


class TemplateRenderError(DataError):
    """A template could not be rendered; ``tag`` and ``paragraph`` say where, in Polish."""

    def __init__(self, template: str, reason: str, tags: Iterable[Tag] = ()) -> None:
        self.template = template
        self.reason = reason
        self.tags = list(tags)
        where = ""
        if self.tags:
            shown = ", ".join(f"„{t.text}”" for t in self.tags[:3])  # code, as written
            paragraph = self.tags[0].paragraph
            if len(paragraph) > 120:
                paragraph = paragraph[:117] + "…"
            where = f" Znacznik {shown} w akapicie {polish.quote(paragraph)}."
        super().__init__(f"Szablon {template}: {reason}.{where}")


class TemplateLimitError(jinja2.exceptions.SecurityError):
    """A template expression would exceed a resource limit (Polish message)."""


class _CheckedConcatGenerator(CodeGenerator):
    """Compiles ``a ~ b`` so that the sandbox checks the length of the result."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 (Jinja API)
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


class KKZSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with limits on operators, string padding, ``range``, output size and time."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CheckedConcatGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._range_budget = MAX_RANGE_ITEMS
        self._deadline = math.inf
        for name in _UNSAFE_FILTERS:
            self.filters.pop(name, None)
        for name in _UNSAFE_GLOBALS:
            self.globals.pop(name, None)
        self.globals["range"] = self._budget_range
        self.filters["join"] = _checked_join(self.filters["join"])
        self.filters["replace"] = _checked_replace(self.filters["replace"])
        self.filters.update(POLISH_FILTERS)

    def concat(self, chunks: Iterable[str]) -> str:  # type: ignore[override]
        """Join rendered output, refusing when it grows past ``MAX_OUTPUT_CHARS``."""
        parts: list[str] = []
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateLimitError(
                    f"wynik miałby ponad {_n(MAX_OUTPUT_CHARS)} znaków (pętla powielająca tekst?)"
                )
            if len(parts) % 1024 == 0:
                self._check_time()
            parts.append(chunk)
        return "".join(parts)

    def checked_concat(self, value: Any) -> Any:
        """The result of ``a ~ b``, refused when longer than ``MAX_TEXT_LENGTH``."""
        _check_size(value, "połączenie tekstów (~)")
        return value

    def start(self) -> None:
        """Reset the per-render budgets (called before each render)."""
        self._range_budget = MAX_RANGE_ITEMS
        self._deadline = time.monotonic() + RENDER_SECONDS

    def _check_time(self) -> None:
        if time.monotonic() > self._deadline:
            raise TemplateLimitError(
                f"renderowanie trwa dłużej niż {RENDER_SECONDS:.0f} s (pętla bez końca?)"
            )

    def _budget_range(self, *args: int) -> Iterator[int]:
        self._check_time()
        numbers = range(*args)
        if len(numbers) > self._range_budget:
            raise TemplateLimitError(
                f"pętla range() dałaby {_count(len(numbers))}; dozwolone łącznie "
                f"{_n(MAX_RANGE_ITEMS)}"
            )
        self._range_budget -= len(numbers)
        return iter(numbers)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _UNSAFE_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self._check_time()
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self._check_time()
        if operator == "*":
            _check_product(left, right)
            return left * right
        if operator == "**":
            _check_power(left, right)
            return left**right
        if operator == "+":
            result = left + right
            _check_size(result, "dodawanie (+)")
            return result
        if isinstance(left, str):
            raise TemplateLimitError("operator % na tekście jest niedozwolony; użyj filtrów")
        return left % right


def _weight(value: Any, depth: int = 0) -> int | None:
    """Characters/elements a value holds, nested lists included; None for a non-sequence."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple):
        if depth > 3:
            return len(value)
        return len(value) + sum(_weight(v, depth + 1) or 0 for v in value)
    return None


def _check_size(value: Any, what: str) -> None:
    size = _weight(value)
    if size is not None and size > MAX_TEXT_LENGTH:
        raise TemplateLimitError(
            f"{what} dałoby {_n(size)} znaków lub elementów; dozwolone najwyżej "
            f"{_n(MAX_TEXT_LENGTH)}"
        )


def _check_product(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        size = _weight(seq)
        if size is not None and isinstance(count, int) and size * count > MAX_TEXT_LENGTH:
            raise TemplateLimitError(
                f"powtórzenie dałoby {_n(size * count)} znaków lub elementów; "
                f"dozwolone najwyżej {_n(MAX_TEXT_LENGTH)}"
            )
    if isinstance(left, int) and isinstance(right, int):
        digits = (abs(left).bit_length() + abs(right).bit_length()) * math.log10(2)
        if digits > MAX_INT_DIGITS:
            raise TemplateLimitError(f"iloczyn miałby ponad {MAX_INT_DIGITS} cyfr")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int | float) and isinstance(exponent, int | float):
        magnitude = abs(base)
        if magnitude > 1 and exponent > 0 and exponent * math.log10(magnitude) > MAX_INT_DIGITS:
            raise TemplateLimitError(f"potęga miałaby ponad {MAX_INT_DIGITS} cyfr")


def _checked_join(join: Callable[..., str]) -> Callable[..., str]:
    """Jinja's ``join`` filter, refused when the joined text would be too long."""

    def apply(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        size = sum(_weight(v) or len(str(v)) for v in items) + len(d) * len(items)
        if size > MAX_TEXT_LENGTH * 10:
            raise TemplateLimitError(f"join dałby ponad {_n(MAX_TEXT_LENGTH * 10)} znaków")
        return join(eval_ctx, items, d, attribute)

    apply.jinja_pass_arg = join.jinja_pass_arg  # type: ignore[attr-defined]
    return apply


def _checked_replace(replace: Callable[..., str]) -> Callable[..., str]:
    """Jinja's ``replace`` filter, refused when the result would be too long."""

    def apply(eval_ctx: Any, s: Any, old: str, new: str, count: int | None = None) -> str:
        text, old, new = str(s), str(old), str(new)
        hits = len(text) + 1 if old == "" else text.count(old)
        if len(text) + hits * max(len(new) - len(old), 0) > MAX_TEXT_LENGTH * 10:
            raise TemplateLimitError(f"replace dałby ponad {_n(MAX_TEXT_LENGTH * 10)} znaków")
        return replace(eval_ctx, s, old, new, count)

    apply.jinja_pass_arg = replace.jinja_pass_arg  # type: ignore[attr-defined]
    return apply


def _polish_filter(func: Callable[..., str]) -> Callable[..., str]:
    def apply(value: Any, *args: Any) -> str:
        if value is None or value == "":
            return "–"
        return func(value, *args)

    return apply


# Filters for staff who want to format a raw number themselves: {{ x|kwota }}.
POLISH_FILTERS: dict[str, Callable[..., str]] = {
    "liczba": _polish_filter(polish.fmt_number),
    "kwota": _polish_filter(polish.fmt_money),
    "procent": _polish_filter(polish.fmt_percent),
    "data": _polish_filter(polish.fmt_date),
}


def make_env() -> KKZSandbox:
    """The one Jinja environment every document is rendered with."""
    return KKZSandbox(autoescape=True, undefined=StrictUndefined)


_TYPE_WORDS = {"int": "liczba", "float": "liczba", "str": "tekst", "dict": "pole złożone",
               "list": "lista", "NoneType": "brak wartości", "bool": "wartość logiczna",
               "Markup": "tekst", "StrictUndefined": "nieznane pole"}


def _type_word(name: str) -> str:
    return _TYPE_WORDS.get(name, "wartość")


# Jinja's English messages, in Polish (pattern, replacement); offsets and lines are dropped,
# because a message points at the tag and its paragraph instead.
_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), replace) for pattern, replace in (
        (r"'([\w ]+) object' has no attribute '([^']*)'",
         lambda m: f"brak pola „{m.group(2)}”"),
        (r"'([^']*)' is undefined", lambda m: f"nieznane pole „{m.group(1)}”"),
        (r"access to attribute '([^']*)' of '([^']*)' object is unsafe",
         lambda m: f"dostęp do „{m.group(1)}” jest zablokowany"),
        (r"unsafe .*", lambda m: "operacja zablokowana ze względów bezpieczeństwa"),
        (r"unexpected char '(.*?)'", lambda m: f"niedozwolony znak „{m.group(1)}” w znaczniku"),
        (r"expected token '(.*?)', got '(.*?)'",
         lambda m: f"oczekiwano „{_token(m.group(1))}”, a jest „{m.group(2)}”"),
        (r"Encountered unknown tag '(.*?)'.*", lambda m: f"nieznane polecenie „{m.group(1)}”"),
        (r"unexpected end of template.*",
         lambda m: "szablon kończy się przed zamknięciem bloku"),
        (r"unexpected '(.*?)'", lambda m: f"nieoczekiwany znak „{m.group(1)}”"),
        (r"no loader for this environment specified|.*TemplateNotFound.*|"
         r"Template .* not found",
         lambda m: "polecenia include, import i extends są niedozwolone: szablon musi być "
                   "jednym plikiem"),
        (r"unsupported operand type\(s\) for (.+?): '(\w+)' and '(\w+)'",
         lambda m: f"działanie „{m.group(1)}” na wartościach niezgodnego rodzaju "
                   f"({_type_word(m.group(2))} i {_type_word(m.group(3))}); filtr działa "
                   "przed działaniem, więc wyrażenie ujmij w nawias: {{ (a / b)|liczba }}"),
        (r"can only concatenate .*|must be str, not .*|can't multiply sequence.*",
         lambda m: "działanie na wartościach niezgodnego rodzaju (tekst i liczba)"),
        (r"division by zero|float division by zero|integer division or modulo by zero",
         lambda m: "dzielenie przez zero"),
        (r"No filter named '(.*?)'.*|no filter named '(.*?)'.*",
         lambda m: f"nieznany filtr „{m.group(1) or m.group(2)}”"),
        (r"No test named '(.*?)'.*|no test named '(.*?)'.*",
         lambda m: f"nieznany test „{m.group(1) or m.group(2)}”"),
        (r"'(\w+)' object is not iterable",
         lambda m: f"pętla po wartości, która nie jest listą ({_type_word(m.group(1))})"),
        (r"'(\w+)' object is not callable",
         lambda m: f"wywołanie wartości, która nie jest funkcją ({_type_word(m.group(1))})"),
    )
)
_TOKENS = {"end of print statement": "}}", "end of statement block": "%}", "name": "nazwa"}


def _token(text: str) -> str:
    return _TOKENS.get(text, text)


def polish_message(message: str) -> str:
    """A Jinja/Python error message in Polish, without character offsets."""
    message = re.sub(r"\s+at \d+$|\s*\(line \d+\)", "", str(message).strip())
    for pattern, replace in _MESSAGES:
        match = pattern.fullmatch(message) or pattern.search(message)
        if match:
            return replace(match)
    # A message no pattern knows: Polish ones pass, anything else is labelled as a detail.
    if re.search(r"[ąćęłńóśźż]|przekroczono|dozwolon", message, re.IGNORECASE):
        return message
    return f"szczegóły techniczne: {message}" if message else "bez opisu"


def polish_reason(err: BaseException) -> str:
    """A Polish explanation of a Jinja (or limit) error."""
    message = str(err)
    if isinstance(err, TemplateLimitError):
        return f"przekroczono limit bezpieczeństwa: {message}"
    if isinstance(err, jinja2.exceptions.SecurityError):
        return ("niedozwolona operacja, zablokowana ze względów bezpieczeństwa "
                f"({polish_message(message)})")
    if isinstance(err, jinja2.exceptions.UndefinedError):
        return f"nieznane pole lub atrybut ({polish_message(message)})"
    if isinstance(err, jinja2.exceptions.TemplateSyntaxError):
        if "end of template" in message:
            return "szablon kończy się przed zamknięciem bloku (brakuje zakończenia bloku)"
        if "unknown tag" in message:
            return f"nieznane polecenie ({polish_message(message)})"
        return f"błąd składni znacznika ({polish_message(message)})"
    if isinstance(err, jinja2.exceptions.TemplateError):
        return f"błąd szablonu ({polish_message(message)})"
    if isinstance(err, TypeError | ValueError | ZeroDivisionError | AttributeError):
        return f"błąd w wyrażeniu ({polish_message(message)})"
    return f"błąd podczas wypełniania ({polish_message(message)})"


def _template_line(err: BaseException) -> int | None:
    """The Jinja source line of an error: the syntax error's, else the deepest template frame."""
    if isinstance(err, jinja2.exceptions.TemplateSyntaxError) and err.lineno:
        return err.lineno
    line = None
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class _SafeTemplate(DocxTemplate):
    """docxtpl's template whose errors say, in Polish, which tag in which paragraph failed."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self._kkz_name = path.name

    def patch_xml(self, src_xml: str) -> str:
        """docxtpl's clean-up, then Word's Polish quotes inside tags made plain (docxtpl
        mends “ ” ‘ ’ but not „ ‚ « » or a non-breaking space, which Polish Word types)."""
        return repair_tags(super().patch_xml(src_xml))

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> Any:
        try:
            return super().render_xml_part(src_xml, part, context, jinja_env)
        except TemplateRenderError:
            raise
        except Exception as err:  # any failure inside the template is the template's fault
            raise self._located(err, src_xml) from err

    def _located(self, err: BaseException, src_xml: str) -> TemplateRenderError:
        line = _template_line(err)
        tags = tags_on_line(src_xml, line) if line else []
        if isinstance(err, jinja2.exceptions.TemplateSyntaxError) and "end of template" in str(
            err
        ):
            unclosed = [t for t, _ in unbalanced_blocks(tags_in(src_xml))]
            tags = unclosed or tags
        return TemplateRenderError(self._kkz_name, polish_reason(err), tags)


_TAG_BODY_RE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_TAG_QUOTES = str.maketrans({"„": '"', "”": '"', "“": '"', "«": '"', "»": '"', "‚": "'",
                             "‘": "'", "’": "'", "\u00a0": " "})


def repair_tags(xml: str) -> str:
    """Typographic quotes and non-breaking spaces inside ``{{ … }}`` / ``{% … %}`` made plain,
    so ``{% if k.kod == „bezrobocie” %}`` works as typed in Word."""
    return _TAG_BODY_RE.sub(lambda m: m.group(0).translate(_TAG_QUOTES), xml)


def open_template(path: Path) -> _SafeTemplate:
    """A Word template opened for rendering; a file that is not a .docx, is damaged or
    would unpack to more than the limits allow is a Polish error (nothing is unpacked)."""
    check_archive(Path(path))
    tpl = _SafeTemplate(Path(path))
    try:
        tpl.init_docx()
    except Exception as err:  # not a zip, not Word, damaged
        raise DataError(f"Plik {Path(path).name} nie jest poprawnym dokumentem Word (.docx) "
                        "albo jest uszkodzony; otwórz go w Wordzie i zapisz ponownie jako "
                        "„Dokument programu Word (*.docx)”") from err
    return tpl


def _with_charts(value: Any, placer: ChartPlacer) -> Any:
    """The context with every chart :class:`Figure` ready to be written where it is used."""
    if isinstance(value, Figure):
        return placer.place(value)
    if isinstance(value, Mapping):
        return {k: _with_charts(v, placer) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_with_charts(v, placer) for v in value]
    return value


def render_docx(template_path: Path, context: Mapping[str, Any], out_path: Path) -> Path:
    """Fill the Word template with ``context`` and save it atomically at ``out_path``.

    Raises :class:`TemplateRenderError` (Polish, naming the tag) when the template is broken,
    unsafe or refers to a field the context lacks; ``out_path`` is then left as it was.
    """
    template_path = Path(template_path)
    out_path = Path(out_path)
    if not template_path.is_file():
        raise DataError(f"Nie znaleziono szablonu {template_path}")
    tpl = open_template(template_path)
    env = make_env()
    env.start()
    try:
        tpl.render(_with_charts(context, ChartPlacer(tpl)), jinja_env=env, autoescape=True)
    except TemplateRenderError:
        raise
    except Exception as err:  # properties/footnotes are rendered outside render_xml_part
        raise TemplateRenderError(template_path.name, polish_reason(err)) from err
    atomic_write(out_path, lambda tmp: tpl.save(str(tmp)))
    _shareable(out_path)
    return out_path


def _shareable(path: Path) -> None:
    """Give a saved file the usual permissions (the temporary file it came from is 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


# --- PDF -------------------------------------------------------------------------------------

UNO_SCRIPT = Path(__file__).with_name("lo_convert.py")
PDF_JOB = "konwersji do PDF"


@functools.cache
def uno_python(soffice: str) -> str | None:
    """A Python that can ``import uno``: LibreOffice's own (Windows, macOS) or the system's
    (Debian/Ubuntu: python3-uno, pulled in by libreoffice-writer); None when there is none."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [program / "python.exe", program / "python", Path("/usr/bin/python3")]
    for candidate in (*candidates, shutil.which("python3")):
        if candidate is None or not Path(candidate).is_file():
            continue
        try:
            probe = subprocess.run([str(candidate), "-c", "import uno"], capture_output=True,
                                   timeout=30, check=False, env=clean_env())
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return str(candidate)
    return None


def _reported(stdout: str) -> dict[str, dict[str, str]]:
    """The UNO script's JSON lines, by document path."""
    out: dict[str, dict[str, str]] = {}
    for line in stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue  # LibreOffice's own chatter
        if isinstance(item, dict) and "docx" in item:
            out[str(item["docx"])] = item
    return out


def to_pdf_many(docx_paths: Sequence[Path], out_dir: Path, *, timeout: float = 600.0
                ) -> tuple[dict[Path, Path], dict[Path, str]]:
    """Convert Word documents to PDF with one LibreOffice run (much faster than one per file).

    The table of contents and other indexes are updated before export (through LibreOffice's
    UNO API, see ``lo_convert.py``); without a Python that has ``uno`` the documents are
    converted as saved and the table of contents stays a placeholder (Word fills it). The
    ``.docx`` files are not changed. Returns ``(converted, failed)``: document → PDF,
    document → Polish reason. Each PDF appears in ``out_dir`` only when complete (converted
    in a scratch folder, then moved atomically). Raises :class:`DataError` when LibreOffice
    is missing or hangs.
    """
    soffice = soffice_path()
    if soffice is None:
        raise DataError(
            "Nie znaleziono LibreOffice (polecenie soffice); zainstaluj pakiet libreoffice-writer "
            "albo pomiń opcję --pdf"
        )
    docs = [Path(p) for p in docx_paths]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    converted: dict[Path, Path] = {}
    failed: dict[Path, str] = {}
    python = uno_python(soffice)
    with tempfile.TemporaryDirectory(prefix="kkz-pdf-") as scratch:
        profile = private_profile(Path(scratch))
        env = clean_env(HOME=scratch)
        if python is not None:
            stdout, stderr = run_office([python, str(UNO_SCRIPT), soffice, profile, scratch,
                                         *(str(p.resolve()) for p in docs)], timeout, env,
                                        PDF_JOB)
            reports = _reported(stdout)
        else:
            stdout, stderr = run_office([soffice, f"-env:UserInstallation={profile}",
                                         "--headless", "--norestore", "--convert-to", "pdf",
                                         "--outdir", scratch, *(str(p) for p in docs)],
                                        timeout, env, PDF_JOB)
            reports = {}
        for docx in docs:
            produced = Path(scratch) / (docx.stem + ".pdf")
            report = reports.get(str(docx.resolve()), {})
            if not produced.is_file() or "error" in report:
                detail = report.get("error") or (stderr or stdout).strip()[-300:]
                failed[docx] = f"LibreOffice nie utworzył PDF z {docx.name} {detail}".strip()
                continue
            target = out_dir / produced.name
            atomic_write(target, lambda tmp, src=produced: shutil.copyfile(src, tmp))
            _shareable(target)
            converted[docx] = target
    return converted, failed


def to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert one Word document to PDF in ``out_dir`` with LibreOffice headless."""
    converted, failed = to_pdf_many([Path(docx)], out_dir)
    if failed:
        raise DataError(next(iter(failed.values())))
    return converted[Path(docx)]
