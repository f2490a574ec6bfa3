"""BSC_Siec_Uslug.xlsx: LibreOffice computes the same scores and funding as Python; the card."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from kkz_xl.bsc.labels import Perspective
from kkz_xl.bsc.network import Network, sample_network, scorecard
from kkz_xl.bsc.sample_outputs import write_samples
from kkz_xl.bsc.workbook import write_bsc_workbook
from tests.lo_recalc import recalculated_many, soffice_available


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_samples(tmp_path_factory.mktemp("bsc"), today=dt.date(2025, 6, 1))


def _missing_values_network() -> Network:
    """The sample network with two indicators of DDP-01 left unmeasured."""
    data = sample_network().model_dump(mode="json")
    del data["uslugi"][1]["wartosci"]["K2"]
    del data["uslugi"][1]["wartosci"]["R1"]
    return Network.model_validate(data)


@pytest.fixture(scope="module")
def recalculated_books(outputs: list[Path], tmp_path_factory: pytest.TempPathFactory
                       ) -> list[openpyxl.Workbook]:
    """The sample workbook and one with missing values, recalculated in one LibreOffice run."""
    if not soffice_available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) wymagany w CI")
        pytest.skip("brak LibreOffice")
    missing = write_bsc_workbook(tmp_path_factory.mktemp("bsc_missing") / "bsc_braki.xlsx",
                                 _missing_values_network())
    return recalculated_many([outputs[0], missing])


@pytest.fixture(scope="module")
def computed(recalculated_books: list[openpyxl.Workbook]) -> openpyxl.Workbook:
    return recalculated_books[0]


def test_outputs(outputs: list[Path]) -> None:
    assert [p.name for p in outputs] == ["BSC_Siec_Uslug.xlsx", "Karta_uslugi_UO-01.docx",
                                         "Karta_uslugi_DDP-01.docx", "Karta_uslugi_MW-01.docx"]


def test_libreoffice_scores_and_funding_match_python(computed: openpyxl.Workbook) -> None:
    rows = {r[0]: r for r in computed["Karta wyników"].iter_rows(min_row=4, values_only=True)
            if r[0]}
    for card in scorecard(sample_network()):
        row = rows[card.usluga.id]
        for k, p in enumerate(Perspective, start=2):
            assert row[k] == pytest.approx(card.perspektywy[p])
        assert row[6] == pytest.approx(card.wynik)
        assert row[7] == card.swiatlo.value
        assert row[8] == pytest.approx(card.finansowanie.dotacja)


def test_inputs_unlocked_and_validation(outputs: list[Path]) -> None:
    wb = openpyxl.load_workbook(outputs[0])
    ws = wb["Pomiary"]
    assert ws.protection.sheet and ws["C4"].protection.locked is False
    assert ws["I4"].protection.locked
    errors = [dv.error for dv in wb["Usługi"].data_validations.dataValidation]
    assert any("Kategoria sieci" in e for e in errors)


def test_card_keeps_ampersand_and_uses_headings(outputs: list[Path]) -> None:
    doc = Document(str(outputs[3]))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Fundacja „Dom Kowalski & Syn”" in cells
    assert "{{" not in text + cells and "{%" not in text + cells
    styles = {p.style.name for p in doc.paragraphs if p.text.strip()}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    assert "Dotacja: 82" in text


def test_libreoffice_leaves_missing_values_out_like_python(
        recalculated_books: list[openpyxl.Workbook]) -> None:
    net = _missing_values_network()
    book = recalculated_books[1]
    rows = {r[0]: r for r in book["Karta wyników"].iter_rows(min_row=4, values_only=True)
            if r[0]}
    card = next(c for c in scorecard(net) if c.usluga.id == "DDP-01")
    row = rows["DDP-01"]
    for k, p in enumerate(Perspective, start=2):
        assert row[k] == pytest.approx(card.perspektywy[p])
    assert row[6] == pytest.approx(card.wynik)
    assert row[9] == 2  # wskaźniki bez danych
    meas = {(r[0], r[1]): r for r in book["Pomiary"].iter_rows(min_row=4, values_only=True)
            if r[0]}
    assert meas[("DDP-01", "K2")][8] == "brak danych" and meas[("DDP-01", "K2")][9] in ("", None)
    svc = {r[0]: r for r in book["Usługi"].iter_rows(min_row=4, values_only=True) if r[0]}
    uo = svc["UO-01"]
    assert uo[14] == pytest.approx(353_000)  # dotacja: 0,9 × 470 000 − 70 000
    assert uo[16] == pytest.approx(47_000)  # wkład własny realizatora
    assert uo[14] + uo[8] <= 0.9 * uo[7] + 1e-6


def test_print_area_stops_at_the_data(outputs: list[Path]) -> None:
    wb = openpyxl.load_workbook(outputs[0])
    assert wb["Usługi"].print_area == "'Usługi'!$A$1:$R$6"  # 3 services, not the spare rows
    assert wb["Karta wyników"].print_area.endswith("$J$6")


def test_value_range_rule_in_pomiary(outputs: list[Path]) -> None:
    wb = openpyxl.load_workbook(outputs[0])
    rules = [dv for dv in wb["Pomiary"].data_validations.dataValidation if dv.type == "custom"]
    assert len(rules) == 1 and "C4" in str(rules[0].sqref)
    assert "VLOOKUP($B4" in rules[0].formula1 and "poza" in rules[0].errorTitle.lower()
    ind = {r[0]: r for r in wb["Wskaźniki"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert ind["K1"][8:10] == (0, 100) and ind["F1"][9] == 500 and ind["K2"][9] is None
