"""The plugin's time limits, counted without touching a case.

England, London time; working days are England and Wales working days (not a
Saturday, Sunday, Christmas Day, Good Friday or bank holiday):

- Safeguarding Code, "Responding": refer a concern to the police or social care,
  and to the safeguarding officer, "within one working day". Read as: by the end
  of the next working day after the day of the disclosure (the day itself is not
  counted), as the NHS and prison rules count their working days.
- A religious community tells the Diocesan Safeguarding Adviser "within 24 hours
  excluding weekends and bank holidays": 24 hours counted only on working days,
  so Friday 15:00 -> Monday 15:00, and with a bank-holiday Monday -> Tuesday 15:00.
  Clocks change on a Sunday, never a working day, so wall-clock hours are exact.
- Immediate danger: the police are called without delay. The plugin pages at once
  (a risk flag) and gives the call one hour (elapsed) as a deadline, after which
  the case's supervisors are paged again.
- Clergy Discipline Measure 2003 s.9(1): a complaint within "one year beginning
  with" the misconduct (or the last of a series): misconduct on 15 March 2025 ->
  by 14 March 2026. A year beginning with 29 February ends on 28 February.

Anywhere: calendar days in the organisation's time zone, ending at the end of the
last day (Vos estis lux mundi's 30 and 90 days).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.sdk import BusinessCalendar, add_calendar_days, add_months, require_zone

#: England and Wales working days (they share their bank holidays), London time.
ENGLAND = BusinessCalendar("GB", "ENG", timezone="Europe/London")
LONDON = ZoneInfo("Europe/London")

REFERRAL_WORKING_DAYS = 1
COMMUNITY_WORKING_HOURS = 24
POLICE_CONTACT_HOURS = 1
COMPLAINT_LIMIT_MONTHS = 12


def london_date(moment: datetime) -> date:
    """The date of ``moment`` in London, where the English rules' days are counted."""
    require_zone(moment)
    return moment.astimezone(LONDON).date()


def end_of_receipt_day(received_at: datetime) -> datetime:
    """The end of the London day the concern was received on."""
    return ENGLAND.end_of_day(london_date(received_at))


def referral_due(received_at: datetime) -> datetime:
    """The end of the next working day after the day of disclosure (London).

    Thursday 2 April 2026 -> end of Tuesday 7 April (Good Friday 3 April and
    Easter Monday 6 April are not working days); a Saturday -> end of Monday.
    """
    last = ENGLAND.add_business_days(london_date(received_at), REFERRAL_WORKING_DAYS)
    return ENGLAND.end_of_day(last)


def working_hours_after(received_at: datetime, hours: int = COMMUNITY_WORKING_HOURS) -> datetime:
    """``hours`` hours after receipt, counting only the hours of working days (London).

    Friday 6 March 2026 15:00 -> Monday 9 March 15:00; Friday 1 May 15:00 -> Tuesday
    5 May 15:00 (4 May is a bank holiday). Received on a weekend or a bank holiday,
    the count starts at the beginning of the next working day.
    """
    require_zone(received_at)
    local = received_at.astimezone(LONDON).replace(tzinfo=None)
    if not ENGLAND.is_business_day(local.date()):
        local = datetime.combine(ENGLAND.next_business_day(local.date()), time.min)
    left = timedelta(hours=hours)
    while True:
        midnight = datetime.combine(local.date() + timedelta(days=1), time.min)
        if local + left <= midnight:
            return (local + left).replace(tzinfo=LONDON)
        left -= midnight - local
        local = datetime.combine(ENGLAND.next_business_day(local.date()), time.min)


def police_contact_due(received_at: datetime) -> datetime:
    """One elapsed hour after receipt: when the call to the police should be on record."""
    require_zone(received_at)
    return received_at.astimezone(UTC) + timedelta(hours=POLICE_CONTACT_HOURS)


def complaint_limit(misconduct: date) -> date:
    """The last day of the year beginning with ``misconduct`` (CDM 2003 s.9(1)).

    15 March 2025 -> 14 March 2026; 29 February 2024 -> 28 February 2025 (the year
    has no 29 February to end the day before).
    """
    anniversary = add_months(misconduct, COMPLAINT_LIMIT_MONTHS)
    if anniversary.day != misconduct.day:
        return anniversary
    return anniversary - timedelta(days=1)


def days_after_receipt(received_at: datetime, days: int, timezone: str) -> datetime:
    """The end of the day ``days`` calendar days after the (local) day of receipt."""
    require_zone(received_at)
    zone = ZoneInfo(timezone)
    last = add_calendar_days(received_at.astimezone(zone).date(), days)
    return datetime.combine(last, time.max, tzinfo=zone)
