"""What crosses the case API boundary, in and out.

Input structs refuse unknown fields so that a misspelt field is an error, not
silently dropped data. Output structs are the only shape a case leaves in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from core.text import line, text

Channel = Literal["web", "email", "phone", "letter", "in_person", "kiosk", "api"]
Severity = Literal["low", "normal", "high", "critical"]
Confidentiality = Literal["standard", "restricted", "sealed"]
PartyRole = Literal["complainant", "representative", "subject", "witness"]

EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]{1,255}\.[^@\s\x00-\x1f\x7f]{2,}$"

Subject = Annotated[str, line(min_length=1, max_length=200)]
Narrative = Annotated[str, text(min_length=1, max_length=50_000)]
Category = Annotated[str, line(min_length=1, max_length=100)]
Language = Annotated[str, Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
Name = Annotated[str, line(min_length=1, max_length=200)]
Email = Annotated[str, Meta(max_length=320, pattern=EMAIL_PATTERN)]
Phone = Annotated[str, Meta(min_length=3, max_length=40, pattern=r"^[0-9+()./ -]+$")]


class PersonIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A complainant as they describe themselves; every field may be left out."""

    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    #: Staff are not told who the complainant is: no name, contacts kept only if given.
    anonymous: bool = False
    #: Staff know the complainant by a pseudonym; the identity is kept in escrow
    #: (``core.escrow``) and revealed only on an approved request.
    protected: bool = False


class OtherPartyIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Someone else in a complaint: a representative, a subject, a witness."""

    role: Literal["representative", "subject", "witness"]
    name: Name
    email: Email | None = None
    phone: Phone | None = None


class NewCase(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A complaint to register."""

    subject: Subject
    description: Narrative
    channel: Channel = "api"
    #: When the complaint reached the organisation; defaults to now. Needs a time zone.
    received_at: datetime | None = None
    complainant: PersonIn | None = None
    category: Category | None = None
    severity: Severity = "normal"
    language: Language | None = None
    #: Values for the intake fields the tenant's plugins add to the form.
    fields: dict[str, Any] = msgspec.field(default_factory=dict)
    #: Representative, subjects of the complaint, witnesses.
    parties: Annotated[list[OtherPartyIn], Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    #: How it arrived, in the words of whoever entered it ("letter dated 20 Nov, post room").
    arrival_note: Annotated[str, line(max_length=500)] | None = None


class CaseChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Triage changes; ``version`` is the one the client last read."""

    version: int
    subject: Subject | None = None
    category: Category | None = None
    severity: Severity | None = None
    #: Raised by anyone who triages; lowered only by a supervisor, never below what the
    #: case's plugins require.
    confidentiality: Confidentiality | None = None
    #: Values of the plugins' fields to set (null or "" clears one); the others stay.
    #: Includes the fields staff record while handling a case, e.g. redress paid.
    fields: Annotated[dict[str, Any], Meta(max_length=50)] | None = None


class BreakGlass(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Why someone opens a case they may not otherwise see."""

    reason: str


class BreakGlassGranted(msgspec.Struct, kw_only=True):
    """Until when the break-glass access lasts."""

    case_id: UUID
    until: datetime


class PartyOut(msgspec.Struct, kw_only=True):
    """A party to a case."""

    id: UUID
    role: PartyRole
    name: str | None
    email: str | None
    phone: str | None
    anonymous: bool
    #: Identity in escrow: ``name`` is the pseudonym, and there are no contacts.
    protected: bool = False
    pseudonym: str | None = None


class CorrespondenceOut(msgspec.Struct, kw_only=True):
    """One item of correspondence."""

    id: UUID
    direction: Literal["inbound", "outbound", "internal"]
    channel: str
    body: str
    occurred_at: datetime


class DeadlineOut(msgspec.Struct, kw_only=True):
    """A deadline of a case."""

    kind: str
    label: str
    due_at: datetime
    source: str
    citation: str
    counting: str
    met_at: datetime | None
    #: Whether putting the case on hold stops this deadline's clock.
    pausable: bool = True
    #: The due time first set, once a clock stop or an extension has moved ``due_at``.
    original_due_at: datetime | None = None
    #: Since when the clock stands still (the case is on hold); ``due_at`` moves on resume.
    paused_since: datetime | None = None
    #: False for a window that is shown but never chased: no reminder, no breach.
    watched: bool = True
    #: Kinds of letter that meet it when one goes out before it is due
    #: (e.g. ``holding_response``).
    met_by: list[str] = msgspec.field(default_factory=list)
    #: Fields of the case whose recording meets it (e.g. the day a referral was made).
    met_by_fields: list[str] = msgspec.field(default_factory=list)
    #: Passing it unmet counts as a denial at its level: the next level may be appealed to.
    deemed_denial: bool = False
    #: The most days in all, and the most times, it may be extended (None: no limit).
    max_extension_days: int | None = None
    max_extensions: int | None = None


class FlagOut(msgspec.Struct, kw_only=True):
    """Something staff must see on a case."""

    id: UUID
    kind: Literal["risk", "plugin_failure"]
    source: str
    code: str
    message: str
    urgency: Literal["page", "notice"]
    raised_at: datetime


class CaseLinkOut(msgspec.Struct, kw_only=True):
    """Another case this one is linked to, and how."""

    case_id: UUID
    reference: str
    #: possible_duplicate_of: this case repeats the other; possible_duplicate_by: the
    #: other repeats this one; related.
    relation: Literal["possible_duplicate_of", "possible_duplicate_by", "related"]
    similarity: float | None


class CaseSummary(msgspec.Struct, kw_only=True):
    """A case as a list shows it."""

    id: UUID
    reference: str
    status: str
    channel: str
    subject: str
    category: str | None
    severity: str
    received_at: datetime
    updated_at: datetime
    version: int
    #: The team whose queue the case is in and the member handling it (see core.routing).
    team_id: UUID | None = None
    assignee_staff_id: UUID | None = None


class CaseDetail(CaseSummary, kw_only=True):
    """A case with its parties and correspondence."""

    confidentiality: str
    language: str
    created_at: datetime
    #: Who put the complaint in (staff:<id>, mail, public, api-key:<id>) and how it arrived.
    entered_by: str
    arrival_note: str | None
    parties: list[PartyOut]
    #: The supervisor the case was last escalated to, and the reason given.
    escalated_to_staff_id: UUID | None = None
    escalation_reason: str | None = None
    correspondence: list[CorrespondenceOut]
    fields: dict[str, Any]
    deadlines: list[DeadlineOut]
    flags: list[FlagOut]
    links: list[CaseLinkOut]
    #: Kept at least this many days after closing, whatever the tenant's period, and why
    #: (a plugin's rule); ``kept_for_good``: never purged.
    retention_floor_days: int | None = None
    kept_for_good: bool = False
    retention_reason: str | None = None


class CasePage(msgspec.Struct, kw_only=True):
    """One page of a case list, newest first; pass ``next`` back as ``before``."""

    items: list[CaseSummary]
    next: str | None
