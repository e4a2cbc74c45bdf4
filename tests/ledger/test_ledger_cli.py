"""``tanzuji ledger`` end to end: heads, log, proofs checked offline, tampering found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.ledger import record
from tanzuji.signing import PUBLIC
from tanzuji.store.db import make_engine, transaction
from tests.store.test_factor_db import STEEL, write

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    return res.output


@pytest.fixture
def published(db_url: str, key_dir: Path, tmp_path: Path) -> str:
    """A database with one released dataset and one certificate's entries."""
    run("db", "init")
    run("db", "create", "assoc", "--title", "association factors", "--by", "alice")
    run("db", "import", str(write(tmp_path, STEEL)), "-d", "assoc", "--by", "alice")
    run("db", "submit", "assoc", "--by", "alice")
    run("db", "review", "assoc", "--approve", "--by", "bob")
    run("db", "publish", "assoc", "--by", "carol")
    engine = make_engine(db_url)
    with transaction(engine) as s:
        for action in ("issue", "suspend"):
            record(s, actor="cb", action=action, kind="certificate",
                   object_id="CN-PCF-2026-0001", payload={"product": "热轧卷板"})
    engine.dispose()
    return db_url


def test_head_log_prove_and_check_offline(published: str, key_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = json.loads(run("ledger", "head", "--json"))
    assert first["tree_size"] > 2 and len(first["signature"]) == 128
    assert "ledger intact" in run("ledger", "verify")
    log = json.loads(run("ledger", "log", "--kind", "release", "--json"))
    assert [(e["action"], e["id"], e["actor"]) for e in log] == [
        ("publish", "cn-electricity@1", "tanzuji"), ("publish", "starter@1", "tanzuji"),
        ("publish", "assoc@1", "carol")]
    assert "carol" in run("ledger", "log", "--id", "assoc", "--limit", "3")
    proof = tmp_path / "proof.json"
    run("ledger", "prove", "CN-PCF-2026-0001", "--out", str(proof))
    bundle = json.loads(proof.read_text(encoding="utf-8"))
    assert [e["action"] for e in bundle["entries"]] == ["issue", "suspend"]
    second = bundle["tree_head"]["tree_size"]
    consistency = json.loads(run("ledger", "consistency", str(first["tree_size"]),
                                 str(second), "--json"))
    assert consistency["heads_consistent"] is True
    heads = [json.loads(line) for line in run("ledger", "export-heads").splitlines()]
    assert [h["tree_size"] for h in heads] == [first["tree_size"], second]

    # the check needs the bundle and the public key only: no database, no private key
    key = tmp_path / "published.pub.pem"
    key.write_bytes((key_dir / PUBLIC).read_bytes())
    monkeypatch.setenv("TANZUJI_DATABASE_URL", f"sqlite:///{tmp_path / 'absent' / 'x.db'}")
    monkeypatch.setenv("TANZUJI_KEY_DIR", str(tmp_path / "no-keys"))
    out = run("ledger", "check", str(proof), "--key", str(key))
    assert "proof valid: 2 entries of certificate CN-PCF-2026-0001" in out
    assert "suspend" in out
    assert not (tmp_path / "absent").exists()
    bundle["entries"][0]["actor"] = "someone else"
    proof.write_text(json.dumps(bundle), encoding="utf-8")
    out = run("ledger", "check", str(proof), "--key", str(key), code=1)
    assert "entries[0]: entry" in out and "is not included" in out
    result = json.loads(run("ledger", "check", str(proof), "--key", str(key), "--json",
                            code=1))
    assert result["ok"] is False and result["entries"] == 2
    proof.write_text("{not json", encoding="utf-8")
    assert f"{proof}:1: not JSON" in run("ledger", "check", str(proof), "--key", str(key),
                                         code=2)
    proof.write_text(json.dumps(bundle), encoding="utf-8")
    assert "not a PEM public key" in run("ledger", "check", str(proof), "--key", str(proof),
                                         code=2)


def test_verify_fails_with_the_tampered_entries(published: str) -> None:
    run("ledger", "head")
    engine = create_engine(published)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET payload = '{}' WHERE seq = 2"))
        conn.execute(text("DELETE FROM ledger_entries WHERE seq = 4"))
    engine.dispose()
    out = run("ledger", "verify", code=1)
    assert "LEDGER-PAYLOAD" in out and "ledger entry 2" in out
    assert "LEDGER-GAP" in out and "entries 4 are missing" in out
    result = json.loads(run("ledger", "verify", "--json", code=1))
    assert {p["code"] for p in result["problems"]} == {"LEDGER-PAYLOAD", "LEDGER-GAP",
                                                        "LEDGER-HEAD-SIZE"}
    assert "entry 4 is missing" in run("ledger", "head", code=2)


def test_clear_errors(db_url: str, key_dir: Path, tmp_path: Path) -> None:
    assert "run `tanzuji db init`" in run("ledger", "verify", code=2)
    run("db", "init")
    assert "no entries for certificate NOPE" in run("ledger", "prove", "NOPE", code=2)
    assert "sizes 5 → 3" in run("ledger", "consistency", "5", "3", code=2)
