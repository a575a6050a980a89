"""The filesystem attachment storage: whole files or none, and keys that cannot escape."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.attachments.storage import (
    FilesystemStorage,
    StoredFileMissing,
    attachment_key,
    check_key,
)

TENANT = uuid.UUID("01900000-0000-7000-8000-000000000001")
ATTACHMENT = uuid.UUID("01900000-0000-7000-8000-0000000000aa")


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def read_all(storage: FilesystemStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in await storage.open(key)])


def root_of(path: Path) -> Path:
    return path.resolve()


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()]


def test_keys_are_tenant_year_month_and_id():
    key = attachment_key(TENANT, ATTACHMENT, datetime(2026, 3, 9, tzinfo=UTC))
    assert key == f"{TENANT}/2026/03/{ATTACHMENT}"
    assert check_key(key) == key


async def test_content_round_trips_and_can_be_deleted(tmp_path: Path):
    storage = FilesystemStorage(tmp_path)
    key = attachment_key(TENANT, ATTACHMENT, datetime(2026, 3, 9, tzinfo=UTC))

    await storage.put(key, chunks(b"first ", b"", b"second"))

    assert await storage.exists(key)
    assert await read_all(storage, key) == b"first second"
    assert storage.path_of(key) == root_of(tmp_path) / str(TENANT) / "2026" / "03" / str(ATTACHMENT)
    await storage.delete(key)
    assert not await storage.exists(key)
    await storage.delete(key)  # already gone: not an error


async def test_a_stream_that_fails_leaves_nothing_behind(tmp_path: Path):
    storage = FilesystemStorage(tmp_path)
    key = f"{TENANT}/2026/03/{ATTACHMENT}"

    async def failing() -> AsyncIterator[bytes]:
        yield b"some bytes"
        raise RuntimeError("refused half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        await storage.put(key, failing())

    assert not await storage.exists(key)
    assert files_under(tmp_path) == []


async def test_opening_a_missing_key_says_so_before_any_content(tmp_path: Path):
    with pytest.raises(StoredFileMissing):
        await FilesystemStorage(tmp_path).open(f"{TENANT}/2026/03/{ATTACHMENT}")


@pytest.mark.parametrize(
    "key",
    [
        "../outside",
        "a/../../outside",
        "/etc/passwd",
        "a/./b",
        "a//b",
        "",
        "a/b/",
        "a\\..\\b",
        "report.pdf",
        "a/b\x00c",
    ],
)
async def test_keys_that_could_leave_the_root_are_refused(tmp_path: Path, key: str):
    storage = FilesystemStorage(tmp_path / "root")
    with pytest.raises(ValueError, match="not a storage key"):
        await storage.put(key, chunks(b"x"))
    with pytest.raises(ValueError, match="not a storage key"):
        await storage.open(key)
    assert not (tmp_path / "outside").exists()
