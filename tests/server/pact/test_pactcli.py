"""`tanzuji pact clients add|list|revoke`: credentials printed once, hashed at rest, and a
revoked client can no longer get a token."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.server.app import create_app
from tanzuji.server.settings import Settings
from tanzuji.store.pact_db import PactDB
from tanzuji.store.platform_db import PlatformDB
from tanzuji.store.tables import PactClient
from tests.server.conftest import add_study
from tests.server.pact.conftest import INFO


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(login_max_failures=2, max_upload_bytes=4000)


@pytest.fixture
def store(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> PactDB:
    monkeypatch.setenv("TANZUJI_DATABASE_URL", settings.database_url)
    db = PlatformDB.open(settings.database_url)
    db.add_organisation("parts", "Parts", "supplier")
    return PactDB(db.engine, settings.key_dir)


def test_add_list_revoke(store: PactDB) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["pact", "clients", "add", "Parts Ltd", "--organisation",
                                "parts", "--base-url", "https://parts.example/",
                                "--callback-client-id", "us", "--callback-secret-stdin",
                                "--json"], input="their-secret\n")
    assert added.exit_code == 0, added.output
    creds = json.loads(added.stdout)
    assert set(creds) == {"client_id", "client_secret"}
    assert store.authenticate(creds["client_id"], creds["client_secret"], "127.0.0.1") is not None
    assert store.callback_secret(creds["client_id"]) == "their-secret"
    with store.engine.connect() as conn:
        row = conn.execute(PactClient.__table__.select()).one()
    assert creds["client_secret"] not in row.secret_hash  # argon2 hash only
    assert row.callback_secret != "their-secret"  # encrypted at rest
    listed = runner.invoke(app, ["pact", "clients", "list", "--json"])
    [shown] = json.loads(listed.stdout)
    assert shown["base_url"] == "https://parts.example" and shown["active"] is True
    assert creds["client_secret"] not in listed.stdout
    revoked = runner.invoke(app, ["pact", "clients", "revoke", creds["client_id"]])
    assert revoked.exit_code == 0
    assert store.authenticate(creds["client_id"], creds["client_secret"], "127.0.0.1") is None
    table = runner.invoke(app, ["pact", "clients", "list"])
    assert "revoked" in table.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["revoke", "pact_nosuch"], "no PACT client"),
    (["add", "X", "--organisation", "nosuch"], "no organisation 'nosuch'"),
    (["add", "X", "--callback-client-id", "us"], "both the callback client id"),
    (["add", " "], "needs a name"),
])
def test_refusals(store: PactDB, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["pact", "clients", *args])
    assert result.exit_code == 2 and message in result.output
    assert store.clients() == []


def test_failed_token_requests_are_limited(store: PactDB, settings: Settings) -> None:
    client_id, secret = store.add_client("Parts", organisation_id="parts")
    with TestClient(create_app(settings), base_url="https://testserver") as http:
        def ask(password: str) -> int:
            return http.post("/auth/token", data={"grant_type": "client_credentials"},
                             auth=(client_id, password)).status_code

        assert [ask("wrong"), ask("wrong")] == [401, 401]
        r = http.post("/auth/token", data={"grant_type": "client_credentials"},
                      auth=(client_id, secret))
        assert r.status_code == 429 and r.json()["error"] == "invalid_request"
        assert int(r.headers["retry-after"]) == settings.login_window_seconds


def test_publish(store: PactDB, example_result: str, tmp_path: Path) -> None:
    platform = PlatformDB(store.engine)
    platform.add_organisation("acme", "ACME", "enterprise")
    study = add_study(platform, "acme", "cli")
    job = platform.add_job("calculate", {}, "cli", "acme", study)
    platform.update_job(job, state="done", progress=1.0, result=json.loads(example_result))
    info = tmp_path / "info.yaml"
    info.write_text(yaml.safe_dump(INFO), encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["pact", "publish", str(study), "--to", "parts",
                                "--info", str(info)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["pact", "publish", str(study), "--info", str(info)])
    assert again.exit_code == 0 and "replacing" in again.output
    [old, new] = store.publications("acme")
    assert old["status"] == "Deprecated" and new["preceding_id"] == old["id"]
    assert new["recipients"] == [{"kind": "organisation", "recipient": "parts"}]
    assert new["created_by"].startswith("cli:")
    missing = runner.invoke(app, ["pact", "publish", "999"])
    assert missing.exit_code == 2 and "no such study" in missing.output
    no_info = runner.invoke(app, ["pact", "publish", str(study)])
    assert no_info.exit_code == 2 and "company_ids" in no_info.output


def test_oversized_event_is_refused(store: PactDB, settings: Settings) -> None:
    client_id, secret = store.add_client("Parts", organisation_id="parts")
    with TestClient(create_app(settings), base_url="https://testserver") as http:
        token = http.post("/auth/token", data={"grant_type": "client_credentials"},
                          auth=(client_id, secret)).json()["access_token"]
        event = {"specversion": "1.0", "id": "1", "source": "https://x", "type":
                 "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
                 "time": "2026-01-01T00:00:00Z", "data": {"pfIds": [], "pad": "x" * 5000}}
        r = http.post("/3/events", json=event, headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
        assert "larger" in r.json()["message"]
