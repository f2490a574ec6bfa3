"""Native Word charts: the chart XML carries the numbers it is given, sits where the template
says, flows in rows with its caption kept, and LibreOffice draws every chart of a long document
at its own size in the Polish locale."""

from __future__ import annotations

import math
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from kkz_xl.documents import charts
from kkz_xl.office.chart_scale import money_axis_format, nice_scale
from kkz_xl.office.docx_charts import Bars, BarSeries, Figure, _rows, chart_xml
from kkz_xl.office.libreoffice import convert
from kkz_xl.office.render import render_docx, to_pdf
from tests.lo_open import soffice_or_skip

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tree(chart: Bars) -> etree._Element:
    return etree.fromstring(chart_xml(chart))


def cached(series: etree._Element, kind: str) -> list[str]:
    return [v.text for v in series.iter(f"{C}{kind}") if v.getparent().tag == f"{C}pt"]


def sample_tornado() -> charts.TornadoPanel:
    return charts.TornadoPanel("1. Ubóstwo", ["koszt uczestnika", "skuteczność", "zasięg"],
                               [-3.6e6, -3.1e6, -3.0e6], [-2.0e6, -2.2e6, -2.3e6], -2.53e6)


def test_tornado_bars_grow_from_the_issues_npv_with_its_numbers_cached() -> None:
    chart = charts.tornado([sample_tornado()]).charts[0]
    xml = tree(chart)
    assert xml.find(f".//{C}barDir").get("val") == "bar"
    assert float(xml.find(f".//{C}catAx/{C}crossesAt").get("val")) == -2.53e6
    assert xml.find(f".//{C}catAx/{C}tickLblPos").get("val") == "low"
    low, high = xml.findall(f".//{C}ser")
    # a horizontal chart lists its categories bottom-up: the widest row comes last
    assert cached(low.find(f"{C}cat"), "v") == ["zasięg", "skuteczność", "koszt uczestnika"]
    assert [float(v) for v in cached(low.find(f"{C}val"), "v")] == [-3.0e6, -3.1e6, -3.6e6]
    assert [float(v) for v in cached(high.find(f"{C}val"), "v")] == [-2.3e6, -2.2e6, -2.0e6]
    assert cached(low.find(f"{C}tx"), "v") == ["wartość niska założenia"]
    for series in (low, high):  # else Word draws the (negative) bars white
        assert series.find(f"{C}invertIfNegative").get("val") == "0"
    scaling = xml.find(f".//{C}valAx/{C}scaling")
    lo, hi = (float(scaling.find(f"{C}{k}").get("val")) for k in ("min", "max"))
    assert lo <= -3.6e6 and -2.0e6 <= hi < 0  # around the NPV, not from 0
    assert "koszt zaniechania: −2,5" in "".join(xml.find(f".//{C}title").itertext())


def test_gain_and_loss_bars_are_coloured_one_by_one() -> None:
    chart = charts.npv_by_payer(["gmina", "powiat", "NFZ"], [-5e6, 3e5, 0.0]).charts[0]
    series = tree(chart).find(f".//{C}ser")
    colours = {int(p.find(f"{C}idx").get("val")): p.find(f".//{A}srgbClr").get("val")
               for p in series.findall(f"{C}dPt")}
    # bottom-up: NFZ (0, counted as a gain), powiat (gain), gmina (loss)
    assert colours == {0: charts.GAIN, 1: charts.GAIN, 2: charts.LOSS}


@pytest.mark.parametrize(("values", "shown"), [
    ([1.2e6, 0.3e6], '#,##0.0,," mln zł"'),  # a 0,2 mln step needs a decimal
    ([9.1e6], '#,##0,," mln zł"'),  # a 2 mln step does not
    ([-85e3, 40e3], '#,##0," tys. zł"'),
    ([850.0], '#,##0" zł"'),
    ([8_500.0], '#,##0" zł"'),  # "8 000 zł", not "8 tys. zł"
    ([30_000.0], '#,##0," tys. zł"'),
])
def test_money_axis_is_labelled_in_the_unit_of_its_largest_amount(values: list[float],
                                                                  shown: str) -> None:
    scale, number_format = money_axis_format(values)
    positive, negative, zero = number_format.split(";")
    assert positive == shown and negative == '"\u2212"' + shown and zero == '0" zł"'
    assert scale[0] <= min(0.0, *values) and scale[1] >= max(values)


@given(st.lists(st.floats(-1e10, 1e10, allow_nan=False), min_size=1, max_size=30),
       st.integers(2, 6), st.booleans(), st.one_of(st.none(), st.integers(2, 6)))
def test_nice_scale_covers_the_values_in_a_few_round_steps(values: list[float], intervals: int,
                                                           zero: bool, most: int | None) -> None:
    low, high, step = nice_scale(values, intervals, zero=zero, most=most)
    covered = [*values, 0.0] if zero else values
    assert low <= min(covered) and high >= max(covered)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 5, 10))
    for end in (low, high):
        assert math.isclose(end / step, round(end / step), abs_tol=1e-6)
    assert 1 <= round((high - low) / step) <= (intervals + 2 if most is None else most)


