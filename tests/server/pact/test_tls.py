"""The PACT host over real TLS: uvicorn on loopback with a self-signed certificate made here,
httpx trusting exactly that certificate; and `tanzuji serve`'s TLS options."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from tanzuji.cli import app as cli
from tanzuji.server.app import create_app
from tanzuji.server.settings import Settings
from tanzuji.store.pact_db import PactDB
from tanzuji.store.platform_db import PlatformDB


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def tls_server(make_settings: Callable[..., Settings], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path, Settings]]:
    monkeypatch.delenv("TANZUJI_PACT_ALLOW_HTTP", raising=False)
    settings = make_settings()
    cert, key = self_signed(tmp_path)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           ssl_certfile=str(cert), ssl_keyfile=str(key),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"https://127.0.0.1:{port}", cert, settings
    server.should_exit = True
    thread.join(10)


def test_pact_over_tls(tls_server: tuple[str, Path, Settings]) -> None:
    base, cert, settings = tls_server
    db = PlatformDB.open(settings.database_url)
    db.add_organisation("parts", "Parts", "supplier")
    client_id, secret = PactDB(db.engine, settings.key_dir).add_client(
        "Parts", organisation_id="parts")
    with httpx.Client(verify=ssl.create_default_context(cafile=str(cert)), timeout=10) as http:
        found = http.get(f"{base}/.well-known/openid-configuration").json()
        assert found["token_endpoint"] == f"{base}/auth/token"
        r = http.post(found["token_endpoint"], data={"grant_type": "client_credentials"},
                      auth=(client_id, secret))
        assert r.status_code == 200, r.text
        listed = http.get(f"{base}/3/footprints",
                          headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        assert (listed.status_code, listed.json()) == (200, {"data": []})
    with pytest.raises(httpx.HTTPError), httpx.Client(timeout=5) as plain:  # TC9: no http
        plain.post(f"{base.replace('https', 'http')}/auth/token",
                   data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    db.engine.dispose()


def test_serve_needs_both_tls_files(tmp_path: Path) -> None:
    cert, _ = self_signed(tmp_path)
    result = CliRunner().invoke(cli, ["serve", "--tls-cert", str(cert)])
    assert result.exit_code == 2 and "--tls-key" in result.output
    result = CliRunner().invoke(cli, ["serve", "--tls-cert", str(cert),
                                      "--tls-key", str(tmp_path / "missing.pem")])
    assert result.exit_code == 2 and "missing.pem" in result.output
