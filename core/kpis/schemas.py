"""What the KPI API gives: figures per person and per team, and what a supervisor watches."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

#: The periods KPIs are taken over: the last 30, 90 or 365 days.
Period = Literal["30d", "90d", "365d"]


class Kpi(msgspec.Struct, kw_only=True):
    """The figures of one person, one team, or everyone, over the period.

    Times are in hours; shares in 0..1; None where nothing was there to measure.
    """

    #: The person's or team's id; None for "unassigned", "no team", or the total.
    id: UUID | None
    name: str | None
    received: int
    acknowledged: int
    median_hours_to_acknowledge: float | None
    closed: int
    median_hours_to_close: float | None
    #: Deadlines that fell due or were met in the period, and how many were met on time.
    deadlines: int
    deadlines_met_on_time: int
    on_time_share: float | None
    #: Decisions approved in the period, and how many upheld the complaint (fully or partly).
    decisions: int
    upheld: int
    upheld_rate: float | None
    surveys: int
    mean_satisfaction: float | None


class KpiReport(msgspec.Struct, kw_only=True):
    """KPIs of the cases the caller may see, over ``period`` up to ``until``."""

    period: Period
    since: datetime
    until: datetime
    team: UUID | None
    people: list[Kpi]
    teams: list[Kpi]
    total: Kpi


class DeadlineWatch(msgspec.Struct, kw_only=True):
    """An open deadline past due (``breached``) or due soon, and its case."""

    case_id: UUID
    reference: str
    subject: str
    kind: str
    label: str
    due_at: datetime
    breached: bool
    assignee_staff_id: UUID | None
    assignee_name: str | None


class Escalation(msgspec.Struct, kw_only=True):
    """A case escalated, or carrying an open risk flag: who escalated it, to whom, and why."""

    case_id: UUID
    reference: str
    subject: str
    status: str
    escalated_to_staff_id: UUID | None
    escalated_to_name: str | None
    escalation_reason: str | None
    #: The audit log's actor of the latest escalation, and when.
    escalated_by: str | None
    escalated_at: datetime | None
    risks: list[str]


class Workload(msgspec.Struct, kw_only=True):
    """One person's open cases: how many, how many breached or due soon, the oldest's age."""

    staff_id: UUID | None
    name: str | None
    open: int
    breached: int
    due_soon: int
    oldest_received_at: datetime
    oldest_days: int


class Overview(msgspec.Struct, kw_only=True):
    """What needs a supervisor now, among the cases the caller may see."""

    at: datetime
    #: Open cases with a deadline breached, with one due soon (and none breached), and
    #: escalated or risk-flagged; the lists below show the most urgent, up to a limit.
    breached: int
    due_soon: int
    escalated: int
    deadlines: list[DeadlineWatch]
    escalations: list[Escalation]
    workload: list[Workload]
