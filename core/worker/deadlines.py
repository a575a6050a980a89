"""Firing deadlines: claim due timers, remind, escalate breaches, record each firing.

A pass claims a batch from the control-plane ``deadline_timer`` index with
``FOR UPDATE SKIP LOCKED`` and does everything for it in that one transaction:
for each tenant in turn it scopes the transaction to the tenant, records the
firing in ``deadline_firing`` (unique per deadline and stage), queues the
notices through the outbox, raises the breach flag, and moves the timer to the
next stage. Exactly once follows from the two together: while a batch is held
no other worker can claim it, and a firing that committed can never be inserted
again. A worker killed mid-batch commits nothing; its locks go with its
connection, and the next worker fires the whole batch.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from opentelemetry import metrics, trace

from core import clock
from core.audit import services as audit
from core.auth.tables import StaffMember
from core.cases.tables import CaseFlag
from core.db.engine import DB
from core.ids import uuid7
from core.lifecycle.policy import current_policy
from core.notify.services import notify
from core.routing.services import supervisors_of
from core.tenancy.context import TenantContext, within_tenant
from core.webhooks.services import emit
from core.worker.stages import BREACH, Plan, Stage, plan

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("querela.worker")
_firings = metrics.get_meter("querela.worker").create_counter(
    "querela.deadline.firings", description="Deadline reminders and breaches fired"
)

#: The actor recorded for what the worker does.
ACTOR = "worker"
#: This process, as recorded on its firings.
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
#: How long a tenant's batch waits after it failed, so one bad case cannot stall a worker.
RETRY_LATER = timedelta(minutes=5)
#: How often a deadline whose clock is stopped is looked at again (resuming moves due_at,
#: which resets its timer at once anyway).
PAUSED_RECHECK = timedelta(hours=1)
#: Test hook: seconds to hold a claimed, fired batch before committing it (kill tests).
HOLD_ENV = "QUERELA_WORKER_HOLD_BEFORE_COMMIT"


@dataclass
class PassReport:
    """What one pass over due deadlines did."""

    claimed: int = 0
    reminders: int = 0
    breaches: int = 0
    failed: int = 0

    @property
    def fired(self) -> int:
        """Reminders and breaches together."""
        return self.reminders + self.breaches


@dataclass(frozen=True, slots=True)
class _Timer:
    tenant_id: UUID
    deadline_id: UUID


async def fire_due_deadlines(*, batch: int = 200, worker: str = WORKER_ID) -> PassReport:
    """Claim up to ``batch`` due timers across all tenants and fire them, in one transaction."""
    report = PassReport()
    now = clock.now()
    with _tracer.start_as_current_span("querela.worker.deadlines") as span:
        async with DB.transaction(allow_nested=False) as transaction:
            connection: asyncpg.Connection[asyncpg.Record] = transaction.connection
            rows = await connection.fetch(
                "SELECT tenant_id, deadline_id FROM querela_claim_deadline_timers($1, $2)",
                now,
                batch,
            )
            report.claimed = len(rows)
            # In tenant order: every worker then takes per-tenant locks (the audit chain's,
            # the outbox's) in the same order, and two workers cannot deadlock.
            timers = sorted((_Timer(r["tenant_id"], r["deadline_id"]) for r in rows), key=_key)
            for tenant_id, group in itertools.groupby(timers, key=lambda t: t.tenant_id):
                ids = [t.deadline_id for t in group]
                await _fire_for_tenant(connection, tenant_id, ids, now, worker, report)
            await _hold(report)
        span.set_attribute("querela.worker.claimed", report.claimed)
        span.set_attribute("querela.worker.fired", report.fired)
        span.set_attribute("querela.worker.failed", report.failed)
    if report.reminders:
        _firings.add(report.reminders, {"stage": "reminder"})
    if report.breaches:
        _firings.add(report.breaches, {"stage": BREACH})
    return report


def _key(timer: _Timer) -> tuple[str, str]:
    return str(timer.tenant_id), str(timer.deadline_id)


async def _fire_for_tenant(
    connection: asyncpg.Connection[asyncpg.Record],
    tenant_id: UUID,
    deadline_ids: list[UUID],
    now: datetime,
    worker: str,
    report: PassReport,
) -> None:
    async with within_tenant(tenant_id) as tenant:
        if tenant is None:
            return  # suspended since the claim: its timers stay, and fire on resume
        fired = PassReport()
        try:
            # A savepoint: a failure loses this tenant's part of the batch, not the rest.
            async with connection.transaction():
                moves = await _fire(connection, tenant, deadline_ids, now, worker, fired)
            report.reminders += fired.reminders
            report.breaches += fired.breaches
        except Exception:
            log.exception("firing deadlines of tenant %s failed; retrying later", tenant_id)
            report.failed += len(deadline_ids)
            moves = {deadline_id: now + RETRY_LATER for deadline_id in deadline_ids}
        await connection.execute(
            "SELECT querela_move_deadline_timers($1::uuid[], $2::timestamptz[])",
            list(moves),
            list(moves.values()),
        )


async def _fire(
    connection: asyncpg.Connection[asyncpg.Record],
    tenant: TenantContext,
    deadline_ids: list[UUID],
    now: datetime,
    worker: str,
    report: PassReport,
) -> dict[UUID, datetime | None]:
    """Fire what is due of the tenant's claimed deadlines; return where each timer goes."""
    policy = await current_policy()
    rows = await connection.fetch(
        """
        SELECT d.id, d.case_id, d.kind, d.label, d.due_at, d.met_at, d.paused_since,
               c.reference, c.assignee_staff_id,
               ARRAY(SELECT f.stage FROM deadline_firing f
                     WHERE f.tenant_id = d.tenant_id AND f.deadline_id = d.id
                       AND f.due_at = d.due_at) AS fired
        FROM deadline d JOIN cases c ON c.tenant_id = d.tenant_id AND c.id = d.case_id
        WHERE d.id = ANY($1::uuid[])
        """,
        deadline_ids,
    )
    moves: dict[UUID, datetime | None] = dict.fromkeys(deadline_ids)  # gone: drop the timer
    for row in rows:
        if row["met_at"] is not None:
            continue
        if row["paused_since"] is not None:
            moves[row["id"]] = now + PAUSED_RECHECK
            continue
        decided = plan(row["due_at"], policy.reminder_hours, row["fired"], now)
        moves[row["id"]] = decided.next_at
        if decided.fire is not None and await _record(connection, tenant, row, decided, worker):
            await _announce(tenant, row, decided.fire, now)
            if decided.fire.name == BREACH:
                report.breaches += 1
            else:
                report.reminders += 1
    return moves


