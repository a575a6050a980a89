"""The audit Merkle tree against a plain transcription of RFC 9162's definitions."""

from __future__ import annotations

import hashlib

import pytest

from core.audit.merkle import inclusion_path, leaf_hash, node_hash, root_of, verify_inclusion


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) as RFC 9162 2.1.1 defines it, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) as RFC 9162 2.1.3.1 defines it."""
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


LEAVES = [leaf_hash(f"event {n}".encode()) for n in range(70)]


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 64, 70])
def test_the_root_is_the_rfc_root(size: int):
    assert root_of(LEAVES[:size]) == mth(LEAVES[:size])


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 33, 70])
def test_every_leaf_has_the_rfc_path_and_it_verifies(size: int):
    leaves, root = LEAVES[:size], mth(LEAVES[:size])
    for index in range(size):
        proof = inclusion_path(leaves, index)
        assert proof == path(index, leaves)
        assert verify_inclusion(leaves[index], index, size, proof, root)


def test_a_wrong_leaf_index_size_or_path_fails():
    leaves = LEAVES[:13]
    root, proof = mth(leaves), inclusion_path(leaves, 6)

    assert not verify_inclusion(leaves[7], 6, 13, proof, root)
    assert not verify_inclusion(leaves[6], 7, 13, proof, root)
    assert not verify_inclusion(leaves[6], 6, 7, proof, root)
    assert not verify_inclusion(leaves[6], 6, 13, proof[:-1], root)
    assert not verify_inclusion(leaves[6], 6, 13, [*proof, proof[0]], root)
    assert not verify_inclusion(leaves[6], 6, 13, [proof[1], proof[0], *proof[2:]], root)
    assert not verify_inclusion(leaves[6], 13, 13, proof, root)
