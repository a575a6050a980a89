"""Where attachment content lives: a small interface, and the filesystem behind it.

Rows in the ``attachment`` table say what a file is; the bytes live in an
``AttachmentStorage`` under a key that Querela makes up itself
(``<tenant id>/<yyyy>/<mm>/<attachment id>``). No part of a key ever comes from
what an uploader sent, so a file name like ``../../etc/passwd`` means nothing
to the storage.

An S3-compatible storage plugs in by implementing the same four methods with
the same keys as object names under a bucket and prefix: ``put`` as a
multipart upload (CreateMultipartUpload, UploadPart per chunk of at least
5 MiB, CompleteMultipartUpload, and AbortMultipartUpload when the stream
raises, so that a refused upload leaves no object), ``open`` as a streamed
GetObject, ``delete`` as DeleteObject and ``exists`` as HeadObject. Object
stores are atomic per object, which gives the same all-or-nothing ``put`` the
filesystem gets from its rename. ``storage_for`` is the one place that would
choose it from the settings.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

import anyio
import anyio.to_thread

#: Bytes read from storage at a time when a file is streamed back.
READ_CHUNK = 64 * 1024

#: A key is slash-separated segments of letters, digits, ``-`` and ``_``: no dots, no
#: empty segments, nothing a path could climb out of its root with.
_KEY = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*$")


class StoredFileMissing(LookupError):
    """The storage holds nothing under the key."""


class AttachmentStorage(Protocol):
    """What Querela needs from a place that keeps attachment content."""

    async def put(self, key: str, stream: AsyncIterable[bytes]) -> None:
        """Store everything ``stream`` yields under ``key``, all or nothing.

        If ``stream`` raises, nothing is left under ``key`` and the exception
        propagates. Keys are fresh ids, written once and never reused.
        """
        ...

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """Return the content under ``key`` as an iterator of chunks.

        Raises ``StoredFileMissing`` here, before any chunk, when there is none.
        The iterator releases what it holds when exhausted or closed.
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove the content under ``key``; nothing there is not an error."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether content is stored under ``key``."""
        ...


def attachment_key(tenant_id: uuid.UUID, attachment_id: uuid.UUID, when: datetime) -> str:
    """The storage key of an attachment: tenant, year and month of upload, its id.

    The tenant comes first so that a tenant's files can be exported or erased
    as one prefix.
    """
    return f"{tenant_id}/{when.year:04d}/{when.month:02d}/{attachment_id}"


def check_key(key: str) -> str:
    """Return ``key`` if it is a well-formed storage key; raise ``ValueError`` if not."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FilesystemStorage:
    """Attachment content as files under one directory, the default storage.

    A file appears only once complete: content goes into a temporary file in
    the target directory, is flushed to disk, and is then renamed into place,
    which is atomic on POSIX filesystems. After a crash there is either the
    whole file or none (and perhaps a ``.partial`` file to sweep).
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        """The file that holds ``key``; always inside ``root``."""
        path = self.root.joinpath(*check_key(key).split("/"))
        # The key pattern already rules out escaping; this guards against a change to it.
        if not path.is_relative_to(self.root):
            raise ValueError(f"not a storage key: {key!r}")
        return path

    async def put(self, key: str, stream: AsyncIterable[bytes]) -> None:
        """Write ``stream`` to a temporary file, flush it, then rename it to the key's path."""
        target = self.path_of(key)
        await anyio.to_thread.run_sync(_make_directory, target.parent)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
        try:
            async with await anyio.open_file(partial, "xb") as out:
                async for chunk in stream:
                    if chunk:
                        await out.write(chunk)
                await out.flush()
                await anyio.to_thread.run_sync(os.fsync, out.wrapped.fileno())
            await anyio.to_thread.run_sync(_publish, partial, target)
        except BaseException:
            await anyio.to_thread.run_sync(_remove, partial)
            raise

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """Open the key's file and return an iterator over its content."""
        try:
            handle = await anyio.open_file(self.path_of(key), "rb")
        except FileNotFoundError:
            raise StoredFileMissing(key) from None
        return _chunks(handle)

    async def delete(self, key: str) -> None:
        """Remove the key's file if it is there."""
        await anyio.to_thread.run_sync(_remove, self.path_of(key))

    async def exists(self, key: str) -> bool:
        """Whether the key's file is there."""
        return await anyio.to_thread.run_sync(self.path_of(key).is_file)


async def _chunks(handle: anyio.AsyncFile[bytes]) -> AsyncIterator[bytes]:
    async with handle:
        while chunk := await handle.read(READ_CHUNK):
            yield chunk


def _make_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)


def _publish(partial: Path, target: Path) -> None:
    """Give the finished file its name, and make the rename itself survive a crash."""
    os.rename(partial, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def storage_for(root: Path) -> AttachmentStorage:
    """The storage for attachment content kept under ``root``."""
    return FilesystemStorage(root)
