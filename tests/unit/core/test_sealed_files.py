"""Sealed files: content round-trips in any chunking; altered, reordered or cut files do not."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from core.crypto.files import (
    CHUNK,
    SealedFileUnreadable,
    new_file_key,
    opened_chunks,
    sealed_chunks,
)

KEY = "tenant/2026/11/file"


async def stream(data: bytes, piece: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


async def seal(file_key: bytes, data: bytes, piece: int = 1000) -> bytes:
    return b"".join([chunk async for chunk in sealed_chunks(file_key, KEY, stream(data, piece))])


async def unseal(file_key: bytes, stored: bytes, piece: int = 4096, key: str = KEY) -> bytes:
    return b"".join([c async for c in opened_chunks(file_key, key, stream(stored, piece))])


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
async def test_content_round_trips_whatever_the_pieces(size: int):
    file_key, data = new_file_key(), os.urandom(size)
    stored = await seal(file_key, data, piece=7919)

    assert size < 64 or data[:64] not in stored
    assert await unseal(file_key, stored, piece=65_536) == data
    assert await unseal(file_key, stored, piece=333) == data


async def test_altered_reordered_moved_or_cut_files_do_not_open():
    file_key, data = new_file_key(), os.urandom(3 * CHUNK + 5)
    stored = await seal(file_key, data)
    header, record = 11, CHUNK + 16
    records = [stored[header + i * record : header + (i + 1) * record] for i in range(4)]

    flipped = bytearray(stored)
    flipped[header + 10] ^= 1
    swapped = stored[:header] + records[1] + records[0] + records[2] + records[3]
    cut = stored[: header + 3 * record]  # the last record gone: the third is not marked last

    for damaged in (bytes(flipped), swapped, cut):
        with pytest.raises(SealedFileUnreadable):
            await unseal(file_key, damaged)
    with pytest.raises(SealedFileUnreadable):
        await unseal(file_key, stored, key="tenant/2026/11/another-file")
    with pytest.raises(SealedFileUnreadable):
        await unseal(new_file_key(), stored)
