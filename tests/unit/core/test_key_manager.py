"""The file key manager: keys made once, rotated without losing old versions, destroyed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from core.crypto.kms import FileKeyManager, KeyUnavailable


def test_a_key_wraps_unwraps_and_is_private(tmp_path: Path):
    kms = FileKeyManager(tmp_path / "keys")
    kms.create("tenant-a")
    wrapped = kms.wrap("tenant-a", b"data key", b"context")

    assert kms.unwrap("tenant-a", wrapped, b"context") == b"data key"
    assert oct((tmp_path / "keys" / "tenant-a.key").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(KeyUnavailable):
        kms.unwrap("tenant-a", wrapped, b"another context")
    with pytest.raises(KeyUnavailable):
        kms.unwrap("tenant-b", wrapped, b"context")


def test_making_a_key_twice_keeps_the_first(tmp_path: Path):
    kms = FileKeyManager(tmp_path)
    kms.create("tenant-a")
    wrapped = kms.wrap("tenant-a", b"data key", b"")
    kms.create("tenant-a")

    assert kms.unwrap("tenant-a", wrapped, b"") == b"data key"


def test_processes_making_the_same_key_at_once_end_up_with_one(tmp_path: Path):
    # Each thread stands for a process making the tenant's first key and wrapping with it.
    wrapped: list[bytes] = []
    start = threading.Barrier(8)

    def first_use() -> None:
        kms = FileKeyManager(tmp_path)
        start.wait()
        kms.create("tenant-a")
        wrapped.append(kms.wrap("tenant-a", b"data key", b""))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kms = FileKeyManager(tmp_path)
    assert [kms.unwrap("tenant-a", blob, b"") for blob in wrapped] == [b"data key"] * 8
    assert sorted(os.listdir(tmp_path)) == ["tenant-a.key"]


def test_rotation_keeps_old_versions_and_destroying_ends_all(tmp_path: Path):
    kms = FileKeyManager(tmp_path)
    kms.create("tenant-a")
    before = kms.wrap("tenant-a", b"old", b"")

    assert kms.rotate("tenant-a") == 2
    after = kms.wrap("tenant-a", b"new", b"")
    assert before[3:7] != after[3:7], "new wraps name the new version"
    assert kms.unwrap("tenant-a", before, b"") == b"old"
    assert kms.unwrap("tenant-a", after, b"") == b"new"

    kms.destroy("tenant-a")
    kms.destroy("tenant-a")  # twice changes nothing
    for blob in (before, after):
        with pytest.raises(KeyUnavailable):
            kms.unwrap("tenant-a", blob, b"")
    assert os.listdir(tmp_path) == []
