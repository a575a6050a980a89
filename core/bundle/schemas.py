"""What an appeal bundle holds: the case as the appeal reviewer reads it.

The bundle is plain data, gathered in one tenant transaction and handed to the
renderer, so that rendering needs no database and can be tested on its own.
Anything that must not be shown (an anonymous complainant's identity, what the
bundle's audience may not see: ``core.bundle.audiences``) is left out before the
renderer ever sees it. The bundle has its own structs
rather than the API's: what an exported document contains, and what its content
hash covers, changes only when this module does.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec


class CaseHeader(msgspec.Struct, frozen=True, kw_only=True):
    """The facts on the title page."""

    id: UUID
    reference: str
    organisation: str
    subject: str
    category: str | None
    severity: str
    channel: str
    language: str
    confidentiality: str
    received_at: datetime
    status: str
    appeal_level: int
    closed_at: datetime | None


class PartyEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A party; an anonymous one has no name, e-mail or phone here at all."""

    role: str
    name: str | None
    email: str | None
    phone: str | None
    anonymous: bool


class ChronologyEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One audit event of the case, described in words."""

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    description: str


class LetterEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One item of correspondence, in or out."""

    direction: str
    channel: str
    occurred_at: datetime
    body: str


class TaskEntry(msgspec.Struct, frozen=True, kw_only=True):
    """An investigation task."""

    title: str
    owner_staff_id: UUID | None
    due_at: datetime | None
    done_at: datetime | None
    created_by: str


class RecordEntry(msgspec.Struct, frozen=True, kw_only=True):
    """An interview record, witness statement, note or evidence item."""

    kind: str
    title: str
    body: str
    person: str | None
    #: internal | shared (with the complainant)
    visibility: str
    sha256: str | None
    created_by: str
    created_at: datetime


class DecisionEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A proposed decision and its review."""

    level: int
    outcome: str
    redress: str
    actions: str
    root_cause: str
    measures: str
    state: str
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None


class AppealEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One level of appeal."""

    level: int
    reason: str
    opened_by: str
    opened_at: datetime
    due_at: datetime | None
    decided_at: datetime | None
    #: The level's name and source ("COMP1A appeal", the rule it comes from).
    name: str = ""
    citation: str = ""
    #: The role of the person who decides the level, and who did.
    handler_role: str = ""
    decided_by: str | None = None


class EvidenceEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One item of the evidence index: a stored file or an evidence record."""

    source: Literal["attachment", "evidence record"]
    title: str
    media_type: str | None
    size: int | None
    sha256: str
    received_at: datetime
    received_by: str


class AppealBundle(msgspec.Struct, frozen=True, kw_only=True):
    """The whole bundle of one case."""

    header: CaseHeader
    #: The tenant's time zone; every time in the PDF is shown in it.
    timezone: str
    parties: list[PartyEntry]
    chronology: list[ChronologyEntry]
    correspondence: list[LetterEntry]
    tasks: list[TaskEntry]
    records: list[RecordEntry]
    decisions: list[DecisionEntry]
    appeals: list[AppealEntry]
    evidence: list[EvidenceEntry]
    #: How the audit log's actors (``staff:<id>``) and task owners (``<id>``) are named.
    people: dict[str, str]
    generated_at: datetime
    #: Who the bundle is made for (``core.bundle.audiences``); part of its content hash.
    audience: str = "internal"


def content_sha256(bundle: AppealBundle) -> str:
    """The SHA-256 of the bundle's content: canonical JSON of everything but ``generated_at``.

    The PDF cannot carry its own hash; this one lets a reader check the content
    against a re-export of the same case, whenever it was made.
    """
    content = msgspec.to_builtins(bundle)
    del content["generated_at"]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
