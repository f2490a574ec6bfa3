"""The guide's reverse proxy for real: nginx (Debian package) terminating TLS on 127.0.0.1 in
front of ``kkz serwer`` published under a path (``--adres https://…/kkz``), and the Office.js
glue script calling through it under Node (which trusts the test's certificate).

No port race: the test binds nginx's port itself (port 0) and hands the listening socket to
nginx, which takes inherited sockets from its ``NGINX`` environment variable."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.addin_server import running_server
from tests.test_addin_glue import run_calls

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) and not os.environ.get("CI"),
    reason="nginx not installed (scripts/install-system-deps.sh installs it)",
)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = textwrap.dedent(
    """
    {user}
    pid {dir}/nginx.pid;
    error_log stderr warn;
    events {{ worker_connections 256; }}
    http {{
        access_log off;
        client_body_temp_path {dir}/body;
        proxy_temp_path {dir}/proxy;
        fastcgi_temp_path {dir}/fastcgi;
        uwsgi_temp_path {dir}/uwsgi;
        scgi_temp_path {dir}/scgi;
        server {{
            listen 127.0.0.1:{port} ssl;
            server_name 127.0.0.1;
            ssl_certificate     {dir}/cert.pem;
            ssl_certificate_key {dir}/key.pem;
            ssl_protocols TLSv1.2 TLSv1.3;
            client_max_body_size 4m;
            # As in docs/dodatek_excel.md, "Pod ścieżką": the prefix is passed on.
            location /kkz/ {{
                proxy_pass http://127.0.0.1:{upstream};
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-Proto https;
                proxy_read_timeout 90s;
            }}
        }}
    }}
    """
)


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if not found:
        pytest.skip("node not installed")
    return found


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(public https URL with /kkz, certificate file) of nginx in front of the KKZ server."""
    folder = tmp_path_factory.mktemp("nginx")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    public = f"https://127.0.0.1:{port}/kkz"
    with running_server({"KKZ_SERVER_PUBLIC_URL": public}) as server:
        upstream = server.url.rsplit(":", 1)[1]
        (folder / "nginx.conf").write_text(CONF.format(
            dir=folder, port=port, upstream=upstream,
            user="user root;" if os.geteuid() == 0 else ""), encoding="utf-8")
        fd = listener.fileno()
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr",
             "-g", "daemon off;"],
            env={**os.environ, "NGINX": f"{fd};"}, pass_fds=[fd],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
                try:
                    trust = ssl.create_default_context(cafile=folder / "cert.pem")
                    if httpx.get(public + "/zdrowie", verify=trust, timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
            yield public, folder / "cert.pem"
        finally:
            process.terminate()
            process.wait(timeout=15)
            listener.close()


def test_health_manifest_and_script_through_tls_and_the_path(proxied: tuple[str, Path]) -> None:
    public, cert = proxied
    with httpx.Client(verify=ssl.create_default_context(cafile=cert), timeout=30) as client:
        assert client.get(public + "/health").json()["stan"] == "ok"
        manifest = client.get(public + "/manifest.xml").text
        assert f"{public}/xlwings/custom-functions-code.js" in manifest
        assert f"{public}/taskpane.html" in manifest
        script = client.get(public + "/xlwings/custom-functions-code.js").text
        assert '"/kkz/xlwings/custom-functions-call"' in script


def test_excel_calls_through_the_proxy(node: str, proxied: tuple[str, Path], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    public, cert = proxied
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", str(cert))  # Node trusts the test's certificate
    trust = ssl.create_default_context(cafile=cert)
    script = httpx.get(public + "/xlwings/custom-functions-code.js", verify=trust).text
    origin = public.removesuffix("/kkz")
    example = [[[100]], [[10000]], [[0.1]], [[0.3]], [[5000]], [[3]], [[0]]]
    out = run_calls(node, script, origin, tmp_path, [
        {"fn": "KKZ_KOSZT_ZANIECHANIA", "args": example},
        {"fn": "KKZ_KOSZT_ZANIECHANIA",  # an error cell as Office.js passes it
         "args": [[[{"type": "Error", "errorType": "NotAvailable"}]], *example[1:]]},
    ], token="")
    assert out["posted"][0]["url"] == public + "/xlwings/custom-functions-call"
    assert out["results"][0]["value"] == [[13000.0]]
    assert out["results"][1]["error"] == {"code": "#VALUE!",
                                          "message": "osoby: komórka zawiera błąd #N/D!"}
