"""UK insurance complaint time limits (FCA DISP), counted without touching a case.

DISP 1.5: a complaint resolved by close of business on the 3rd business day
after the day of receipt may be closed with a summary resolution communication.
DISP 1.6.2R: otherwise a final response by the end of 8 weeks after receipt.
DISP 2.8.2R: the complainant may refer to the Financial Ombudsman Service within
6 months of the final response, and no later than 6 years after the event or,
if later, 3 years after they became aware of it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.sdk import BusinessCalendar, add_months, add_weeks, require_zone

#: FCA "business day": not a weekend or a bank holiday in England and Wales.
ENGLAND_AND_WALES = BusinessCalendar("GB", "ENG", timezone="Europe/London")
LONDON = ZoneInfo("Europe/London")
CLOSE_OF_BUSINESS = time(17, 0)
SRC_BUSINESS_DAYS = 3
FINAL_RESPONSE_WEEKS = 8
FOS_REFERRAL_MONTHS = 6
FOS_EVENT_YEARS = 6
FOS_AWARENESS_YEARS = 3


def counted_receipt_day(
    received_at: datetime, calendar: BusinessCalendar, out_of_hours: bool
) -> date:
    """The day receipt is counted from, in the calendar's time zone.

    With ``out_of_hours`` on, a complaint arriving from close of business onwards,
    or on a non-business day, counts as received on the next business day.
    """
    require_zone(received_at)
    local = received_at.astimezone(calendar.zone)
    day = local.date()
    if not out_of_hours:
        return day
    if not calendar.is_business_day(day) or local.time() >= CLOSE_OF_BUSINESS:
        return calendar.next_business_day(day)
    return day


def src_due(received_at: datetime, calendar: BusinessCalendar, out_of_hours: bool) -> datetime:
    """Close of business on the 3rd business day after the day of receipt (DISP 1.5)."""
    received = counted_receipt_day(received_at, calendar, out_of_hours)
    last = calendar.add_business_days(received, SRC_BUSINESS_DAYS)
    return calendar.close_of_business(last, CLOSE_OF_BUSINESS)


def final_response_due(received_at: datetime) -> datetime:
    """The end of the day 8 weeks after the day of receipt, London time (DISP 1.6.2R)."""
    require_zone(received_at)
    received = received_at.astimezone(LONDON).date()
    return ENGLAND_AND_WALES.end_of_day(add_weeks(received, FINAL_RESPONSE_WEEKS))


def fos_referral_by(final_response_date: date) -> date:
    """The last day to refer to the ombudsman: 6 months after the final response (DISP 2.8.2R).

    A day missing from the later month clamps to its end: 31 August -> 28 February.
    """
    return add_months(final_response_date, FOS_REFERRAL_MONTHS)


def fos_referral_due(answered_at: datetime) -> datetime:
    """The end of the last London day to refer to the ombudsman after the written answer.

    The six months of DISP 2.8.2R run from the final response or the summary
    resolution communication, whichever the case was answered with.
    """
    require_zone(answered_at, "answered_at")
    answered = answered_at.astimezone(LONDON).date()
    return ENGLAND_AND_WALES.end_of_day(fos_referral_by(answered))


def fos_outer_limit_ok(event: date, aware: date | None, complained: date) -> bool:
    """Whether a complaint is within DISP 2.8.2R's outer limit.

    In time unless made more than 6 years after the event and, when the
    complainant learnt of it later (``aware``), more than 3 years after that.
    """
    limit = add_months(event, 12 * FOS_EVENT_YEARS)
    if aware is not None:
        limit = max(limit, add_months(aware, 12 * FOS_AWARENESS_YEARS))
    return complained <= limit
