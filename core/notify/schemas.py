"""What leaves the notification API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class NotificationOut(msgspec.Struct, kw_only=True):
    """One in-app notice, as its recipient sees it."""

    id: UUID
    kind: str
    case_id: UUID | None
    subject: str
    body: str
    #: Path of the case in the app, e.g. ``/cases/INS-2026-000123``.
    link: str | None
    urgent: bool
    created_at: datetime
    read_at: datetime | None


class NotificationList(msgspec.Struct, kw_only=True):
    """The signed-in person's notices, unread first, and how many are unread."""

    items: list[NotificationOut]
    unread: int


class ReadAll(msgspec.Struct, kw_only=True):
    """How many notices ``read-all`` marked read."""

    marked: int
