"""Deadlines of a case: set at registration, met, stopped on hold, extended.

Every function runs in the caller's tenant transaction and reads the time from
``core.clock``, so tests can stop it. ``due_at`` is always the effective due
time the worker acts on; a stop or an extension moves it and keeps the first
one in ``original_due_at``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from core import clock
from core.audit import services as audit
from core.cases.tables import Case, Deadline
from core.db.rows import as_structs
from core.deadlines.rules import Counting, describe, due_after
from core.deadlines.schemas import (
    CaseDeadlines,
    DeadlineDetail,
    ExtensionIn,
    ExtensionOut,
    PauseOut,
)
from core.deadlines.tables import DeadlineExtension, DeadlinePause
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import uuid7
from core.lifecycle.policy import Policy, current_policy, holiday_calendar
from core.tenancy.context import current_tenant

ACKNOWLEDGEMENT = "acknowledgement"
FINAL_RESPONSE = "final_response"
#: How far ahead an extension may reach; further is a typo, not a plan.
_LONGEST_EXTENSION = timedelta(days=3653)


def _core_rules(policy: Policy) -> list[tuple[str, str, int, Counting]]:
    return [
        (
            ACKNOWLEDGEMENT,
            "Acknowledge the complaint",
            policy.acknowledgement_days,
            policy.acknowledgement_counting,
        ),
        (FINAL_RESPONSE, "Send the final response", policy.response_days, policy.response_counting),
    ]


async def register_deadlines(case_id: UUID) -> list[str]:
    """Set the policy's acknowledgement and final-response deadlines a plugin did not set.

    Called by registration after the plugins' contributions, in its transaction
    (whose ``case.registered`` event covers them). Returns the kinds it added.
    """
    case = await Case.select(Case.received_at).where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    taken = {
        row["kind"]
        for row in await Deadline.select(Deadline.kind).where(Deadline.case_id == case_id)
    }
    policy = await current_policy()
    tenant = current_tenant()
    calendar = holiday_calendar(policy, tenant.timezone)
    added = []
    for kind, label, days, counting in _core_rules(policy):
        if kind in taken:
            continue
        await Deadline.insert(
            Deadline(
                id=uuid7(),
                tenant_id=tenant.id,
                case_id=case_id,
                kind=kind,
                label=label,
                due_at=due_after(case["received_at"], days, counting, calendar),
                source="core",
                citation="organisation policy",
                counting=describe(days, counting, calendar)[:200],
                pausable=True,
            )
        )
        added.append(kind)
    return added


async def mark_met(case_id: UUID, kind: str) -> bool:
    """Mark the case's unmet deadline of ``kind`` met now; whether there was one."""
    met = (
        await Deadline.update({Deadline.met_at: clock.now(), Deadline.paused_since: None})
        .where((Deadline.case_id == case_id) & (Deadline.kind == kind) & Deadline.met_at.is_null())
        .returning(Deadline.id)
    )
    return bool(met)


async def meet_by_fields(case_id: UUID, fields: dict[str, Any]) -> list[str]:
    """Meet the case's open deadlines that recording one of ``fields`` (with a value) meets.

    Returns the kinds met, e.g. a referral deadline once the day it was made is recorded.
    """
    named = [name for name, value in fields.items() if value not in (None, "", [], {})]
    if not named:
        return []
    rows = await Deadline.raw(
        """
        UPDATE deadline SET met_at = {}
         WHERE case_id = {} AND met_at IS NULL AND met_by_fields && {}::varchar[]
        RETURNING kind
        """,
        clock.now(),
        case_id,
        named,
    )
    return sorted(row["kind"] for row in rows)


async def meet_by_letter(case_id: UUID, kind: str) -> list[str]:
    """Mark met the case's deadlines a letter of ``kind`` meets, if they are not yet due.

    Those whose ``met_by`` names the kind (e.g. a summary resolution window and the
    final response): one that has passed stays unmet, which is what it means that
    the letter came too late for it.
    """
    now = clock.now()
    met = await Deadline.raw(
        """
        UPDATE deadline SET met_at = {}, paused_since = NULL
         WHERE case_id = {} AND {} = ANY(met_by) AND met_at IS NULL AND due_at >= {}
        RETURNING kind
        """,
        now,
        case_id,
        kind,
        now,
    )
    return sorted(row["kind"] for row in met)


async def stop_clocks(case_id: UUID, reason: str, actor: str) -> list[str]:
    """Stop the clocks of the case's pausable, unmet deadlines; return their kinds.

    The stop is kept as a ``deadline_pause`` row, so the case shows why its
    deadlines moved. The caller audits it with the hold.
    """
    now = clock.now()
    await DeadlinePause.insert(
        DeadlinePause(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case_id,
            reason=reason,
            started_at=now,
            started_by=actor,
        )
    )
    stopped = (
        await Deadline.update({Deadline.paused_since: now})
        .where(
            (Deadline.case_id == case_id)
            & (Deadline.pausable == True)  # noqa: E712 - a Piccolo expression
            & Deadline.met_at.is_null()
            & Deadline.paused_since.is_null()
        )
        .returning(Deadline.kind)
    )
    return sorted(row["kind"] for row in stopped)


