"""A reminder says the time really left, whichever stage fires it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.worker.deadlines import time_left


@pytest.mark.parametrize(
    ("left", "words"),
    [
        (timedelta(seconds=10), "1 minute"),
        (timedelta(minutes=40), "40 minutes"),
        (timedelta(minutes=59, seconds=40), "1 hour"),
        (timedelta(hours=9, minutes=59), "10 hours"),
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(hours=72), "3 days"),
    ],
)
def test_the_time_left_is_said_in_minutes_hours_or_days(left: timedelta, words: str) -> None:
    assert time_left(left) == words
