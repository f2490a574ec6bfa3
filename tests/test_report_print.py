"""What `kkz raport --pelny` prints for a council: the sample's report on at most 12 pages
with the reference tables in an annex PDF beside it, the charts on one page, Polish number
formats and one yes/no style (no TRUE/FALSE); a blank workbook's report says "Brak danych"
and gives no verdict (LibreOffice and poppler's pdftotext/pdfinfo; required when CI is set)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.model.payers import PAYER_LABELS
from kkz_xl.model.scenario import Scenario
from kkz_xl.workbook import from_scenario, write_workbook
from kkz_xl.workbook.sheets_report import VERDICT_NO, VERDICT_NONE, VERDICT_NONE_PAYS, VERDICT_OK

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
POLISH_MONEY = re.compile(r"-?\d{1,3}(?:[\u00a0\u202f ]\d{3})+ zł")
US_NUMBER = re.compile(r"\d,\d{3}(?:[.,]\d{3})*(?:\.\d+)? zł|\d\.\d%")
NOT_POLISH_WORDS = re.compile(r"\b(?:TRUE|FALSE|PRAWDA|FAŁSZ|TAK|NIE)\b"
                              r"|#(?:NAME|NAZWA|VALUE|ARG|REF)")
# The titles of the annex's sheets (Parametry, Stany).
ANNEX_TITLES = ("Parametry kwestii społecznych", "Stany – kwestie liczone modelem")


@pytest.fixture(scope="module")
def tools() -> None:
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} required when CI is set "
                        "(scripts/install-system-deps.sh)")
        pytest.skip(f"not installed: {', '.join(missing)}")


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])


def _text(pdf: Path, page: int | None = None) -> str:
    where = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *where, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _flat(text: str) -> str:
    """pdftotext's lines joined: a wrapped sentence reads as one."""
    return " ".join(text.split())


def _report(tmp_path: Path, calc: Path) -> tuple[Path, Path]:
    result = CliRunner().invoke(app, ["raport", str(calc), "--pelny"])
    assert result.exit_code == 0, result.output
    main, annex = tmp_path / f"{calc.stem}_raport.pdf", tmp_path / f"{calc.stem}_parametry.pdf"
    assert annex.name in result.output.replace("\n", "")  # the command names it
    return main, annex


def test_the_sample_report_is_concise_and_its_parameters_are_an_annex(tools, tmp_path: Path
                                                                      ) -> None:
    calc, _ = write_workbook(tmp_path / "gmina.xlsm", from_scenario(Scenario.load(SAMPLE)))
    main, annex = _report(tmp_path, calc)
    assert _pages(main) <= 12
    whole, appendix = _text(main), _text(annex)
    for title in ANNEX_TITLES:
        assert title in appendix and title not in whole, title
    assert "Koszty roczne osoby" not in whole  # the helper table Koszty w latach
    assert "załącznik gmina_parametry.pdf" in _flat(_text(main, 1))  # the summary names it
    # Every chart on one page.
    chart_pages = [p for p in range(1, _pages(main) + 1)
                   if "Tornado" in _text(main, p) or "Koszty rok po roku" in _text(main, p)]
    assert len(chart_pages) == 1, chart_pages
    # Value axes in the unit of their amounts (the sample's issues reach −9 mln zł).
    for page in (1, chart_pages[0]):
        assert "\u221210 mln zł" in _text(main, page) and " 000 tys. zł" not in _text(main, page)
    # Every payer inside the print area of Płatnicy (and its total after them).
    payers_page = next(p for p in range(1, _pages(main) + 1)
                       if "Kto płaci, kto oszczędza – oszczędność" in _text(main, p))
    for label in PAYER_LABELS.values():  # a header may wrap: each of its words
        assert all(word in _text(main, payers_page).split() for word in label.split()), label
    assert "Razem" in _text(main, payers_page)
    # Polish formats and words only, in the report and its annex.
    for text in (whole, appendix):
        assert POLISH_MONEY.search(text)
        assert not US_NUMBER.search(text), US_NUMBER.search(text)
        assert not NOT_POLISH_WORDS.search(text), NOT_POLISH_WORDS.search(text)
    # The ranking of parameters is the workbook's, not a pointer to another command.
    flat = _flat(whole)
    assert "Które liczby sprawdzić najpierw" in flat
    assert "przy przygotowaniu raportu (kkz raport)" in flat
    assert "kkz parametry --wplyw." not in flat.split("Które liczby sprawdzić najpierw")[1][:400]


def test_a_blank_workbook_reports_no_data_and_no_verdict(tools, tmp_path: Path) -> None:
    calc, _ = write_workbook(tmp_path / "pusty.xlsm")
    main, annex = _report(tmp_path, calc)
    flat = _flat(_text(main))
    assert VERDICT_NONE in flat
    for verdict in (VERDICT_OK, VERDICT_NO, VERDICT_NONE_PAYS):
        assert verdict[:40] not in flat
    summary = _flat(_text(main, 1))
    assert "brak danych" in summary
    assert not re.search(r"(?<![\d,])0 zł", summary), summary  # no results of 0 zł
    # No pages of zeros: the flows, payers, uncertainty, budget and charts are left out.
    for title in ("Przepływy rok po roku – wybrana", "Kto płaci, kto oszczędza – oszczędność",
                  "Niepewność wyników – Monte Carlo", "Budżet i WPF – wydatki", "4. Tornado"):
        assert title not in flat, title
    assert ANNEX_TITLES[0] in _text(annex)  # the parameters still print, to gather data
