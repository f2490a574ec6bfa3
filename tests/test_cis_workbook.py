"""CIS_Finansowanie.xlsx: LibreOffice computes the same split as Python; protection, formats."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest

from kkz_xl.cis import demo
from kkz_xl.cis.financing import cis_cost
from kkz_xl.cis.labels import CIS_PAYER_LABELS, CisPayer
from kkz_xl.cis.plan_file import sample_plan
from kkz_xl.cis.workbook import write_cis_workbook
from tests.lo_recalc import recalculated_many, soffice_available


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cis")
    paths = demo(out)
    assert [p.name for p in paths] == ["CIS_Finansowanie.xlsx", "CIS_program_dzialania.json"]
    return paths[0]


def _with_a_graduate_added_later(path: Path) -> Path:
    """A monitoring workbook into which a graduate was typed after it was written."""
    plan = sample_plan()
    path = write_cis_workbook(path, plan.kalkulator, plan.absolwenci, plan.harmonogram)
    wb = openpyxl.load_workbook(path)
    ws = wb["Absolwenci"]
    row = 4 + len(plan.absolwenci)
    ws.cell(row=row, column=1, value="CIS-NOWY")
    ws.cell(row=row, column=2, value="Łucja Żak")
    ws.cell(row=row, column=3, value=dt.datetime(2026, 3, 31))
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def recalculated_books(book: Path, tmp_path_factory: pytest.TempPathFactory
                       ) -> list[openpyxl.Workbook]:
    """The demo workbook and one with a graduate added later, in one LibreOffice run."""
    if not soffice_available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) wymagany w CI")
        pytest.skip("brak LibreOffice")
    added = _with_a_graduate_added_later(tmp_path_factory.mktemp("cis_added") / "m.xlsx")
    return recalculated_many([book, added])


@pytest.fixture(scope="module")
def computed(recalculated_books: list[openpyxl.Workbook]) -> openpyxl.Workbook:
    return recalculated_books[0]


def test_inputs_unlocked_formulas_locked_money_format(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Kalkulator"]
    assert ws.protection.sheet
    assert ws["B4"].protection.locked is False
    formulas = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas and all(c.protection.locked for c in formulas)
    assert any(c.number_format == '#,##0.00 "zł"' for c in formulas)
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.data_validations.dataValidation


def test_libreoffice_split_matches_python(computed: openpyxl.Workbook) -> None:
    expected = cis_cost(sample_plan().kalkulator)
    values = {row[0]: row[1] for row in computed["Kalkulator"].iter_rows(values_only=True)}
    for payer in CisPayer:
        assert values[CIS_PAYER_LABELS[payer]] == pytest.approx(expected.platnicy[payer])
    assert values["razem"] == pytest.approx(expected.razem)


def test_libreoffice_tracking_dates_use_month_end(computed: openpyxl.Workbook) -> None:
    rows = list(computed["Monitoring"].iter_rows(min_row=4, values_only=True))
    first = [r for r in rows if r[0] == "CIS-2025-01"]
    assert len(first) == 8
    assert [r[5].date() for r in first][:2] == [dt.date(2025, 11, 30), dt.date(2026, 2, 28)]


def test_graduate_added_later_is_flagged_until_refreshed(
        recalculated_books: list[openpyxl.Workbook]) -> None:
    flags = {r[0]: r[3] for r in recalculated_books[1]["Absolwenci"].iter_rows(
        min_row=4, values_only=True) if r[0]}
    assert flags["CIS-2025-01"] == "tak"
    assert flags["CIS-NOWY"].startswith("nie – odśwież")
