"""What crosses the routing API boundary: teams, rules, decisions, assignments.

Input structs refuse unknown fields, so a misspelt condition is an error and
never a rule that silently matches everything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from core.cases.schemas import Category, Channel, Email, Language, Severity, Subject
from core.text import line, text

Assignment = Literal["round_robin", "least_loaded"]
TeamName = Annotated[str, line(min_length=1, max_length=100)]
Keyword = Annotated[str, line(min_length=1, max_length=100)]
FlagCode = Annotated[str, line(min_length=1, max_length=100)]
Reason = Annotated[str, line(min_length=1, max_length=2000)]
Emails = Annotated[list[Email], Meta(max_length=200)]


class TeamIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new team; members and supervisors are named by their e-mail address."""

    name: TeamName
    assignment: Assignment = "round_robin"
    is_default: bool = False
    members: Emails = msgspec.field(default_factory=list)
    supervisors: Emails = msgspec.field(default_factory=list)


class TeamChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Changes to a team; a list given replaces the old one, a field left out stays."""

    name: TeamName | None = None
    assignment: Assignment | None = None
    is_default: bool | None = None
    members: Emails | None = None
    supervisors: Emails | None = None
    #: Members away (leave, sickness); they keep their place but get no new cases.
    absent: Emails | None = None


class TeamMemberOut(msgspec.Struct, kw_only=True):
    """A member or supervisor of a team."""

    staff_id: UUID
    email: str
    absent: bool


class TeamOut(msgspec.Struct, kw_only=True):
    """A team as its administrators see it."""

    id: UUID
    name: str
    assignment: str
    is_default: bool
    members: list[TeamMemberOut]
    supervisors: list[TeamMemberOut]


class Conditions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """What a case must have for a rule to match: each list given must match, any item of it."""

    categories: Annotated[list[Category], Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )
    channels: list[Channel] = msgspec.field(default_factory=list)
    severities: list[Severity] = msgspec.field(default_factory=list)
    languages: Annotated[list[Language], Meta(max_length=50)] = msgspec.field(default_factory=list)
    #: Found in the subject or the first description, ignoring case.
    keywords: Annotated[list[Keyword], Meta(max_length=100)] = msgspec.field(default_factory=list)
    #: Codes of flags the case carries (risk flags plugins raised).
    flags: Annotated[list[FlagCode], Meta(max_length=50)] = msgspec.field(default_factory=list)


class RuleIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A routing rule; it goes last unless ``position`` (1-based) says where."""

    name: Annotated[str, line(min_length=1, max_length=200)]
    team: TeamName
    conditions: Conditions = msgspec.field(default_factory=Conditions)
    assignee_email: Email | None = None
    active: bool = True
    position: Annotated[int, Meta(ge=1, le=10_000)] | None = None


class RuleChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Changes to a rule; a field left out stays as it is."""

    name: Annotated[str, line(min_length=1, max_length=200)] | None = None
    team: TeamName | None = None
    conditions: Conditions | None = None
    assignee_email: Email | None = None
    #: Set true to route to the team alone again, without a fixed assignee.
    clear_assignee: bool = False
    active: bool | None = None


class RuleOrder(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Every rule's id, in the order they are to be tried."""

    rule_ids: Annotated[list[UUID], Meta(min_length=1, max_length=10_000)]


class RuleOut(msgspec.Struct, kw_only=True):
    """A routing rule as the tenant admin sees it."""

    id: UUID
    position: int
    name: str
    team: str
    conditions: Conditions
    assignee_email: str | None
    active: bool


class DecisionOut(msgspec.Struct, kw_only=True):
    """One routing decision on a case: where it went, by what, and why."""

    id: UUID
    source: str
    rule_id: UUID | None
    team: str | None
    assignee_email: str | None
    reason: str
    decided_by: str
    decided_at: datetime


class AssignIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Give a case to a person, to a team's queue, or both."""

    staff_email: Email | None = None
    team: TeamName | None = None


class RouteTestIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A complaint as it might arrive, to see where routing would send it."""

    subject: Subject
    description: Annotated[str, text(max_length=50_000)] = ""
    category: Category | None = None
    channel: Channel = "web"
    severity: Severity = "normal"
    language: Language = "en"
    #: Codes of risk flags to suppose the case carries.
    flags: Annotated[list[FlagCode], Meta(max_length=50)] = msgspec.field(default_factory=list)


class RuleVerdict(msgspec.Struct, kw_only=True):
    """One rule tried against the complaint: whether it matched, and what it did not meet."""

    rule_id: UUID
    position: int
    name: str
    team: str
    matched: bool
    #: Names of the conditions not met (fields of ``Conditions``).
    unmet: list[str]


class RouteTestOut(msgspec.Struct, kw_only=True):
    """Where routing would send the complaint and why; nothing is registered or written."""

    #: ``rule``, ``plugin:<name>`` or ``default``.
    source: str
    rule_id: UUID | None
    team: str | None
    assignee_email: str | None
    assignee_name: str | None
    #: How the person was found: ``named`` by the rule or plugin, the team's mode
    #: (``round_robin``, ``least_loaded``), or ``nobody`` (the case would wait in the queue).
    assignment: str
    reason: str
    #: The active rules in the order they are tried, up to and including the one that matched.
    rules: list[RuleVerdict]
    #: Plugins that failed to answer while routing was tried.
    plugin_failures: list[str]
