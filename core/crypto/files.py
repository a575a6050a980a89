"""Sealed files: attachment content encrypted in chunks, each file under a key of its own.

A file's key is random; it is kept in the file's ``attachment`` row, sealed with
the tenant's data key like every sealed column (``core.crypto.fields``). A data-key
rotation therefore re-seals the small row, never the file; destroying the tenant's
key leaves every copy of its files, backups included, unreadable.

Layout: ``QF1``, an 8-byte random nonce prefix, then records of AES-256-GCM
ciphertext, one per ``CHUNK`` bytes of content (the last one shorter, possibly
empty). Record ``i`` is sealed with nonce ``prefix || i`` (4 bytes) and associated
data naming the storage key, ``i`` and whether it is the last record, so records
cannot be reordered, moved to another file, or cut off at the end unnoticed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"QF1"
#: Bytes of content per record.
CHUNK = 64 * 1024
_TAG = 16
_PREFIX = 8


class SealedFileUnreadable(RuntimeError):
    """A stored file does not open: altered, truncated, or sealed for another key."""


def new_file_key() -> bytes:
    """A fresh AES-256 key for one file."""
    return AESGCM.generate_key(bit_length=256)


def _context(storage_key: str, index: int, last: bool) -> bytes:
    return f"{storage_key}|{index}|{'last' if last else 'more'}".encode()


async def sealed_chunks(
    file_key: bytes, storage_key: str, content: AsyncIterable[bytes]
) -> AsyncIterator[bytes]:
    """The file as stored: ``content`` encrypted record by record as it streams in."""
    cipher, prefix = AESGCM(file_key), os.urandom(_PREFIX)
    yield MAGIC + prefix
    buffered, index = bytearray(), 0
    async for piece in content:
        buffered += piece
        # A record is sealed only once more content follows it: the last is marked so.
        while len(buffered) > CHUNK:
            nonce = prefix + index.to_bytes(4, "big")
            yield cipher.encrypt(
                nonce, bytes(buffered[:CHUNK]), _context(storage_key, index, False)
            )
            del buffered[:CHUNK]
            index += 1
    nonce = prefix + index.to_bytes(4, "big")
    yield cipher.encrypt(nonce, bytes(buffered), _context(storage_key, index, True))


async def opened_chunks(
    file_key: bytes, storage_key: str, stored: AsyncIterable[bytes]
) -> AsyncIterator[bytes]:
    """The file's content from what ``sealed_chunks`` stored, as it streams out."""
    cipher, record = AESGCM(file_key), CHUNK + _TAG
    buffered, index, prefix = bytearray(), 0, b""
    async for piece in stored:
        buffered += piece
        if not prefix:
            if len(buffered) < len(MAGIC) + _PREFIX:
                continue
            if bytes(buffered[: len(MAGIC)]) != MAGIC:
                raise SealedFileUnreadable(f"{storage_key} is not a sealed file")
            prefix = bytes(buffered[len(MAGIC) : len(MAGIC) + _PREFIX])
            del buffered[: len(MAGIC) + _PREFIX]
        while len(buffered) > record:
            yield _open(cipher, prefix, storage_key, index, bytes(buffered[:record]), False)
            del buffered[:record]
            index += 1
    if not prefix:
        raise SealedFileUnreadable(f"{storage_key} is cut short")
    yield _open(cipher, prefix, storage_key, index, bytes(buffered), True)


def _open(
    cipher: AESGCM, prefix: bytes, storage_key: str, index: int, data: bytes, last: bool
) -> bytes:
    try:
        return cipher.decrypt(
            prefix + index.to_bytes(4, "big"), data, _context(storage_key, index, last)
        )
    except InvalidTag:
        raise SealedFileUnreadable(
            f"{storage_key}: record {index} does not open (altered, reordered or cut short)"
        ) from None
