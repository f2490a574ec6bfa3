"""Building strategies: one JST, or a regional centre's list of JSTs in one run.

In a batch every JST is independent: a failing one is recorded with its Polish reason and the
others go on; strategies are built in worker processes, one per core; PDFs are converted at the
end in a single LibreOffice run (starting LibreOffice costs more than converting one document).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kkz_xl.documents.strategy import StrategyData, strategy_context
from kkz_xl.documents.templates_build import TEMPLATE_NAMES, repo_templates_dir, write_template
from kkz_xl.engine import montecarlo
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
    return scenario, _build(scenario, out_dir, template=template, katalog_rows=katalog_rows,
                            liderzy_rows=liderzy_rows, data=data, training=training,
                            draws=draws, today=today)


def _build(scenario: Any, out_dir: Path, *, template: Path | None = None,
           katalog_rows: Rows | None = None, liderzy_rows: Rows | None = None,
           data: StrategyData | None = None, training: TrainingRegister | None = None,
           draws: int | None = None, today: dt.date | None = None) -> Path:
    """A loaded scenario's strategy (the part of :func:`build_strategy` after loading)."""
    results = run_scenario(scenario, monte_carlo_draws=draws)
    context = strategy_context(scenario, results, katalog_rows, liderzy_rows, data=data,
                               training=training, today=today)
    tpl = Path(template) if template else template_for(scenario.jst.kind)
    return render_docx(tpl, context, Path(out_dir) / output_name(scenario))


def _in_worker(job: tuple[Any, Path, dict[str, Any]]) -> tuple[Path | None, str | None]:
    """One strategy in a worker process: its file, or the Polish reason it failed."""
    scenario, out_dir, options = job
    try:
        return _build(scenario, out_dir, **options), None
    except Exception as err:  # reported per JST by the parent; the batch goes on
        return None, failure_reason(err)


def _one_thread() -> None:
    """Worker start-up: Monte Carlo in the worker's own thread (the processes share the
    cores already)."""
    montecarlo.WORKERS = 1


#: Processes building a batch; None: one per core. Scenarios are loaded in the calling
#: process (file formats registered there, e.g. workbooks), strategies built in the workers.
WORKERS: int | None = None
#: Fewer documents than this per worker are built in the calling process (a worker's start-up
#: costs about what one strategy does).
MIN_PER_WORKER = 3


def build_many(
    scenario_paths: Sequence[Path],
    out_dir: Path,
    *,
    pdf: bool = False,
    on_progress: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
    **options: Any,
) -> list[Outcome]:
    """Build a strategy for every scenario; one failure never stops the others.

    ``options`` are those of :func:`build_strategy`. ``workers``: processes (default
    ``WORKERS``: one per core; a short batch stays in this process). Outcomes and progress
    come in the order of ``scenario_paths``. With ``pdf`` the documents built are converted
    in one LibreOffice run; a conversion failure is recorded per JST too.
    """
    workers = workers or WORKERS or os.cpu_count() or 1
    workers = min(workers, len(scenario_paths) // MIN_PER_WORKER)
    outcomes = [Outcome(Path(path)) for path in scenario_paths]
    loaded: list[tuple[Outcome, Any]] = []
    for outcome in outcomes:
        try:
            scenario = load_scenario(outcome.source)
            outcome.jst = scenario.jst.name
            loaded.append((outcome, scenario))
        except Exception as err:  # each JST's failure is reported, the batch goes on
            outcome.jst = raw_jst_name(outcome.source)
            outcome.error = clean_reason(failure_reason(err), outcome.source, err)
    jobs = [(scenario, Path(out_dir), options) for _, scenario in loaded]
    # forkserver, not fork: safe whatever threads the caller runs (a progress bar's), and the
    # server imports the engine and the documents once for every worker it forks.
    context = multiprocessing.get_context("forkserver") if workers > 1 else None
    if context is not None:
        context.set_forkserver_preload(["kkz_xl.documents.batch", "kkz_xl.engine.run"])
    with (ProcessPoolExecutor(workers, mp_context=context, initializer=_one_thread)
          if context else nullcontext()) as pool:
        results = pool.map(_in_worker, jobs) if pool else map(_in_worker, jobs)
        done = iter(results)
        for outcome in outcomes:
            if outcome.error is None:
                docx, reason = next(done)
                outcome.docx = docx
                if reason is not None:
                    outcome.error = clean_reason(reason, outcome.source)
            if on_progress is not None:
                on_progress(outcome)
    if pdf:
        made = [o for o in outcomes if o.docx is not None]
        if made:
            converted, failed = to_pdf_many([o.docx for o in made], Path(out_dir))
            for o in made:
                o.pdf = converted.get(o.docx)
                if o.docx in failed:
                    o.error = f"dokument utworzony, ale nie PDF: {failed[o.docx]}"
    return outcomes
