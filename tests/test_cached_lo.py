"""Results that survive without the add-in: every formula cell of the calculator carries its
computed value in the file, so LibreOffice on a PC without Python (no KKZ_ functions) shows
the engine's figures on every sheet – the spilled tables (Przepływy, the Płatnicy and
Niepewność details) included – and no #NAME?; so does the calculator after ``kkz dodatek``
has re-saved it with this PC's xlwings settings."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from kkz_xl.addin.classic import write_classic_settings
from kkz_xl.excel.xlwings_conf import ClassicSettings
from kkz_xl.model.scenario import Scenario
from kkz_xl.workbook import from_scenario, write_workbook
from kkz_xl.workbook import layout as L  # noqa: N812
from kkz_xl.workbook.cells import Writer, qualified
from kkz_xl.workbook.sheets_detail import (
    RESULT_FLOWS,
    RESULT_INDICATORS,
    RESULT_MONTE_CARLO,
    RESULT_PAYERS,
)
from tests.lo_open import convert, soffice_or_skip

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kkz_xl" / "sample" / "gmina_przykladowa.yaml"
COMMITTED = ROOT / "workbooks" / L.WORKBOOK_NAME
ERRORS = ("#NAME?", "#NAZWA?", "#VALUE!", "#ARG!", "#REF!", "#ADR!", "#N/A", "#DIV/0!",
          "#NUM!", "#LICZBA!", "#NULL!", "Err:")
# Every sheet as CSV (the last token: -1), numbers unformatted ("as shown" off, token 9).
CSV_ALL = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
TABLE = re.compile(r"INDEX\((Wynik_[A-Za-z_]+),\d+,\d+\)")


@dataclass
class Opened:
    book: Path  # the calculator (formulas with cached values)
    engine: openpyxl.Workbook  # the values-only build of the same inputs: engine figures
    shown: dict[str, list[list[str]]]  # sheet → what LibreOffice shows, row by row
    writer: Writer | None  # the build's bookkeeping (None: the committed file)


@pytest.fixture(scope="module")
def soffice() -> str:
    return soffice_or_skip()


def _open(soffice: str, book: Path, values: Path, writer: Writer | None, tmp: Path
          ) -> Opened:
    convert(soffice, book, CSV_ALL, tmp / "csv", tmp / "home" / "profile")
    shown = {}
    for name in openpyxl.load_workbook(book, read_only=True).sheetnames:
        path = tmp / "csv" / f"{book.stem}-{name}.csv"
        shown[name] = list(csv.reader(path.open(encoding="utf-8")))
    return Opened(book, openpyxl.load_workbook(values), shown, writer)


@pytest.fixture(scope="module")
def sample(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Opened:
    """The sample gmina's calculator, as `kkz skoroszyt --scenariusz` builds it."""
    tmp = tmp_path_factory.mktemp("cached")
    data = replace(from_scenario(Scenario.load(SAMPLE)), draws=300)
    book, writer = write_workbook(tmp / "k.xlsm", data)
    values, _ = write_workbook(tmp / "v.xlsx", data, values=True)
    return _open(soffice, book, values, writer, tmp)


@pytest.fixture(scope="module")
def after_dodatek(soffice: str, sample: Opened, tmp_path_factory: pytest.TempPathFactory
                  ) -> Opened:
    """The sample calculator after ``kkz dodatek`` wrote another PC's paths into it."""
    tmp = tmp_path_factory.mktemp("dodatek")
    book = tmp / "k.xlsm"
    shutil.copy(sample.book, book)
    written = write_classic_settings(book, ClassicSettings(pythonpath=r"D:\KKZ\udfs"))
    assert written.lost == ()
    return _open(soffice, book, sample.book.with_name("v.xlsx"), sample.writer, tmp)


