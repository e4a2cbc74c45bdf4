"""`tanzuji procurement screen|verify` and `tanzuji finance verify` on a SQLite database:
a screening filed and verified offline, a tampered file refused, clear errors for bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanzuji import signing
from tanzuji.cli import app
from tanzuji.store.db import make_engine, upgrade
from tanzuji.store.finance_db import FinanceDB
from tanzuji.store.platform_db import PlatformDB
from tests.procurement.certify import certify

runner = CliRunner()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TANZUJI_DATABASE_URL", url)
    monkeypatch.setenv("TANZUJI_KEY_DIR", str(tmp_path / "keys"))
    signing.ensure_key(tmp_path / "keys")
    engine = make_engine(url)
    upgrade(engine)
    db = PlatformDB(engine)
    db.add_organisation("buyer", "Buyer", "public_buyer")
    db.add_organisation("acme", "ACME", "enterprise")
    db.add_organisation("bank1", "Bank", "bank")
    today = dt.datetime.now(dt.UTC).date()
    certify(engine, "CB1-PCF-1", "acme", 700.0, issued=today - dt.timedelta(days=10))
    certify(engine, "CB1-PCF-2", "acme", 900.0, issued=today - dt.timedelta(days=10))
    engine.dispose()
    (tmp_path / "criteria.yaml").write_text(
        f"name: Lot 7\npcr_id: cement-en16908\nmax_value: 800\nclosing_date: {today}\n",
        encoding="utf-8")
    (tmp_path / "bids.csv").write_text("bidder,certificate\nACME,CB1-PCF-1\nACME,CB1-PCF-2\n",
                                       encoding="utf-8")
    return tmp_path


def test_screen_then_verify_offline(site: Path) -> None:
    out = site / "record.json"
    result = runner.invoke(app, ["procurement", "screen", "--criteria",
                                 str(site / "criteria.yaml"), "--certificates",
                                 str(site / "bids.csv"), "--buyer", "buyer", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 of 2 pass" in result.output and "over the limit" in result.output
    key = site / "keys" / signing.PUBLIC
    checked = runner.invoke(app, ["procurement", "verify", str(out), "--key", str(key)])
    assert checked.exit_code == 0 and "recorded in the ledger as entry" in checked.output
    record = json.loads(out.read_text(encoding="utf-8"))
    record["document"]["bids"][1]["passed"] = True
    out.write_text(json.dumps(record), encoding="utf-8")
    refused = runner.invoke(app, ["procurement", "verify", str(out), "--key", str(key)])
    assert refused.exit_code == 1 and "does not verify" in refused.output
    # a screening record is not a finance declaration
    assert runner.invoke(app, ["finance", "verify", str(out), "--key", str(key)]).exit_code == 1


def test_finance_declaration_verifies_offline(site: Path) -> None:
    engine = make_engine()
    envelope = FinanceDB(engine).declare("acme", "bank1", "CB1-PCF-1", "banker")
    engine.dispose()
    file = site / "declaration.json"
    file.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["finance", "verify", str(file), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["proof_checked"] is True


def test_bad_input_is_named(site: Path) -> None:
    (site / "bad.yaml").write_text("name: Lot\npcr_id: x\nmax_value: -5\n", encoding="utf-8")
    bad = runner.invoke(app, ["procurement", "screen", "--criteria", str(site / "bad.yaml"),
                              "--certificates", str(site / "bids.csv"), "--buyer", "buyer"])
    assert bad.exit_code == 2 and "bad.yaml max_value" in bad.output
    assert "closing_date" in bad.output
    nobody = runner.invoke(app, ["procurement", "screen", "--criteria",
                                 str(site / "criteria.yaml"), "--certificates",
                                 str(site / "bids.csv"), "--buyer", "nobody"])
    assert nobody.exit_code == 2 and "no organisation 'nobody'" in nobody.output
    (site / "junk.json").write_text("{not json", encoding="utf-8")
    junk = runner.invoke(app, ["procurement", "verify", str(site / "junk.json")])
    assert junk.exit_code == 2 and "junk.json:1" in junk.output
    missing = runner.invoke(app, ["finance", "verify", str(site / "bids.csv"), "--key",
                                  str(site / "nokey.pem")])
    assert missing.exit_code == 2 and "cannot read the public key" in missing.output
