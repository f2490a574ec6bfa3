"""The strategy document: art. 16b chapters, the engine's figures, names with & and <, safety."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from lxml import etree

from kkz_xl.documents.batch import template_for
from kkz_xl.documents.strategy import strategy_context
from kkz_xl.documents.templates_build import build_template, repo_templates_dir
from kkz_xl.engine.run import run_scenario
from kkz_xl.model.scenario import Scenario
from kkz_xl.office.render import TemplateRenderError, render_docx
from kkz_xl.polish import NBSP, fmt_money, fmt_number, fmt_percent
from kkz_xl.registers.schema import CATALOGUE, CONSENT_CENTRE, CONSENT_SHARE, LEADERS

JST_NAME = "Gmina Kowalski & Syn <Test>"

# Art. 16b ust. 2–3 u.p.s. and the KKZ chapters the issue asks for (Heading 1 titles).
ART_16B_CHAPTERS = (
    "Diagnoza sytuacji społecznej",
    "Prognoza zmian",
    "Cele strategiczne",
    "Kierunki niezbędnych działań",
    "Sposób realizacji strategii i ramy finansowe",
    "Wskaźniki realizacji działań",
    "Usługi społeczne i zadania zlecane organizacjom pozarządowym",
)
KKZ_CHAPTERS = (
    "Koszt zaniechania – wyniki Kalkulatora",
    "Kto płaci, a kto oszczędza",
    "Niepewność wyników",
    "Rekomendowane programy z Katalogu Innowacji Społecznych",
    "Lokalna Sieć Liderów Innowacji Społecznych",
    "Monitoring i ewaluacja",
    "Szkolenia (System Szkoleń)",
)


def scenario_data(name: str = JST_NAME, kind: str = "gmina") -> dict:
    return {
        "jst": {"nazwa": name, "teryt": "1499012" if kind == "gmina" else "1499",
                "rodzaj": kind, "mieszkancy": 12345},
        "rok_cen": 2025,
        "horyzont": 5,
        "kwestie": [{"kod": "bezrobocie", "osoby": 80, "naplyw": 5},
                    {"kod": "ubostwo", "osoby": 150}],
        "monte_carlo": {"losowania": 500, "ziarno": 7},
    }


@pytest.fixture(scope="module")
def computed() -> tuple[Scenario, object]:
    scenario = Scenario.model_validate(scenario_data())
    return scenario, run_scenario(scenario)


def leader(name: str, jst: str, day: str | None, scope: str | None) -> dict:
    return {LEADERS.header("osoba"): name, LEADERS.header("jst"): jst,
            LEADERS.header("instytucja"): "OPS", LEADERS.header("kwestie"): "bezrobocie",
            LEADERS.header("email"): f"{name.split()[0].lower()}@example.org",
            LEADERS.header("zgoda_data"): day, LEADERS.header("zgoda_zakres"): scope}


@pytest.fixture(scope="module")
def rendered(computed: tuple, tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario, results = computed
    katalog = [{CATALOGUE.header("nazwa"): "Klub Pracy Plus", CATALOGUE.header("kwestie"):
                "bezrobocie", CATALOGUE.header("opis"): "Warsztaty i staże",
                CATALOGUE.header("poziom_dowodow"): 2, CATALOGUE.header("jst"): "Radom"}]
    liderzy = [
        leader("Anna Zgodna", JST_NAME, "2025-03-01", CONSENT_SHARE),
        leader("Bogdan Centralny", JST_NAME, "2025-03-01", CONSENT_CENTRE),
        leader("Celina Bezzgody", JST_NAME, None, None),
        leader("Dariusz Obcy", "Gmina Inna", "2025-03-01", CONSENT_SHARE),
    ]
    context = strategy_context(scenario, results, katalog, liderzy, today=dt.date(2026, 5, 4))
    out = tmp_path_factory.mktemp("doc") / "strategia.docx"
    return render_docx(template_for("gmina"), context, out)


def full_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
        parts += [c.text for t in section.footer.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def headings(path: Path, level: int = 1) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_every_art_16b_and_kkz_chapter_is_a_heading(rendered: Path) -> None:
    found = headings(rendered)
    for chapter in (*ART_16B_CHAPTERS, *KKZ_CHAPTERS):
        assert chapter in found, chapter
    assert "Potencjał podmiotów ekonomii społecznej" in headings(rendered, 2)


def test_powiat_template_has_the_same_chapters_and_consults_gminas(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(scenario_data("Powiat Testowy", "powiat"))
    results = run_scenario(scenario, monte_carlo_draws=0, with_tornado=False)
    context = strategy_context(scenario, results, with_charts=False)
    out = render_docx(template_for("powiat"), context, tmp_path / "p.docx")
    assert set(ART_16B_CHAPTERS) <= set(headings(out))
    assert "art. 19 pkt 1" in full_text(out)


def test_figures_equal_the_engine(rendered: Path, computed: tuple) -> None:
    _, results = computed
    text = full_text(rendered)
    for issue in results.issues:
        assert issue.name in text
        for value in (issue.npv, issue.pv_z, issue.pv_a, issue.pv_programme,
                      issue.monte_carlo.mean, issue.monte_carlo.p5, issue.monte_carlo.p95):
            assert fmt_money(value, 2) in text, value
        assert fmt_number(issue.bcr, 2) in text
        assert fmt_percent(issue.monte_carlo.prob_positive, 1) in text
        for payer_npv in issue.npv_by_payer:
            assert fmt_money(payer_npv, 2) in text
        for cumulative in issue.cumulative:  # the yearly table, row by row
            assert fmt_money(float(cumulative), 2) in text
    assert fmt_money(results.totals.npv, 2) in text
    assert "12" + NBSP + "345" in text  # residents, grouped with a non-breaking space
    assert "4 maja 2026" in text.replace(NBSP, " ")


def test_polish_money_format_uses_non_breaking_spaces(rendered: Path, computed: tuple) -> None:
    _, results = computed
    text = full_text(rendered)
    big = max((i.pv_z for i in results.issues), key=abs)
    shown = fmt_money(big, 2)
    assert NBSP in shown and shown.endswith(f"{NBSP}zł") and "," in shown
    assert shown in text


def test_name_with_ampersand_and_angle_bracket_survives(rendered: Path) -> None:
    text = full_text(rendered)
    assert "Gminy Kowalski & Syn <Test>" in text  # the name in the genitive, intact
    assert "Strategia Rozwiązywania Problemów Społecznych Gminy Kowalski & Syn <Test>" in text


def test_only_consented_leaders_of_this_jst_are_named(rendered: Path) -> None:
    text = full_text(rendered)
    assert "Anna Zgodna" in text
    for absent in ("Bogdan Centralny", "Celina Bezzgody", "Dariusz Obcy"):
        assert absent not in text


def test_catalogue_programme_listed_under_its_issue(rendered: Path) -> None:
    text = full_text(rendered)
    assert "Klub Pracy Plus" in text
    assert "Warsztaty i staże" in text


def test_charts_are_native_word_charts_of_the_engines_numbers(rendered: Path,
                                                               computed: tuple) -> None:
    _, results = computed
    document = docx.Document(str(rendered))
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    parts = [document.part.related_parts[e.get(rid)]  # in reading order
             for e in document.element.body.iter(f"{c}chart")]
    assert not [r for r in document.part.rels.values() if "image" in r.reltype]
    # by issue, yearly costs (a panel per issue), by payer, the tornado (a panel per issue)
    issues = len(results.issues)
    assert len(parts) == 2 + issues + sum(bool(r.tornado) for r in results.issues)
    by_issue = etree.fromstring(parts[0].blob)
    shown = [float(v.text) for v in by_issue.find(f".//{c}val").iter(f"{c}v")]
    assert shown == pytest.approx([r.npv for r in results.issues][::-1], rel=1e-12)  # bottom-up
    titles = ["".join(etree.fromstring(p.blob).find(f".//{c}title").itertext())
              for p in parts[1:1 + issues]]
    assert [t.split(".")[0] for t in titles] == [str(n) for n in range(1, issues + 1)]


def test_small_multiples_have_a_panel_per_issue_two_to_a_line() -> None:
    from kkz_xl.documents import charts

    panel = charts.YearlyPanel("x", [1, 2, 3], [3.0, 2.0, 1.0], [2.0, 2.0, 2.0])
    three = charts.yearly_costs([panel] * 3)
    assert len(three.charts) == 3 and {c.width_mm for c in three.charts} == {charts.PANEL_MM}
    assert 2 * charts.PANEL_MM <= three.line_mm < 3 * charts.PANEL_MM
    assert charts.yearly_costs([panel]).charts[0].width_mm == charts.WIDTH_MM  # alone: full
    assert [len(c) for c in charts.chunks(10)] == [5, 5]  # balanced groups
    assert [len(c) for c in charts.chunks(13)] == [5, 5, 3]
    assert charts.chunks(0) == []


def test_tornado_labels_name_the_cost_line_not_the_code(computed: tuple) -> None:
    scenario, results = computed
    context = strategy_context(scenario, results, with_charts=False)
    labels = [t["parametr"] for k in context["kwestie"] for t in k["tornado"]]
    assert any(label.startswith("koszt: ") for label in labels)
    assert not any("cost_mult" in label or "gain_mult" in label for label in labels)
    assert context["razem"]["wykresy_tornado"] == [{"kwestie": "kwestie 1–2", "wykres": ""}]


def test_the_samples_tornado_labels_are_short_and_tell_every_row_apart() -> None:
    """Two inputs of one issue never read alike on the chart: a long label loses its middle
    (two transitions out of one state keep their different ends)."""
    from importlib import resources

    from kkz_xl.documents import charts

    scenario = Scenario.load(Path(str(resources.files("kkz_xl.sample") / "gmina_przykladowa.yaml")))
    results = run_scenario(scenario, monte_carlo_draws=0)
    figures = [f["wykres"] for f in strategy_context(scenario, results)["razem"]["wykresy_tornado"]]
    panels = [chart for figure in figures for chart in figure.charts]
    assert len(panels) == sum(bool(r.tornado) for r in results.issues) >= 2
    for panel in panels:
        labels = list(panel.categories)
        assert len(set(labels)) == len(labels), labels
        assert all(label.count("\n") < charts.TORNADO_LABEL_LINES for label in labels)
    shortened = [label for panel in panels for label in panel.categories if "…" in label]
    assert shortened and all(not label.endswith("…") for label in shortened)


def test_document_keeps_toc_field_and_page_numbers(rendered: Path) -> None:
    document = docx.Document(str(rendered))
    body = document.element.body.xml
    assert "TOC \\o" in body
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer


def test_committed_templates_are_what_the_builder_makes() -> None:
    for kind in ("gmina", "powiat"):
        committed = docx.Document(str(repo_templates_dir() / f"strategia_{kind}.docx"))
        fresh = build_template(kind)
        assert [p.text for p in committed.paragraphs] == [p.text for p in fresh.paragraphs]


# --- safety -----------------------------------------------------------------------------------

def make_template(path: Path, *texts: str) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.mark.parametrize("tag", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ 'x' * 10**9 }}",
    "{{ 9 ** 99999999 }}",
    "{{ '%999999999d' % 1 }}",
    "{{ 'a'.center(10**9) }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{% set s = 'x' * 99999 %}{% set s = s ~ s %}{{ s }}",
    "{{ jst.__init__.__globals__ }}",
])
def test_malicious_template_is_refused_without_output(tag: str, tmp_path: Path) -> None:
    template = make_template(tmp_path / "zly.docx", "Wstęp", f"Akapit {tag}")
    out = tmp_path / "wynik.docx"
    with pytest.raises(TemplateRenderError) as err:
        render_docx(template, {"jst": {"nazwa": "X"}}, out)
    message = str(err.value)
    assert "Szablon zly.docx" in message and "Znacznik" in message
    assert tag.split()[1] in message  # the tag is quoted
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["zly.docx"]  # no temporary left behind


def test_failed_render_keeps_previous_document(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ nieznane_pole }}")
    out = tmp_path / "wynik.docx"
    out.write_bytes(b"poprzednia wersja")
    with pytest.raises(TemplateRenderError, match="nieznane pole"):
        render_docx(template, {}, out)
    assert out.read_bytes() == b"poprzednia wersja"


def test_syntax_error_names_the_tag_and_paragraph(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "Dobry {{ a }}", "Zły akapit {{ a | }}")
    with pytest.raises(TemplateRenderError) as err:
        render_docx(template, {"a": 1}, tmp_path / "o.docx")
    assert "{{ a | }}" in str(err.value) and "Zły akapit" in str(err.value)


def test_unclosed_block_names_its_opening_tag(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{% for k in kwestie %}", "{{ k }}", "koniec")
    with pytest.raises(TemplateRenderError) as err:
        render_docx(template, {"kwestie": [1]}, tmp_path / "o.docx")
    assert "{% for k in kwestie %}" in str(err.value)


def test_reasonable_template_features_still_work(tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        "{{ kwota|kwota }} {{ '-' * 3 }} {{ lista|join(', ') }} {{ 2 ** 10 }}",
        "{% for i in range(3) %}{{ i }}{% endfor %} {{ nazwa|upper }}",
    )
    out = render_docx(template, {"kwota": 1234.5, "lista": ["a", "b"], "nazwa": "a&b"},
                      tmp_path / "o.docx")
    text = full_text(out)
    assert f"1{NBSP}234,50{NBSP}zł --- a, b 1024" in text
    assert "012 A&B" in text
