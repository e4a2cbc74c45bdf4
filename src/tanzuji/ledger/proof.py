"""Proof bundles: the entries of one object with their inclusion proofs under a signed tree
head, checked offline with nothing but the bundle and the platform's public key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tanzuji import signing
from tanzuji.ledger import encoding
from tanzuji.ledger.merkle import MerkleTree, leaf_hash, verify_inclusion

FORMAT = "tanzuji-ledger-proof/v1"
_ENTRY_FIELDS = ("seq", "recorded_at", "actor", "action", "kind", "id", "payload_sha256",
                 "payload")


def bundle(kind: str, object_id: str, entries: Sequence[Mapping[str, Any]], tree: MerkleTree,
           head: Mapping[str, Any], public_pem: str) -> dict[str, Any]:
    """The proof of ``entries`` (the log's views of its rows) under ``head``, a signed head
    of ``tree``."""
    size = int(head["tree_size"])
    return {
        "format": FORMAT,
        "kind": kind,
        "id": object_id,
        "tree_head": dict(head),
        "public_key": public_pem,
        "entries": [{**{f: e[f] for f in _ENTRY_FIELDS},
                     "leaf_index": int(e["seq"]) - 1,
                     "inclusion_path": [h.hex() for h in
                                        tree.inclusion_proof(int(e["seq"]) - 1, size)]}
                    for e in entries],
    }


@dataclass
class ProofCheck:
    """What an offline check found; ``ok`` when every entry and the head hold."""

    entries: int = 0
    tree_size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.entries > 0


class _Malformed(ValueError):
    pass


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, Mapping) or key not in obj:
        raise _Malformed(f"{where}{key}: missing")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Malformed(f"{where}{key}: wrong type ({type(value).__name__})")
    return value


def _hex(value: Any, where: str, length: int = 32) -> bytes:
    if not isinstance(value, str):
        raise _Malformed(f"{where}: not a hexadecimal string")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise _Malformed(f"{where}: not hexadecimal") from None
    if len(raw) != length:
        raise _Malformed(f"{where}: {len(raw)} bytes, expected {length}")
    return raw


def check_proof(proof: Any, public_key_pem: bytes | str) -> ProofCheck:
    """Check a bundle: the head's signature with ``public_key_pem``, each payload against
    its hash, each leaf against its fields and each inclusion path against the head's root."""
    pem = public_key_pem.encode("ascii") if isinstance(public_key_pem, str) else public_key_pem
    public = signing.load_public(pem)
    result = ProofCheck()
    try:
        if _get(proof, "format", str, "") != FORMAT:
            raise _Malformed(f"format: not {FORMAT}")
        kind, object_id = _get(proof, "kind", str, ""), _get(proof, "id", str, "")
        head = _get(proof, "tree_head", Mapping, "")
        size = _get(head, "tree_size", int, "tree_head.")
        root_hex = _get(head, "root_hash", str, "tree_head.")
        root = _hex(root_hex, "tree_head.root_hash")
        signed_at = _get(head, "signed_at", str, "tree_head.")
        signature = _hex(_get(head, "signature", str, "tree_head."), "tree_head.signature", 64)
        result.tree_size = size
        given = encoding.key_id(public)
        if head.get("key_id") != given:
            result.problems.append(f"tree_head.key_id: signed by key {head.get('key_id')}, "
                                   f"not by the key given ({given})")
        elif not signing.verify(public, encoding.head_bytes(size, root_hex, signed_at),
                                signature):
            result.problems.append("tree_head.signature: does not verify with the key given")
        entries = _get(proof, "entries", list, "")
        for i, entry in enumerate(entries):
            result.problems.extend(_check_entry(entry, f"entries[{i}].", kind, object_id,
                                                size, root))
        result.entries = len(entries)
        if not entries:
            result.problems.append("entries: the bundle proves no entry")
    except _Malformed as exc:
        result.problems.append(f"malformed bundle: {exc}")
    return result


def _check_entry(entry: Any, where: str, kind: str, object_id: str, size: int,
                 root: bytes) -> list[str]:
    values = {f: _get(entry, f, int if f == "seq" else str, where) for f in _ENTRY_FIELDS}
    problems = []
    entry_at = where.rstrip(".")
    if (values["kind"], values["id"]) != (kind, object_id):
        problems.append(f"{entry_at}: belongs to {values['kind']} {values['id']}, "
                        f"not {kind} {object_id}")
    if encoding.sha256_hex(values["payload"]) != values["payload_sha256"]:
        problems.append(f"{where}payload: does not match its payload_sha256 (edited)")
    index = _get(entry, "leaf_index", int, where)
    if index != values["seq"] - 1:
        problems.append(f"{where}leaf_index: {index} is not seq - 1")
    path = [_hex(h, f"{where}inclusion_path[{j}]")
            for j, h in enumerate(_get(entry, "inclusion_path", list, where))]
    leaf = leaf_hash(encoding.leaf_bytes(values))
    if not verify_inclusion(leaf, index, size, path, root):
        problems.append(f"{entry_at}: entry {values['seq']} is not included in the tree of "
                        f"{size} entries with the signed root")
    return problems
