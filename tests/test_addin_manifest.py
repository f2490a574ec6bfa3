"""The add-in's manifest.xml holds what Office needs to load the KKZ functions."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from kkz_xl.addin.manifest import render_manifest
from kkz_xl.addin.settings import AddinSettings
from kkz_xl.cli.main import app

NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
BASE = "https://kkz.gmina-przykladowa.pl"


def _root(settings: AddinSettings) -> ET.Element:
    return ET.fromstring(render_manifest(settings).encode("utf-8"))


def _resources(root: ET.Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in ("bt:Image", "bt:Url", "bt:String"):
        for el in root.iter(f"{{{NS['bt']}}}{tag.split(':')[1]}"):
            found[el.get("id", "")] = el.get("DefaultValue", "")
    return found


def test_identity_and_host() -> None:
    root = _root(AddinSettings(public_url=BASE))
    assert root.tag == f"{{{NS['o']}}}OfficeApp"
    assert root.get(XSI_TYPE) == "TaskPaneApp"
    uuid.UUID(root.findtext("o:Id", namespaces=NS))  # a GUID
    version = root.findtext("o:Version", namespaces=NS) or ""
    assert len(version.split(".")) == 4 and all(p.isdigit() for p in version.split("."))
    assert [h.get("Name") for h in root.findall("o:Hosts/o:Host", NS)] == ["Workbook"]
    assert root.find("o:DisplayName", NS).get("DefaultValue") == "Kalkulator Kosztów Zaniechania"
    sets = {s.get("Name") for s in root.findall("o:Requirements/o:Sets/o:Set", NS)}
    assert "SharedRuntime" in sets
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == (
        BASE + "/taskpane.html")
    assert root.findtext("o:AppDomains/o:AppDomain", namespaces=NS) == BASE
    assert root.find("o:IconUrl", NS).get("DefaultValue").startswith(BASE + "/")


def test_custom_functions_runtime_metadata_and_pages() -> None:
    root = _root(AddinSettings(public_url=BASE + "/"))
    resources = _resources(root)
    host = root.find("ov:VersionOverrides/ov:Hosts/ov:Host", NS)
    assert host is not None and host.get(XSI_TYPE) == "Workbook"
    runtime = host.find("ov:Runtimes/ov:Runtime", NS)
    assert runtime.get("lifetime") == "long"
    assert resources[runtime.get("resid")] == BASE + "/taskpane.html"
    point = next(p for p in host.iter(f"{{{NS['ov']}}}ExtensionPoint")
                 if p.get(XSI_TYPE) == "CustomFunctions")

    def url(path: str) -> str:
        return resources[point.find(path, NS).get("resid")]

    assert url("ov:Script/ov:SourceLocation") == BASE + "/xlwings/custom-functions-code.js"
    assert url("ov:Metadata/ov:SourceLocation") == BASE + "/xlwings/custom-functions-meta.json"
    assert url("ov:Page/ov:SourceLocation") == BASE + "/taskpane.html"
    assert resources[point.find("ov:Namespace", NS).get("resid")] == "KKZ"


def test_every_resource_reference_resolves() -> None:
    root = _root(AddinSettings(public_url=BASE))
    resources = _resources(root)
    refs = {el.get("resid") for el in root.iter() if el.get("resid")}
    assert refs and refs <= set(resources)


def test_id_is_stable_per_address() -> None:
    a = AddinSettings(public_url=BASE).manifest_id
    assert a == AddinSettings(public_url=BASE).manifest_id
    assert a != AddinSettings(public_url="https://inna.gmina.pl").manifest_id


def test_addresses_are_escaped() -> None:
    root = _root(AddinSettings(public_url='https://kkz.gmina.pl/a&b"c'))
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == (
        'https://kkz.gmina.pl/a&b"c/taskpane.html')
    # The app domain is the origin: scheme, host and port, without the path.
    assert root.findtext("o:AppDomains/o:AppDomain", namespaces=NS) == "https://kkz.gmina.pl"


def test_cli_writes_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "manifest.xml"
    result = CliRunner().invoke(app, ["serwer", "--adres", BASE, "--manifest", str(out)])
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.findtext("o:AppDomains/o:AppDomain", namespaces=NS) == BASE


def test_cli_rejects_bad_settings_in_polish(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serwer", "--port", "70000", "--manifest",
                                      str(tmp_path / "m.xml")])
    assert result.exit_code == 2
    assert "port" in result.output and "65" in result.output


def test_plain_http_other_than_localhost_is_refused() -> None:
    """Office loads add-ins only over HTTPS (localhost excepted, for sideloading)."""
    import pytest

    from kkz_xl.addin.settings import load_settings
    from kkz_xl.errors import InputError

    with pytest.raises(InputError, match=r"Office ładuje dodatki tylko po HTTPS: oczekiwano "
                                         r"https://kkz\.gmina\.pl/kkz"):
        load_settings(environ={}, public_url="http://kkz.gmina.pl/kkz")
    assert load_settings(environ={}, public_url="http://localhost:8000").base_url == (
        "http://localhost:8000")
    # No address given and listening on the network: the manifest is refused by name.
    lan = load_settings(environ={}, host="10.0.0.5")
    assert lan.insecure_address and "Office go nie wczyta" in lan.insecure_address
    with pytest.raises(InputError, match=r"^adres: adres dodatku http://10\.0\.0\.5:8000"):
        render_manifest(lan)


def test_cli_refuses_an_http_manifest_loudly(tmp_path: Path) -> None:
    out = tmp_path / "manifest.xml"
    result = CliRunner().invoke(app, ["serwer", "--adres", "http://kkz.gmina.pl",
                                      "--manifest", str(out)])
    assert result.exit_code != 0
    assert "HTTPS" in result.output and not out.exists()
    lan = CliRunner().invoke(app, ["serwer", "--host", "10.0.0.5", "--manifest", str(out)])
    assert lan.exit_code != 0 and "Office go nie wczyta" in lan.output


def test_a_path_prefix_reaches_every_url_and_the_app_domain_is_the_origin() -> None:
    settings = AddinSettings(public_url="https://uslugi.powiat.pl/kkz/")
    assert settings.path_prefix == "/kkz"
    root = _root(settings)
    urls = _resources(root)
    assert urls["Functions.Script.Url"] == (
        "https://uslugi.powiat.pl/kkz/xlwings/custom-functions-code.js")
    assert root.findtext("o:AppDomains/o:AppDomain", namespaces=NS) == "https://uslugi.powiat.pl"