def bars(width: float, title: str = "Ubóstwo") -> Bars:
    return Bars(["2027", "2028"], [BarSeries("zaniechanie", [1.5e6, 1.0e6], charts.INACTION)],
                width_mm=width, height_mm=40, title=[title],
                number_format=money_axis_format([1.5e6])[1],
                scale=money_axis_format([1.5e6])[0])


def test_charts_share_a_line_while_they_fit() -> None:
    a, b, c, wide = bars(79), bars(79), bars(79), bars(160)
    assert _rows([a, b, c], 160) == [[a, b], [c]]
    assert _rows([a, wide, b], 160) == [[a], [wide], [b]]
    assert _rows([], 160) == []


def template(path: Path) -> Path:
    document = docx.Document()
    sample = document.add_paragraph("Przed wykresem. ").add_run("Kwestia99")
    sample.bold, sample.font.size, sample.font.name = True, Pt(8.5), "Calibri"  # as a title
    document.add_paragraph("Wykres: {{ wykres }} – koniec.")
    document.add_paragraph("Podpis wykresu")
    document.save(str(path))
    return path


def test_figure_is_placed_as_chart_parts_in_rows_with_the_last_kept_with_its_caption(
        tmp_path: Path) -> None:
    figure = Figure([bars(79), bars(79), bars(79)], [(charts.INACTION, "zaniechanie")])
    out = render_docx(template(tmp_path / "t.docx"), {"wykres": figure}, tmp_path / "o.docx")
    with zipfile.ZipFile(out) as archive:
        names = [n for n in archive.namelist() if n.startswith("word/charts/")]
        types = archive.read("[Content_Types].xml").decode()
    assert sorted(names) == [f"word/charts/chart{n}.xml" for n in (1, 2, 3)]
    assert types.count("drawingml.chart+xml") == 3
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Przed wykresem. Kwestia99" and texts[-1] == "Podpis wykresu"
    assert texts[1].startswith("Wykres: ") and "■ zaniechanie" in texts[1]
    assert texts[2] == " – koniec."  # the rest of the placeholder's paragraph, after row 2
    charts_in = [len(p._p.findall(f".//{C}chart")) for p in document.paragraphs]
    assert charts_in == [0, 2, 1, 0]
    assert document.paragraphs[2].paragraph_format.keep_with_next
    related = {r.rId for r in document.part.rels.values() if r.reltype.endswith("/chart")}
    placed = [e.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
              for e in document.element.body.iter(f"{C}chart")]
    assert set(placed) == related and len(placed) == 3
    ids = [e.get("id") for e in document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(ids) == len(set(ids)) == 3


def test_libreoffice_draws_every_chart_of_a_long_document_at_its_size_in_polish(
        tmp_path: Path) -> None:
    """LibreOffice keeps 20 charts live by default and, past that, draws charts from a picture
    made at another size, squeezing their text to half its width; the private profile keeps
    them all. A title must be as wide as the same word in the text at the same size."""
    soffice_or_skip()
    count = 26
    figure = Figure([bars(79, f"Kwestia{n:02d}") for n in range(count)])
    out = render_docx(template(tmp_path / "t.docx"), {"wykres": figure}, tmp_path / "o.docx")
    for pdf in (to_pdf(out, tmp_path / "pdf"), convert(out, "pdf", tmp_path / "plain")):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert text.count("1,5 mln zł") == count  # Polish decimal comma on every axis
        boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
        widths = {word: float(x1) - float(x0) for x0, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
            r'(Kwestia\d\d)<', boxes)}
        in_text = widths.pop("Kwestia99")
        assert len(widths) == count
        assert all(abs(w / in_text - 1) < 0.05 for w in widths.values()), (pdf.parent, widths)


def test_a_long_horizon_names_every_few_years_only() -> None:
    years = list(range(2027, 2052))
    panel = charts.YearlyPanel("1. Sieroctwo", years, [1.0] * 25, [1.0] * 25)
    labels = list(charts.yearly_costs([panel, panel]).charts[0].categories)
    named = [label for label in labels if label]
    assert len(labels) == 25 and 5 <= len(named) <= charts.YEAR_LABELS
    assert named[0] == "2027" and named == sorted(named)
    assert all(label in ("", str(y)) for label, y in zip(labels, years, strict=True))


def test_a_tornado_figure_fits_a_page_however_long_its_labels() -> None:
    def panels(label: str, count: int = 10) -> list[charts.TornadoPanel]:
        return [charts.TornadoPanel(f"{n}. Kwestia", [f"{label} {k}" for k in range(6)],
                                    [-2.0] * 6, [-1.0] * 6, -1.5) for n in range(count)]

    short = panels("zasięg")
    long = panels("przejście: w domu – znaczna potrzeba opieki → w domu pomocy społecznej")
    assert charts.tornado_panels_per_figure(short) == charts.TORNADO_PANELS
    per = charts.tornado_panels_per_figure(long)
    assert 2 <= per < charts.TORNADO_PANELS and per % 2 == 0
    for group in (short, long):
        size = charts.tornado_panels_per_figure(group)
        figure = charts.tornado(group[:size])
        lines = math.ceil(size / 2)
        assert lines * (figure.charts[0].height_mm + charts.FIGURE_GAP_MM) <= charts.FIGURE_PAGE_MM
    assert charts.tornado_panels_per_figure([]) == charts.TORNADO_PANELS
