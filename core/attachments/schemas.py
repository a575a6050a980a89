"""What crosses the attachment API boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

Purpose = Literal["attachment", "evidence"]


class AttachmentOut(msgspec.Struct, kw_only=True):
    """One file on a case and its chain-of-custody record; the storage key stays inside."""

    id: UUID
    case_id: UUID
    purpose: Purpose
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class AttachmentList(msgspec.Struct, kw_only=True):
    """The files on a case, oldest first."""

    items: list[AttachmentOut]


class Verification(msgspec.Struct, kw_only=True):
    """The outcome of recomputing a stored file's SHA-256 against its record."""

    attachment_id: UUID
    #: True only if the file is there and both its hash and its size match the record.
    intact: bool
    expected_sha256: str
    #: None when the file is gone from storage.
    actual_sha256: str | None
    expected_size: int
    actual_size: int | None
    checked_at: datetime
