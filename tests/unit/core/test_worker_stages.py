"""Which stage of a deadline fires when: worked examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.worker.stages import plan

DUE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("now", "fired", "fires", "next_at"),
    [
        # Far off: nothing fires; look again at the 72-hour point.
        (DUE - 100 * H, [], None, DUE - 72 * H),
        (DUE - 72 * H, [], "reminder_72h", DUE - 24 * H),
        # Both reminders due at once: only the later one fires.
        (DUE - 10 * H, [], "reminder_24h", DUE),
        (DUE - 10 * H, ["reminder_72h"], "reminder_24h", DUE),
        (DUE - 10 * H, ["reminder_24h"], None, DUE),
        # Past due: the breach fires, superseding unfired reminders; then nothing is left.
        (DUE + H, [], "breach", None),
        (DUE + H, ["reminder_72h"], "breach", None),
        (DUE + H, ["breach"], None, None),
        # A reminder fired under an earlier policy still counts as reached.
        (DUE - 30 * H, ["reminder_48h"], None, DUE - 24 * H),
    ],
)
def test_plan(now: datetime, fired: list[str], fires: str | None, next_at: datetime | None):
    decided = plan(DUE, [24, 72], fired, now)

    assert (decided.fire.name if decided.fire else None) == fires
    assert decided.next_at == next_at
