"""How the core counts a deadline's days, without touching the database.

A deadline "N business days after receipt" ends with the N-th business day
after the day of receipt, the receipt day itself not counted (NHS reg 13, FCA
DISP 1.5): received Thursday 2 April 2026 in England, 3 business days later is
Thursday 9 April, because Good Friday and Easter Monday do not count.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from core.sdk import BusinessCalendar, add_calendar_days

Counting = Literal["business", "calendar"]


def due_after(
    received_at: datetime, days: int, counting: Counting, calendar: BusinessCalendar
) -> datetime:
    """The end (in the calendar's time zone) of the ``days``-th day after receipt, in UTC.

    ``counting`` says whether only the calendar's business days count or every day.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at needs a time zone")
    received = calendar.local_date(received_at)
    if counting == "business":
        last = calendar.add_business_days(received, days)
    else:
        last = add_calendar_days(received, days)
    return calendar.end_of_day(last).astimezone(UTC)


def describe(days: int, counting: Counting, calendar: BusinessCalendar) -> str:
    """How the deadline was counted, for people: "3 business days (GB-ENG) after receipt"."""
    if counting == "calendar":
        return f"{days} calendar days after the day of receipt"
    region = "-".join(p for p in (calendar.country, calendar.subdivision) if p)
    return f"{days} business days ({region}) after the day of receipt"
