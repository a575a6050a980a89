"""How a tenant handles its cases: approval, acknowledgement, duplicates, appeals, deadlines.

One row per tenant; until a tenant admin changes something, the defaults below
apply and no row exists. The appeal ladder comes from the tenant's plugins when
one of them sets it (``querela_appeal_levels_for_case``), else from this policy; so
do the acknowledgement and final-response deadlines (``core.deadlines``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

import holidays
import msgspec
from msgspec import Meta

from core.audit import services as audit
from core.deadlines.rules import Counting
from core.errors import InvalidInput
from core.ids import uuid7
from core.lifecycle.tables import CasePolicy
from core.sdk import AppealLevel, BusinessCalendar, add_calendar_days
from core.tenancy.context import current_tenant, transaction_memo

#: Hours before due at which deadline reminders fire, in any order.
ReminderHours = Annotated[list[Annotated[int, Meta(ge=1, le=720)]], Meta(max_length=5)]


class Policy(msgspec.Struct, kw_only=True):
    """The tenant's case-handling policy."""

    #: A proposed decision needs a reviewer's approval before the response goes out.
    approval_required: bool = True
    #: Every new complaint is acknowledged at once from the tenant's template.
    auto_acknowledge: bool = False
    #: How far back a new complaint is compared with the same sender's others (0: never).
    duplicate_window_hours: int = 72
    #: The appeal ladder when no plugin sets one: how many levels, window, deadline.
    appeal_levels: int = 2
    appeal_window_days: int = 60
    appeal_response_days: int = 56
    #: The core's own deadlines, unless a plugin sets one of the same kind.
    acknowledgement_days: int = 3
    acknowledgement_counting: Counting = "business"
    response_days: int = 56
    response_counting: Counting = "calendar"
    #: Whose public holidays business days skip (the ``holidays`` library's codes; "" for none).
    holiday_country: str = "GB"
    holiday_subdivision: str = "ENG"
    #: Hours before a deadline is due at which the worker reminds staff of it.
    reminder_hours: list[int] = msgspec.field(default_factory=lambda: [72, 24])


class PolicyChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The parts of the policy to change; the rest stays as it is."""

    approval_required: bool | None = None
    auto_acknowledge: bool | None = None
    duplicate_window_hours: Annotated[int, Meta(ge=0, le=2160)] | None = None
    appeal_levels: Annotated[int, Meta(ge=0, le=5)] | None = None
    appeal_window_days: Annotated[int, Meta(ge=1, le=3650)] | None = None
    appeal_response_days: Annotated[int, Meta(ge=1, le=3650)] | None = None
    acknowledgement_days: Annotated[int, Meta(ge=1, le=365)] | None = None
    acknowledgement_counting: Counting | None = None
    response_days: Annotated[int, Meta(ge=1, le=3650)] | None = None
    response_counting: Counting | None = None
    holiday_country: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")] | None = None
    holiday_subdivision: Annotated[str, Meta(pattern=r"^[A-Z0-9]{0,10}$")] | None = None
    #: At most 720: the worker starts watching a deadline 720 hours before it is due.
    reminder_hours: ReminderHours | None = None


_FIELDS = tuple(Policy.__struct_fields__)
_MEMO_KEY = "policy"


async def current_policy() -> Policy:
    """The current tenant's policy (the defaults when it never changed any).

    Read once per transaction: a registration consults it at several steps.
    """
    memo = transaction_memo()
    if _MEMO_KEY in memo:
        policy: Policy = memo[_MEMO_KEY]
        return policy
    row = await CasePolicy.select(*(getattr(CasePolicy, f) for f in _FIELDS)).first()
    policy = Policy(**row) if row else Policy()
    memo[_MEMO_KEY] = policy
    return policy


async def update_policy(changes: PolicyChanges, *, actor: str) -> Policy:
    """Change the named parts of the policy and audit what changed, from what to what."""
    wanted = {f: getattr(changes, f) for f in _FIELDS if getattr(changes, f) is not None}
    if not wanted:
        raise InvalidInput("body", "names nothing to change")
    before = await current_policy()
    after = msgspec.structs.replace(before, **wanted)
    _check_holidays(after)
    tenant = current_tenant()
    await CasePolicy.raw(
        f"""
        INSERT INTO case_policy (tenant_id, id, {", ".join(_FIELDS)}, updated_by, updated_at)
        VALUES ({{}}, {{}}, {", ".join("{}" for _ in _FIELDS)}, {{}}, now())
        ON CONFLICT (tenant_id) DO UPDATE SET
            {", ".join(f"{f} = EXCLUDED.{f}" for f in _FIELDS)},
            updated_by = EXCLUDED.updated_by, updated_at = now()
        """,
        tenant.id,
        uuid7(),
        *(getattr(after, f) for f in _FIELDS),
        actor,
    )
    changed = {
        f: {"from": getattr(before, f), "to": getattr(after, f)}
        for f in _FIELDS
        if getattr(before, f) != getattr(after, f)
    }
    transaction_memo()[_MEMO_KEY] = after
    await audit.record("policy.updated", actor=actor, detail={"changed": changed})
    return after


def holiday_calendar(policy: Policy, timezone: str) -> BusinessCalendar:
    """The business days the tenant's own deadlines count, in the tenant's time zone."""
    return BusinessCalendar(
        policy.holiday_country, policy.holiday_subdivision or None, timezone=timezone
    )


def _check_holidays(policy: Policy) -> None:
    try:
        holidays.country_holidays(policy.holiday_country, subdiv=policy.holiday_subdivision or None)
    except NotImplementedError:
        field = "holiday_country"
        if holidays.list_supported_countries().get(policy.holiday_country) is not None:
            field = "holiday_subdivision"
        raise InvalidInput(field, "is not a region whose public holidays are known") from None


def default_ladder(policy: Policy) -> list[AppealLevel]:
    """The appeal levels of the tenant's own policy.

    Level 1 is decided by a supervisor, later levels by a tenant admin: someone
    further from the first decision each time.
    """
    return [
        AppealLevel(
            name=f"Appeal level {level}",
            window_days=policy.appeal_window_days,
            response_days=policy.appeal_response_days,
            handler_role="supervisor" if level == 1 else "tenant-admin",
            citation="organisation policy",
        )
        for level in range(1, policy.appeal_levels + 1)
    ]


def days_after(level: AppealLevel, start: datetime, days: int, zone_name: str) -> datetime:
    """The end of the day ``days`` days (as the level counts them) after ``start``."""
    calendar = level.calendar
    if level.counting == "business":
        if calendar is None:
            raise ValueError(f"appeal level {level.name!r} counts business days without a calendar")
        end: date = calendar.add_business_days(calendar.local_date(start), days)
        return calendar.end_of_day(end).astimezone(UTC)
    zone = ZoneInfo(zone_name)
    local = start.astimezone(zone).date()
    day_end = datetime.combine(add_calendar_days(local, days), time.max, tzinfo=zone)
    return day_end.astimezone(UTC)


def valid_ladder(levels: object) -> list[AppealLevel] | None:
    """A plugin's answer if it is a well-formed ladder, else None."""
    if not isinstance(levels, list | tuple):
        return None
    good = [
        level
        for level in levels
        if isinstance(level, AppealLevel)
        and level.window_days > 0
        and level.response_days > 0
        and (level.counting == "calendar" or level.calendar is not None)
    ]
    return good if len(good) == len(levels) else None


def describe(level: AppealLevel) -> str:
    """How the level counts its time, for people."""
    unit = "business days" if level.counting == "business" else "days"
    return f"{level.response_days} {unit} to decide; appeal within {level.window_days} {unit}"
