"""Healthcare complaint time limits, counted without touching a case.

England, the Local Authority Social Services and National Health Service
Complaints (England) Regulations 2009 (SI 2009/309):

- reg. 12: a complaint is made within 12 months of the event or, if later, of
  when it came to the complainant's notice; a later one needs the body's
  decision to accept it;
- reg. 13: acknowledged not later than 3 working days after the day of receipt;
- reg. 14: answered within 6 months beginning on the day of receipt, or a longer
  period agreed before then.

A "working day" is not a Saturday, a Sunday, Christmas Day, Good Friday or an
English bank holiday; receipt days are London days.

US, counted in calendar days in the tenant's time zone, ending at the end of the
last day (moved to the next business day only where the tenant asks for it):

- 42 CFR 422.564 (Medicare Advantage) and 423.564 (Part D): a grievance is filed
  within 60 days of the event and decided within 30 days of receipt (extendable
  by up to 14); an expedited grievance is answered within 24 hours;
- 45 CFR 164.528(c): a request for an accounting of disclosures is acted on
  within 60 days of receipt, extendable once by up to 30.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.sdk import BusinessCalendar, add_calendar_days, add_months, require_zone

#: NHS "working days": England's, with its bank holidays, Good Friday and Christmas Day.
ENGLAND_WORKING_DAYS = BusinessCalendar("GB", "ENG", timezone="Europe/London")
LONDON = ZoneInfo("Europe/London")

ACKNOWLEDGEMENT_WORKING_DAYS = 3
RESPONSE_MONTHS = 6
TIME_LIMIT_MONTHS = 12

GRIEVANCE_FILING_DAYS = 60
GRIEVANCE_RESPONSE_DAYS = 30
GRIEVANCE_EXTENSION_DAYS = 14
EXPEDITED_HOURS = 24
ACCOUNTING_RESPONSE_DAYS = 60
ACCOUNTING_EXTENSION_DAYS = 30


def london_date(moment: datetime) -> date:
    """The date of ``moment`` in London, where the NHS regulations' days are counted."""
    require_zone(moment)
    return moment.astimezone(LONDON).date()


# -- England ---------------------------------------------------------------------------------


def acknowledgement_due(received_at: datetime) -> datetime:
    """The end of the 3rd working day after the day of receipt (SI 2009/309 reg. 13).

    The day of receipt is not counted, whatever day it is: a complaint received
    on Thursday 2 April 2026 is acknowledged by the end of Thursday 9 April
    (Good Friday and Easter Monday are not working days).
    """
    received = london_date(received_at)
    last = ENGLAND_WORKING_DAYS.add_business_days(received, ACKNOWLEDGEMENT_WORKING_DAYS)
    return ENGLAND_WORKING_DAYS.end_of_day(last)


def response_period_ends(received: date) -> date:
    """The last day of the 6 months beginning on the day of receipt (SI 2009/309 reg. 14).

    A period beginning on 5 January ends on 4 July: the day before the
    corresponding day 6 months on. Where the later month has no corresponding day
    (6 months beginning on 31 August), the period runs to that month's end.
    """
    corresponding = add_months(received, RESPONSE_MONTHS)
    if corresponding.day != received.day:
        # add_months clamped to the month's end: there is no day before to stop on.
        return corresponding
    return corresponding - timedelta(days=1)


def response_due(received_at: datetime) -> datetime:
    """The end of the 6-month response period, London time: received 5 January -> end of 4 July."""
    return ENGLAND_WORKING_DAYS.end_of_day(response_period_ends(london_date(received_at)))


def complaint_time_limit(event: date | None, aware: date | None) -> date | None:
    """The last day to complain: 12 months after the event or, if later, the awareness.

    SI 2009/309 reg. 12(1): event 10 March 2025, noticed 1 June 2025 -> 1 June
    2026. None when neither date is known. A day missing from the later month
    clamps to its end (29 February -> 28 February).
    """
    known = [day for day in (event, aware) if day is not None]
    if not known:
        return None
    return add_months(max(known), TIME_LIMIT_MONTHS)


# -- US ----------------------------------------------------------------------------------------


def us_calendar(timezone: str) -> BusinessCalendar:
    """US federal business days in the tenant's time zone, for the roll-forward option."""
    return BusinessCalendar("US", timezone=timezone)


def days_after_receipt(
    received_at: datetime, days: int, calendar: BusinessCalendar, *, roll_forward: bool = False
) -> datetime:
    """The end of the day ``days`` calendar days after the (local) day of receipt.

    With ``roll_forward``, a last day that is a weekend day or a federal holiday
    moves to the next business day; federal rules themselves do not move it.
    """
    require_zone(received_at)
    last = add_calendar_days(calendar.local_date(received_at), days)
    if roll_forward:
        last = calendar.roll_forward(last)
    return calendar.end_of_day(last)


def grievance_response_due(
    received_at: datetime, timezone: str, *, roll_forward: bool = False
) -> datetime:
    """30 days after receipt (42 CFR 422.564(e), 423.564(e)): 6 March 2026 -> end of 5 April."""
    return days_after_receipt(
        received_at, GRIEVANCE_RESPONSE_DAYS, us_calendar(timezone), roll_forward=roll_forward
    )


def expedited_response_due(received_at: datetime) -> datetime:
    """24 hours after receipt, to the minute (42 CFR 422.564(f), 423.564(f))."""
    require_zone(received_at)
    return received_at + timedelta(hours=EXPEDITED_HOURS)


def filing_window_ends(event: date) -> date:
    """The last day to file a grievance: 60 days after the event (42 CFR 422.564(d)).

    Event 10 January 2026 -> file by 11 March 2026.
    """
    return add_calendar_days(event, GRIEVANCE_FILING_DAYS)


def accounting_due(received_at: datetime, timezone: str, *, roll_forward: bool = False) -> datetime:
    """60 days after receipt of the request (45 CFR 164.528(c)(1)): 2 February -> end of 3 April."""
    return days_after_receipt(
        received_at, ACCOUNTING_RESPONSE_DAYS, us_calendar(timezone), roll_forward=roll_forward
    )


def extended(due_at: datetime, days: int, timezone: str) -> datetime:
    """The end of the day ``days`` days after the local day ``due_at`` falls on.

    The longest extension a rule allows, for people choosing the date they give
    the core's extension: a grievance due 5 April 2026 extended by 14 days ->
    end of 19 April; an accounting due 3 April by 30 days -> end of 3 May.
    """
    require_zone(due_at, "due_at")
    calendar = us_calendar(timezone)
    return calendar.end_of_day(add_calendar_days(calendar.local_date(due_at), days))
