"""What the plugin's reports share: the period asked for, dates as people read them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """``day`` as people read it: "1 April 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def report_period(parameters: Mapping[str, object]) -> tuple[date, date]:
    """The first and last day a report covers, from ``parameters`` "from" and "to".

    Dates, or ISO strings (YYYY-MM-DD); anything else, or a period that ends
    before it starts, raises ``ValueError`` saying so.
    """
    days = []
    for name in ("from", "to"):
        value = parameters.get(name)
        if isinstance(value, datetime):
            raise ValueError(f"{name!r} must be a date, not a moment")
        if isinstance(value, date):
            days.append(value)
        elif isinstance(value, str):
            try:
                days.append(date.fromisoformat(value))
            except ValueError:
                raise ValueError(f"{name!r} must be a date like 2026-04-01") from None
        else:
            raise ValueError(f"the report needs {name!r}, a date")
    start, end = days
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    return start, end


def label_of(labels: Mapping[str, str], value: object) -> str:
    """What a recorded code says; a code the plugin does not know is printed as recorded."""
    if value is None or value == "":
        return ""
    return labels.get(str(value), str(value))
