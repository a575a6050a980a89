"""A Merkle tree over a tenant's audit events, as Certificate Transparency builds its logs.

The leaves are the events' chain hashes in ``seq`` order; the tree, its root,
inclusion paths and their verification follow RFC 9162 (section 2.1): a leaf is
``SHA-256(0x00 || data)``, an inner node ``SHA-256(0x01 || left || right)``, and a
tree of ``n`` leaves splits at the largest power of two below ``n``. Signed
checkpoints carry the root, so one event's inclusion is proved by ``log2(n)``
hashes instead of every event after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf holding ``data``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class RootBuilder:
    """The root of a growing tree, a leaf at a time, keeping ``log2(n)`` hashes.

    The stack holds the roots of the perfect subtrees the leaves so far make up,
    largest first; the tree's root folds them from the right.
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, hash)

    def add(self, leaf: bytes) -> None:
        """Add the next leaf's hash (``leaf_hash`` of its data)."""
        height, node = 0, leaf
        while self._stack and self._stack[-1][0] == height:
            node = node_hash(self._stack.pop()[1], node)
            height += 1
        self._stack.append((height, node))
        self.size += 1

    def root(self) -> bytes:
        """The root of the tree of the leaves added so far (the empty tree: SHA-256 of "")."""
        if not self._stack:
            return hashlib.sha256(b"").digest()
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The root of the tree over ``leaves`` (leaf hashes)."""
    builder = RootBuilder()
    for leaf in leaves:
        builder.add(leaf)
    return builder.root()


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree over ``leaves`` (RFC 9162 2.1.3.1)."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[bytes] = []
    low, high = 0, len(leaves)
    splits: list[tuple[int, int, int]] = []
    while high - low > 1:
        split = _split(high - low)
        splits.append((low, high, split))
        if index - low < split:
            high = low + split
        else:
            low = low + split
    for low, high, split in reversed(splits):
        if index - low < split:
            path.append(root_of(leaves[low + split : high]))
        else:
            path.append(root_of(leaves[low : low + split]))
    return path


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``path`` proves leaf ``index`` of a tree of ``size`` under ``root`` (2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == root


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)
