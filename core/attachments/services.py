"""Storing, listing, handing out and verifying the files on a case.

Every function runs inside the caller's tenant transaction (see
``core.tenancy.context.tenant_transaction``) and writes its audit event there.
The content goes to the attachment storage first, checked and hashed while it
streams; the record follows. If the record cannot be written, the content is
removed again, so there is never a record without its file.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, get_args
from uuid import UUID

from core.attachments.schemas import AttachmentList, AttachmentOut, Purpose, Verification
from core.attachments.sniffing import (
    DEFAULT_ALLOWED_KINDS,
    SNIFF_BYTES,
    FileType,
    Kind,
    RefusedContent,
    TextCheck,
    content_type_of,
    identify,
)
from core.attachments.storage import (
    AttachmentStorage,
    StoredFileMissing,
    attachment_key,
    storage_for,
)
from core.attachments.tables import Attachment, AttachmentKey
from core.audit import services as audit
from core.cases.services import find_case_id
from core.cases.tables import Case
from core.crypto.fields import opened_one, sealed
from core.crypto.files import SealedFileUnreadable, new_file_key, opened_chunks, sealed_chunks
from core.errors import InvalidInput, NotFound, QuerelaError
from core.ids import uuid7
from core.settings import Settings
from core.tenancy.context import current_tenant
from core.text import CONTROL_CHARACTERS, has_control_characters

log = logging.getLogger(__name__)

PURPOSES: tuple[Purpose, ...] = get_args(Purpose)

#: Longest display name kept; file systems and browsers agree on 255.
_MAX_FILENAME = 255

_PATH_SEPARATORS = re.compile(r"[\\/]")


class AttachmentTooLarge(QuerelaError):
    """The file is bigger than the largest attachment accepted."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"attachments may be at most {max_bytes} bytes")
        self.max_bytes = max_bytes


class UnacceptableFile(InvalidInput):
    """The content is of a type Querela does not store, or disagrees with its name or type."""

    def __init__(self, reason: str) -> None:
        super().__init__("file", reason)


class AttachmentContentMissing(QuerelaError):
    """The record exists but the storage has lost its content."""


@dataclass(frozen=True, slots=True)
class AttachmentPolicy:
    """Where attachment content goes, and what is accepted."""

    storage: AttachmentStorage
    max_bytes: int
    allowed_kinds: frozenset[Kind] = field(default=DEFAULT_ALLOWED_KINDS)

    @classmethod
    def from_settings(cls, settings: Settings) -> AttachmentPolicy:
        """The policy the process settings describe, with every kind of file allowed."""
        return cls(
            storage=storage_for(settings.attachments_root), max_bytes=settings.max_attachment_bytes
        )


@functools.cache
def policy_for(settings: Settings) -> AttachmentPolicy:
    """The policy of ``settings``, built once per distinct settings."""
    return AttachmentPolicy.from_settings(settings)


def default_policy() -> AttachmentPolicy:
    """The policy of the process environment, for callers outside a web request."""
    return policy_for(Settings.from_env())


@dataclass(frozen=True, slots=True)
class Download:
    """An attachment ready to be sent: its record, how to label it, and its content."""

    attachment: AttachmentOut
    content_type: str
    chunks: AsyncIterator[bytes]


