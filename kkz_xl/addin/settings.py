"""The add-in server's configuration: defaults, then a YAML file, then the environment.

Environment variables (all optional): ``KKZ_SERVER_HOST``, ``KKZ_SERVER_PORT``,
``KKZ_SERVER_PUBLIC_URL`` (the HTTPS address Office sees, behind a reverse proxy),
``KKZ_SERVER_ALLOWED_ORIGINS`` (comma-separated, added to the Office hosts),
``KKZ_SERVER_TOKEN`` (bearer token; unset = no token), ``KKZ_SERVER_MAX_BODY_BYTES``,
``KKZ_SERVER_WORKERS`` (processes), ``KKZ_SERVER_ACCESS_LOG`` (``true``/``false``),
``KKZ_SERVER_CALL_TIMEOUT_SECONDS`` (how long a cell waits for an answer),
``KKZ_SERVER_CONFIG`` (path of the YAML file with the same keys in lower case),
``KKZ_UDFS_DIR`` and ``KKZ_UDF_MODULE``.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from kkz_xl import __version__
from kkz_xl.errors import InputError
from kkz_xl.excel.locations import UDF_MODULE, default_udfs_dir
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
ENV_FIELDS = ("host", "port", "public_url", "allowed_origins", "token", "max_body_bytes",
              "workers", "access_log", "call_timeout_seconds")
#: Hosts Office accepts over plain HTTP (sideloading on the developer's own machine).
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
#: What a browser sends in an ``Authorization`` header unchanged: visible ASCII (RFC 7230
#: ``token68`` is a subset). A Polish letter makes ``fetch`` refuse the header, so every cell
#: would report an unreachable server.
TOKEN_PATTERN = re.compile(r"[\x21-\x7e]+")


class AddinSettings(BaseModel):
    """Everything ``kkz serwer`` needs to answer Excel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    # 0: any free port (tests); the server reports the port it bound.
    port: Annotated[int, Field(ge=0, le=65535)] = 8000
    public_url: str | None = None
    allowed_origins: tuple[str, ...] = ()
    token: SecretStr | None = None
    # 4 MB: a catalogue of a few thousand programmes (KKZ_KATALOG's table) fits.
    max_body_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 4_000_000
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    access_log: bool = True
    # How long a cell waits for the server before showing "Serwer KKZ nie odpowiada"; keep it
    # below the reverse proxy's own time-out.
    call_timeout_seconds: Annotated[float, Field(ge=1, le=600)] = 60
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

    @field_validator("token")
    @classmethod
    def _token_a_browser_can_send(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError(
                "token dostępu może zawierać tylko widoczne znaki ASCII (litery A–Z i a–z bez "
                "polskich znaków, cyfry, znaki - . _ ~ + / = itp.), bez spacji; przeglądarka "
                "nie wyśle innego w nagłówku Authorization. Nowy token: python -c \"import "
                "secrets; print(secrets.token_urlsafe(32))\""
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("oczekiwano adresu zaczynającego się od https:// lub http://")
        parts = urlsplit(value)
        if not parts.hostname:
            raise ValueError(f"brak nazwy serwera w adresie {value}")
        if parts.query or parts.fragment:
            raise ValueError("adres dodatku nie może zawierać ? ani #")
        if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
            raise ValueError(
                f"Office ładuje dodatki tylko po HTTPS: oczekiwano https://{parts.netloc}"
                f"{parts.path} (http:// wolno tylko dla localhost); HTTPS zapewnia odwrotne "
                "proxy, zob. docs/dodatek_excel.md"
            )
        return value.rstrip("/")

    @property
    def base_url(self) -> str:
        """The address Office loads the add-in from."""
        if self.public_url:
            return self.public_url
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::", "::1") else self.host
        return f"http://{host}:{self.port}"

    @property
    def path_prefix(self) -> str:
        """The path under which the proxy publishes the server (``/kkz`` for
        ``https://host/kkz``; empty at the root)."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def origin(self) -> str:
        """Scheme, host and port of :attr:`base_url` (the manifest's app domain)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def insecure_address(self) -> str | None:
        """Why Office will refuse :attr:`base_url`, or None: plain HTTP to a host other than
        this computer (possible only when no ``public_url`` is set and ``host`` is not local)."""
        parts = urlsplit(self.base_url)
        if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
            return (f"adres dodatku {self.base_url} to zwykłe HTTP: Office go nie wczyta. "
                    "Ustaw adres HTTPS (--adres https://…) za odwrotnym proxy")
        return None

    def to_env(self) -> dict[str, str]:
        """The environment from which :func:`load_settings` rebuilds these settings (for a
        fresh interpreter or the worker processes)."""
        env = {
            ENV_PREFIX + "HOST": self.host,
            ENV_PREFIX + "PORT": str(self.port),
            ENV_PREFIX + "ALLOWED_ORIGINS": ",".join(self.allowed_origins),
            ENV_PREFIX + "MAX_BODY_BYTES": str(self.max_body_bytes),
            ENV_PREFIX + "WORKERS": str(self.workers),
            ENV_PREFIX + "ACCESS_LOG": "true" if self.access_log else "false",
            ENV_PREFIX + "CALL_TIMEOUT_SECONDS": str(self.call_timeout_seconds),
            "KKZ_UDFS_DIR": str(self.udfs_dir),
            "KKZ_UDF_MODULE": self.udf_module,
        }
        if self.public_url:
            env[ENV_PREFIX + "PUBLIC_URL"] = self.public_url
        if self.token is not None:
            env[ENV_PREFIX + "TOKEN"] = self.token.get_secret_value()
        return env

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
