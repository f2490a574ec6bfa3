"""Classic xlwings: the xlwings.conf sheet written into workbooks, VBA kept."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from typer.testing import CliRunner

from kkz_xl.addin.classic import write_classic_settings
from kkz_xl.cli.main import app
from kkz_xl.errors import InputError
from kkz_xl.excel.xlwings_conf import CONF_SHEET, ClassicSettings, read_conf

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
    out = write_classic_settings(source, ClassicSettings(), tmp_path / "kopia.xlsx")
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
