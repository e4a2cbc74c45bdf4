"""The log on a real backend: entries commit with their change, heads are signed, and
tampering with the tables directly (raw SQL) is found and named."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any

import pytest
from sqlalchemy import DateTime, Engine, bindparam, text

from tanzuji.ledger import Ledger, LedgerError, encoding, record
from tanzuji.ledger.merkle import verify_consistency, verify_inclusion
from tanzuji.ledger.proof import check_proof
from tanzuji.store.db import transaction


def fill(engine: Engine, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction(engine) as s:
            record(s, actor="alice", action="issue", kind="certificate",
                   object_id=f"CN-PCF-2026-{i % 3:04d}", payload={"n": i, "名称": "热轧卷板"})


FORGED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def sql(engine: Engine, statement: str, **params: Any) -> None:
    query = text(statement)
    if ":t" in statement:  # a time, stored as each backend stores times
        query = query.bindparams(bindparam("t", type_=DateTime(timezone=True)))
    with engine.begin() as conn:
        conn.execute(query, params)


def found(ledger: Ledger) -> set[tuple[str, str | None]]:
    return {(p.code, p.field) for p in ledger.verify().problems}


@pytest.fixture
def eight(engine: Engine, ledger: Ledger) -> Ledger:
    """Eight entries under two signed heads, of 4 and of 8 entries."""
    fill(engine, 4)
    ledger.head()
    fill(engine, 4, start=4)
    ledger.head()
    return ledger


def test_entries_are_numbered_from_one_and_roll_back_with_their_change(
        engine: Engine, ledger: Ledger) -> None:
    fill(engine, 3)
    with pytest.raises(RuntimeError), transaction(engine) as s:
        assert record(s, actor="bob", action="issue", kind="certificate", object_id="X",
                      payload={}) == 4
        raise RuntimeError("the change fails")
    fill(engine, 1, start=3)
    entries = ledger.entries()
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert entries[-1]["actor"] == "alice" and entries[-1]["payload"] == (
        '{"n":3,"名称":"热轧卷板"}')
    assert [e["seq"] for e in ledger.entries_for("certificate", "CN-PCF-2026-0000")] == [1, 4]
    assert [e["seq"] for e in ledger.entries(limit=2)] == [3, 4]
    assert ledger.verify().ok


def test_bad_entries_are_refused(engine: Engine) -> None:
    with transaction(engine) as s:
        with pytest.raises(LedgerError, match="actor must be a non-empty"):
            record(s, actor=" ", action="a", kind="k", object_id="i", payload={})
        with pytest.raises(LedgerError, match="kind is longer than 40"):
            record(s, actor="a", action="a", kind="k" * 41, object_id="i", payload={})
        with pytest.raises(LedgerError, match="certificate C1: payload is not JSON"):
            record(s, actor="a", action="a", kind="certificate", object_id="C1",
                   payload={"v": float("nan")})


def test_signed_heads_proofs_and_an_intact_log(eight: Ledger, key_dir: Any) -> None:
    heads = eight.heads()
    assert [h.tree_size for h in heads] == [4, 8]
    assert heads[1].key_id == encoding.key_id(eight.public_key())
    result = eight.verify()
    assert result.ok and (result.entries, result.heads) == (8, 2)
    root = bytes.fromhex(heads[1].root_hash)
    for seq, entry in enumerate(eight.entries(), start=1):
        path = [bytes.fromhex(h) for h in eight.inclusion(seq, 8)]
        assert verify_inclusion(bytes.fromhex(entry["leaf_hash"]), seq - 1, 8, path, root)
    proof = [bytes.fromhex(h) for h in eight.consistency(4, 8)]
    assert verify_consistency(4, 8, bytes.fromhex(heads[0].root_hash), root, proof)
    with pytest.raises(LedgerError, match="no entry 9"):
        eight.inclusion(9)
    assert [json.loads(line)["tree_size"] for line in eight.export_heads()] == [4, 8]


def test_an_edited_payload_is_named(eight: Ledger, engine: Engine) -> None:
    sql(engine, "UPDATE ledger_entries SET payload = :p WHERE seq = 3", p='{"n":99}')
    assert found(eight) == {("LEDGER-PAYLOAD", "ledger entry 3")}


def test_an_edit_with_its_payload_hash_breaks_the_leaf(eight: Ledger, engine: Engine) -> None:
    body = '{"n":99}'
    sql(engine, "UPDATE ledger_entries SET payload = :p, payload_sha256 = :h WHERE seq = 3",
        p=body, h=encoding.sha256_hex(body))
    sql(engine, "UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 6")
    assert found(eight) == {("LEDGER-LEAF", "ledger entry 3"), ("LEDGER-LEAF", "ledger entry 6"),
                            ("LEDGER-HEAD-ROOT", "ledger head 1"),
                            ("LEDGER-HEAD-ROOT", "ledger head 2")}


def rewrite(engine: Engine, ledger: Ledger, seq: int, **changes: Any) -> None:
    """Edit an entry and recompute its hashes, as a careful forger would."""
    entry = {**next(e for e in ledger.entries() if e["seq"] == seq), **changes}
    entry["payload_sha256"] = encoding.sha256_hex(entry["payload"])
    sql(engine, "UPDATE ledger_entries SET actor = :a, payload = :p, payload_sha256 = :h, "
        "leaf_hash = :l WHERE seq = :s", a=entry["actor"], p=entry["payload"],
        h=entry["payload_sha256"], l=encoding.entry_leaf_hash(entry), s=seq)


def test_a_consistent_rewrite_breaks_the_heads_that_cover_it(eight: Ledger,
                                                              engine: Engine) -> None:
    rewrite(engine, eight, 6, payload='{"n":99}')
    problems = eight.verify().problems
    assert [(p.code, p.field) for p in problems] == [("LEDGER-HEAD-ROOT", "ledger head 2")]
    assert "entries 5–8" in problems[0].message
    rewrite(engine, eight, 2, actor="mallory")
    assert "entries 1–4" in eight.verify().problems[0].message


def test_a_consistency_proof_fails_after_tampering(eight: Ledger, engine: Engine) -> None:
    old, new = eight.heads()
    rewrite(engine, eight, 6, actor="mallory")  # in the part the proof covers
    proof = [bytes.fromhex(h) for h in eight.consistency(4, 8)]
    assert not verify_consistency(4, 8, bytes.fromhex(old.root_hash),
                                  bytes.fromhex(new.root_hash), proof)


def test_a_deleted_entry_leaves_a_gap(eight: Ledger, engine: Engine) -> None:
    sql(engine, "DELETE FROM ledger_entries WHERE seq = 5")
    assert found(eight) == {("LEDGER-GAP", "ledger entry 5"),
                            ("LEDGER-HEAD-SIZE", "ledger head 2")}
    with pytest.raises(LedgerError, match="entry 5 is missing"):
        eight.head()


def test_a_truncated_log_is_shorter_than_its_head(eight: Ledger, engine: Engine) -> None:
    sql(engine, "DELETE FROM ledger_entries WHERE seq >= 7")
    assert found(eight) == {("LEDGER-HEAD-SIZE", "ledger head 2")}


def test_inserted_entries_are_found(eight: Ledger, engine: Engine) -> None:
    forged = {"seq": 5, "recorded_at": "2026-01-01T00:00:00Z", "actor": "mallory",
              "action": "issue", "kind": "certificate", "id": "FAKE", "payload": "{}",
              "payload_sha256": encoding.sha256_hex("{}")}
    # make room at 5 (in two steps: the primary key is checked row by row)
    sql(engine, "UPDATE ledger_entries SET seq = seq + 1000 WHERE seq >= 5")
    sql(engine, "UPDATE ledger_entries SET seq = seq - 999 WHERE seq >= 1000")
    sql(engine, "INSERT INTO ledger_entries VALUES (5, :t, 'mallory', 'issue', "
        "'certificate', 'FAKE', '{}', :h, :l)", t=FORGED_AT, h=forged["payload_sha256"],
        l=encoding.entry_leaf_hash(forged))
    assert found(eight) == {("LEDGER-ORDER", f"ledger entry {s}") for s in (6, 7, 8, 9)} | {
        ("LEDGER-HEAD-ROOT", "ledger head 2")}
    problems = {p.field: p.message for p in eight.verify().problems}
    assert problems["ledger entry 6"] == "reordered: this entry was recorded as entry 5"
    sql(engine, "INSERT INTO ledger_entries VALUES (100, :t, 'mallory', 'issue', "
        "'certificate', 'FAKE', '{}', :h, :l)", t=FORGED_AT, h=forged["payload_sha256"],
        l=encoding.entry_leaf_hash({**forged, "seq": 100}))
    assert ("LEDGER-GAP", "ledger entry 10–99") in found(eight)


def test_reordered_entries_are_named(eight: Ledger, engine: Engine) -> None:
    sql(engine, "UPDATE ledger_entries SET seq = 1002 WHERE seq = 2")
    sql(engine, "UPDATE ledger_entries SET seq = 2 WHERE seq = 3")
    sql(engine, "UPDATE ledger_entries SET seq = 3 WHERE seq = 1002")
    problems = {p.field: p for p in eight.verify().problems}
    assert problems["ledger entry 2"].message.endswith("recorded as entry 3")
    assert problems["ledger entry 3"].message.endswith("recorded as entry 2")
    assert {p.code for p in problems.values()} == {"LEDGER-ORDER", "LEDGER-HEAD-ROOT"}


def test_an_edited_head_fails_its_signature(eight: Ledger, engine: Engine) -> None:
    sql(engine, "UPDATE ledger_heads SET tree_size = 3 WHERE tree_size = 4")
    assert found(eight) == {("LEDGER-HEAD-SIG", "ledger head 1"),
                            ("LEDGER-HEAD-ROOT", "ledger head 1")}


def test_a_proof_bundle_checks_offline(eight: Ledger) -> None:
    bundle = json.loads(json.dumps(eight.prove("certificate", "CN-PCF-2026-0001")))
    pem = eight.public_pem()
    result = check_proof(bundle, pem)
    assert result.ok and (result.entries, result.tree_size) == (3, 8)
    assert [e["seq"] for e in bundle["entries"]] == [2, 5, 8]
    edited = json.loads(json.dumps(bundle))
    edited["entries"][1]["payload"] = '{"n":5,"名称":"冷轧"}'
    assert check_proof(edited, pem).problems == [
        "entries[1].payload: does not match its payload_sha256 (edited)"]
    edited["entries"][1]["payload_sha256"] = encoding.sha256_hex(edited["entries"][1]["payload"])
    assert "not included" in check_proof(edited, pem).problems[0]
    resigned = json.loads(json.dumps(bundle))
    resigned["tree_head"]["tree_size"] = 9
    assert any("signature" in p for p in check_proof(resigned, pem).problems)
    del resigned["tree_head"]["root_hash"]
    assert check_proof(resigned, pem).problems == ["malformed bundle: tree_head.root_hash: "
                                                   "missing"]
    with pytest.raises(LedgerError, match="no entries for certificate NONE"):
        eight.prove("certificate", "NONE")


def test_a_bundle_under_another_key_fails(eight: Ledger, tmp_path: Any) -> None:
    from tanzuji import signing

    signing.ensure_key(tmp_path / "other")
    other = (tmp_path / "other" / signing.PUBLIC).read_bytes()
    result = check_proof(eight.prove("certificate", "CN-PCF-2026-0001"), other)
    assert not result.ok and "not by the key given" in result.problems[0]


def test_concurrent_writers_get_consecutive_numbers(engine: Engine, ledger: Ledger) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the advisory lock is PostgreSQL's")
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            fill(engine, 10, start=i * 10)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [e["seq"] for e in ledger.entries()] == list(range(1, 41))
    assert ledger.verify().ok


def test_a_tree_head_over_100000_entries_is_quick(engine: Engine, ledger: Ledger) -> None:
    rows = []
    for seq in range(1, 100_001):
        entry = {"seq": seq, "recorded_at": "2026-11-23T00:00:00Z", "actor": "bulk",
                 "action": "issue", "kind": "certificate", "id": f"C{seq}",
                 "payload_sha256": encoding.sha256_hex("{}")}
        rows.append({**entry, "payload": "{}", "leaf_hash": encoding.entry_leaf_hash(entry)})
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO ledger_entries (seq, recorded_at, actor, action, object_kind, "
            "object_id, payload, payload_sha256, leaf_hash) VALUES (:seq, '2026-11-23 "
            "00:00:00', :actor, :action, :kind, :id, :payload, :payload_sha256, :leaf_hash)"),
            rows)
    started = time.perf_counter()
    head = ledger.head()
    assert head.tree_size == 100_000
    assert time.perf_counter() - started < 3.0


def test_an_entry_numbered_below_one_is_found(eight: Ledger, engine: Engine) -> None:
    sql(engine, "INSERT INTO ledger_entries VALUES (0, :t, 'mallory', 'issue', "
        "'certificate', 'FAKE', '{}', :h, 'ab')", t=FORGED_AT, h=encoding.sha256_hex("{}"))
    assert ("LEDGER-SEQ", "ledger entry 0") in found(eight)
