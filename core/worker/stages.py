"""When a deadline's reminders and breach fire: pure rules, no database.

A deadline has stages in a fixed order: one reminder per policy hour, longest
first (``reminder_72h``, ``reminder_24h``), then ``breach`` at ``due_at``. Stages
fire in that order and each at most once per due time: a deadline that moves (an
extension, a clock stop) starts a new round. When a worker finds several stages
due at once (a deadline set close to its due time, or workers that were down),
only the latest fires: a 72-hour reminder is no use once the 24-hour one is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

BREACH = "breach"


@dataclass(frozen=True, slots=True)
class Stage:
    """One point at which a deadline fires."""

    name: str
    #: Hours before due (0 for the breach); orders the stages.
    hours: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with a deadline now: the stage to fire (if any) and when to look next."""

    fire: Stage | None
    #: None: nothing is left to fire, the deadline needs no timer.
    next_at: datetime | None


def reminder_stage(hours: int) -> str:
    """The stage name of the reminder ``hours`` before due."""
    return f"reminder_{hours}h"


def stages(due_at: datetime, reminder_hours: Iterable[int]) -> list[Stage]:
    """The deadline's stages in firing order."""
    reminders = sorted({h for h in reminder_hours if h > 0}, reverse=True)
    return [
        *(Stage(reminder_stage(h), h, due_at - timedelta(hours=h)) for h in reminders),
        Stage(BREACH, 0, due_at),
    ]


def plan(
    due_at: datetime, reminder_hours: Sequence[int], fired: Iterable[str], now: datetime
) -> Plan:
    """Decide what fires at ``now``, given the stages that already ``fired``."""
    fired_hours = [_hours(name) for name in fired]
    # Only stages after the furthest one fired are left, even if the policy changed since.
    floor = min(fired_hours, default=None)
    left = [s for s in stages(due_at, reminder_hours) if floor is None or s.hours < floor]
    come = [s for s in left if s.at <= now]
    later = [s for s in left if s.at > now]
    return Plan(fire=come[-1] if come else None, next_at=later[0].at if later else None)


def _hours(stage: str) -> int:
    if stage == BREACH:
        return 0
    return int(stage.removeprefix("reminder_").removesuffix("h"))