@pytest.fixture(scope="module")
def committed(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Opened:
    """The committed blank calculator (the one users download)."""
    tmp = tmp_path_factory.mktemp("committed")
    book = tmp / "k.xlsm"
    book.write_bytes(COMMITTED.read_bytes())
    values, _ = write_workbook(tmp / "v.xlsx", values=True)  # what it is built from: blank
    return _open(soffice, book, values, None, tmp)


def _cell(rows: list[list[str]], row: int, col: int) -> str:
    return rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else ""


def _number(text: str) -> float | None:
    """A number as LibreOffice's CSV writes it (decimal comma, a percent sign kept)."""
    t = text.replace(",", ".").replace("\u00a0", "")
    scale = 100.0 if t.endswith("%") else 1.0
    try:
        return float(t.rstrip("%")) / scale
    except ValueError:
        return None


def _same(shown: str, engine: Any) -> bool:
    if engine is None or engine == "":
        return shown == ""
    if isinstance(engine, bool):
        return shown.upper() in (("TRUE", "PRAWDA") if engine else ("FALSE", "FAŁSZ"))
    if isinstance(engine, int | float):
        got = _number(shown)
        return got is not None and got == pytest.approx(engine, rel=1e-9, abs=1e-6)
    return shown == str(engine)


def _table_cells(book: Path) -> dict[str, list[tuple[str, str]]]:
    """The cells showing each spilled result (defined name → (sheet, A1) list)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for ws in openpyxl.load_workbook(book).worksheets:
        for row in ws.iter_rows():
            for c in row:
                m = TABLE.search(c.value) if isinstance(c.value, str) else None
                if m:
                    out.setdefault(m[1], []).append((ws.title, c.coordinate))
    return out


@pytest.mark.parametrize("which", ["sample", "committed", "after_dodatek"])
def test_no_sheet_shows_an_error(which: str, request: pytest.FixtureRequest) -> None:
    opened: Opened = request.getfixturevalue(which)
    bad = [(sheet, r, text) for sheet, rows in opened.shown.items()
           for r, line in enumerate(rows, start=1) for text in line if text.startswith(ERRORS)]
    assert not bad, (len(bad), bad[:5])
    assert set(opened.shown) >= set(L.SHEETS)


@pytest.mark.parametrize("which", ["sample", "committed"])
def test_spilled_tables_show_the_engine_values(which: str, request: pytest.FixtureRequest
                                               ) -> None:
    """Przepływy (indicators and flows), each issue's Płatnicy and Monte Carlo details:
    every cell as the engine computes it, read from what LibreOffice shows."""
    opened: Opened = request.getfixturevalue(which)
    tables = _table_cells(opened.book)
    calc = opened.engine[L.CALC]
    issues = sum(1 for r in range(L.CALC_FIRST_ROW, calc.max_row + 1)
                 if opened.engine[L.PAYERS].cell(row=r, column=1).value
                 and calc.cell(row=r, column=1).value)
    assert {RESULT_FLOWS, RESULT_INDICATORS} <= set(tables)
    assert sum(n.startswith(RESULT_PAYERS) for n in tables) == issues > 5
    assert sum(n.startswith(RESULT_MONTE_CARLO) for n in tables) == issues
    bad, filled = [], 0
    for cells in tables.values():
        for sheet, a1 in cells:
            c = opened.engine[sheet][a1]
            want = c.value
            got = _cell(opened.shown[sheet], c.row, c.column)
            filled += want not in (None, "")
            if not _same(got, want):
                bad.append((sheet, a1, got, want))
    assert not bad, (len(bad), bad[:10])
    if opened.writer is not None:  # the sample computes every issue: only padding is blank
        assert filled == sum(map(len, tables.values())) - len(opened.writer.padding) > 300


@pytest.mark.parametrize("which", ["sample", "committed", "after_dodatek"])
def test_every_formula_cell_shows_the_engine_value(which: str, request: pytest.FixtureRequest
                                                   ) -> None:
    """Not only the spilled tables: every formula cell of every sheet."""
    opened: Opened = request.getfixturevalue(which)
    bad, formulas = [], 0
    for ws in openpyxl.load_workbook(opened.book).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    formulas += 1
                    want = opened.engine[ws.title][c.coordinate].value
                    got = _cell(opened.shown[ws.title], c.row, c.column)
                    if not _same(got, want):
                        bad.append((ws.title, c.coordinate, got, want))
    assert formulas > 3000
    assert not bad, (len(bad), bad[:10])


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part in the package."""
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    return {s.get("name"): "xl/" + target[s.get(REL)].removeprefix("/xl/")
            for s in book.find("m:sheets", NS)}


def _xml_cells(book: Path) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Every formula cell in the sheet XML: (sheet, A1) → (its ``t``, its ``<v>`` text or
    None without one); array formulas are refused."""
    out = {}
    with zipfile.ZipFile(book) as z:
        for sheet, part in _sheet_parts(z).items():
            for c in ET.fromstring(z.read(part)).iter(f"{{{NS['m']}}}c"):
                f = c.find("m:f", NS)
                if f is None:
                    continue
                assert f.get("t") != "array", (sheet, c.get("r"))
                v = c.find("m:v", NS)
                out[(sheet, c.get("r"))] = (c.get("t"), None if v is None else v.text or "")
    return out


def test_sheet_xml_every_formula_has_its_value(sample: Opened) -> None:
    """In the file itself: each ``<c>`` with an ``<f>`` has a ``<v>`` holding the engine's
    value; the padding (flow rows past the horizon) holds an empty text, shown blank."""
    writer = sample.writer
    assert writer is not None
    cells = _xml_cells(sample.book)
    assert set(cells) == set(writer.formula_cells)
    assert writer.padding and writer.padding <= writer.udf_cells
    bad = []
    for (sheet, a1), (kind, text) in cells.items():
        want = sample.engine[sheet][a1].value
        if (sheet, a1) in writer.padding:
            ok = (kind, text, want) == ("str", "", None)
        elif text is None:
            ok = False
        elif kind == "b":
            ok = isinstance(want, bool) and (text == "1") == want
        elif kind in ("str", "e"):
            ok = text == ("" if want is None else str(want))
        else:
            ok = isinstance(want, int | float) and float(text) == pytest.approx(
                want, rel=1e-12, abs=1e-9)
        if not ok:
            bad.append((sheet, a1, kind, text, want))
    assert not bad, (len(bad), bad[:10])
    horizon = sample.engine[L.JST][f"C{L.JST_ROWS[L.NAME_HORIZON]}"].value
    padding_rows = {int(re.sub(r"[A-Z]", "", a1)) for s, a1 in writer.padding if s == L.FLOWS}
    assert len(padding_rows) == L.MAX_YEARS - horizon


def test_committed_xml_every_formula_has_a_value() -> None:
    """The committed blank calculator too: no formula cell without its cached ``<v>``."""
    cells = _xml_cells(COMMITTED)
    assert len(cells) > 3000
    assert not [k for k, (_, text) in cells.items() if text is None]


def test_values_only_build_has_plain_values_and_no_result_names(sample: Opened) -> None:
    """The values-only report (``kkz raport``): the tables' figures as plain values, no
    defined name calling a KKZ_ function."""
    assert not [n for n, d in sample.engine.defined_names.items() if "KKZ_" in d.attr_text]
    flows = sample.engine[L.FLOWS]
    assert not [c.value for row in flows.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]


def test_a_defined_names_references_are_qualified_with_its_sheet() -> None:
    """A name's formula needs sheet-qualified references; text literals stay as they are, and
    a relative reference (it would move with the cell using the name) is refused."""
    formula = ("IF($B$4=3,KKZ_X(\"$A$1\",'Stany'!$G$9:$G$11,$M$26:$Q$75,Horyzont),"
               "KKZ_Y($B$5=\"tak\",LOG10($C$1)))")
    assert qualified(formula, "Przepływy") == (
        "IF('Przepływy'!$B$4=3,KKZ_X(\"$A$1\",'Stany'!$G$9:$G$11,'Przepływy'!$M$26:$Q$75,"
        "Horyzont),KKZ_Y('Przepływy'!$B$5=\"tak\",LOG10('Przepływy'!$C$1)))")
    for relative in ("KKZ_X(B5)", "KKZ_X($B5)", "KKZ_X(B$5:$C$6)", "KKZ_X($B$5:C6)"):
        with pytest.raises(ValueError, match="relative"):
            qualified(relative, "Przepływy")
