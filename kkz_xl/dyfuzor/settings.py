"""Where the Dyfuzor keeps its registers and history, and its limits.

Environment variables (read by :func:`load_dyfuzor_settings`; ``kkz serwer --katalog …`` sets
them for the server process): ``KKZ_DYFUZOR_KATALOG`` and ``KKZ_DYFUZOR_LIDERZY`` (the regional
registers, .xlsx), ``KKZ_DYFUZOR_DANE`` (folder of the history database; default: beside the
catalogue), ``KKZ_DYFUZOR_MAX_PLIK`` (largest upload in bytes), ``KKZ_DYFUZOR_KONTAKT`` (how a
leader reaches the centre, shown on the privacy page).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kkz_xl.errors import InputError

ENV_PREFIX = "KKZ_DYFUZOR_"
DEFAULT_MAX_UPLOAD = 5_000_000
DB_NAME = "dyfuzor.sqlite"
DEFAULT_CONTACT = "centrum regionalne, które prowadzi Dyfuzor"


@dataclass(frozen=True)
class DyfuzorSettings:
    """The regional registers the pages show and the folder of the history database."""

    katalog: Path | None
    liderzy: Path | None
    dane: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    kontakt: str = DEFAULT_CONTACT

    @property
    def database(self) -> Path:
        return self.dane / DB_NAME

    def register_path(self, kind: str) -> Path | None:
        return {"katalog": self.katalog, "liderzy": self.liderzy}.get(kind)


def _path(name: str, value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise InputError(name, f"rejestr regionalny musi być plikiem .xlsx, otrzymano {path.name}")
    return path


def make_settings(katalog: Path | str | None, liderzy: Path | str | None,
                  dane: Path | str | None = None, max_upload_bytes: int | None = None,
                  kontakt: str | None = None) -> DyfuzorSettings | None:
    """Settings from explicit values; ``None`` when neither register is given (no Dyfuzor)."""
    kat = _path("--katalog", str(katalog) if katalog else None)
    lid = _path("--liderzy", str(liderzy) if liderzy else None)
    if kat is None and lid is None:
        return None
    folder = Path(dane).expanduser() if dane else (kat or lid).parent  # type: ignore[union-attr]
    limit = DEFAULT_MAX_UPLOAD if max_upload_bytes is None else int(max_upload_bytes)
    if not 10_000 <= limit <= 100_000_000:
        raise InputError(ENV_PREFIX + "MAX_PLIK",
                         "oczekiwano liczby bajtów od 10 000 do 100 000 000")
    return DyfuzorSettings(kat, lid, folder, limit,
                           kontakt or DEFAULT_CONTACT)


def load_dyfuzor_settings(env: dict[str, str] | None = None) -> DyfuzorSettings | None:
    """Settings from the environment (see the module docstring)."""
    env = dict(os.environ) if env is None else env
    raw_limit = env.get(ENV_PREFIX + "MAX_PLIK")
    if raw_limit is not None and not raw_limit.isdigit():
        raise InputError(ENV_PREFIX + "MAX_PLIK",
                         f"oczekiwano liczby bajtów, otrzymano {raw_limit!r}")
    return make_settings(env.get(ENV_PREFIX + "KATALOG"), env.get(ENV_PREFIX + "LIDERZY"),
                         env.get(ENV_PREFIX + "DANE"),
                         int(raw_limit) if raw_limit is not None else None,
                         env.get(ENV_PREFIX + "KONTAKT"))


def settings_env(settings: DyfuzorSettings) -> dict[str, str]:
    """The environment variables that reproduce ``settings`` in a server process."""
    env = {ENV_PREFIX + "DANE": str(settings.dane),
           ENV_PREFIX + "MAX_PLIK": str(settings.max_upload_bytes),
           ENV_PREFIX + "KONTAKT": settings.kontakt}
    if settings.katalog:
        env[ENV_PREFIX + "KATALOG"] = str(settings.katalog)
    if settings.liderzy:
        env[ENV_PREFIX + "LIDERZY"] = str(settings.liderzy)
    return env
