"""Saving without losing anything: atomic replace, backup copy, file mode kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kkz_xl.storage.atomic import BACKUP_DIR, atomic_write, atomic_write_bytes


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    atomic_write_bytes(path, b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_replacing_keeps_mode_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"old")
    path.chmod(0o640)
    backup = atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert backup is not None and backup.parent.name == BACKUP_DIR
    assert backup.read_bytes() == b"old"


def test_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"keep")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(path, broken)
    assert path.read_bytes() == b"keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
