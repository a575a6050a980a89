"""What a case report holds: counts of cases by each of their facts, and the total."""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec

#: Who a report is made for: the organisation itself, or its regulator (aggregates only).
ReportAudience = Literal["internal", "regulator"]
#: The facts of a case the report counts by, in the order it lists them.
DIMENSIONS = ("status", "category", "severity", "channel", "confidentiality")


class Count(msgspec.Struct, frozen=True, kw_only=True):
    """How many cases have one value of a fact (``value`` None: a case without a category).

    ``count`` is None where the regulator's report suppresses it (``suppressed``).
    """

    value: str | None
    count: int | None
    suppressed: bool = False


class CaseReport(msgspec.Struct, frozen=True, kw_only=True):
    """Cases received in a period, counted by status, category, severity, channel and level.

    Only cases the caller may see are counted (``core.access``). Each list adds up
    to ``total``; a value no case has is left out.
    """

    organisation: str
    audience: ReportAudience
    #: The period, both days included, in the organisation's time zone.
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    timezone: str
    total: Count
    status: list[Count]
    category: list[Count]
    severity: list[Count]
    channel: list[Count]
    confidentiality: list[Count]
    #: How small counts were suppressed; None when nothing is (the internal report).
    suppression: str | None = None


class ReportDueOut(msgspec.Struct, frozen=True, kw_only=True):
    """When a report is due for one period."""

    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    due_on: date
    label: str


class ReportInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A report the tenant can run: the core's counts, or one of its plugins' returns."""

    code: str
    title: str
    description: str
    #: ``core``, or the plugin that produces it.
    source: str
    citation: str
    formats: list[str]
    #: The coming periods it is due for, soonest first (regulators' returns).
    due: list[ReportDueOut]


class TableReport(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin's report for a period: a table, with the notes that say how it was counted."""

    code: str
    title: str
    source: str
    organisation: str
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    timezone: str
    columns: list[str]
    rows: list[list[str | int | float | bool | None]]
    notes: list[str]
