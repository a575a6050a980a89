"""Investigation, decisions, appeals and surveys of a case (tenant-scoped)."""

from __future__ import annotations

from piccolo.columns import UUID, Array, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class CaseTask(TenantScoped, Table, tablename="case_task"):
    """A piece of investigation work with an owner and a due date."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    title = Varchar(length=200)
    owner_staff_id = UUID(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    created_by = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())


class CaseRecord(TenantScoped, Table, tablename="case_record"):
    """An interview record, witness statement, internal note or evidence item."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: interview | statement | note | evidence
    kind = Varchar(length=20)
    title = Varchar(length=200)
    #: Body and the person interviewed are sealed (``core.crypto.keyring``).
    body = Text(default="")
    person = Text(null=True, default=None)
    #: internal | shared
    visibility = Varchar(length=10, default="internal")
    sha256 = Varchar(length=64, null=True, default=None)
    created_by = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())


class CaseDecision(TenantScoped, Table, tablename="case_decision"):
    """An outcome proposed for a case (or one appeal level of it) and its review."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    level = Integer(default=0)
    #: upheld | partly_upheld | not_upheld
    outcome = Varchar(length=20)
    redress = Text(default="")
    actions = Text(default="")
    root_cause = Text(default="")
    measures = Text(default="")
    #: proposed | returned | approved | deemed (no answer in time, taken as a denial)
    state = Varchar(length=10, default="proposed")
    proposed_by = Varchar(length=200)
    proposed_at = Timestamptz(default=TimestamptzNow())
    reviewed_by = Varchar(length=200, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    review_comment = Text(null=True, default=None)


class CaseAppeal(TenantScoped, Table, tablename="case_appeal"):
    """One level of appeal against a case's decision."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    level = Integer()
    reason = Text()
    opened_by = Varchar(length=200)
    opened_at = Timestamptz(default=TimestamptzNow())
    handler_staff_id = UUID(null=True, default=None)
    due_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    #: The level's name and source, e.g. "COMP1A appeal", "Prisoner Complaints Policy Framework".
    name = Varchar(length=200, default="")
    citation = Varchar(length=200, default="")
    #: The role whose holder decides this level.
    handler_role = Varchar(length=40, default="supervisor")
    decided_by = Varchar(length=200, null=True, default=None)


class CaseSurvey(TenantScoped, Table, tablename="case_survey"):
    """The complainant's satisfaction with how a closed case was handled; one per case."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    score = Integer()
    comment = Text(default="")
    answered_at = Timestamptz(default=TimestamptzNow())


class CasePolicy(TenantScoped, Table, tablename="case_policy"):
    """How a tenant handles its cases; one row per tenant, defaults until an admin edits it."""

    id = UUID(primary_key=True, default=None)
    approval_required = Boolean(default=True)
    auto_acknowledge = Boolean(default=False)
    duplicate_window_hours = Integer(default=72)
    appeal_levels = Integer(default=2)
    appeal_window_days = Integer(default=60)
    appeal_response_days = Integer(default=56)
    acknowledgement_days = Integer(default=3)
    acknowledgement_counting = Varchar(length=10, default="business")
    response_days = Integer(default=56)
    response_counting = Varchar(length=10, default="calendar")
    holiday_country = Varchar(length=2, default="GB")
    holiday_subdivision = Varchar(length=10, default="ENG")
    #: Hours before due at which staff are reminded of a deadline.
    reminder_hours = Array(base_column=Integer(), default=[72, 24])
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())
