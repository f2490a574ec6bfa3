"""Building strategies: one JST, or a regional centre's list of JSTs in one run.

In a batch every JST is independent: a failing one is recorded with its Polish reason and the
others go on; PDFs are converted at the end in a single LibreOffice run (starting LibreOffice
costs more than converting one document).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kkz_xl.documents.strategy import StrategyData, strategy_context
from kkz_xl.documents.templates_build import TEMPLATE_NAMES, repo_templates_dir, write_template
from kkz_xl.engine.run import run_scenario
from kkz_xl.model.scenario_files import load_scenario
from kkz_xl.model.validation import failure_reason
from kkz_xl.office.render import render_docx, to_pdf_many
from kkz_xl.params.base import default_base
from kkz_xl.registers.text import fold
from kkz_xl.training.schema import TrainingRegister

Rows = Sequence[Mapping[str, Any]]


def template_for(kind: str, directory: Path | None = None) -> Path:
    """The model template for a JST kind: ``doc_templates/`` of the source tree, or (in an
    installed package without it) a copy built once into the user's cache."""
    name = TEMPLATE_NAMES["gmina" if kind == "gmina" else "powiat"]
    for folder in (directory, repo_templates_dir()):
        if folder is not None and (Path(folder) / name).is_file():
            return Path(folder) / name
    cache = Path.home() / ".cache" / "kkz-xl" / "doc_templates"
    if not (cache / name).is_file():
        write_template("gmina" if kind == "gmina" else "powiat", cache / name)
    return cache / name


def slug(text: str) -> str:
    """A file-name-safe form of a JST name: ``Gmina Przykładowa`` → ``gmina_przykladowa``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_") or "jst"


def output_name(scenario: Any) -> str:
    """``strategia_1499012_gmina_przykladowa.docx`` (TERYT keeps namesakes apart)."""
    return f"strategia_{scenario.jst.teryt}_{slug(scenario.jst.name)}.docx"


@dataclass
class Outcome:
    """What happened to one JST of a batch."""

    source: Path
    jst: str = ""
    docx: Path | None = None
    pdf: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _raw(path: Path) -> Any:
    """The scenario file as plain data, best effort (None when it cannot be read)."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # the load itself reports why; here only the name is sought
        return None


def raw_jst_name(path: Path) -> str:
    """The JST's name as written in a scenario that failed, so every row of a batch is
    named; the file's name when even that cannot be read."""
    data = _raw(path)
    jst = data.get("jst") if isinstance(data, dict) else None
    name = jst.get("nazwa") if isinstance(jst, dict) else None
    return str(name) if name else "nie odczytano nazwy"


def _unknown_codes(path: Path) -> list[str]:
    """Problems the first validation does not reach: every unknown issue code of the file."""
    data = _raw(path)
    issues = data.get("kwestie") if isinstance(data, dict) else None
    if not isinstance(issues, list):
        return []
    known = set(default_base().issues)
    return [f"kwestie[{n}].kod: nieznany kod kwestii „{item.get('kod')}”"
            for n, item in enumerate(issues, start=1)
            if isinstance(item, dict) and item.get("kod") is not None
            and str(item.get("kod")) not in known]


_YAML_DETAIL_RE = re.compile(r"\((?:while|expected|found|mapping|could not|did not)[^()]*?"
                             r"line (\d+), column (\d+).*?\)$", re.DOTALL)


def clean_reason(reason: str, path: Path, err: BaseException | None = None) -> str:
    """One clean message per file: without the file's name repeated in front, the YAML
    parser's English replaced by the line and column, every unknown issue code listed."""
    for prefix in (f"{path}: ", f"{path.name}: "):
        if reason.startswith(prefix):
            reason = reason[len(prefix):]
    reason = _YAML_DETAIL_RE.sub(lambda m: f"(wiersz {m.group(1)}, kolumna {m.group(2)})",
                                 reason)
    extra = [c for c in _unknown_codes(path) if c.split(":", 1)[0] not in reason]
    if extra:
        reason = "; ".join([reason, *extra])
    return reason


def build_strategy(
    scenario_path: Path,
    out_dir: Path,
    *,
    template: Path | None = None,
    katalog_rows: Rows | None = None,
    liderzy_rows: Rows | None = None,
    data: StrategyData | None = None,
    training: TrainingRegister | None = None,
    draws: int | None = None,
    today: dt.date | None = None,
) -> tuple[Any, Path]:
    """Scenario file → engine → context → ``out_dir/strategia_….docx``; returns (scenario, path).

    ``draws`` overrides the scenario's number of Monte Carlo draws (0 skips the analysis).
    """
    scenario = load_scenario(scenario_path)
    results = run_scenario(scenario, monte_carlo_draws=draws)
    context = strategy_context(scenario, results, katalog_rows, liderzy_rows, data=data,
                               training=training, today=today)
    tpl = Path(template) if template else template_for(scenario.jst.kind)
    out = render_docx(tpl, context, Path(out_dir) / output_name(scenario))
    return scenario, out


def build_many(
    scenario_paths: Sequence[Path],
    out_dir: Path,
    *,
    pdf: bool = False,
    on_progress: Callable[[Outcome], None] | None = None,
    **options: Any,
) -> list[Outcome]:
    """Build a strategy for every scenario; one failure never stops the others.

    ``options`` are those of :func:`build_strategy`. With ``pdf`` the documents built are
    converted in one LibreOffice run; a conversion failure is recorded per JST too.
    """
    outcomes: list[Outcome] = []
    for path in scenario_paths:
        outcome = Outcome(Path(path))
        try:
            scenario, outcome.docx = build_strategy(Path(path), out_dir, **options)
            outcome.jst = scenario.jst.name
        except Exception as err:  # each JST's failure is reported, the batch goes on
            outcome.jst = raw_jst_name(Path(path))
            outcome.error = clean_reason(failure_reason(err), Path(path), err)
        outcomes.append(outcome)
        if on_progress is not None:
            on_progress(outcome)
    if pdf:
        built = [o for o in outcomes if o.docx is not None]
        if built:
            converted, failed = to_pdf_many([o.docx for o in built], Path(out_dir))
            for o in built:
                o.pdf = converted.get(o.docx)
                if o.docx in failed:
                    o.error = f"dokument utworzony, ale nie PDF: {failed[o.docx]}"
    return outcomes
