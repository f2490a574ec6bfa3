"""BSC_Siec_Uslug.xlsx: LibreOffice computes the same scores and funding as Python; the card."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from kkz_xl.bsc.labels import Perspective
from kkz_xl.bsc.network import sample_network, scorecard
from kkz_xl.bsc.sample_outputs import write_samples
from kkz_xl.training.lo_recalc import recalculated, soffice_available


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_samples(tmp_path_factory.mktemp("bsc"), today=dt.date(2025, 6, 1))


@pytest.fixture(scope="module")
def computed(outputs: list[Path]) -> openpyxl.Workbook:
    if not soffice_available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) wymagany w CI")
        pytest.skip("brak LibreOffice")
    return recalculated(outputs[0])


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
