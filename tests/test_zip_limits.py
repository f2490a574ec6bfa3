"""check_archive refuses what a reader should never unpack, from the central directory alone."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from kkz_xl.errors import InputError
from kkz_xl.office.zip_limits import MAX_UNCOMPRESSED, check_archive

REPO = Path(__file__).resolve().parents[1]
CD_SIG = b"PK\x01\x02"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _patch_central(path: Path, offset: int, fmt: str, value: int) -> None:
    """Overwrite one field of the first central-directory record (what a crafted file does)."""
    raw = bytearray(path.read_bytes())
    at = raw.index(CD_SIG) + offset
    raw[at:at + struct.calcsize(fmt)] = struct.pack(fmt, value)
    path.write_bytes(bytes(raw))


def _refusal(path: Path, **limits: float) -> str:
    with pytest.raises(InputError) as err:
        check_archive(path, **limits)
    assert err.value.field == path.name
    return str(err.value)


@pytest.mark.parametrize("shipped", [
    "workbooks/Kalkulator_KKZ.xlsm", "workbooks/Katalog_Innowacji.xlsx",
    "doc_templates/strategia_gmina.docx", "doc_templates/karta_uslugi.docx",
])
def test_shipped_files_pass(shipped: str) -> None:
    check_archive(REPO / shipped)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "dane.xlsx"
    path.write_text("gmina;liczba\nBodzanów;12\n", encoding="utf-8")
    assert "nie jest plik pakietu Office" in _refusal(path)


def test_empty_and_missing_and_folder(tmp_path: Path) -> None:
    empty = tmp_path / "pusty.docx"
    empty.write_bytes(b"")
    assert "pusty" in _refusal(empty)
    assert "nie znaleziono" in _refusal(tmp_path / "brak.xlsx")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert "folder" in _refusal(folder)


def test_truncated_zip_is_damaged(tmp_path: Path) -> None:
    whole = (REPO / "workbooks/Katalog_Innowacji.xlsx").read_bytes()
    path = tmp_path / "ucięty.xlsx"
    path.write_bytes(whole[: len(whole) // 2])  # a download cut off half way
    assert "uszkodzony" in _refusal(path)


def test_password_protected_office_file(tmp_path: Path) -> None:
    # Excel saves a password-protected .xlsx as an OLE compound file with this signature.
    path = tmp_path / "zaszyfrowany.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "hasłem" in _refusal(path)


def test_zip_encrypted_member(tmp_path: Path) -> None:
    path = _zip(tmp_path / "szyfr.docx", {"word/document.xml": b"<w:document/>"})
    _patch_central(path, 8, "<H", 0x1)  # general-purpose flag bit 0: encrypted
    message = _refusal(path)
    assert "zaszyfrowana" in message and "word/document.xml" in message


def test_high_ratio_member_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomba.xlsx", {"xl/worksheets/sheet1.xml": bytes(4 * 1024 * 1024)})
    message = _refusal(path)
    assert "xl/worksheets/sheet1.xml" in message and "razy" in message
    check_archive(path, max_ratio=10_000)  # the same file under a looser limit passes


def test_small_compressible_member_within_grace(tmp_path: Path) -> None:
    # Repeated XML under the grace size compresses far beyond 100x in real files.
    path = _zip(tmp_path / "maly.xlsx", {"xl/styles.xml": b"<x/>" * 50_000})
    check_archive(path)


def test_total_size_limit(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, barely compressible
    path = _zip(tmp_path / "duzy.xlsx", {"a.xml": data, "b.xml": data})
    check_archive(path)
    assert "rozpakowuje się do 2,0 MB" in _refusal(path, max_uncompressed=1_500_000)


def test_declared_gigabytes_refused_without_unpacking(tmp_path: Path) -> None:
    """A 1 kB file declaring 3.75 GiB is refused from its directory (its data is not even
    a valid stream for that size: unpacking would fail differently)."""
    path = _zip(tmp_path / "spreparowany.docx", {"word/document.xml": b"<w:document/>" * 50})
    _patch_central(path, 24, "<I", 0xF000_0000)  # the member's declared uncompressed size
    message = _refusal(path)
    assert "nie został otwarty" in message
    assert MAX_UNCOMPRESSED < 0xF000_0000


def test_many_members_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "czesci.xlsx", {f"p{i}.xml": b"x" for i in range(30)})
    assert "30 części" in _refusal(path, max_members=20)
