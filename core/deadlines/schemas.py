"""What crosses the deadline API boundary, in and out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from core.cases.schemas import DeadlineOut
from core.text import text


class ExtensionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A later due time for a deadline, and why it is granted."""

    #: The new due time; needs a time zone and must lie after the current one.
    due_at: datetime
    reason: Annotated[str, text(min_length=1, max_length=2000)]


class ExtensionOut(msgspec.Struct, kw_only=True):
    """An extension granted for a deadline."""

    id: UUID
    previous_due_at: datetime
    due_at: datetime
    reason: str
    granted_by: str
    granted_at: datetime


class PauseOut(msgspec.Struct, kw_only=True):
    """A time the case was on hold and its pausable deadlines' clocks stood still."""

    id: UUID
    reason: str
    started_at: datetime
    started_by: str
    ended_at: datetime | None
    ended_by: str | None


class DeadlineDetail(DeadlineOut, kw_only=True):
    """A deadline with the extensions granted for it, oldest first."""

    extensions: list[ExtensionOut] = msgspec.field(default_factory=list)


class CaseDeadlines(msgspec.Struct, kw_only=True):
    """A case's deadlines, soonest first, and the clock stops they went through."""

    deadlines: list[DeadlineDetail]
    pauses: list[PauseOut]
