"""Template checking (``kkz szablon sprawdz``), batches of JSTs, the CLI, and PDF output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from typer.testing import CliRunner

from kkz_xl.cli.main import app
from kkz_xl.documents.batch import build_many, template_for
from kkz_xl.documents.template_check import check_template
from kkz_xl.office.render import render_docx, to_pdf_many
from tests.lo_open import soffice_or_skip
from tests.test_documents import make_template, scenario_data

runner = CliRunner()


@pytest.fixture
def soffice() -> str:
    """LibreOffice, or a skip (a failure in CI, where it must be installed)."""
    return soffice_or_skip()


def write_scenario(path: Path, name: str, **changes: object) -> Path:
    data = scenario_data(name)
    data["monte_carlo"] = {"losowania": 200}
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --- template checker -------------------------------------------------------------------------

def test_model_templates_check_clean() -> None:
    for kind in ("gmina", "powiat"):
        report = check_template(template_for(kind), template_for("gmina"))
        assert report.ok and not report.missing and not report.broken, report.lines()


def test_checker_lists_unknown_missing_and_broken_tags(tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "edytowany.docx",
        "Strategia {{ jst.nazwa_pelna }}",
        "{% for k in kwestie %}{{ k.nazwa }} {{ k.npv_brutto }}{% endfor %}",
        "Zepsuty {{ razem.npv }",
        "{% if jst.teryt %}bez końca",
    )
    report = check_template(template, template_for("gmina"))
    text = "\n".join(report.lines())
    assert not report.ok
    assert "{% if jst.teryt %}" in text and "blok nie jest zamknięty" in text
    assert "{{ razem.npv }" in text
    # broken parts stop the field check of that part; fix them and the unknown fields appear
    fixed = make_template(
        tmp_path / "poprawiony.docx",
        "Strategia {{ jst.nazwa_pelna }}",
        "{% for k in kwestie %}{{ k.nazwa }} {{ k.npv_brutto }}{% endfor %}",
    )
    report = check_template(fixed, template_for("gmina"))
    unknown = [f.describe() for f in report.unknown]
    assert any("jst.nazwa_pelna" in u and "{{ jst.nazwa_pelna }}" in u for u in unknown)
    assert any("kwestie[].npv_brutto" in u for u in unknown)
    assert len(report.unknown) == 2  # k.nazwa (kwestie[].nazwa) is known
    assert "kwestie[].bcr" in report.missing and "diagnoza.potencjal_es" in report.missing


def test_cli_szablon_sprawdz(tmp_path: Path) -> None:
    good = runner.invoke(app, ["szablon", "sprawdz", str(template_for("gmina"))])
    assert good.exit_code == 0, good.output
    assert "Nie znaleziono problemów" in good.output
    bad = make_template(tmp_path / "zly.docx", "{{ jst.nieznane }}")
    result = runner.invoke(app, ["szablon", "sprawdz", str(bad)])
    assert result.exit_code == 1
    assert "Nieznane pola" in result.output and "jst.nieznane" in result.output


# --- batches ----------------------------------------------------------------------------------

def test_batch_goes_on_after_a_failure_and_says_why(tmp_path: Path) -> None:
    good = write_scenario(tmp_path / "a.yaml", "Gmina Alfa")
    bad = write_scenario(tmp_path / "b.yaml", "Gmina Beta",
                         kwestie=[{"kod": "nieistniejaca", "osoby": 5}])
    also_good = write_scenario(tmp_path / "c.yaml", "Gmina Gamma")
    missing = tmp_path / "brak.yaml"
    seen: list[str] = []
    outcomes = build_many([good, bad, missing, also_good], tmp_path / "out",
                          on_progress=lambda o: seen.append(o.source.name))
    assert seen == ["a.yaml", "b.yaml", "brak.yaml", "c.yaml"]
    assert [o.ok for o in outcomes] == [True, False, False, True]
    assert "nieistniejaca" in outcomes[1].error
    assert "nie znaleziono pliku" in outcomes[2].error
    for o in (outcomes[0], outcomes[3]):
        assert o.docx.is_file() and o.jst in {"Gmina Alfa", "Gmina Gamma"}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "strategia_1499012_gmina_alfa.docx", "strategia_1499012_gmina_gamma.docx"]


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_batch_in_worker_processes_equals_the_batch_in_one(tmp_path: Path) -> None:
    """Worker processes build the same documents, report the same failures and give the
    outcomes and progress in the order of the files, as the calling process alone does."""
    paths = [write_scenario(tmp_path / f"{n}.yaml", f"Gmina {name}", kwestie=[
        {"kod": "ubostwo", "osoby": 20 + 5 * n}, {"kod": "bezrobocie", "osoby": 10 + n}])
        for n, name in enumerate(["Alfa", "Beta", "Gamma", "Delta", "Epsilon"])]
    bad = write_scenario(tmp_path / "zla.yaml", "Gmina Zła",
                         kwestie=[{"kod": "ubostwo", "osoby": 10, "skutecznosc": 2.0}])
    paths.insert(2, bad)
    runs = {}
    for workers in (1, 2):
        seen: list[str] = []
        runs[workers] = build_many(paths, tmp_path / f"out{workers}", workers=workers,
                                   on_progress=lambda o, seen=seen: seen.append(o.source.name))
        assert seen == [p.name for p in paths]
    serial, parallel = runs[1], runs[2]
    assert [(o.ok, o.jst, o.error) for o in parallel] == [(o.ok, o.jst, o.error) for o in serial]
    assert not parallel[2].ok and "skutecznosc" in parallel[2].error
    for one, other in zip(serial, parallel, strict=True):
        if one.ok:
            assert other.docx.parent == tmp_path / "out2"
            assert _text(other.docx) == _text(one.docx)


def test_cli_strategia_batch_summary_and_exit_code(tmp_path: Path) -> None:
    write_scenario(tmp_path / "a.yaml", "Gmina Alfa")
    (tmp_path / "zly.yaml").write_text("jst: [", encoding="utf-8")
    listing = tmp_path / "lista.txt"
    listing.write_text("# JST regionu\na.yaml\nzly.yaml\n", encoding="utf-8")
    result = runner.invoke(app, ["strategia", "--lista", str(listing), "-o",
                                 str(tmp_path / "out"), "--losowania", "0"])
    assert result.exit_code == 1
    assert "1 gotowe, 1 z błędem" in result.output
    assert "poprawnym YAML" in result.output
    assert (tmp_path / "out" / "strategia_1499012_gmina_alfa.docx").is_file()


def test_cli_strategia_with_strategy_data(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "a.yaml", "Gmina Alfa")
    data = tmp_path / "dane.yaml"
    data.write_text(yaml.safe_dump({
        "ekonomia_spoleczna": [{"nazwa": "Spółdzielnia Socjalna „Razem”", "rodzaj": "spółdzielnia",
                                "uslugi": "usługi opiekuńcze", "miejsca": "12"}],
        "zadania_zlecane": [{"zadanie": "Prowadzenie noclegowni", "kwota": 120000}],
    }, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["strategia", str(scenario), "--dane", str(data), "-o",
                                 str(tmp_path / "out"), "--losowania", "0"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "strategia_1499012_gmina_alfa.docx"
    cells = [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
    assert "Spółdzielnia Socjalna „Razem”" in cells
    assert "120\u00a0000,00\u00a0zł" in cells


def test_cli_strategia_bad_data_file_is_a_polish_error(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "a.yaml", "Gmina Alfa")
    data = tmp_path / "dane.yaml"
    data.write_text("zadania_zlecane: [{kwota: -5}]\n", encoding="utf-8")
    result = runner.invoke(app, ["strategia", str(scenario), "--dane", str(data)])
    assert result.exit_code == 2
    assert "dane.yaml" in result.output


# --- PDF --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_and_damaged_pdf(tmp_path_factory: pytest.TempPathFactory
                         ) -> tuple[Path, Path, Path, dict[Path, Path], dict[Path, str]]:
    """A rendered document and a damaged one, converted in one LibreOffice run:
    (folder of PDFs, good, damaged, converted, failed)."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("pdf_pair")
    template = make_template(folder / "t.docx", "Strategia: {{ nazwa }}", "Zażółć gęślą jaźń")
    good = render_docx(template, {"nazwa": "Kowalski & Syn <Test>"}, folder / "dobry.docx")
    bad = folder / "zepsuty.docx"
    bad.write_bytes(b"to nie jest dokument Word")
    converted, failed = to_pdf_many([bad, good], folder / "pdf")
    return folder / "pdf", good, bad, converted, failed


