"""Routing tables (tenant-scoped): teams, their members, rules and the decisions made.

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class Team(TenantScoped, Table, tablename="team"):
    """A queue of cases and the people who work it."""

    id = UUID(primary_key=True, default=None)
    name = Varchar(length=100)
    #: round_robin | least_loaded
    assignment = Varchar(length=20, default="round_robin")
    #: Where a case lands when no rule and no plugin routes it.
    is_default = Boolean(default=False)
    #: Round-robin cursor: the member given the last case.
    last_assigned_staff_id = UUID(null=True, default=None)
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())


class TeamMember(TenantScoped, Table, tablename="team_member"):
    """A staff member's place in a team: a member who takes cases, or a supervisor."""

    id = UUID(primary_key=True, default=None)
    team_id = UUID(default=None)
    staff_id = UUID(default=None)
    #: member | supervisor
    role = Varchar(length=20)
    absent = Boolean(default=False)


class RoutingRule(TenantScoped, Table, tablename="routing_rule"):
    """A tenant admin's rule: cases matching ``conditions`` go to ``team_id``."""

    id = UUID(primary_key=True, default=None)
    position = Integer()
    name = Varchar(length=200)
    conditions = JSONB(default="{}")
    team_id = UUID(default=None)
    assignee_staff_id = UUID(null=True, default=None)
    active = Boolean(default=True)
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())


class RoutingDecision(TenantScoped, Table, tablename="routing_decision"):
    """Why a case went to the team and person it went to."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: A rule's id, ``plugin:<name>``, ``default`` or ``staff``.
    source = Varchar(length=200)
    rule_id = UUID(null=True, default=None)
    team_id = UUID(null=True, default=None)
    assignee_staff_id = UUID(null=True, default=None)
    reason = Text()
    decided_by = Varchar(length=200)
    decided_at = Timestamptz(default=TimestamptzNow())
