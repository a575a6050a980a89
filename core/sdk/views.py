"""Read-only views of what hooks are given. They are copies: changing them changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from uuid import UUID

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TenantView:
    """The organisation a hook is called for, with every enabled plugin's settings."""

    id: UUID
    slug: str
    name: str
    timezone: str
    default_language: str
    sector: str | None = None
    plugin_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)

    def settings_for(self, plugin: str) -> Mapping[str, Any]:
        """The settings this tenant gave the plugin ``plugin`` (empty if none)."""
        return self.plugin_settings.get(plugin, _EMPTY)


@dataclass(frozen=True, slots=True)
class PartyView:
    """A person or body involved in a case. ``name`` is None for an anonymous party."""

    id: UUID
    role: str
    name: str | None
    anonymous: bool
    #: Staff id when the party is one of the tenant's own staff (e.g. the subject).
    staff_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class LevelView:
    """One level a case was decided at: the first answer (level 0) or an appeal (1, 2, ...)."""

    level: int
    #: When the level began: the complaint's receipt for level 0, the appeal's opening after.
    opened_at: datetime
    #: The appeal level's name, e.g. "BP-10 Regional appeal"; empty for level 0.
    name: str = ""
    #: When the decision of this level was reviewed and approved (None: not yet).
    reviewed_at: datetime | None = None
    #: When the written answer of this level was sent (None: not yet).
    answered_at: datetime | None = None
    #: The approved outcome of this level: upheld | partly_upheld | not_upheld.
    outcome: str | None = None
    #: When no answer in time was taken as a denial at this level (the due time passed),
    #: recorded when the next level was appealed to on that ground.
    deemed_denied_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """A deadline of a case as it stands: moved by holds and extensions, met or not."""

    kind: str
    due_at: datetime
    #: When it was met (None: not yet).
    met_at: datetime | None = None
    #: The level it belongs to (0: the first answer; n: appeal level n).
    level: int = 0
    #: The due time first set, when a hold or an extension moved it (None: never moved).
    original_due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as hooks see it."""

    id: UUID
    reference: str
    status: str
    channel: str
    subject: str
    description: str
    category: str | None
    severity: str
    confidentiality: str
    language: str
    received_at: datetime
    parties: tuple[PartyView, ...] = ()
    #: Values of the intake fields that plugins registered, by field name.
    fields: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    #: The appeal level the case is at (0: not appealed).
    appeal_level: int = 0
    #: When the written answer of level 0 (the final response) was first sent.
    answered_at: datetime | None = None
    #: When the case was closed (answered and closed, or withdrawn); None while open.
    closed_at: datetime | None = None
    #: The approved outcome of level 0: upheld | partly_upheld | not_upheld.
    outcome: str | None = None
    #: Every level the case has reached, level 0 first (its review, answer and outcome).
    levels: tuple[LevelView, ...] = ()
    #: The case's deadlines, soonest first.
    deadlines: tuple[DeadlineView, ...] = ()
    #: The names of the fields that hold a value, including sensitive ones a report view
    #: leaves out of ``fields`` (a count may need to know that one was recorded).
    recorded: frozenset[str] = frozenset()

    def deadline(self, kind: str) -> DeadlineView | None:
        """The case's deadline of ``kind``, if it has one."""
        return next((d for d in self.deadlines if d.kind == kind), None)


@dataclass(frozen=True, slots=True)
class IntakeSubmission:
    """A complaint about to be registered, for validation hooks."""

    channel: str
    subject: str
    description: str
    category: str | None
    severity: str
    language: str
    received_at: datetime
    fields: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