async def store_attachment(
    case_id: UUID,
    filename: str,
    declared_type: str | None,
    stream: AsyncIterable[bytes],
    actor: str,
    purpose: Purpose = "attachment",
    *,
    policy: AttachmentPolicy | None = None,
) -> AttachmentOut:
    """Check, hash and store a file on a case, record it, and audit it.

    ``filename`` and ``declared_type`` are the uploader's claims: the name is
    kept for display only and both must agree with what the content turns out
    to be. ``stream`` is read once, chunk by chunk, and never held whole.

    Raises ``NotFound`` for an unknown case, ``UnacceptableFile`` for refused
    content, ``AttachmentTooLarge`` beyond the size limit; in each case nothing
    is stored.
    """
    if has_control_characters(filename, multiline=False):
        raise InvalidInput("filename", CONTROL_CHARACTERS)
    policy = policy or default_policy()
    tenant = current_tenant()
    if purpose not in PURPOSES:
        raise InvalidInput("purpose", f"must be one of {', '.join(PURPOSES)}")
    if not await Case.exists().where(Case.id == case_id):
        raise NotFound("no such case")
    display_name = display_filename(filename)
    now = datetime.now(UTC)
    attachment_id = uuid7()
    key = attachment_key(tenant.id, attachment_id, now)
    intake = _Intake(display_name, declared_type, policy)
    # The content is checked as it arrives, and stored encrypted under a key of its own.
    file_key = new_file_key()
    await policy.storage.put(key, sealed_chunks(file_key, key, intake.checked(stream)))
    found = intake.found
    try:
        await Attachment.insert(
            Attachment(
                id=attachment_id,
                tenant_id=tenant.id,
                case_id=case_id,
                purpose=purpose,
                storage_key=key,
                filename=display_name,
                media_type=found.media_type,
                size=intake.size,
                sha256=intake.sha256,
                uploaded_by=actor,
                uploaded_at=now,
            )
        )
        await AttachmentKey.insert(
            AttachmentKey(
                **await sealed(
                    "attachment_key",
                    {
                        "id": attachment_id,
                        "tenant_id": tenant.id,
                        "file_key": base64.b64encode(file_key).decode(),
                    },
                )
            )
        )
        await audit.record(
            "attachment.stored",
            actor=actor,
            case_id=case_id,
            # The file name may name people; the log keeps only what identifies the content.
            detail={
                "attachment_id": str(attachment_id),
                "purpose": purpose,
                "media_type": found.media_type,
                "size": intake.size,
                "sha256": intake.sha256,
            },
        )
    except BaseException:
        await policy.storage.delete(key)
        raise
    return AttachmentOut(
        id=attachment_id,
        case_id=case_id,
        purpose=purpose,
        filename=display_name,
        media_type=found.media_type,
        size=intake.size,
        sha256=intake.sha256,
        uploaded_by=actor,
        uploaded_at=now,
    )


async def attach_to_case(
    case_key: str,
    filename: str,
    declared_type: str | None,
    stream: AsyncIterable[bytes],
    *,
    actor: str,
    purpose: Purpose = "attachment",
    policy: AttachmentPolicy | None = None,
) -> AttachmentOut:
    """``store_attachment`` for a case named by id or reference."""
    case_id = await find_case_id(case_key, part=None)
    return await store_attachment(
        case_id, filename, declared_type, stream, actor, purpose, policy=policy
    )


async def attachments_of(case_id: UUID) -> list[AttachmentOut]:
    """The files on a case the caller has already looked up (and whose reading is audited)."""
    rows = (
        await Attachment.select()
        .where(Attachment.case_id == case_id)
        .order_by(Attachment.uploaded_at)
        .order_by(Attachment.id)
    )
    return [_out(row) for row in rows]


async def list_attachments(case_key: str) -> AttachmentList:
    """The files on a case named by id or reference, oldest first."""
    case_id = await find_case_id(case_key, part="attachments")
    rows = (
        await Attachment.select()
        .where(Attachment.case_id == case_id)
        .order_by(Attachment.uploaded_at)
        .order_by(Attachment.id)
    )
    return AttachmentList(items=[_out(row) for row in rows])


async def open_attachment(
    case_key: str, attachment_id: str, *, actor: str, policy: AttachmentPolicy | None = None
) -> Download:
    """Open a file for download and audit that it was handed out."""
    policy = policy or default_policy()
    row = await _find(case_key, attachment_id, "attachment")
    try:
        chunks = await _content(policy, row)
    except StoredFileMissing:
        log.error("attachment %s has no content in storage", row["id"])
        raise AttachmentContentMissing(
            "the content of this attachment is missing from storage"
        ) from None
    await audit.record(
        "attachment.downloaded",
        actor=actor,
        case_id=row["case_id"],
        detail={"attachment_id": str(row["id"]), "sha256": row["sha256"]},
    )
    return Download(
        attachment=_out(row), content_type=content_type_of(row["media_type"]), chunks=chunks
    )


async def verify_attachment(
    case_key: str, attachment_id: str, *, actor: str, policy: AttachmentPolicy | None = None
) -> Verification:
    """Recompute a stored file's SHA-256 and size, compare them with its record, audit it."""
    policy = policy or default_policy()
    row = await _find(case_key, attachment_id, "attachment_check")
    digest = hashlib.sha256()
    size = 0
    try:
        async for chunk in await _content(policy, row):
            digest.update(chunk)
            size += len(chunk)
        actual_sha256: str | None = digest.hexdigest()
        actual_size: int | None = size
    except (StoredFileMissing, SealedFileUnreadable):
        actual_sha256 = actual_size = None
    intact = actual_sha256 == row["sha256"] and actual_size == row["size"]
    if not intact:
        log.warning("attachment %s failed verification", row["id"])
    await audit.record(
        "attachment.verified",
        actor=actor,
        case_id=row["case_id"],
        detail={"attachment_id": str(row["id"]), "intact": intact},
    )
    return Verification(
        attachment_id=row["id"],
        intact=intact,
        expected_sha256=row["sha256"],
        actual_sha256=actual_sha256,
        expected_size=row["size"],
        actual_size=actual_size,
        checked_at=datetime.now(UTC),
    )