async def _record(
    connection: asyncpg.Connection[asyncpg.Record],
    tenant: TenantContext,
    row: asyncpg.Record,
    decided: Plan,
    worker: str,
) -> bool:
    """Record the firing; False if this stage has fired before (then nothing is sent)."""
    assert decided.fire is not None
    inserted = await connection.fetchval(
        """
        INSERT INTO deadline_firing (tenant_id, id, deadline_id, case_id, stage, due_at,
                                     fired_at, worker)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (tenant_id, deadline_id, stage, due_at) DO NOTHING
        RETURNING id
        """,
        tenant.id,
        uuid7(),
        row["id"],
        row["case_id"],
        decided.fire.name,
        row["due_at"],
        clock.now(),
        worker[:200],
    )
    return inserted is not None


async def _announce(
    tenant: TenantContext, row: asyncpg.Record, stage: Stage, now: datetime
) -> None:
    due = row["due_at"].astimezone(ZoneInfo(tenant.timezone)).strftime("%Y-%m-%d %H:%M %Z")
    case_id: UUID = row["case_id"]
    if stage.name != BREACH:
        assignee: UUID | None = row["assignee_staff_id"]
        await notify(
            recipients=[assignee] if assignee is not None else await _handlers(),
            kind="deadline_reminder",
            subject=f"{row['label']} due in {stage.hours} hours",
            body=f"Case {row['reference']}: {row['label']} is due at {due}.",
            case_id=case_id,
            actor=ACTOR,
        )
        return
    await notify(
        recipients=await supervisors_of(case_id),
        kind="deadline_breach",
        subject=f"Deadline breached: {row['label']}",
        body=f"Case {row['reference']}: {row['label']} was due at {due} and is not met.",
        case_id=case_id,
        actor=ACTOR,
        urgent=True,
    )
    await CaseFlag.insert(
        CaseFlag(
            id=uuid7(),
            tenant_id=tenant.id,
            case_id=case_id,
            kind="risk",
            source="core",
            code="deadline_breached",
            message=f"{row['label']} was due at {due} and is not met.",
            urgency="page",
            raised_at=now,
        )
    )
    await audit.record(
        "deadline.breached",
        actor=ACTOR,
        case_id=case_id,
        detail={"deadline_id": str(row["id"])},
    )
    await emit(
        "deadline.breached",
        case_id,
        {
            "reference": row["reference"],
            "deadline": row["kind"],
            "due_at": row["due_at"].isoformat(),
        },
    )


async def _handlers() -> list[UUID]:
    """Everyone who handles cases: who is reminded while a case has no assignee."""
    rows: Sequence[dict[str, Any]] = await StaffMember.raw(
        "SELECT id FROM staff_member WHERE active AND 'handler' = ANY(roles) ORDER BY id"
    )
    return [row["id"] for row in rows]


async def _hold(report: PassReport) -> None:
    seconds = float(os.environ.get(HOLD_ENV) or 0)
    if seconds > 0 and report.claimed:
        log.warning("holding %d claimed timers for %.0f s before commit", report.claimed, seconds)
        await asyncio.sleep(seconds)
