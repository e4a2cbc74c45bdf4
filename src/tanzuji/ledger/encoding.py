"""The exact bytes the ledger hashes and signs, shared by the log and by the offline checker.

Everything is canonical JSON (sorted keys, no blanks, UTF-8), so anyone can rebuild the bytes
from a proof bundle with any JSON library:

- a payload: the object's state change as recorded; its SHA-256 is ``payload_sha256``;
- a leaf: ``{"action","actor","id","kind","payload_sha256","recorded_at","seq","v":1}``;
  the leaf hash is ``SHA-256(0x00 || leaf)`` (RFC 9162), so the entry's place (``seq``) and
  every field are covered, and its payload through the hash;
- a tree head: ``{"root_hash","signed_at","tree_size","type":"tanzuji-ledger-tree-head/v1"}``,
  signed with Ed25519; the ``type`` keeps a head signature from being taken for a label's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tanzuji.ledger.merkle import leaf_hash

HEAD_TYPE = "tanzuji-ledger-tree-head/v1"


def canonical(value: Any) -> str:
    """Canonical JSON text; TypeError/ValueError for what JSON cannot hold (NaN included)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(moment: dt.datetime) -> str:
    """A UTC time as ``YYYY-MM-DDTHH:MM:SSZ``; a naive time (SQLite gives those) is UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


def leaf_bytes(entry: Mapping[str, Any]) -> bytes:
    """The leaf of an entry given as ``seq, recorded_at, actor, action, kind, id,
    payload_sha256`` (``recorded_at`` already stamped)."""
    fields = ("seq", "recorded_at", "actor", "action", "kind", "id", "payload_sha256")
    return canonical({"v": 1, **{f: entry[f] for f in fields}}).encode("utf-8")


def entry_leaf_hash(entry: Mapping[str, Any]) -> str:
    return leaf_hash(leaf_bytes(entry)).hex()


def head_bytes(tree_size: int, root_hash: str, signed_at: str) -> bytes:
    """What a tree head signature covers."""
    return canonical({"type": HEAD_TYPE, "tree_size": tree_size, "root_hash": root_hash,
                      "signed_at": signed_at}).encode("utf-8")


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the public key's DER encoding, as a CT log id is."""
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()