def display_filename(name: str) -> str:
    """The uploader's file name made safe to show and to offer back on download.

    Only the last path component survives, control and formatting characters
    (including right-to-left overrides that disguise an extension) are dropped,
    and leading dots go, so nothing hidden or path-like remains.
    """
    base = _PATH_SEPARATORS.split(name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    base = " ".join(base.split()).strip(" .")
    if len(base) > _MAX_FILENAME:
        _, dot, extension = base.rpartition(".")
        extension = f".{extension}" if dot and len(extension) <= 16 else ""
        base = base[: _MAX_FILENAME - len(extension)].rstrip(" .") + extension
    return base or "attachment"


class _Intake:
    """Checks a file while it streams: its type from the head, its size, its text, its hash."""

    def __init__(self, filename: str, declared_type: str | None, policy: AttachmentPolicy) -> None:
        self.filename = filename
        self.declared_type = declared_type
        self.policy = policy
        self.size = 0
        self._digest = hashlib.sha256()
        self._found: FileType | None = None
        self._text: TextCheck | None = None

    @property
    def found(self) -> FileType:
        """The type the content was identified as; known once the stream was read."""
        assert self._found is not None, "read the stream through checked() first"
        return self._found

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of everything streamed so far."""
        return self._digest.hexdigest()

    async def checked(self, stream: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        """Pass ``stream`` on, raising as soon as it breaks a rule."""
        chunks = aiter(stream)
        head = bytearray()
        # The type is decided on the head; nothing reaches storage before that.
        async for chunk in chunks:
            self._count(chunk)
            head += chunk
            if len(head) >= SNIFF_BYTES:
                break
        self._identify(bytes(head))
        yield self._checked(bytes(head))
        async for chunk in chunks:
            self._count(chunk)
            yield self._checked(chunk)
        if self._text is not None:
            try:
                self._text.finish()
            except RefusedContent as exc:
                raise UnacceptableFile(str(exc)) from None

    def _count(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.policy.max_bytes:
            raise AttachmentTooLarge(self.policy.max_bytes)

    def _identify(self, head: bytes) -> None:
        try:
            found = identify(head, filename=self.filename, declared_type=self.declared_type)
        except RefusedContent as exc:
            raise UnacceptableFile(str(exc)) from None
        if found.kind not in self.policy.allowed_kinds:
            raise UnacceptableFile(f"files of the kind {found.kind} are not accepted here")
        self._found = found
        self._text = TextCheck() if found.textual else None

    def _checked(self, chunk: bytes) -> bytes:
        if self._text is not None:
            try:
                self._text.feed(chunk)
            except RefusedContent as exc:
                raise UnacceptableFile(str(exc)) from None
        self._digest.update(chunk)
        return chunk


async def _find(case_key: str, attachment_id: str, part: str) -> dict[str, Any]:
    case_id = await find_case_id(case_key, part=part)
    try:
        wanted = UUID(attachment_id)
    except ValueError:
        raise NotFound("no such attachment") from None
    row: dict[str, Any] | None = (
        await Attachment.select()
        .where((Attachment.case_id == case_id) & (Attachment.id == wanted))
        .first()
    )
    if row is None:
        raise NotFound("no such attachment")
    return row


async def _content(policy: AttachmentPolicy, row: dict[str, Any]) -> AsyncIterator[bytes]:
    """The file's content as it streams out of storage, opened with the file's key.

    Files stored before content was sealed have no key, and are read as they are.
    """
    stored = await policy.storage.open(row["storage_key"])
    sealed_key = await AttachmentKey.select().where(AttachmentKey.id == row["id"]).first()
    opened_key = await opened_one("attachment_key", sealed_key)
    if opened_key is None:
        return stored
    return opened_chunks(base64.b64decode(opened_key["file_key"]), row["storage_key"], stored)


def _out(row: dict[str, Any]) -> AttachmentOut:
    return AttachmentOut(
        id=row["id"],
        case_id=row["case_id"],
        purpose=row["purpose"],
        filename=row["filename"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["sha256"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
    )