async def restart_clocks(case_id: UUID, actor: str) -> dict[str, Any]:
    """End the case's clock stop and move each stopped deadline later by its length.

    Returns what the caller puts into its audit event: how long the clock stood
    still and the new due times. A case that was not stopped (escalated) moves nothing.
    """
    now = clock.now()
    ended = (
        await DeadlinePause.update({DeadlinePause.ended_at: now, DeadlinePause.ended_by: actor})
        .where((DeadlinePause.case_id == case_id) & DeadlinePause.ended_at.is_null())
        .returning(DeadlinePause.started_at)
    )
    if not ended:
        return {}
    moved = await Deadline.raw(
        """
        UPDATE deadline
           SET original_due_at = COALESCE(original_due_at, due_at),
               due_at = due_at + ({}::timestamptz - paused_since),
               paused_since = NULL
         WHERE case_id = {} AND paused_since IS NOT NULL AND met_at IS NULL
        RETURNING kind, due_at
        """,
        now,
        case_id,
    )
    stopped_for = now - ended[0]["started_at"]
    return {
        "clock_stopped_seconds": int(stopped_for.total_seconds()),
        "deadlines_moved": {row["kind"]: row["due_at"].isoformat() for row in moved},
    }


async def extend(case_id: UUID, kind: str, extension: ExtensionIn, actor: str) -> DeadlineDetail:
    """Give the case's deadline of ``kind`` a later due time, for the reason given."""
    reason = extension.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the deadline is extended")
    if extension.due_at.tzinfo is None:
        raise InvalidInput("due_at", "needs a time zone, e.g. 2026-12-24T17:00:00+00:00")
    rows = await Deadline.raw(
        "SELECT * FROM deadline WHERE case_id = {} AND kind = {} FOR UPDATE", case_id, kind
    )
    if not rows:
        raise NotFound("the case has no deadline of that kind")
    deadline = rows[0]
    if deadline["met_at"] is not None:
        raise Conflict("the deadline has been met; there is nothing to extend")
    due_at = extension.due_at
    now = clock.now()
    if due_at <= deadline["due_at"]:
        raise InvalidInput(
            "due_at", f"must be later than the current due time, {deadline['due_at'].isoformat()}"
        )
    if due_at > now + _LONGEST_EXTENSION:
        raise InvalidInput("due_at", "lies more than ten years ahead")
    await _check_limits(deadline, due_at)
    await DeadlineExtension.insert(
        DeadlineExtension(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case_id,
            deadline_id=deadline["id"],
            previous_due_at=deadline["due_at"],
            due_at=due_at,
            reason=reason,
            granted_by=actor,
            granted_at=now,
        )
    )
    await Deadline.update(
        {
            Deadline.due_at: due_at,
            Deadline.original_due_at: deadline["original_due_at"] or deadline["due_at"],
        }
    ).where(Deadline.id == deadline["id"])
    await audit.record(
        "deadline.extended",
        actor=actor,
        case_id=case_id,
        detail={
            "kind": kind,
            "from": deadline["due_at"].isoformat(),
            "to": due_at.isoformat(),
            "reason": reason,
        },
    )
    listed = await case_deadlines(case_id)
    return next(d for d in listed.deadlines if d.kind == kind)


async def _check_limits(deadline: dict[str, Any], due_at: datetime) -> None:
    """Refuse an extension beyond the rule's limits: how many, and how many days in all."""
    most_times, most_days = deadline["max_extensions"], deadline["max_extension_days"]
    if most_times is None and most_days is None:
        return
    granted = await DeadlineExtension.select(
        DeadlineExtension.previous_due_at, DeadlineExtension.due_at
    ).where(DeadlineExtension.deadline_id == deadline["id"])
    rule = f" ({deadline['citation']})" if deadline["citation"] else ""
    if most_times == 0:
        raise Conflict(f"this deadline may not be extended{rule}")
    if most_times is not None and len(granted) >= most_times:
        times = "once" if most_times == 1 else f"{most_times} times"
        raise Conflict(f"this deadline may be extended {times}{rule}, and it has been")
    if most_days is not None:
        so_far = sum((g["due_at"] - g["previous_due_at"] for g in granted), timedelta())
        latest = deadline["due_at"] + timedelta(days=most_days) - so_far
        if due_at > latest:
            raise InvalidInput(
                "due_at",
                f"extends it by more than {most_days} days in all{rule}; the latest is"
                f" {latest.isoformat()}",
            )


async def case_deadlines(case_id: UUID) -> CaseDeadlines:
    """The case's deadlines with their extensions, and its clock stops."""
    rows = (
        await Deadline.select()
        .where(Deadline.case_id == case_id)
        .order_by(Deadline.due_at)
        .order_by(Deadline.kind)
    )
    extensions = (
        await DeadlineExtension.select()
        .where(DeadlineExtension.case_id == case_id)
        .order_by(DeadlineExtension.granted_at)
        .order_by(DeadlineExtension.id)
    )
    by_deadline: dict[UUID, list[dict[str, Any]]] = {}
    for extension in extensions:
        by_deadline.setdefault(extension["deadline_id"], []).append(extension)
    pauses = (
        await DeadlinePause.select()
        .where(DeadlinePause.case_id == case_id)
        .order_by(DeadlinePause.started_at)
    )
    return CaseDeadlines(
        deadlines=[
            DeadlineDetail(
                **{f: row[f] for f in DeadlineDetail.__struct_fields__ if f != "extensions"},
                extensions=as_structs(ExtensionOut, by_deadline.get(row["id"], [])),
            )
            for row in rows
        ],
        pauses=as_structs(PauseOut, pauses),
    )
