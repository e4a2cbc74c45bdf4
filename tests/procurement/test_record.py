"""Signed records checked offline: a good signature and ledger proof verify; a changed
document, another key, a proof of another document or a broken envelope do not."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tanzuji import signing
from tanzuji.ledger.log import Ledger, record
from tanzuji.procurement.record import SCREENING, check_record, document_sha256
from tanzuji.store.db import make_engine, transaction, upgrade


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    signing.ensure_key(tmp_path / "keys")
    return tmp_path / "keys"


def pem(keys: Path) -> bytes:
    return (keys / signing.PUBLIC).read_bytes()


DOCUMENT: dict[str, Any] = {"id": "abc", "bids": [{"certificate": "CB-1", "passed": False}],
                            "screened_at": "2026-11-23T10:00:00Z", "score": 0.1}


def test_signature_verifies_and_tampering_is_caught(keys: Path, tmp_path: Path) -> None:
    envelope = signing.sign_document(SCREENING, copy.deepcopy(DOCUMENT), keys)
    assert check_record(envelope, pem(keys), SCREENING).ok
    tampered = copy.deepcopy(envelope)
    tampered["document"]["bids"][0]["passed"] = True
    assert "does not verify" in check_record(tampered, pem(keys)).problems[0]
    assert "kind" in check_record(envelope, pem(keys), "green-finance-declaration").problems[0]
    signing.ensure_key(tmp_path / "other")
    assert "key_id" in check_record(envelope, pem(tmp_path / "other")).problems[0]
    relabelled = {**envelope, "kind": "green-finance-declaration"}
    assert not check_record(relabelled, pem(keys)).ok
    broken: Any
    for broken in ([], {"format": "x"}, {**envelope, "signature": "zz"},
                   {**envelope, "document": "text"}):
        assert not check_record(broken, pem(keys)).ok


def test_the_ledger_proof_ties_the_document_to_its_entry(keys: Path, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    upgrade(engine)
    envelope = signing.sign_document(SCREENING, copy.deepcopy(DOCUMENT), keys)
    with transaction(engine) as s:
        record(s, actor="t", action="screen", kind="procurement_screening", object_id="abc",
               payload={"sha256": document_sha256(SCREENING, envelope["document"])})
    proof = Ledger(engine, keys).prove("procurement_screening", "abc")
    found = check_record({**envelope, "ledger": {"seq": 1, "proof": proof}}, pem(keys))
    assert found.ok and found.proof_checked and found.ledger_seq == 1 and found.recorded_at

    # a proof of another document's entry does not vouch for this one
    other = signing.sign_document(SCREENING, {**DOCUMENT, "score": 0.2}, keys)
    wrong = check_record({**other, "ledger": {"proof": proof}}, pem(keys))
    assert any("no entry records this document" in p for p in wrong.problems)
    edited = copy.deepcopy(proof)
    edited["entries"][0]["payload"] = '{"sha256":"00"}'
    assert not check_record({**envelope, "ledger": {"proof": edited}}, pem(keys)).ok
    engine.dispose()
