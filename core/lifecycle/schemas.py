"""What the lifecycle API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from core.text import line, text

Outcome = Literal["upheld", "partly_upheld", "not_upheld"]
Text = Annotated[str, text(max_length=20_000)]
Title = Annotated[str, line(min_length=1, max_length=200)]
EmailText = Annotated[str, line(max_length=320)]


#: The letters a case's first answer can go out as.
AnswerLetter = Literal["final_response", "summary_resolution"]


class ActionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The details an action needs; which are required depends on the action."""

    reason: Text | None = None
    comment: Text | None = None
    #: The written answer (respond).
    response: Text | None = None
    #: The proposed decision (propose_decision).
    outcome: Outcome | None = None
    redress: Text = ""
    actions: Text = ""
    root_cause: Text = ""
    measures: Text = ""
    #: Who decides the appeal level being opened (open_appeal); else anyone in its role.
    handler_email: EmailText | None = None
    #: Codes of required content that no phrase can show, which the sender vouches the
    #: letter meets (respond); see ``core.letters.requirements``.
    vouched: list[Annotated[str, line(min_length=1, max_length=100)]] = msgspec.field(
        default_factory=list
    )
    #: The letter the answer goes out as (respond): the final response, or, for a
    #: complaint resolved within days, a summary resolution (FCA DISP 1.5).
    letter: AnswerLetter | None = None


class ResponseDraftIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A written answer to see as the letter it would become, before sending it."""

    response: Text
    vouched: list[Annotated[str, line(min_length=1, max_length=100)]] = msgspec.field(
        default_factory=list
    )
    #: As for respond: the final response (default) or a summary resolution.
    letter: AnswerLetter | None = None


class RequirementOut(msgspec.Struct, kw_only=True):
    """Something the tenant's plugins require the letter to say, and whether it does."""

    plugin: str
    code: str
    description: str
    phrases: list[str]
    met: bool
    vouched: bool


class ResponseDraftOut(msgspec.Struct, kw_only=True):
    """The letter as it would be sent, and what it still lacks."""

    kind: str
    language: str
    subject: str
    body: str
    requirements: list[RequirementOut]
    ready: bool


class HoldingSent(msgspec.Struct, kw_only=True):
    """A holding response that went out, and the deadlines it met."""

    case_id: UUID
    #: email, or letter (recorded for the post)
    channel: str
    sent_at: datetime
    deadlines_met: list[str]


class TaskIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A task to add to a case."""

    title: Title
    owner_email: EmailText | None = None
    due_at: datetime | None = None


class RecordIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An interview record, witness statement, note or evidence item."""

    kind: Literal["interview", "statement", "note", "evidence"]
    title: Title
    body: Text = ""
    person: Annotated[str, line(max_length=200)] | None = None
    visibility: Literal["internal", "shared"] = "internal"
    sha256: Annotated[str, Meta(pattern="^[0-9a-f]{64}$")] | None = None


class CorrespondenceIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A letter, call or visit about a case that reached staff or that staff made."""

    direction: Literal["inbound", "outbound"]
    channel: Literal["phone", "letter", "in_person", "email", "web", "kiosk", "api"]
    body: Annotated[str, text(min_length=1, max_length=50_000)]
    #: When it happened; defaults to now. Needs a time zone.
    occurred_at: datetime | None = None


class SurveyIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A complainant's satisfaction with the handling of a closed case."""

    score: Annotated[int, Meta(ge=1, le=5)]
    comment: Annotated[str, text(max_length=5_000)] = ""


class NextAppeal(msgspec.Struct, kw_only=True):
    """The level the complainant may appeal to now, and until when."""

    level: int
    name: str
    #: The end of the window (None: nothing was sent to count it from yet).
    window_closes_at: datetime | None
    #: Set when the appeal is open because no answer came in time: that counts as a
    #: denial at the current level from this due time (e.g. 28 CFR 542.18).
    deemed_denial_at: datetime | None = None


class CaseState(msgspec.Struct, kw_only=True):
    """Where a case stands after an action."""

    id: UUID
    reference: str
    status: str
    appeal_level: int
    version: int
    allowed_actions: list[str]
    #: Set while an appeal may be opened and a level is left.
    next_appeal: NextAppeal | None = None


class TaskOut(msgspec.Struct, kw_only=True):
    """A task."""

    id: UUID
    title: str
    owner_staff_id: UUID | None
    due_at: datetime | None
    done_at: datetime | None
    created_by: str


class RecordOut(msgspec.Struct, kw_only=True):
    """An investigation record."""

    id: UUID
    kind: str
    title: str
    body: str
    person: str | None
    visibility: str
    sha256: str | None
    created_by: str
    created_at: datetime


class DecisionOut(msgspec.Struct, kw_only=True):
    """A proposed decision and its review."""

    id: UUID
    level: int
    outcome: str
    redress: str
    actions: str
    root_cause: str
    measures: str
    state: str
    proposed_by: str
    reviewed_by: str | None
    review_comment: str | None


class AppealOut(msgspec.Struct, kw_only=True):
    """One appeal level."""

    level: int
    name: str
    citation: str
    reason: str
    opened_by: str
    opened_at: datetime
    handler_role: str
    handler_staff_id: UUID | None
    due_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None


class AppealLevelOut(msgspec.Struct, kw_only=True):
    """A level of the appeal ladder the case follows."""

    level: int
    name: str
    window_days: int
    response_days: int
    counting: str
    handler_role: str
    citation: str


class CaseFile(msgspec.Struct, kw_only=True):
    """The investigation file of a case."""

    state: CaseState
    tasks: list[TaskOut]
    records: list[RecordOut]
    decisions: list[DecisionOut]
    appeals: list[AppealOut]
    #: The levels of appeal open to this case, in order.
    appeal_ladder: list[AppealLevelOut]
    survey_score: int | None
