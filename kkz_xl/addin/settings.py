"""The add-in server's configuration: defaults, then a YAML file, then the environment.

Environment variables (all optional): ``KKZ_SERVER_HOST``, ``KKZ_SERVER_PORT``,
``KKZ_SERVER_PUBLIC_URL`` (the HTTPS address Office sees, behind a reverse proxy),
``KKZ_SERVER_ALLOWED_ORIGINS`` (comma-separated, added to the Office hosts),
``KKZ_SERVER_TOKEN`` (bearer token; unset = no token), ``KKZ_SERVER_MAX_BODY_BYTES``,
``KKZ_SERVER_CONFIG`` (path of the YAML file with the same keys in lower case),
``KKZ_UDFS_DIR`` and ``KKZ_UDF_MODULE``.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from kkz_xl import __version__
from kkz_xl.addin.locations import UDF_MODULE, default_udfs_dir
from kkz_xl.errors import InputError
from kkz_xl.model.validation import polish_validation_message

#: Origins of Excel on the web and the Office add-in hosts; a browser on any other origin
#: gets no CORS permission unless the operator adds it.
OFFICE_ORIGIN_REGEX = (
    r"^https://([a-z0-9-]+\.)*"
    r"(officeapps\.live\.com|office\.com|office365\.com|office\.net|microsoft365\.com"
    r"|cloud\.microsoft|sharepoint\.com)$"
)

ENV_PREFIX = "KKZ_SERVER_"
#: Fields read from ``KKZ_SERVER_<NAME>``; the UDF location has its own names.
ENV_FIELDS = ("host", "port", "public_url", "allowed_origins", "token", "max_body_bytes")


class AddinSettings(BaseModel):
    """Everything ``kkz serwer`` needs to answer Excel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    public_url: str | None = None
    allowed_origins: tuple[str, ...] = ()
    token: SecretStr | None = None
    max_body_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 1_000_000
    udfs_dir: Path = Field(default_factory=default_udfs_dir)
    udf_module: str = UDF_MODULE
    namespace: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]{0,31}$")] = "KKZ"

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("oczekiwano adresu zaczynającego się od https:// lub http://")
        return value.rstrip("/")

    @property
    def base_url(self) -> str:
        """The address Office loads the add-in from."""
        if self.public_url:
            return self.public_url
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::", "::1") else self.host
        return f"http://{host}:{self.port}"

    @property
    def manifest_id(self) -> str:
        """A GUID stable for one deployment address, so re-deploying updates the add-in."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kkz-xl:{self.base_url}"))

    @property
    def manifest_version(self) -> str:
        """Office wants four numeric parts."""
        parts = [p for p in __version__.split(".") if p.isdigit()][:4]
        return ".".join(parts + ["0"] * (4 - len(parts)))


def _env_values(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ENV_FIELDS:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = raw
    if environ.get("KKZ_UDFS_DIR"):
        values["udfs_dir"] = environ["KKZ_UDFS_DIR"]
    if environ.get("KKZ_UDF_MODULE"):
        values["udf_module"] = environ["KKZ_UDF_MODULE"]
    return values


def _file_values(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("plik konfiguracji", f"nie znaleziono pliku {path}") from None
    except yaml.YAMLError as err:
        raise InputError("plik konfiguracji", f"niepoprawny YAML w {path}: {err}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError("plik konfiguracji", f"oczekiwano par klucz: wartość w {path}")
    return loaded


def load_settings(
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> AddinSettings:
    """Defaults < YAML file (argument or ``KKZ_SERVER_CONFIG``) < environment < ``overrides``
    (command-line options; ``None`` means "not given")."""
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    file_path = config_file or (Path(env["KKZ_SERVER_CONFIG"]) if env.get("KKZ_SERVER_CONFIG")
                                else None)
    if file_path is not None:
        values.update(_file_values(file_path))
    values.update(_env_values(env))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return AddinSettings(**values)
    except ValidationError as err:
        raise InputError("konfiguracja serwera", polish_validation_message(err)) from None
