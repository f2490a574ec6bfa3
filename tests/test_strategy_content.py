"""What a council reads: goals that follow the numbers, a budget by year and source, correct
Polish (declined names, no "−0", plain words outside the annex), templates checked the way
they are rendered, batches that name every JST."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import numpy as np
import pytest
import yaml

from kkz_xl import declension
from kkz_xl.declension import adjective_fallback, jst_names
from kkz_xl.documents.batch import build_many, template_for
from kkz_xl.documents.strategy import CHECK_FIRST_ROWS, StrategyData, strategy_context
from kkz_xl.documents.template_check import check_template
from kkz_xl.documents.templates_build import ANNEX_TITLE
from kkz_xl.engine.budget import cost_line_payers, yearly_budget
from kkz_xl.engine.influence import decisions, influence
from kkz_xl.engine.run import LineInfo, run_scenario
from kkz_xl.model.labels import INPUT_LABELS
from kkz_xl.model.payers import Payer
from kkz_xl.model.scenario import Scenario
from kkz_xl.model.scenario_files import load_scenario
from kkz_xl.office.render import render_docx
from kkz_xl.params.base import default_base
from kkz_xl.polish import MINUS, NBSP, fmt_money, fmt_number, fmt_signed, quote, shown_difference

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
START = 2027
POWIAT = {
    "jst": {"nazwa": "Powiat Szydłowiecki", "teryt": "1424", "rodzaj": "powiat",
            "mieszkancy": 38000},
    "rok_cen": 2025,
    "kwestie": [{"kod": "sieroctwo", "osoby": 60, "naplyw": 5},
                {"kod": "niepelnosprawnosc", "osoby": 80, "naplyw": 4},
                {"kod": "uzaleznienia", "osoby": 25, "naplyw": 2},
                {"kod": "bezrobocie", "osoby": 50}],
    "monte_carlo": {"losowania": 300, "ziarno": 3},
}
JARGON = re.compile(r"\bNPV\b|\bBCR\b|\bROI\b|P\(NPV|\bPV\b|c_p|\((?:q|s|r|e|a)\)|\bJST\b|"
                    r"Monte Carlo|percentyl")


# --- Polish ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "kind", "genitive", "locative"), [
    ("Gmina Chlewiska", "gmina", "Gminy Chlewiska", "Gminie Chlewiska"),
    ("Gmina Miejska Górka", "gmina", "Gminy Miejskiej Górka", "Gminie Miejskiej Górka"),
    ("Bodzanów", "gmina", "Gminy Bodzanów", "Gminie Bodzanów"),
    ("Powiat Szydłowiecki", "powiat", "Powiatu Szydłowieckiego", "Powiecie Szydłowieckim"),
    ("Powiat warszawski zachodni", "powiat", "Powiatu warszawskiego zachodniego",
     "Powiecie warszawskim zachodnim"),
    ("Miasto Radom", "miasto na prawach powiatu", "Miasta Radomia", "Mieście Radomiu"),
    ("Płock", "miasto na prawach powiatu", "Miasta Płocka", "Mieście Płocku"),
    ("Miasto Siedlce", "miasto na prawach powiatu", "Miasta Siedlec", "Mieście Siedlcach"),
    ("Miasto i Gmina Szydłowiec", "gmina", "Miasta i Gminy Szydłowiec",
     "Mieście i Gminie Szydłowiec"),
])
def test_jst_names_are_declined(name: str, kind: str, genitive: str, locative: str) -> None:
    names = jst_names(name, kind)
    assert (names.genitive, names.locative) == (genitive, locative)
    assert names.nominative.split()[-1] == name.split()[-1]


def test_declension_without_morfeusz_falls_back_to_rules(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(declension, "_morfeusz", lambda: None)
    assert jst_names("Powiat Szydłowiecki", "powiat").genitive == "Powiatu Szydłowieckiego"
    assert jst_names("Powiat Grójecki", "powiat").locative == "Powiecie Grójeckim"
    # An unknown city name stays in the nominative: the official apposition, never garbled.
    assert jst_names("Miasto Radom", "miasto na prawach powiatu").genitive == "Miasta Radom"
    assert jst_names("Gmina Chlewiska").genitive == "Gminy Chlewiska"
    assert [adjective_fallback(w, "gen") for w in ("łódzki", "ostrowski", "płoński")] == [
        "łódzkiego", "ostrowskiego", "płońskiego"]


def test_no_minus_zero_and_differences_from_shown_numbers() -> None:
    assert fmt_number(-0.004, 2) == "0,00"
    assert fmt_money(-0.4, 0) == f"0{NBSP}zł"
    assert fmt_number(-0.6, 0) == f"{MINUS}1"
    assert shown_difference(22.4, 25.6) == 22 - 26  # as a reader subtracts the shown numbers
    assert fmt_signed(shown_difference(3.4, 3.2)) == "0"
    assert fmt_signed(3) == "+3" and fmt_signed(-3) == f"{MINUS}3"


def test_nested_quotes() -> None:
    assert quote("Spółdzielnia Socjalna „Razem”") == "„Spółdzielnia Socjalna ‚Razem’”"
    assert quote('Klub "Start"') == "„Klub ‚Start’”"


# --- the engine's yearly budget -------------------------------------------------------------

def test_yearly_budget_splits_by_payer_and_indexes_by_calendar_year() -> None:
    programme = np.array([100.0, 50.0, 0.0])
    lines = [LineInfo("zasiłek", Payer.GMINA, None, False),
             LineInfo("składki", Payer.POWIAT, None, True)]  # a gain line: not a task's cost
    line_z = np.array([[10.0, 4.0], [10.0, 4.0], [10.0, 4.0]])
    b = yearly_budget(programme, {Payer.GMINA: 0.3, Payer.NFZ: 0.7}, line_z, line_z / 2,
                      cost_line_payers(lines), first_year=2027, price_year=2025,
                      indexation=0.025)
    assert b.obligatory_z_nominal[0].tolist() == pytest.approx(
        [10 * 1.025 ** 2, 0, 0, 0, 0])  # the gain line never enters the cost
    assert b.obligatory_a_nominal[2, 0] == pytest.approx(5 * 1.025 ** 4)
    assert b.years.tolist() == [2027, 2028, 2029]
    assert b.programme.sum(1) == pytest.approx(programme)
    assert b.programme[:, 0] == pytest.approx(0.3 * programme)
    assert b.programme_nominal[0].sum() == pytest.approx(100 * 1.025 ** 2)
    assert b.programme_nominal[1].sum() == pytest.approx(50 * 1.025 ** 3)


def test_a_powiat_runs_its_programmes() -> None:
    scenario = Scenario.model_validate(POWIAT)
    for issue in scenario.resolve():
        assert Payer.GMINA not in issue.inputs.financing, issue.code
    own = Scenario.model_validate({**POWIAT, "kwestie": [
        {"kod": "bezrobocie", "osoby": 5, "finansowanie": {"gmina": 0.5, "powiat": 0.5}}]})
    assert own.resolve()[0].inputs.financing[Payer.GMINA] == 0.5  # the JST's own split stays


# --- rendered documents ---------------------------------------------------------------------

def _text(path: Path) -> tuple[list[str], list[list[list[str]]], str]:
    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    footer = " ".join(c.text for s in document.sections for t in s.footer.tables
                      for row in t.rows for c in row.cells)
    return paragraphs, tables, footer


def _council_text(paragraphs: list[str], tables: list[list[list[str]]], path: Path) -> str:
    """Everything before the annex, paragraphs and tables in document order."""
    document = docx.Document(str(path))
    out = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text == ANNEX_TITLE:
                break
            out.append(text)
        elif child.tag.endswith("}tbl"):
            out.append(" ".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
    return "\n".join(out)


@pytest.fixture(scope="module")
def gmina(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    scenario = load_scenario(SAMPLE)
    results = run_scenario(scenario, monte_carlo_draws=300)
    context = strategy_context(scenario, results, data=StrategyData(rok_poczatkowy=START),
                               today=dt.date(2026, 5, 4), with_charts=False)
    out = tmp_path_factory.mktemp("g") / "gmina.docx"
    return render_docx(template_for("gmina"), context, out), results


@pytest.fixture(scope="module")
def gmina_paying(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The sample with one own figure of the gmina – its kontrakt socjalny costs 800 zł a
    participant – so that a programme pays and the strategy adopts it: the financial frame
    covers adopted programmes only, and on the base's defaults no programme of the sample pays."""
    data = load_scenario(SAMPLE).dump()
    issues = [dict(i, koszt_uczestnika=800.0) if i["kod"] == "ubostwo" else i
              for i in data["kwestie"]]
    scenario = Scenario.model_validate(data | {"kwestie": issues})
    results = run_scenario(scenario, monte_carlo_draws=0)
    assert any(round(r.npv) > 0 for r in results.issues)
    context = strategy_context(scenario, results, data=StrategyData(rok_poczatkowy=START),
                               today=dt.date(2026, 5, 4), with_charts=False)
    out = tmp_path_factory.mktemp("gp") / "gmina.docx"
    return render_docx(template_for("gmina"), context, out), results


