"""Prison grievance time limits, counted without touching a case.

US, counted in calendar days in the tenant's time zone, ending at the end of the
last day (moved to the next business day only where the tenant asks for it):

- 28 CFR 115.52(d) (PREA): the final agency decision on a grievance alleging
  sexual abuse within 90 days of its filing; time the inmate spends preparing an
  administrative appeal is not counted; up to 70 days more with written notice;
- 28 CFR 115.52(f)(2) (PREA emergency grievance, substantial risk of imminent
  sexual abuse): an initial response within 48 hours, a final agency decision
  within 5 calendar days;
- 28 CFR 542.14(a), 542.18 (Federal Bureau of Prisons administrative remedy):
  a Request (BP-9) is filed within 20 calendar days of the event and answered
  by the Warden within 20 calendar days of being logged, once extendable by 20.

England and Wales, Prisoner Complaints Policy Framework: a COMP1 (or COMP2) is
answered within 5 working days (England and Wales: weekends, Good Friday,
Christmas Day and bank holidays do not count; London days); the Prisons and
Probation Ombudsman takes a complaint within 3 months of the final reply, or
after 6 weeks without one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.sdk import BusinessCalendar, add_calendar_days, add_months, require_zone

#: England and Wales working days (they share their bank holidays), London time.
ENGLAND_AND_WALES = BusinessCalendar("GB", "ENG", timezone="Europe/London")
LONDON = ZoneInfo("Europe/London")

PREA_DECISION_DAYS = 90
PREA_EXTENSION_DAYS = 70
EMERGENCY_INITIAL_HOURS = 48
EMERGENCY_DECISION_DAYS = 5
BOP_FILING_DAYS = 20
BOP_RESPONSE_DAYS = 20
BOP_EXTENSION_DAYS = 20
#: Marked (verify) in the sector rules; a tenant may set another number.
REPLY_WORKING_DAYS = 5
OMBUDSMAN_MONTHS = 3
#: The Ombudsman also takes a complaint the prison has not finally answered in 6 weeks.
OMBUDSMAN_NO_REPLY_WEEKS = 6


def us_calendar(timezone: str) -> BusinessCalendar:
    """US federal business days in the tenant's time zone, for the roll-forward option."""
    return BusinessCalendar("US", timezone=timezone)


def local_date(moment: datetime, timezone: str) -> date:
    """The date of ``moment`` in ``timezone``, where the US rules' days are counted."""
    require_zone(moment)
    return moment.astimezone(ZoneInfo(timezone)).date()


def days_after_receipt(
    received_at: datetime, days: int, timezone: str, *, roll_forward: bool = False
) -> datetime:
    """The end of the day ``days`` calendar days after the (local) day of receipt.

    With ``roll_forward``, a last day that is a weekend day or a federal holiday
    moves to the next business day; the federal rules themselves do not move it.
    """
    calendar = us_calendar(timezone)
    last = add_calendar_days(local_date(received_at, timezone), days)
    if roll_forward:
        last = calendar.roll_forward(last)
    return calendar.end_of_day(last)


# -- PREA --------------------------------------------------------------------------------------


def prea_decision_due(
    received_at: datetime, timezone: str, *, roll_forward: bool = False
) -> datetime:
    """90 days after filing (28 CFR 115.52(d)(1)): filed 15 January 2026 -> end of 15 April.

    The time the inmate spends preparing an appeal is not counted (115.52(d)(2)):
    the core adds it when staff put the case on hold for it and resume.
    """
    return days_after_receipt(received_at, PREA_DECISION_DAYS, timezone, roll_forward=roll_forward)


def emergency_initial_response_due(received_at: datetime) -> datetime:
    """48 hours after receipt, to the minute (115.52(f)(2)): 6 March 14:00 -> 8 March 14:00."""
    require_zone(received_at)
    # Elapsed hours: added in UTC, so a change of clocks between does not shift them.
    return received_at.astimezone(UTC) + timedelta(hours=EMERGENCY_INITIAL_HOURS)


def emergency_decision_due(received_at: datetime, timezone: str) -> datetime:
    """The end of the 5th calendar day after receipt (28 CFR 115.52(f)(2)): 6 March -> 11 March.

    Never rolled forward: an emergency does not wait for a business day.
    """
    return days_after_receipt(received_at, EMERGENCY_DECISION_DAYS, timezone)


# -- Federal Bureau of Prisons -----------------------------------------------------------------


def bop_response_due(
    received_at: datetime, timezone: str, *, roll_forward: bool = False
) -> datetime:
    """The Warden's answer to a Request (BP-9), 20 days after it is logged (28 CFR 542.18)."""
    return days_after_receipt(received_at, BOP_RESPONSE_DAYS, timezone, roll_forward=roll_forward)


def bop_filing_window_ends(incident: date) -> date:
    """The last day to file a Request (BP-9): 20 calendar days after the event (542.14(a))."""
    return add_calendar_days(incident, BOP_FILING_DAYS)


# -- England and Wales -------------------------------------------------------------------------


def london_date(moment: datetime, name: str = "received_at") -> date:
    """The date of ``moment`` in London, where the framework's working days are counted."""
    require_zone(moment, name)
    return moment.astimezone(LONDON).date()


def reply_due(received_at: datetime, working_days: int = REPLY_WORKING_DAYS) -> datetime:
    """The end of the ``working_days``-th working day after the day of receipt (London).

    The day of receipt is not counted: a COMP1 received on Thursday 2 April 2026 is
    answered by the end of Monday 13 April (Good Friday 3 April and Easter Monday 6
    April are not working days).
    """
    last = ENGLAND_AND_WALES.add_business_days(london_date(received_at), working_days)
    return ENGLAND_AND_WALES.end_of_day(last)


def ombudsman_window_ends(replied_at: datetime) -> datetime:
    """The end of the London day 3 months after the final reply (month ends clamp).

    Final reply 20 April 2026 -> end of 20 July 2026; 30 November 2026 -> end of
    28 February 2027.
    """
    replied = london_date(replied_at, "replied_at")
    return ENGLAND_AND_WALES.end_of_day(add_months(replied, OMBUDSMAN_MONTHS))


def ombudsman_without_reply_from(received_at: datetime) -> datetime:
    """When the prisoner may go to the Ombudsman without a final reply: 6 weeks after receipt.

    The end of that London day: received 2 April 2026 -> end of 14 May 2026.
    """
    received = london_date(received_at)
    return ENGLAND_AND_WALES.end_of_day(received + timedelta(weeks=OMBUDSMAN_NO_REPLY_WEEKS))
