"""Running LibreOffice headless: finding it, and one private profile per run.

Two LibreOffice processes sharing a profile directory block or fail each other (two users
converting at once, parallel test workers), so every run gets a fresh profile and ``HOME``
in a scratch folder, and runs in its own process group so that a time-out stops it whole.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from kkz_xl.errors import DataError

MISSING = ("Nie znaleziono LibreOffice (polecenie soffice); zainstaluj pakiet "
           "libreoffice-calc lub libreoffice-writer")


# LibreOffice formats numbers (a chart's axis, a cell's "# ##0,00") and dates by the locale it
# finds in the environment, whether or not the system has that locale installed: the readers of
# these documents are Polish ("1,2 mln zł", not "1.2 mln zł").
POLISH_LOCALE = {"LC_ALL": "pl_PL.UTF-8", "LANG": "pl_PL.UTF-8", "LANGUAGE": "pl"}


# LibreOffice keeps 20 embedded objects (charts) live and draws the others from a replacement
# picture made at another size, so a strategy's 22 charts came out with squeezed text in the
# PDF; a private profile lets it keep them all.
OBJECT_CACHE = 10_000
_PROFILE_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Cache/Writer"><prop oor:name="OLE_Objects" \
oor:op="fuse"><value>{OBJECT_CACHE}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Cache/DrawingEngine"><prop oor:name="OLE_Objects" \
oor:op="fuse"><value>{OBJECT_CACHE}</value></prop></item>
</oor:items>
"""


def private_profile(scratch: Path) -> str:
    """A fresh LibreOffice profile in ``scratch`` (parallel runs with a shared profile block
    each other), set up for documents with many charts; returns its URI."""
    user = Path(scratch) / "profile" / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    return (Path(scratch) / "profile").as_uri()


def soffice_path() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this project's Python settings (LibreOffice's Python and the
    UNO bridge are another interpreter), in the Polish locale."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **POLISH_LOCALE, **extra}


def run(cmd: Sequence[str], timeout: float, env: Mapping[str, str],
        what: str = "pracy") -> tuple[str, str]:
    """Run LibreOffice (or a script that starts it) in its own process group, so a time-out
    stops LibreOffice too; returns (stdout, stderr). ``what``: the job, for the message."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(env), start_new_session=True)
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as err:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
        proc.communicate()
        raise DataError(f"LibreOffice nie skończył {what} w {timeout:.0f} s") from err


def convert(source: Path, target: str, out_dir: Path, *, timeout: float = 180.0) -> Path:
    """``soffice --convert-to TARGET`` of one file with a private profile; the result lands
    in ``out_dir`` (named after ``source``, extension of ``target``) only when complete."""
    soffice = soffice_path()
    if soffice is None:
        raise DataError(MISSING)
    source = Path(source)
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="kkz-lo-") as scratch:
        profile = private_profile(Path(scratch))
        _, stderr = run([soffice, f"-env:UserInstallation={profile}", "--headless",
                         "--norestore", "--convert-to", target, "--outdir", scratch,
                         str(source)], timeout, clean_env(HOME=scratch), "konwersji")
        produced = Path(scratch) / f"{source.stem}.{extension}"
        if not produced.is_file():
            raise DataError(f"LibreOffice nie przekonwertował {source.name} do {extension}: "
                            f"{stderr.strip()[-300:]}")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        result = out_dir / produced.name
        shutil.move(str(produced), result)
    return result
