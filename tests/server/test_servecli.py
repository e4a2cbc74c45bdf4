"""`tanzuji user|org …` manage the platform's parties from the command line; `tanzuji serve`
refuses a database that is not set up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.server.app import create_app
from tanzuji.server.settings import Settings

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_users_organisations_roles_and_clients(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    run("org", "add", "acme", "--name", "ACME Steel", "--kind", "enterprise")
    assert "ACME Steel" in run("org", "list")
    run("user", "add", "boss", "--role", "org_admin", "--org", "acme",
        "--password", "boss-password")
    run("user", "role", "boss", "--role", "org_admin", "--role", "analyst")
    listing = run("user", "list")
    assert "boss" in listing and "org_admin, analyst" in listing
    output = run("user", "client", "boss")
    client_id = output.split("client_id")[1].split()[0]
    secret = output.split("client_secret")[1].split()[0]
    client = TestClient(create_app(settings))
    token = client.post("/api/token", data={"grant_type": "client_credentials",
                                            "client_id": client_id, "client_secret": secret})
    assert token.status_code == 200
    login = client.post("/api/login", json={"username": "boss", "password": "boss-password"})
    assert login.json()["roles"] == ["org_admin", "analyst"]


def test_bad_input_is_a_clear_error(make_settings: Callable[..., Settings]) -> None:
    make_settings()
    bad_role = runner.invoke(app, ["user", "add", "x", "--role", "king", "--password",
                                   "long-enough"])
    assert bad_role.exit_code == 2 and "unknown role 'king'" in bad_role.output
    short = runner.invoke(app, ["user", "add", "x", "--role", "analyst", "--password", "short"])
    assert short.exit_code == 2 and "at least 8" in short.output
    no_org = runner.invoke(app, ["user", "add", "x", "--role", "analyst", "--org", "nope",
                                 "--password", "long-enough"])
    assert no_org.exit_code == 2 and "no organisation 'nope'" in no_org.output


def test_demo_accounts_are_created_once_and_printed(make_settings: Callable[..., Settings]
                                                    ) -> None:
    settings = make_settings()
    first = run("user", "demo")
    assert "DEMO CREDENTIALS" in first and "analyst-demo" in first
    run("user", "demo")
    client = TestClient(create_app(settings))
    assert client.post("/api/login", json={"username": "analyst",
                                           "password": "analyst-demo"}).status_code == 200
    names = [s["name"] for s in client.get("/api/studies").json()]
    assert "portland-cement" in names and len(names) == len(set(names))


def test_serve_needs_an_initialised_database(db_url: str) -> None:
    result = runner.invoke(app, ["serve", "--port", "8799"])
    assert result.exit_code == 2 and "tanzuji db init" in result.output


def test_serve_answers_over_http(make_settings: Callable[..., Settings]) -> None:
    make_settings()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tanzuji = Path(sys.executable).parent / "tanzuji"
    server = subprocess.Popen([str(tanzuji), "serve", "--port", str(port)], env=os.environ,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/pcrs", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.3)
        assert response.status_code == 200 and len(response.json()) >= 9
        assert httpx.get(f"http://127.0.0.1:{port}/api/me").json()["code"] == "unauthenticated"
    finally:
        server.terminate()
        server.wait(timeout=20)
