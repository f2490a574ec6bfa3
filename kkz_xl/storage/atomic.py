"""Saving files so that nothing is lost: write a temporary file, keep a timestamped copy of the
previous version, then rename into place (atomic on the same filesystem)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

BACKUP_DIR = ".kopie"


def backup_path(path: Path, when: dt.datetime | None = None) -> Path:
    """Where the previous version of ``path`` is kept: ``.kopie/NAME.YYYYmmdd-HHMMSS.ext``."""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    return path.parent / BACKUP_DIR / f"{path.stem}.{stamp}{path.suffix}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], None], *, backup: bool = True) -> Path | None:
    """Call ``write(tmp)`` to produce the new file, then put it in place of ``path``.

    If ``write`` raises, ``path`` is untouched and the temporary file removed. Returns the path
    of the backup copy of the previous version, if one was made.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); a saved document gets the mode of the file it
    # replaces, or what the user's umask gives a new file.
    os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
    saved: Path | None = None
    try:
        write(tmp)
        if backup and path.exists():
            saved = backup_path(path)
            saved.parent.mkdir(exist_ok=True)
            shutil.copy2(path, saved)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return saved


def atomic_write_bytes(path: Path, data: bytes, *, backup: bool = True) -> Path | None:
    """``atomic_write`` for content already in memory."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), backup=backup)