@pytest.fixture(scope="module")
def powiat(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    scenario = Scenario.model_validate(POWIAT)
    results = run_scenario(scenario, monte_carlo_draws=0)
    context = strategy_context(scenario, results, data=StrategyData(rok_poczatkowy=START),
                               today=dt.date(2026, 5, 4), with_charts=False)
    out = tmp_path_factory.mktemp("p") / "powiat.docx"
    return render_docx(template_for("powiat"), context, out), results


def test_names_are_declined_in_title_text_and_footer(gmina: tuple, powiat: tuple) -> None:
    for (path, _), genitive in ((gmina, "Gminy Przykładowa"),
                                (powiat, "Powiatu Szydłowieckiego")):
        paragraphs, _, footer = _text(path)
        assert genitive in paragraphs[:12]  # the title page
        assert f"Problemów Społecznych {genitive} na lata" in "\n".join(paragraphs)
        assert footer.startswith(f"Strategia Rozwiązywania Problemów Społecznych {genitive}")
        assert "Strona" in footer
        assert "Społecznych Gmina " not in "\n".join(paragraphs)


def test_no_minus_zero_anywhere(gmina: tuple, powiat: tuple) -> None:
    for path, _ in (gmina, powiat):
        paragraphs, tables, _ = _text(path)
        text = "\n".join([*paragraphs, *(c for t in tables for r in t for c in r)])
        assert not re.search(f"[{MINUS}-]0(?:,0+)?(?![,\\d])", text)
        assert not re.search(r"\bw \d+\. rok\b", text)  # "w 4. roku"


def test_financial_frame_is_a_budget_by_calendar_year(gmina_paying: tuple) -> None:
    path, results = gmina_paying
    _, tables, _ = _text(path)
    frames = [t for t in tables if t[0][:2] == ["Rok", "Budżet gminy"]]
    assert frames, "no financial frame"
    years = [str(START + t) for t in range(results.horizon)]
    for table in frames:
        assert [row[0] for row in table[1:-1]] == years
        assert table[-1][0] == "Razem"
        for col in range(1, len(table[0])):  # every total is the sum of its column
            def value(cell: str) -> int:
                return 0 if cell == "–" else int(re.sub(r"\D", "", cell))
            assert value(table[-1][col]) == sum(value(r[col]) for r in table[1:-1])
        for row in table[1:]:  # and every row's total the sum of its sources
            assert value(row[-1]) == sum(value(c) for c in row[1:-1])


def test_obligatory_tasks_total_adds_up(gmina: tuple, powiat: tuple) -> None:
    def value(cell: str) -> int:
        return 0 if cell == "–" else int(re.sub(r"\D", "", cell))

    for path, _ in (gmina, powiat):
        _, tables, _ = _text(path)
        table = next(t for t in tables if t[0][:2] == ["Kwestia społeczna", "Podstawa prawna"])
        assert table[-1][0] == "Razem"
        assert value(table[-1][-1]) == sum(value(r[-1]) for r in table[1:-1])
        assert all(MINUS not in r[-1] for r in table[1:])  # a task's cost is never negative


def test_goals_follow_the_results(gmina: tuple) -> None:
    path, results = gmina
    paragraphs, _, _ = _text(path)
    goals = [p for p in paragraphs if re.match(r"Cel strategiczny \d+\. ", p)]
    assert goals[0] == "Cel strategiczny 1. Zapewnienie pomocy wymaganej prawem"
    for r in results.issues:
        name = default_base().issue(r.code).nazwa  # the issue's own name, not a model's
        assert name in "\n".join(paragraphs)
        named = [g for g in goals if g.split(". ", 1)[1].startswith(f"{name}:")]
        assert bool(named) == (round(r.npv) > 0), name
    text = "\n".join(paragraphs)
    assert "koszt zaniechania: −" not in text and f"koszt zaniechania: {MINUS}" not in text
    not_paying = [r for r in results.issues if round(r.npv) <= 0]
    assert not_paying and all(f"Program „{r.inputs.programme_name}” się nie zwraca" in text
                              for r in not_paying)
    assert "zwróciłby się" in text  # what would have to be true for it to pay


def test_indicators_are_consistent_with_the_model(gmina: tuple) -> None:
    path, results = gmina
    _, tables, _ = _text(path)
    table = next(t for t in tables if t[0][:2] == ["Cel", "Wskaźnik"])
    groups = {r.name.lower(): r.inputs.persons for r in results.issues}
    for _goal, name, base, target, _source, note in table[1:]:
        target_value = int(re.sub(r"\D", "", target.split("(")[0]))
        base_value = int(re.sub(r"\D", "", base))
        assert (base_value, target_value) != (0, 0), name
        if target_value > base_value and base_value > 0:
            assert note, f"{name}: target above the baseline without a reason"
        if name.startswith("Uczestnicy"):
            group = int(re.sub(r"\D", "", note))
            assert target_value <= group and group in {round(g) for g in groups.values()}


def test_no_jargon_outside_the_annex(gmina: tuple, powiat: tuple) -> None:
    for path, _ in (gmina, powiat):
        paragraphs, tables, _ = _text(path)
        council = _council_text(paragraphs, tables, path)
        found = JARGON.findall(council)
        assert not found, found
        assert ANNEX_TITLE in paragraphs and "Słowniczek" in paragraphs
        # Headings make the table of contents, which the council reads first.
        headings = [p.text for p in docx.Document(str(path)).paragraphs
                    if p.style.name.startswith("Heading")]
        assert not [h for h in headings if JARGON.search(h)]


def test_annex_lists_the_figures_to_check_first(gmina: tuple) -> None:
    """The annex ranks the base's parameters by how much they move the total (the engine's
    ranking, as `kkz parametry --wplyw` prints it), widest swing first."""
    path, _ = gmina
    paragraphs, tables, _ = _text(path)
    annex = paragraphs[paragraphs.index(ANNEX_TITLE):]
    assert "Które liczby sprawdzić najpierw" in annex
    assert any(p.startswith("Te liczby warto najpierw sprawdzić na miejscu") and
               "im słabszy stopień pewności" in p and "tym szerszy przedział" in p
               for p in annex)
    table = next(t for t in tables
                 if t[0] == ["Lp.", "Kwestia społeczna", "Parametr", "Stopień pewności",
                             "Zmiana wyniku", "Źródło"])
    rows = table[1:]
    assert len(rows) == CHECK_FIRST_ROWS
    assert [r[0] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    swings = [int(re.sub(r"\D", "", r[4])) for r in rows]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    assert all(r[3] in {"1", "2", "3", "4", "5"} and r[5] for r in rows)
    top = influence(load_scenario(SAMPLE))[0]
    base = default_base()
    why = f" Dlaczego założenie: {top.reason}" if top.reason else ""
    assert rows[0][1:] == [base.issue(top.issue).nazwa if top.issue else "wszystkie kwestie",
                           top.name, str(top.grade), fmt_money(top.swing, 0), top.source + why]
    # An assumption among them says why it has no source (issue 10: each with its reason).
    assert all("Dlaczego założenie:" in r[5] for r in rows if r[3] == "5")
    assert not any(r[2].endswith("zasięg (e)") for r in rows)  # decisions are listed apart
    # What depends on the JST's own plan: every programme coverage, with its swing.
    assert "Co zależy od decyzji samorządu" in annex
    own = next(t for t in tables
               if t[0] == ["Lp.", "Kwestia społeczna", "Program", "Zasięg", "Zmiana wyniku"])
    expected = decisions(load_scenario(SAMPLE))
    assert [(r[2], r[4]) for r in own[1:]] == [
        (d.name.removesuffix(": " + INPUT_LABELS["coverage"]), fmt_money(d.swing, 0))
        for d in expected]


def test_powiat_without_data_shows_no_placeholders(powiat: tuple) -> None:
    path, _ = powiat
    paragraphs, tables, _ = _text(path)
    text = "\n".join([*paragraphs, *(c for t in tables for r in t for c in r)])
    assert "gmina 100" not in text  # a powiat's programmes are the powiat's
    assert "Budżet powiatu" in text
    assert "poniższa tabela" not in text  # no social-economy table without --dane
    assert "Powiatowe Centrum Pomocy Rodzinie" not in "\n".join(paragraphs[:15])
    assert not any(p.startswith("Powiat Szydłowiecki, ") for p in paragraphs)
    assert "losuje je łącznie 0" not in text and "nie wykonano" in text


# --- templates and batches ------------------------------------------------------------------

def _edited(tmp_path: Path, name: str, text: str) -> Path:
    document = docx.Document(str(template_for("gmina")))
    document.add_paragraph(text)
    out = tmp_path / name
    document.save(str(out))
    return out


@pytest.mark.parametrize("tag", [
    "{{ ''.__class__.__mro__ }}",
    "{{ 'x' * 10**9 }}",
    "{% include 'inny.docx' %}",
    "{{ 7050/110|liczba }}",
])
def test_check_reports_what_generation_refuses(tag: str, tmp_path: Path) -> None:
    report = check_template(_edited(tmp_path, "zly.docx", f"Akapit próbny {tag}"),
                            template_for("gmina"))
    assert not report.ok
    lines = "\n".join(report.lines())
    assert "Akapit próbny" in lines and tag[:8] in lines
    assert not re.search(r"\bat \d+|line \d+|object|Package|undefined", lines), lines


def test_word_quotes_inside_tags_are_repaired(tmp_path: Path) -> None:
    template = _edited(tmp_path, "cudzyslow.docx",
                       "{% if jst.rodzaj == „gmina” %}Tak{% endif %} "
                       "{{ jst.nazwa|replace(‚Gmina’, ‚G.’) }}")
    report = check_template(template, template_for("gmina"))
    assert report.ok and not report.missing, report.lines()


def test_damaged_docx_is_a_polish_error(tmp_path: Path) -> None:
    from kkz_xl.errors import KKZError

    fake = tmp_path / "szablon.docx"
    fake.write_text("to nie jest dokument", encoding="utf-8")
    with pytest.raises(KKZError) as err:
        check_template(fake)
    assert "szablon.docx" in str(err.value) and "nie jest" in str(err.value)
    assert "Package" not in str(err.value)
    # A zip that is not a Word document passes the archive check and still gets Polish.
    import zipfile

    with zipfile.ZipFile(tmp_path / "zip.docx", "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(KKZError) as err:
        check_template(tmp_path / "zip.docx")
    assert "nie jest poprawnym dokumentem Word" in str(err.value)
    assert "Package" not in str(err.value) and "not found" not in str(err.value)


def test_batch_reports_every_error_and_names_every_jst(tmp_path: Path) -> None:
    bad = tmp_path / "zla.yaml"
    bad.write_text(yaml.safe_dump({
        "jst": {"nazwa": "Gmina Zła", "teryt": "14990"},
        "kwestie": [{"kod": "bezrobocie", "osoby": -5}, {"kod": "nieznana", "osoby": 1},
                    {"kod": "inna_zla", "osoby": 1}]}, allow_unicode=True), encoding="utf-8")
    broken = tmp_path / "pusta.yaml"
    broken.write_text("jst: [\n", encoding="utf-8")
    outcomes = build_many([bad, broken], tmp_path / "out", draws=0)
    first, second = outcomes
    assert first.jst == "Gmina Zła" and second.jst
    for part in ("jst.teryt", "kwestie[1].osoby", "nieznana", "inna_zla"):
        assert part in first.error, (part, first.error)
    assert not first.error.startswith(bad.name) and not first.error.startswith(str(bad))
    assert "while parsing" not in second.error and "wiersz" in second.error


def test_footer_page_numbers_have_the_text_size_and_a_cell_of_their_own() -> None:
    from docx.oxml.ns import qn

    document = docx.Document(str(template_for("gmina")))
    table = document.sections[0].footer.tables[0]
    left, right = table.rows[0].cells
    assert "{{ jst.nazwa_dopelniacz }}" in left.text and "Strona" not in left.text
    sizes = {r.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val"))
             for r in right._tc.iter(qn("w:r"))}
    assert len(sizes) == 1  # "Strona", the page digits and "z" in one size


def test_missing_fields_wait_for_broken_tags(tmp_path: Path) -> None:
    report = check_template(_edited(tmp_path, "zepsuty.docx", "Akapit {{ jst.nazwa „ }}"),
                            template_for("gmina"))
    assert report.broken and not report.missing and report.missing_unknown
    assert any("po poprawieniu" in line for line in report.lines())


def test_an_over_compressed_docx_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    import zipfile

    from kkz_xl.errors import KKZError

    bomb = tmp_path / "bomba.docx"
    with zipfile.ZipFile(template_for("gmina")) as zin, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("word/media/zera.bin", b"\0" * (20 * 1024 * 1024))
    for action in (lambda: check_template(bomb),
                   lambda: render_docx(bomb, {}, tmp_path / "wynik.docx")):
        with pytest.raises(KKZError) as err:
            action()
        assert "bomba.docx" in str(err.value) and "razy" in str(err.value)
    assert not (tmp_path / "wynik.docx").exists()


@pytest.mark.parametrize(("message", "expected"), [
    ("'dict object' has no attribute 'nazwa_pelna'", "brak pola „nazwa_pelna”"),
    ("unexpected char '„' at 4566", "niedozwolony znak „„” w znaczniku"),
    ("expected token 'end of print statement', got 'x'", "oczekiwano „}}”, a jest „x”"),
    ("no loader for this environment specified", "polecenia include"),
    ("unsupported operand type(s) for /: 'int' and 'str'", "liczba i tekst"),
    ("Something nobody translated", "szczegóły techniczne"),
])
def test_jinja_messages_in_polish_without_offsets(message: str, expected: str) -> None:
    from kkz_xl.office.render import polish_message

    text = polish_message(message)
    assert expected in text and "4566" not in text


def test_multi_state_drivers_are_graded_from_their_model() -> None:
    """An issue on its multi-state model grades its top drivers by the model's own values
    (its lines are the model's costs, then the issue's gains), never by the two-state file."""
    from kkz_xl.documents.strategy import evidence_grade
    from kkz_xl.params.state_models import shipped_models

    results = run_scenario(load_scenario(SAMPLE), monte_carlo_draws=0)
    base = default_base()
    for r in results.issues:
        model = shipped_models().get(r.code)
        grades = []
        for t in sorted(r.tornado, key=lambda t: t.swing, reverse=True)[:3]:
            if model is not None and t.name.startswith("gain_mult"):
                grades.append(base.gains(r.code)[t.line - len(model.koszty)].stopien)
            elif model is not None and t.name.startswith("cost_mult"):
                grades.append(model.koszty[t.line].stopien)
        grade = evidence_grade(r)
        assert grade is None or 1 <= grade <= 5
        assert all(grade is not None and g <= grade for g in grades), (r.code, grades, grade)
