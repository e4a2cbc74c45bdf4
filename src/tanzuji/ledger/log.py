"""The append-only log: ``record`` adds an entry inside the caller's transaction, and
:class:`Ledger` computes signed tree heads and proofs over the entries.

An entry commits or rolls back with the change it describes. Sequence numbers run 1, 2, 3 …
without gaps and in commit order: on PostgreSQL a transaction-scoped advisory lock serialises
writers from the moment they take a number until they commit; SQLite serialises writers itself,
and the primary key refuses a duplicate number should two writers ever race.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tanzuji import signing
from tanzuji.ledger import encoding, proof
from tanzuji.ledger.merkle import MerkleTree
from tanzuji.ledger.verify import Verification, check_entries, check_heads
from tanzuji.store.db import transaction
from tanzuji.store.tables import LedgerEntry, LedgerHead, utcnow

# pg_advisory_xact_lock key: the bytes "tzledger", shifted into the signed 64-bit range
_LOCK_KEY = int.from_bytes(b"tzledger", "big") - (1 << 63)
_LIMITS = {"actor": 100, "action": 40, "kind": 40, "object_id": 200}


class LedgerError(ValueError):
    """A request the ledger refuses (bad entry, unknown size, broken sequence)."""


def _check_fields(**fields: str) -> None:
    for name, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            raise LedgerError(f"ledger entry: {name} must be a non-empty string")
        if len(value) > _LIMITS[name]:
            raise LedgerError(f"ledger entry: {name} is longer than {_LIMITS[name]} characters")


def serialise(session: Session) -> None:
    """Take the ledger's write lock for the rest of ``session``'s transaction (PostgreSQL;
    SQLite writes one transaction at a time anyway). Services that number their own records
    (cases, certificates) take it first, so two writers cannot draw the same number."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def record(session: Session, *, actor: str, action: str, kind: str, object_id: str,
           payload: Mapping[str, Any]) -> int:
    """Append one entry in ``session``'s transaction and return its sequence number."""
    _check_fields(actor=actor, action=action, kind=kind, object_id=object_id)
    try:
        body = encoding.canonical(dict(payload))
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"ledger entry {kind} {object_id}: payload is not JSON: {exc}") from None
    serialise(session)
    seq = (session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1
    at = utcnow()
    entry = {"seq": seq, "recorded_at": encoding.stamp(at), "actor": actor, "action": action,
             "kind": kind, "id": object_id, "payload_sha256": encoding.sha256_hex(body)}
    session.add(LedgerEntry(seq=seq, recorded_at=at, actor=actor, action=action,
                            object_kind=kind, object_id=object_id, payload=body,
                            payload_sha256=entry["payload_sha256"],
                            leaf_hash=encoding.entry_leaf_hash(entry)))
    session.flush()
    return seq


_E = LedgerEntry.__table__.c
_VIEW = (_E.seq, _E.recorded_at, _E.actor, _E.action, _E.object_kind, _E.object_id,
         _E.payload_sha256, _E.payload, _E.leaf_hash)
_KEYS = ("seq", "recorded_at", "actor", "action", "kind", "id", "payload_sha256", "payload",
         "leaf_hash")


def _views(s: Session, *where: Any) -> list[dict[str, Any]]:
    """Entries in ``seq`` order as the leaf encodes them, with payload and stored leaf hash
    (plain rows, not ORM objects: the verifier reads every entry)."""
    rows = s.execute(select(*_VIEW).where(*where).order_by(_E.seq)).all()
    stamp = encoding.stamp
    return [{**dict(zip(_KEYS, row, strict=True)), "recorded_at": stamp(row[1])} for row in rows]


@dataclass(frozen=True)
class TreeHead:
    tree_size: int
    root_hash: str  # hex
    signed_at: str
    signature: str | None = None  # Ed25519 over encoding.head_bytes, hex
    key_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: LedgerHead) -> TreeHead:
        return cls(row.tree_size, row.root_hash, encoding.stamp(row.signed_at), row.signature,
                   row.key_id)


