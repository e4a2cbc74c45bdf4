"""``tanzuji pact partners``: add (secret from stdin), list without secrets, fetch, request,
remove; failures are one clear line and a non-zero exit."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.store.supply_db import SupplyDB
from tests.supply.fake_host import CLIENT_ID, SECRET, fake_host, footprint
from tests.supply.loopback import serve

runner = CliRunner()


def test_partner_lifecycle(supply: SupplyDB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANZUJI_PACT_ALLOW_HTTP", "1")
    monkeypatch.setenv("TANZUJI_PACT_RETRY_ATTEMPTS", "1")
    app_b = fake_host([footprint("urn:gtin:1"), footprint("urn:gtin:2")])
    with serve(app_b) as base:
        r = runner.invoke(app, ["pact", "partners", "add", "steelco", base,
                                "--client-id", CLIENT_ID], input=SECRET + "\n")
        assert r.exit_code == 0, r.output
        r = runner.invoke(app, ["pact", "partners", "list", "--json"])
        assert SECRET not in r.output
        assert [p["name"] for p in json.loads(r.output)] == ["steelco"]
        r = runner.invoke(app, ["pact", "partners", "request", "steelco", "--product",
                                "urn:gtin:2", "--source", "http://us.example"])
        assert r.exit_code == 0, r.output
        rid = r.output.strip()
        assert app_b.state.events[0]["id"] == rid
        r = runner.invoke(app, ["pact", "partners", "fetch", "steelco", "--json"])
        assert r.exit_code == 0, r.output
        got = json.loads(r.output)
        assert len(got["received"]) == 2 and got["fulfilled"] == [rid]
    r = runner.invoke(app, ["pact", "partners", "fetch", "steelco"])  # the host is gone
    assert r.exit_code == 1 and "cannot connect" in r.output
    r = runner.invoke(app, ["pact", "partners", "remove", "steelco"])
    assert r.exit_code == 0
    r = runner.invoke(app, ["pact", "partners", "remove", "steelco"])
    assert r.exit_code == 2 and "no partner 'steelco'" in r.output


def test_add_needs_a_secret_on_stdin(supply: SupplyDB) -> None:
    r = runner.invoke(app, ["pact", "partners", "add", "x", "https://x.example",
                            "--client-id", "c"], input="")
    assert r.exit_code == 2 and "standard input" in r.output
