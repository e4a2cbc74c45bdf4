"""Signed records that a third party checks offline: the platform's Ed25519 signature over
the canonical document, and the ledger's proof that the document's hash was recorded, when
(the entry's time) and under which signed tree head.

The ledger entry holds only the SHA-256 of the signed bytes, so the proof bundle reveals
nothing of the document; the document itself carries the bids or footprints. Green-finance
declarations use the same envelope (``tanzuji.finance``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from tanzuji import signing
from tanzuji.ledger.proof import check_proof

SCREENING = "procurement-screening"


def document_sha256(kind: str, document: dict[str, Any]) -> str:
    return hashlib.sha256(signing.document_bytes(kind, document)).hexdigest()


@dataclass
class RecordCheck:
    """What an offline check found: ``ok`` when the signature verifies and, if the file holds a
    ledger proof, the proof verifies and names this document's hash."""

    kind: str | None = None
    problems: list[str] = field(default_factory=list)
    recorded_at: str | None = None
    ledger_seq: int | None = None
    tree_size: int | None = None
    proof_checked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def check_record(envelope: Any, public_pem: bytes | str, kind: str | None = None) -> RecordCheck:
    """Check a signed record with nothing but the platform's public key (PEM)."""
    pem = public_pem.encode("ascii") if isinstance(public_pem, str) else public_pem
    public = signing.load_public(pem)
    named = envelope.get("kind") if isinstance(envelope, dict) else None
    result = RecordCheck(kind=named if isinstance(named, str) else None)
    result.problems = signing.check_document(envelope, public, kind)
    if result.problems:
        return result
    ledger = envelope.get("ledger")
    if not isinstance(ledger, dict) or "proof" not in ledger:
        return result
    proof = ledger["proof"]
    found = check_proof(proof, pem)
    result.proof_checked, result.tree_size = True, found.tree_size
    result.problems += [f"ledger proof: {p}" for p in found.problems]
    document = envelope["document"]
    if isinstance(proof, dict) and proof.get("id") != document.get("id"):
        result.problems.append(f"ledger proof: proves {proof.get('id')}, not {document.get('id')}")
    digest = document_sha256(str(envelope["kind"]), document)
    entries = proof.get("entries") if isinstance(proof, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        try:
            payload = json.loads(entry["payload"])
        except (KeyError, TypeError, ValueError):
            continue
        if isinstance(payload, dict) and payload.get("sha256") == digest:
            at, seq = entry.get("recorded_at"), entry.get("seq")
            result.recorded_at = at if isinstance(at, str) else None
            result.ledger_seq = seq if isinstance(seq, int) else None
            break
    else:
        result.problems.append("ledger proof: no entry records this document's SHA-256 (the "
                               "document is not the one recorded)")
    return result
