"""Business-day arithmetic on the ``holidays`` library, in a tenant's time zone.

Regulators count differently: "business days" skipping weekends and public
holidays of a region, calendar days, weeks, months clamped to the month's end.
These helpers do the counting; the rule of which to use stays with the plugin.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days of one region: weekdays that are not public holidays there.

    ``country`` and ``subdivision`` are the ``holidays`` library's codes, e.g.
    ``BusinessCalendar("GB", "ENG")`` for England, ``BusinessCalendar("US")``.
    """

    country: str
    subdivision: str | None = None
    timezone: str = "UTC"
    weekend: frozenset[int] = field(default=frozenset({5, 6}))

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays(self.country, subdiv=self.subdivision)

    @property
    def zone(self) -> ZoneInfo:
        """The time zone local dates are taken in."""
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is neither a weekend day nor a public holiday."""
        return day.weekday() not in self.weekend and day not in self._holidays

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on ``day``, if there is one."""
        name = self._holidays.get(day)
        return str(name) if name else None

    def local_date(self, moment: datetime) -> date:
        """The date of ``moment`` in the calendar's time zone."""
        return moment.astimezone(self.zone).date()

    def next_business_day(self, day: date) -> date:
        """The first business day after ``day``."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        for _ in range(count):
            day = self.next_business_day(day)
        return day

    def roll_forward(self, day: date) -> date:
        """``day`` if it is a business day, else the next one."""
        return day if self.is_business_day(day) else self.next_business_day(day)

    def end_of_day(self, day: date) -> datetime:
        """The last moment of ``day`` in the calendar's time zone (23:59:59.999999)."""
        return datetime.combine(day, time.max, tzinfo=self.zone)

    def close_of_business(self, day: date, closing: time = time(17, 0)) -> datetime:
        """Close of business on ``day`` in the calendar's time zone."""
        return datetime.combine(day, closing, tzinfo=self.zone)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to a shorter month's end (31 Aug + 6 -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_weeks(day: date, weeks: int) -> date:
    """The date ``weeks`` weeks after ``day``."""
    return day + timedelta(weeks=weeks)


def add_calendar_days(day: date, days: int) -> date:
    """The date ``days`` calendar days after ``day``."""
    return day + timedelta(days=days)


def require_zone(moment: datetime, name: str = "received_at") -> None:
    """Refuse a time without a time zone: a rule counts its days where the organisation is."""
    if moment.tzinfo is None:
        raise ValueError(f"{name} needs a time zone")
