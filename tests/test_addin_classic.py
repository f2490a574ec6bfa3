"""Classic xlwings: the xlwings.conf sheet written into workbooks, VBA kept."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
import xlwings
from openpyxl.chart import BarChart, Reference
from typer.testing import CliRunner

from kkz_xl.addin.classic import write_classic_settings
from kkz_xl.cli.main import app
from kkz_xl.errors import InputError
from kkz_xl.excel.xlwings_conf import CONF_SHEET, ClassicSettings, read_conf
from kkz_xl.office.xlsx_cached import fill_archive, read_cached

#: An .xlsm with a real VBA project (xlwings' standalone quickstart: the xlwings module and
#: an inactive ``_xlwings.conf`` sheet).
QUICKSTART = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
VBA_PART = "xl/vbaProject.bin"


@pytest.fixture()
def xlsm(tmp_path: Path) -> Path:
    target = tmp_path / "Budżet gminy.xlsm"
    shutil.copy(QUICKSTART, target)
    return target


def _conf(path: Path) -> dict[str, object]:
    book = openpyxl.load_workbook(path, keep_vba=True)
    try:
        return read_conf(book)
    finally:
        if book.vba_archive is not None:
            book.vba_archive.close()


def _vba(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(VBA_PART)


def test_settings_are_read_back_and_vba_kept(xlsm: Path) -> None:
    vba_before = _vba(xlsm)
    settings = ClassicSettings(
        pythonpath=r"C:\KKZ\udfs", interpreter_win=r"C:\Python311\pythonw.exe"
    )
    write_classic_settings(xlsm, settings)

    conf = _conf(xlsm)
    book = openpyxl.load_workbook(xlsm)
    assert conf["UDF MODULES"] == "kkz_udfs"
    assert conf["PYTHONPATH"] == r"C:\KKZ\udfs"
    assert conf["INTERPRETER_WIN"] == r"C:\Python311\pythonw.exe"
    assert conf["USE UDF SERVER"] is False
    assert "_xlwings.conf" not in book.sheetnames  # the inactive quickstart copy is gone
    assert book.sheetnames.count(CONF_SHEET) == 1
    assert _vba(xlsm) == vba_before
    with zipfile.ZipFile(xlsm) as archive:
        types = archive.read("[Content_Types].xml").decode()
    assert "macroEnabled" in types
    assert list((xlsm.parent / ".kopie").iterdir()), "the previous version is kept"


def test_keys_start_in_a1_without_gaps(xlsm: Path) -> None:
    # xlwings reads column A from A1 down to the first empty cell.
    write_classic_settings(xlsm, ClassicSettings(interpreter_win="C:\\P\\pythonw.exe",
                                                 conda_env="kkz"))
    sheet = openpyxl.load_workbook(xlsm)[CONF_SHEET]
    keys = [sheet.cell(row=r, column=1).value for r in range(1, 9)]
    assert keys[:7] == ["Interpreter_Win", "PYTHONPATH", "Conda Env", "UDF Modules",
                        "Debug UDFs", "Use UDF Server", "Show Console"]
    assert keys[7] is None


def test_empty_values_do_not_hide_the_ribbon_settings(xlsm: Path) -> None:
    # An entry in the sheet wins over the xlwings ribbon even when empty: leave it out.
    write_classic_settings(xlsm, ClassicSettings(interpreter_win=""))
    conf = _conf(xlsm)
    assert "INTERPRETER_WIN" not in conf and "CONDA ENV" not in conf
    assert conf["UDF MODULES"] == "kkz_udfs"


def test_a_value_set_by_hand_survives_a_rewrite_without_it(xlsm: Path) -> None:
    write_classic_settings(xlsm, ClassicSettings(interpreter_win="D:\\Py\\pythonw.exe"))
    write_classic_settings(xlsm, ClassicSettings(interpreter_win=""))
    conf = _conf(xlsm)
    assert conf["INTERPRETER_WIN"] == "D:\\Py\\pythonw.exe"


def test_rewriting_updates_ours_and_keeps_other_keys(xlsm: Path) -> None:
    write_classic_settings(xlsm, ClassicSettings(pythonpath="C:\\stare"))
    book = openpyxl.load_workbook(xlsm, keep_vba=True)
    sheet = book[CONF_SHEET]
    row = sheet.max_row + 1
    while sheet.cell(row=row - 1, column=1).value is None:
        row -= 1
    sheet.cell(row=row, column=1, value="LICENSE_KEY")
    sheet.cell(row=row, column=2, value="klucz-gminy")
    book.save(xlsm)
    book.vba_archive.close()

    write_classic_settings(xlsm, ClassicSettings(pythonpath="C:\\nowe"))
    conf = _conf(xlsm)
    assert conf["PYTHONPATH"] == "C:\\nowe"
    assert conf["LICENSE_KEY"] == "klucz-gminy"
    assert list(conf).count("PYTHONPATH") == 1


def test_plain_xlsx_and_separate_output(tmp_path: Path) -> None:
    source = tmp_path / "zwykly.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "dane"
    book.save(source)
    out = write_classic_settings(source, ClassicSettings(), tmp_path / "kopia.xlsx").path
    assert out == tmp_path / "kopia.xlsx"
    copy = openpyxl.load_workbook(out)
    assert copy.active["A1"].value == "dane"
    assert read_conf(copy)["UDF MODULES"] == "kkz_udfs"
    assert CONF_SHEET not in openpyxl.load_workbook(source).sheetnames


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("stary.xls", "obsługiwane są skoroszyty"), ("brak.xlsm", "nie znaleziono pliku")],
)
def test_unsupported_or_missing_file(tmp_path: Path, name: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        write_classic_settings(tmp_path / name, ClassicSettings())


def test_cli_dodatek(xlsm: Path) -> None:
    result = CliRunner().invoke(
        app, ["dodatek", str(xlsm), "--udfs", r"%USERPROFILE%\kkz-xl\udfs", "--python",
              r"C:\Python\pythonw.exe"])
    assert result.exit_code == 0, result.output
    assert "Import Functions" in result.output
    conf = _conf(xlsm)
    assert conf["PYTHONPATH"] == r"%USERPROFILE%\kkz-xl\udfs"
    assert conf["INTERPRETER_WIN"] == r"C:\Python\pythonw.exe"


def test_cli_dodatek_rejects_folder_without_module(xlsm: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dodatek", str(xlsm), "--udfs", str(tmp_path)])
    assert result.exit_code == 2
    assert "kkz_udfs.py" in result.output


# --- Re-saving keeps the last results and refuses to lose what it cannot keep -------------

SHAPE = (
    '<xdr:twoCellAnchor><xdr:from><xdr:col>8</xdr:col><xdr:colOff>0</xdr:colOff>'
    '<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>11</xdr:col>'
    '<xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="9" name="Uwaga skarbnika"/>'
    '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="1828800" cy="571500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    '</xdr:spPr><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>Sprawdzić z budżetem</a:t></a:r></a:p>'
    '</xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>'
)
#: Excel's x14 data validation (a list fed from another sheet, as Excel 2010+ writes it).
DV_EXTENSION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Listy!$A$1:$A$3</xm:f>'
    '</x14:formula1><xm:sqref>B2</xm:sqref></x14:dataValidation></x14:dataValidations></ext>'
    '</extLst>'
)


def _add_text_box(xml: str) -> str:
    """A drawing part with Excel's text box beside the chart."""
    xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    root = f'<wsDr xmlns="{xdr}">'
    assert root in xml
    return xml.replace(root, f'<wsDr xmlns="{xdr}" xmlns:xdr="{xdr}" xmlns:a="{a}">').replace(
        "</wsDr>", SHAPE + "</wsDr>")


