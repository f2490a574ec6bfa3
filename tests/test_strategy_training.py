"""The strategy's training chapter fed from the System Szkoleń register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document

from kkz_xl.documents.batch import build_strategy
from kkz_xl.documents.strategy import trainings
from kkz_xl.registers.text import jst_core
from kkz_xl.training.storage import sample_register

SAMPLE = Path(__file__).resolve().parents[1] / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"


@pytest.mark.parametrize(("a", "b"), [
    ("Gmina Bodzanów", "bodzanow"), ("m. Radom", "Miasto Radom"),
    ("Miasto i Gmina Wyszków", "Wyszków"), ("m.st. Warszawa", "Miasto Stołeczne Warszawa"),
])
def test_jst_names_meet_without_their_kind(a: str, b: str) -> None:
    assert jst_core(a) == jst_core(b)


def test_powiat_and_gmina_names_stay_apart() -> None:
    assert jst_core("Powiat wyszkowski") != jst_core("Gmina Wyszków")


def test_plan_and_trained_people_from_the_register() -> None:
    register = sample_register()
    plan, trained = trainings(register, "Gmina Bodzanów", dt.date(2025, 4, 1))
    assert [t.termin for t in plan] == ["2 kwietnia 2025\u00a0r.", "20 maja 2025\u00a0r."]
    assert {t["narzedzie"]: t["osoby"] for t in trained}["Kalkulator Społeczny (KKZ)"] == "2 osoby"
    # The plan's addressees are people, not the module's tool or form.
    assert all("pracownicy" in t.adresaci or "liderzy" in t.adresaci or "zespół" in t.adresaci
               for t in plan)
    assert trainings(register, "Gmina Nigdzie", dt.date(2030, 1, 1)) == ([], [])


def test_strategy_chapter_shows_them(tmp_path: Path) -> None:
    scenario = tmp_path / "bodzanow.yaml"
    scenario.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "Gmina Przykładowa", "Gmina Bodzanów"), encoding="utf-8")
    _, docx = build_strategy(scenario, tmp_path, training=sample_register(), draws=0,
                             today=dt.date(2025, 4, 1))
    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Kalkulator Społeczny (KKZ): 2 osoby" in text
    assert "20 maja 2025" in cells
