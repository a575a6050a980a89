"""What plugin reports share: the period asked for, dates as people read them, summed counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, fields
from datetime import date, datetime
from typing import Any, Self, cast

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
    before it starts, raises ``ValueError`` saying so (a hook turns it into the
    output's ``problem``).
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


class Counts:
    """Adds itself up: a dataclass of whole numbers, one per column of a report's row.

    Subclass it as ``@dataclass(frozen=True, slots=True) class Tally(Counts): opened: int = 0``;
    ``a + b`` adds field by field, ``counts()`` gives the numbers in column order and
    ``columns()`` their names.
    """

    __slots__ = ()

    def __add__(self, other: Self) -> Self:
        summed = (a + b for a, b in zip(self.counts(), other.counts(), strict=True))
        return type(self)(*summed)

    def counts(self) -> tuple[int, ...]:
        """The numbers in column order."""
        return tuple(astuple(cast(Any, self)))

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """The names of the counted columns, in order."""
        return tuple(f.name for f in fields(cast(Any, cls)))