def test_pdf_conversion(good_and_damaged_pdf: tuple) -> None:
    """Polish letters and the characters XML escapes survive into the PDF."""
    _, good, _, converted, _ = good_and_damaged_pdf
    pdf = converted[good]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Kowalski & Syn <Test>" in text and "Zażółć gęślą jaźń" in text


@pytest.fixture(scope="module")
def batch_with_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, dict[Path, bytes]]:
    """Two strategies built with PDFs in one run (LibreOffice starts once for both), and each
    document's bytes as they were before the conversion."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("batch_pdf")
    paths = [write_scenario(folder / f"{n}.yaml", f"Gmina {n}") for n in ("Alfa", "Beta")]
    before: dict[Path, bytes] = {}

    def saved(outcome: Any) -> None:  # called per document, before the PDF conversion
        if outcome.docx is not None:
            before[outcome.docx] = outcome.docx.read_bytes()

    outcomes = build_many(paths, folder / "out", pdf=True, draws=0, on_progress=saved)
    return outcomes, before


def test_batch_pdf_in_one_run(batch_with_pdf: tuple[list, dict[Path, bytes]]) -> None:
    outcomes, _ = batch_with_pdf
    assert [o.jst for o in outcomes] == ["Gmina Alfa", "Gmina Beta"]
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    for o in outcomes:
        assert o.pdf is not None and o.pdf.read_bytes().startswith(b"%PDF")
        assert o.pdf.stem == o.docx.stem


@pytest.fixture
def pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI: pdftotext (poppler-utils) musi być zainstalowany")
        pytest.skip("brak pdftotext (poppler-utils)")
    return path


def pdf_pages(pdftotext: str, pdf: Path) -> list[str]:
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def test_pdf_table_of_contents_lists_chapters_with_their_pages(
        soffice: str, pdftotext: str, batch_with_pdf: tuple[list, dict[Path, bytes]]) -> None:
    from kkz_xl.office.render import uno_python
    from tests.test_documents import ART_16B_CHAPTERS, KKZ_CHAPTERS

    if uno_python(soffice) is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice bez Pythona z modułem uno (python3-uno)")
    outcomes, saved = batch_with_pdf
    outcome = outcomes[0]
    assert outcome.ok and outcome.pdf is not None, outcome.error
    pages = pdf_pages(pdftotext, outcome.pdf)
    toc_page = next(n for n, page in enumerate(pages) if "Spis treści" in page)
    toc = pages[toc_page]
    assert "Kliknij prawym" not in toc and "Aktualizuj" not in toc  # no placeholder left
    for chapter in (*ART_16B_CHAPTERS, *KKZ_CHAPTERS):
        match = re.search(re.escape(chapter) + r"\.{3,}\s*(\d+)", toc)
        assert match, f"{chapter} nie ma pozycji ze stroną w spisie treści"
        page = int(match.group(1))
        assert page > toc_page + 1
        assert chapter in pages[page - 1], f"{chapter}: spis wskazuje stronę {page}"
    # The Word document handed to staff still has its field for Word to refresh.
    assert "TOC \\o" in docx.Document(str(outcome.docx)).element.body.xml
    assert outcome.docx.read_bytes() == saved[outcome.docx]  # the conversion did not save it


def test_pdf_batch_reports_each_file(good_and_damaged_pdf: tuple) -> None:
    folder, good, bad, converted, failed = good_and_damaged_pdf
    assert list(converted) == [good] and converted[good].read_bytes().startswith(b"%PDF")
    assert list(failed) == [bad]
    assert "LibreOffice nie utworzył PDF z zepsuty.docx" in failed[bad]
    assert sorted(p.name for p in folder.iterdir()) == ["dobry.pdf"]


def test_pdf_time_out_is_a_polish_error(soffice: str, tmp_path: Path) -> None:
    from kkz_xl.errors import DataError

    good = render_docx(make_template(tmp_path / "t.docx", "Treść"), {}, tmp_path / "d.docx")
    with pytest.raises(DataError, match="nie skończył konwersji do PDF w 0 s"):
        to_pdf_many([good], tmp_path / "pdf", timeout=0.2)
    assert not (tmp_path / "pdf" / "d.pdf").exists()
