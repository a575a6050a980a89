"""The time deadline code reads, so that tests can stop it and move it on.

Deadlines are about days passing: a test of a 5-day clock stop cannot wait five
days. Code that counts deadlines asks ``now()``; tests wrap what they do in
``frozen(at)`` and call ``advance(delta)`` to let time pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

# Module state rather than a context variable: the app under test runs its requests in
# tasks of its own, and all of them must see the time the test set.
_fixed: datetime | None = None


def now() -> datetime:
    """The current time, in UTC, with its time zone; the frozen time inside ``frozen``."""
    return _fixed if _fixed is not None else datetime.now(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Stop the clock at ``at`` (which needs a time zone) until the block ends."""
    global _fixed
    if at.tzinfo is None:
        raise ValueError("a frozen time needs a time zone")
    before, _fixed = _fixed, at.astimezone(UTC)
    try:
        yield
    finally:
        _fixed = before


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock on by ``delta``; return the new time."""
    global _fixed
    if _fixed is None:
        raise RuntimeError("only a frozen clock can be moved; use frozen() first")
    _fixed += delta
    return _fixed
