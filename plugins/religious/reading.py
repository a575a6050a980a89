"""How the religious bodies' reports read a case: what both the statistics and the drafts count.

A report sees a case as the core gives it, with no names and no narrative, and
reads it in the tenant's time zone: the day a case was received, the diocese,
province or region recorded (as written, spaces trimmed), the victim group (one
the plugin knows, or not known), the known abuse types recorded (each once),
the accused's role, whether a field holds a value even when a sensitive field's
value is withheld (only that it holds one is seen), the date a referral field
holds, and how the statutory referral stands against the case's
``statutory_referral`` deadline.

The field names and deadline kinds are the rules' own (``intake.py``,
``safeguarding.py``); the labels below are the reports'.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.sdk import CaseView
from plugins.religious.intake import (
    ABUSE_TYPE,
    ACCUSED_ROLE,
    DIOCESE,
    REFERRED_STATUTORY_ON,
    VICTIM_GROUP,
)
from plugins.religious.safeguarding import STATUTORY_REFERRAL

# The codes are the rules' (intake.py's choices, taxonomy.py's abuse types); the labels are
# the reports' own, shorter than the forms' ("A child (under 18)", "Emotional or psychological").
VICTIM_GROUPS = {
    "child": "Child",
    "vulnerable_adult": "Vulnerable adult",
    "adult": "Adult",
    "not_known": "Not known",
}
ABUSE_TYPES = {
    "physical": "Physical",
    "sexual": "Sexual",
    "emotional": "Emotional",
    "neglect": "Neglect",
    "spiritual": "Spiritual",
    "domestic": "Domestic",
    "financial": "Financial",
    "online": "Online",
    "other": "Other",
}
ACCUSED_ROLES = {
    "clergy": "Clergy",
    "religious": "Member of a religious community",
    "lay_minister": "Lay minister",
    "employee": "Employee",
    "volunteer": "Volunteer",
    "other": "Other",
}
NOT_RECORDED_LABEL = "Not recorded"


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The date of ``moment`` in ``zone``."""
    return moment.astimezone(zone).date()


def received_in(case: CaseView, start: date, end: date, zone: ZoneInfo) -> bool:
    """Whether ``case`` was received from ``start`` to ``end`` (both included) in ``zone``."""
    return start <= local_day(case.received_at, zone) <= end


def diocese(case: CaseView) -> str | None:
    """The diocese, province or region recorded, spaces trimmed; None when there is none."""
    value = case.fields.get(DIOCESE)
    return value.strip() if isinstance(value, str) and value.strip() else None


def victim_group(case: CaseView) -> str:
    """The victim group recorded; "not_known" for none or a code the plugin does not know."""
    value = case.fields.get(VICTIM_GROUP)
    return value if isinstance(value, str) and value in VICTIM_GROUPS else "not_known"


def abuse_types(case: CaseView) -> list[str]:
    """The known abuse types recorded, each once, in the order recorded."""
    value = case.fields.get(ABUSE_TYPE)
    values = value if isinstance(value, list | tuple) else [value]
    found: list[str] = []
    for code in values:
        if isinstance(code, str) and code in ABUSE_TYPES and code not in found:
            found.append(code)
    return found


def accused_role(case: CaseView) -> str | None:
    """The accused's role recorded; None for none or a code the plugin does not know."""
    value = case.fields.get(ACCUSED_ROLE)
    return value if isinstance(value, str) and value in ACCUSED_ROLES else None


def is_recorded(case: CaseView, name: str) -> bool:
    """Whether field ``name`` holds a value, even one the report's view leaves out."""
    return name in case.recorded or case.fields.get(name) not in (None, "")


def recorded_date(case: CaseView, name: str) -> date | None:
    """The date field ``name`` holds (a date or an ISO string); None when it holds none."""
    value = case.fields.get(name)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def referred_by(case: CaseView, name: str, end: date) -> bool:
    """Whether the referral field ``name`` is recorded and dated by ``end`` (or not a date)."""
    if not is_recorded(case, name):
        return False
    day = recorded_date(case, name)
    return day is None or day <= end


IN_TIME, LATE, TIMING_NOT_KNOWN = "in_time", "late", "not_known"


def referral_timing(case: CaseView, zone: ZoneInfo) -> str:
    """The statutory referral against the case's ``statutory_referral`` deadline as it stands.

    The referral's date (the day it was made, however late it was recorded) on or
    before the due time's day in ``zone`` is in time; without a date, a deadline
    marked met at or before its ``due_at`` is. Without that deadline, or with
    neither to compare, the timing is not known.
    """
    deadline = case.deadline(STATUTORY_REFERRAL)
    if deadline is None:
        return TIMING_NOT_KNOWN
    referred_on = recorded_date(case, REFERRED_STATUTORY_ON)
    if referred_on is not None:  # the day it was made, even if recorded days later
        return IN_TIME if referred_on <= local_day(deadline.due_at, zone) else LATE
    if deadline.met_at is not None:
        return IN_TIME if deadline.met_at <= deadline.due_at else LATE
    return TIMING_NOT_KNOWN
