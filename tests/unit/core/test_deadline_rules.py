"""The core's day counting: end of the N-th (business) day after the day of receipt."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.deadlines.rules import describe, due_after
from core.sdk import BusinessCalendar

LONDON = ZoneInfo("Europe/London")
ENGLAND = BusinessCalendar("GB", "ENG", timezone="Europe/London")


def end_of(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time.max, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("received", "days", "counting", "due"),
    [
        # NHS reg 13 worked example: Good Friday 3 Apr and Easter Monday 6 Apr do not count.
        ("2026-04-02T11:00", 3, "business", "2026-04-09"),
        # Received on a Friday: the weekend does not count.
        ("2026-11-20T16:30", 3, "business", "2026-11-25"),
        # Received on a Saturday: counting starts on Monday.
        ("2026-11-21T09:00", 1, "business", "2026-11-23"),
        # Over a month end and the August bank holiday (Monday 31 Aug).
        ("2026-08-28T10:00", 3, "business", "2026-09-03"),
        # Over Christmas Day and the Boxing Day substitute (Monday 28 Dec).
        ("2026-12-23T12:00", 3, "business", "2026-12-30"),
        # Over New Year's Day, into the next year.
        ("2026-12-30T12:00", 3, "business", "2027-01-05"),
        # Calendar days: eight weeks, over a month end.
        ("2026-01-31T10:00", 56, "calendar", "2026-03-28"),
        ("2026-08-28T10:00", 1, "calendar", "2026-08-29"),
    ],
)
def test_due_at_the_end_of_the_last_day(received: str, days: int, counting: str, due: str):
    received_at = datetime.fromisoformat(received).replace(tzinfo=LONDON)
    got = due_after(received_at, days, counting, ENGLAND)  # type: ignore[arg-type]
    assert got == end_of(due).astimezone(UTC)
    assert got.tzinfo == UTC


def test_the_day_of_receipt_is_the_local_one():
    # 23:30 UTC on Sunday 29 Mar is 00:30 on Monday 30 Mar in London (summer time).
    received_at = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    assert due_after(received_at, 1, "business", ENGLAND) == end_of("2026-03-31").astimezone(UTC)


def test_a_naive_receipt_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        due_after(datetime(2026, 4, 2, 11), 3, "business", ENGLAND)


def test_described_for_people():
    assert describe(3, "business", ENGLAND) == "3 business days (GB-ENG) after the day of receipt"
    assert describe(56, "calendar", ENGLAND) == "56 calendar days after the day of receipt"
