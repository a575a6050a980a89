from datetime import UTC, datetime, timedelta, timezone

import pytest

from core import clock


def test_a_frozen_clock_stands_still_and_moves_only_when_told():
    at = datetime(2026, 8, 28, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    with clock.frozen(at):
        assert clock.now() == at
        assert clock.now().tzinfo == UTC
        assert clock.advance(timedelta(days=5)) == at + timedelta(days=5)
        assert clock.now() == at + timedelta(days=5)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_only_a_frozen_clock_moves():
    with pytest.raises(RuntimeError):
        clock.advance(timedelta(days=1))
    with pytest.raises(ValueError, match="time zone"):
        clock.frozen(datetime(2026, 1, 1)).__enter__()
