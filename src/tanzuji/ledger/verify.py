"""The verifier: recompute every leaf from what is stored, and every stored head's root, and
say precisely what no longer holds.

- an edited payload no longer matches its ``payload_sha256``;
- an edited field (actor, action, time, object, payload hash) no longer matches the leaf hash;
- a deleted entry leaves a gap in ``seq``; an entry inserted out of sequence shows as a gap or
  an unexpected number;
- a reordered entry carries a leaf hash made for another ``seq``: the verifier names it;
- whatever was rewritten consistently (leaf hashes recomputed too) changes the root of every
  signed head that covers it, and a head edited in place no longer verifies with the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanzuji import signing
from tanzuji.ledger import encoding
from tanzuji.ledger.merkle import MerkleTree
from tanzuji.model.errors import Problem

_SEARCH_LIMIT = 1000  # misplaced entries searched for their recorded place
_SHIFTS = (-3, -2, -1, 1, 2, 3)


@dataclass
class Verification:
    entries: int = 0
    heads: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "heads": self.heads,
                "problems": [p.to_dict() for p in self.problems]}


def _entry(code: str, seq: int, message: str) -> Problem:
    return Problem(code, message, field=f"ledger entry {seq}")


def check_entries(entries: Sequence[dict[str, Any]]) -> tuple[list[Problem], list[bytes]]:
    """Problems of the entries (views in ``seq`` order), and their leaves recomputed."""
    problems: list[Problem] = []
    leaves: list[bytes] = []
    misplaced: list[dict[str, Any]] = []
    missing: list[int] = []
    expected = 1
    for entry in entries:
        seq = int(entry["seq"])
        if seq < expected:
            problems.append(_entry("LEDGER-SEQ", seq, "numbers start at 1 (inserted)"))
        elif seq > expected:
            missing.extend(range(expected, seq))
            gap = str(expected) if seq == expected + 1 else f"{expected}–{seq - 1}"
            problems.append(Problem("LEDGER-GAP", f"entries {gap} are missing (deleted) or "
                                    "renumbered", field=f"ledger entry {gap}"))
        expected = max(expected, seq + 1)
        if encoding.sha256_hex(entry["payload"]) != entry["payload_sha256"]:
            problems.append(_entry("LEDGER-PAYLOAD", seq, "payload edited: its SHA-256 no "
                                   "longer matches the hash recorded with it"))
        leaf = encoding.entry_leaf_hash(entry)
        leaves.append(bytes.fromhex(leaf))
        if leaf != entry["leaf_hash"]:
            misplaced.append(entry)
    candidates = {int(e["seq"]) for e in misplaced} | set(missing)
    for entry in misplaced:
        seq = int(entry["seq"])
        recorded = None
        if len(misplaced) <= _SEARCH_LIMIT:
            tried = sorted((candidates | {seq + d for d in _SHIFTS}) - {seq})
            recorded = next((s for s in tried if s > 0 and encoding.entry_leaf_hash(
                {**entry, "seq": s}) == entry["leaf_hash"]), None)
        if recorded is not None:
            problems.append(_entry("LEDGER-ORDER", seq, f"reordered: this entry was recorded "
                                   f"as entry {recorded}"))
        else:
            problems.append(_entry("LEDGER-LEAF", seq, "edited: its fields no longer match "
                                   "its leaf hash"))
    return problems, leaves


def check_heads(heads: Sequence[dict[str, Any]], leaves: Sequence[bytes],
                public: Ed25519PublicKey) -> list[Problem]:
    """Problems of the stored heads (``pk``, size, root, time, signature, key id; oldest
    first) against the tree of the recomputed ``leaves`` and the platform key."""
    tree = MerkleTree(leaves)
    platform = encoding.key_id(public)
    problems: list[Problem] = []
    good_below = 0  # the largest head size whose root still matches
    largest = 0
    for head in heads:
        where = f"ledger head {head['pk']}"
        size = int(head["tree_size"])
        label = f"the head of {size} entries signed at {head['signed_at']}"
        if head["key_id"] != platform:
            problems.append(Problem("LEDGER-HEAD-KEY", f"{label} names key {head['key_id']}, "
                                    f"not the platform key {platform}", field=where))
        else:
            try:
                signature = bytes.fromhex(head["signature"])
            except ValueError:
                signature = b""
            data = encoding.head_bytes(size, head["root_hash"], head["signed_at"])
            if not signing.verify(public, data, signature):
                problems.append(Problem("LEDGER-HEAD-SIG", f"{label}: the signature does not "
                                        "verify (the head was edited)", field=where))
        if size < largest:
            problems.append(Problem("LEDGER-HEAD-ORDER", f"{label} is smaller than an earlier "
                                    f"head of {largest} entries", field=where))
        largest = max(largest, size)
        if size > tree.size:
            problems.append(Problem("LEDGER-HEAD-SIZE", f"{label}: the log holds only "
                                    f"{tree.size} entries (entries deleted)", field=where))
        elif tree.root(size).hex() != head["root_hash"]:
            first = good_below + 1 if good_below < size else 1
            problems.append(Problem("LEDGER-HEAD-ROOT", f"{label}: the root no longer matches "
                                    f"the entries; entries {first}–{size} were changed, "
                                    "deleted, inserted or reordered", field=where))
        else:
            good_below = max(good_below, size)
    return problems