class Ledger:
    """Tree heads, proofs and verification over the entries of one database."""

    def __init__(self, engine: Engine, key_dir: Path | None = None) -> None:
        self.engine = engine
        self.key_dir = key_dir

    def public_key(self) -> Ed25519PublicKey:
        """The platform's published key (the private key's, when only that is at hand)."""
        folder = self.key_dir or signing.key_dir()
        path = folder / signing.PUBLIC
        if path.exists():
            return signing.load_public(path.read_bytes(), str(path))
        return signing.signing_key(folder).public_key()

    def public_pem(self) -> str:
        return signing.public_pem(self.public_key()).decode("ascii")

    def size(self) -> int:
        with transaction(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)

    def _tree(self, s: Session) -> MerkleTree:
        """The tree of the stored leaf hashes; LedgerError when the sequence is broken."""
        rows = s.execute(select(LedgerEntry.seq, LedgerEntry.leaf_hash)
                         .order_by(LedgerEntry.seq)).all()
        for expected, (seq, _) in enumerate(rows, start=1):
            if seq != expected:
                raise LedgerError(f"ledger: entry {expected} is missing or misplaced (found "
                                  f"seq {seq}); run `tanzuji ledger verify`")
        try:
            return MerkleTree([bytes.fromhex(leaf) for _, leaf in rows])
        except ValueError:
            raise LedgerError("ledger: a stored leaf hash is not hex; run `tanzuji ledger "
                              "verify`") from None

    def head(self, sign: bool = True) -> TreeHead:
        """The tree head over every entry now; signed and stored when ``sign``."""
        with transaction(self.engine) as s:
            tree = self._tree(s)
            at = utcnow()
            root = tree.root().hex()
            if not sign:
                return TreeHead(tree.size, root, encoding.stamp(at))
            signed_at = encoding.stamp(at)
            data = encoding.head_bytes(tree.size, root, signed_at)
            key = signing.signing_key(self.key_dir)
            head = TreeHead(tree.size, root, signed_at, key.sign(data).hex(),
                            encoding.key_id(key.public_key()))
            s.add(LedgerHead(tree_size=head.tree_size, root_hash=root, signed_at=at,
                             signature=head.signature, key_id=head.key_id))
            return head

    def heads(self) -> list[TreeHead]:
        """The stored signed heads, oldest first."""
        with transaction(self.engine) as s:
            rows = s.scalars(select(LedgerHead).order_by(LedgerHead.pk)).all()
            return [TreeHead.from_row(r) for r in rows]

    def export_heads(self) -> Iterator[str]:
        """The signed heads as JSON lines, to anchor on a chain or with a timestamp authority."""
        for head in self.heads():
            yield encoding.canonical(head.to_dict())

    def inclusion(self, seq: int, size: int | None = None) -> list[str]:
        """The audit path of entry ``seq`` in the tree of ``size`` entries (all by default)."""
        with transaction(self.engine) as s:
            tree = self._tree(s)
        size = tree.size if size is None else size
        if not 1 <= seq <= size <= tree.size:
            raise LedgerError(f"ledger: no entry {seq} in a tree of {size} of {tree.size} "
                              "entries")
        return [h.hex() for h in tree.inclusion_proof(seq - 1, size)]

    def consistency(self, old: int, new: int | None = None) -> list[str]:
        """The proof that the tree of ``new`` entries extends the tree of ``old`` entries."""
        with transaction(self.engine) as s:
            tree = self._tree(s)
        new = tree.size if new is None else new
        if not 0 <= old <= new <= tree.size:
            raise LedgerError(f"ledger: sizes {old} → {new} are not within 0..{tree.size}")
        return [h.hex() for h in tree.consistency_proof(old, new)]

    def entries(self, kind: str | None = None, object_id: str | None = None,
                limit: int | None = None) -> list[dict[str, Any]]:
        """Entries in sequence order, optionally of one kind and object; the newest ``limit``."""
        where = [c == v for c, v in ((_E.object_kind, kind), (_E.object_id, object_id))
                 if v is not None]
        if limit is not None:
            newest = select(_E.seq).where(*where).order_by(_E.seq.desc()).limit(limit)
            where.append(_E.seq.in_(newest.scalar_subquery()))
        with transaction(self.engine) as s:
            return _views(s, *where)

    def entries_for(self, kind: str, object_id: str) -> list[dict[str, Any]]:
        return self.entries(kind, object_id)

    def verify(self) -> Verification:
        """Recompute every leaf and every stored head's root; check every head's signature."""
        with transaction(self.engine) as s:
            entries = _views(s)
            heads = [{**TreeHead.from_row(r).to_dict(), "pk": r.pk} for r in
                     s.scalars(select(LedgerHead).order_by(LedgerHead.pk))]
        problems, leaves = check_entries(entries)
        problems += check_heads(heads, leaves, self.public_key())
        return Verification(len(entries), len(heads), problems)

    def prove(self, kind: str, object_id: str) -> dict[str, Any]:
        """A proof bundle of every entry of one object under a new signed head."""
        head = self.head(sign=True)
        with transaction(self.engine) as s:
            tree = self._tree(s)
            entries = _views(s, _E.object_kind == kind, _E.object_id == object_id,
                             _E.seq <= head.tree_size)
        if not entries:
            raise LedgerError(f"ledger: no entries for {kind} {object_id}")
        if tree.root(head.tree_size).hex() != head.root_hash:
            raise LedgerError("ledger: the log changed under the new head; run `tanzuji ledger "
                              "verify`")
        return proof.bundle(kind, object_id, entries, tree, head.to_dict(), self.public_pem())
