"""What the quality review API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from core.text import text

Comment = Annotated[str, text(max_length=10_000)]
#: How far back a sample reaches: cases closed in the last 30, 90 or 365 days.
Period = Literal["30d", "90d", "365d"]
#: A criterion's score: 1 (poor) to 5 (excellent); null means "not applicable".
Score = Annotated[int, Meta(ge=1, le=5)] | None


class SampleIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Draw ``size`` closed cases of the period at random, for review."""

    size: Annotated[int, Meta(ge=1, le=50)] = 5
    period: Period = "90d"


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A scorecard: a score per criterion, an overall comment, comments for the handler.

    ``final`` closes it: a final scorecard is told to the handler and not changed again.
    A draft may leave criteria out; a final one scores each (null: not applicable).
    """

    scores: dict[str, Score] = msgspec.field(default_factory=dict)
    comment: Comment = ""
    handler_comment: Comment = ""
    final: bool = False


class ReviewOut(msgspec.Struct, kw_only=True):
    """A sampled case and its scorecard, as supervisors see it."""

    id: UUID
    case_id: UUID
    reference: str
    subject: str
    category: str | None
    received_at: datetime
    closed_at: datetime | None
    sampled_at: datetime
    sampled_by: str
    handler_staff_id: UUID | None
    handler_name: str | None
    reviewer_staff_id: UUID | None
    reviewer_name: str | None
    state: Literal["draft", "final"]
    scores: dict[str, int | None]
    comment: str
    handler_comment: str
    reviewed_at: datetime | None


class ReviewList(msgspec.Struct, kw_only=True):
    """Reviews, newest sample first."""

    items: list[ReviewOut]


class HandlerReviewOut(msgspec.Struct, kw_only=True):
    """A final scorecard of a case the reader handled: scores and the comments meant for them.

    The reviewer's overall comment is the supervisors' own record and is left out.
    """

    id: UUID
    case_id: UUID
    reference: str
    subject: str
    reviewer_name: str | None
    scores: dict[str, int | None]
    handler_comment: str
    reviewed_at: datetime | None


class HandlerReviewList(msgspec.Struct, kw_only=True):
    """The reader's own reviewed cases, newest review first."""

    items: list[HandlerReviewOut]
