"""The tamper-evident ledger: every state change appended, in the same transaction, to a log
that is a Merkle tree in the manner of Certificate Transparency (RFC 9162), with signed tree
heads, inclusion and consistency proofs, and a verifier. See docs/ledger.md."""

from tanzuji.ledger.log import Ledger, LedgerError, TreeHead, record

__all__ = ["Ledger", "LedgerError", "TreeHead", "record"]
