"""RFC 9162 §2.1: tree hashes, inclusion and consistency proofs, against the Certificate
Transparency test vectors and a direct transcription of the RFC's recursive definitions."""

from __future__ import annotations

import hashlib

import pytest

from tanzuji.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# the leaves and roots of the certificate-transparency reference test suite (merkle_tree_test)
CT_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
             bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
N = 40
LEAVES = [leaf_hash(f"entry {i}".encode()) for i in range(N)]
TREE = MerkleTree(LEAVES)


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as §2.1.1 writes it (over leaf hashes)."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of §2.1.3.1."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of §2.1.4.1."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def flipped(proof: list[bytes], i: int) -> list[bytes]:
    element = bytearray(proof[i])
    element[i % 32] ^= 0x01
    return [*proof[:i], bytes(element), *proof[i + 1:]]


def test_ct_test_vectors() -> None:
    tree = MerkleTree([leaf_hash(d) for d in CT_LEAVES])
    assert [tree.root(n).hex() for n in range(1, 9)] == CT_ROOTS
    assert tree.root(0) == EMPTY_ROOT == root_of([])


def test_roots_of_every_size_match_the_definition() -> None:
    for n in range(N + 1):
        assert TREE.root(n) == mth(LEAVES[:n]) == root_of(LEAVES[:n])


def test_every_inclusion_proof_verifies_and_a_flipped_byte_fails() -> None:
    for n in range(1, N + 1):
        root = TREE.root(n)
        for m in range(n):
            proof = TREE.inclusion_proof(m, n)
            assert proof == path(m, LEAVES[:n])
            assert verify_inclusion(LEAVES[m], m, n, proof, root)
            for i in range(len(proof)):
                assert not verify_inclusion(LEAVES[m], m, n, flipped(proof, i), root)
            other = LEAVES[(m + 1) % N]
            assert not verify_inclusion(other, m, n, proof, root)
            assert not verify_inclusion(LEAVES[m], m, n, proof, TREE.root(n - 1))
            assert not verify_inclusion(LEAVES[m], m, n, [*proof, root], root)
            if proof:
                assert not verify_inclusion(LEAVES[m], m, n, proof[:-1], root)
            if n > 1:  # the same leaf claimed at another place
                assert not verify_inclusion(LEAVES[m], (m + 1) % n, n, proof, root)
            assert not verify_inclusion(LEAVES[m], n, n, proof, root)


def test_every_consistency_proof_verifies_and_a_flipped_byte_fails() -> None:
    for n in range(N + 1):
        new_root = TREE.root(n)
        for m in range(n + 1):
            old_root = TREE.root(m)
            proof = TREE.consistency_proof(m, n)
            if 0 < m < n:
                assert proof == subproof(m, LEAVES[:n], True)
                assert proof
            else:
                assert proof == []
            assert verify_consistency(m, n, old_root, new_root, proof)
            for i in range(len(proof)):
                assert not verify_consistency(m, n, old_root, new_root, flipped(proof, i))
            if m > 0:
                wrong_old = node_hash(old_root, old_root)
                assert not verify_consistency(m, n, wrong_old, new_root, proof)
                assert not verify_consistency(m, n, old_root, node_hash(new_root, new_root),
                                              proof)
            if 0 < m < n:
                assert not verify_consistency(m, n, old_root, new_root, proof[:-1])
                assert not verify_consistency(m, n, old_root, new_root, [*proof, new_root])
            if m < n:  # the sizes swapped are never consistent
                assert not verify_consistency(n, m, new_root, old_root, proof)


def test_a_changed_leaf_breaks_consistency_with_the_old_root() -> None:
    changed = list(LEAVES)
    changed[3] = leaf_hash(b"edited")
    proof = MerkleTree(changed).consistency_proof(10, 20)
    assert not verify_consistency(10, 20, TREE.root(10), MerkleTree(changed).root(20), proof)


def test_sizes_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        TREE.root(N + 1)
    with pytest.raises(ValueError, match="leaf index 5"):
        TREE.inclusion_proof(5, 5)
    with pytest.raises(ValueError, match="old tree size 9"):
        TREE.consistency_proof(9, 8)