def _with_results(path: Path) -> Path:
    """A treasurer's workbook as Excel saves it: formulas with their last results (a date, a
    division error, a text), typed-in figures and a chart."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Budżet"
    ws.append(["Wydatki", 1200.5])
    ws.append(["Dochody", 800])
    ws["C1"] = "=B1-B2"
    ws["C2"] = "=B1/0"
    ws["C3"] = '="Razem: "&TEXT(B1,"0")'
    ws["C4"] = "=DATE(2026,12,6)"
    ws["C4"].number_format = "yyyy-mm-dd"
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    ws.add_chart(chart, "E2")
    buffer = BytesIO()
    book.save(buffer)
    results = {("Budżet", "C1"): 400.5, ("Budżet", "C2"): "#DIV/0!",
               ("Budżet", "C3"): "Razem: 1201", ("Budżet", "C4"): 46362}
    path.write_bytes(fill_archive(buffer.getvalue(), results))
    return path


def _edit_part(path: Path, part: str, edit: Callable[[str], str]) -> None:
    with zipfile.ZipFile(path) as src:
        entries = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            out.writestr(info, edit(data.decode()).encode() if info.filename == part else data)


def test_last_results_survive_the_resave(tmp_path: Path) -> None:
    book = _with_results(tmp_path / "budzet.xlsx")
    before = read_cached(book)
    assert before[("Budżet", "C4")] == 46362  # a date stays Excel's serial number
    written = write_classic_settings(book, ClassicSettings())
    assert written.lost == ()
    assert read_cached(book) == before
    shown = openpyxl.load_workbook(book, data_only=True)["Budżet"]
    assert shown["C2"].data_type == "e" and shown["C2"].value == "#DIV/0!"
    assert shown["C4"].value.date().isoformat() == "2026-12-06"
    assert shown["B1"].value == 1200.5 and shown["A2"].value == "Dochody"  # typed-in kept
    assert openpyxl.load_workbook(book)["Budżet"]["C1"].value == "=B1-B2"


@pytest.mark.parametrize(
    ("part", "edit", "named"),
    [
        ("xl/drawings/drawing1.xml", _add_text_box, "kształty"),
        ("xl/worksheets/sheet1.xml",
         lambda xml: xml.replace("</worksheet>", DV_EXTENSION + "</worksheet>"),
         "listy rozwijane"),
    ],
    ids=["text box", "x14 drop-down"],
)
def test_a_workbook_that_would_lose_something_is_not_overwritten(
    tmp_path: Path, part: str, edit: Callable[[str], str], named: str
) -> None:
    book = _with_results(tmp_path / "budzet.xlsx")
    _edit_part(book, part, edit)
    original = book.read_bytes()
    with pytest.raises(InputError, match=f"nie nadpisuję budzet.xlsx.*{named}"):
        write_classic_settings(book, ClassicSettings())
    assert book.read_bytes() == original
    assert not (tmp_path / ".kopie").exists()

    copy = write_classic_settings(book, ClassicSettings(), tmp_path / "kopia.xlsx")
    assert any(named in item for item in copy.lost), copy.lost
    assert read_conf(openpyxl.load_workbook(copy.path))["UDF MODULES"] == "kkz_udfs"
    assert book.read_bytes() == original


def test_a_part_openpyxl_drops_is_named(tmp_path: Path) -> None:
    book = _with_results(tmp_path / "budzet.xlsx")
    with zipfile.ZipFile(book, "a") as archive:
        archive.writestr("customXml/item1.xml", "<dane>gmina</dane>")
    with pytest.raises(InputError, match="niestandardowe dane XML"):
        write_classic_settings(book, ClassicSettings())


def test_cli_dodatek_names_the_loss_of_a_copy(tmp_path: Path) -> None:
    book = _with_results(tmp_path / "budzet.xlsx")
    _edit_part(book, "xl/drawings/drawing1.xml", _add_text_box)
    refused = CliRunner().invoke(app, ["dodatek", str(book)])
    assert refused.exit_code == 2, refused.output
    assert "--wynik" in refused.output
    result = CliRunner().invoke(app, ["dodatek", str(book), "--wynik",
                                      str(tmp_path / "kopia.xlsx")])
    assert result.exit_code == 0, result.output
    assert "z pliku kopia.xlsx zniknęły: kształty i pola tekstowe (1)" in result.output
    assert "Oryginał budzet.xlsx jest bez zmian" in result.output
