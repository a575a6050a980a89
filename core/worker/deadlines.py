"""Firing deadlines: claim due timers, remind, escalate breaches, record each firing.

A pass is one transaction and three round trips, however many tenants it spans:

1. claim a batch from the control-plane ``deadline_timer`` index with
   ``FOR UPDATE SKIP LOCKED`` (``querela_claim_deadline_timers``);
2. read what deciding and wording the firings needs, tenant by tenant under each
   tenant's own setting, taking each tenant's audit lock in tenant order
   (``querela_worker_snapshot``);
3. decide here, in Python, what fires and build every row it writes (the firing,
   the in-app notices, the outbox mail, the breach flag, the sealed audit events,
   the webhook deliveries, the timers' next times), then write them all, again
   tenant by tenant under row-level security (``querela_worker_apply``).

Exactly once follows from two things: while a batch is held no other worker can
claim it, and a firing that committed can never be inserted again (unique per
deadline, stage and due time). A worker killed mid-batch commits nothing; its
locks go with its connection, and the next worker fires the whole batch.

A tenant whose part fails, in Python or in the database, loses only its own part:
its timers are retried after ``RETRY_LATER`` and the others fire.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from opentelemetry import metrics, trace

from core import clock
from core.audit.services import ChainHead, seal
from core.db.engine import DB
from core.ids import uuid7
from core.lifecycle.policy import Policy
from core.mail.outbox import queued_detail
from core.notify.services import case_path, compose
from core.tenancy.context import TenantContext
from core.webhooks.services import delivery_row
from core.worker.stages import BREACH, Stage, plan

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
#: The webhook event a breach emits.
BREACHED = "deadline.breached"
#: The tables a tenant's part of a batch writes, as ``querela_worker_apply_tenant`` reads them.
TABLES = (
    "deadline_firing",
    "notification",
    "outbox_message",
    "case_flag",
    "audit_event",
    "webhook_delivery",
)


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

    def add(self, other: PassReport) -> None:
        """Count ``other`` in as well."""
        self.claimed += other.claimed
        self.reminders += other.reminders
        self.breaches += other.breaches
        self.failed += other.failed


@dataclass
class TenantFirings:
    """One tenant's part of a batch: what fired, and every row that writes."""

    tenant: TenantContext
    #: The end of the tenant's audit chain; each event sealed here moves it on.
    head: ChainHead
    worker: str
    now: datetime
    #: Where each claimed timer goes next (None: the deadline needs no timer any more).
    moves: dict[UUID, datetime | None]
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {table: [] for table in TABLES}
    )
    reminders: int = 0
    breaches: int = 0

    def decide(self, deadlines: Iterable[dict[str, Any]], policy: Policy, roster: Roster) -> None:
        """Fire what is due of the claimed ``deadlines`` and set each timer's next time."""
        for deadline in deadlines:
            deadline_id = UUID(deadline["id"])
            if deadline["met_at"] is not None:
                continue  # met since it was claimed: its timer goes
            if deadline["paused_since"] is not None:
                self.moves[deadline_id] = self.now + PAUSED_RECHECK
                continue
            due_at = datetime.fromisoformat(deadline["due_at"])
            decided = plan(due_at, policy.reminder_hours, deadline["fired"], self.now)
            self.moves[deadline_id] = decided.next_at
            if decided.fire is None:
                continue
            if decided.fire.name == BREACH:
                self.breach(deadline, due_at, roster)
            else:
                self.remind(deadline, due_at, decided.fire, roster)

    def remind(
        self, deadline: dict[str, Any], due_at: datetime, stage: Stage, roster: Roster
    ) -> None:
        """Remind the case's assignee (else every handler) that the deadline is near."""
        recipients = [deadline["assignee"]] if deadline["assignee"] else roster.handlers
        reached = self.notify(
            deadline,
            recipients,
            kind="deadline_reminder",
            # The time really left: a deadline set close to its due time skips early stages.
            subject=f"{deadline['label']} due in {time_left(due_at - self.now)}",
            body=f"Case {deadline['reference']}: {deadline['label']} is due at "
            f"{self.local(due_at)}.",
            urgent=False,
        )
        self.record_firing(deadline, due_at, stage.name, reached)
        self.reminders += 1

    def breach(self, deadline: dict[str, Any], due_at: datetime, roster: Roster) -> None:
        """Page the case's supervisors, flag the case, audit it and tell the webhooks."""
        case_id = UUID(deadline["case_id"])
        late = f"{deadline['label']} was due at {self.local(due_at)} and is not met."
        reached = self.notify(
            deadline,
            deadline["supervisors"],
            kind="deadline_breach",
            subject=f"Deadline breached: {deadline['label']}",
            body=f"Case {deadline['reference']}: {late}",
            urgent=True,
        )
        self.record_firing(deadline, due_at, BREACH, reached)
        self.rows["case_flag"].append(breach_flag(self.tenant, case_id, late, self.now))
        self.audit("deadline.breached", case_id, {"deadline_id": deadline["id"]})
        data = {
            "reference": deadline["reference"],
            "deadline": deadline["kind"],
            "due_at": due_at.isoformat(),
        }
        self.rows["webhook_delivery"] += [
            delivery_row(self.tenant, UUID(endpoint), BREACHED, case_id, data, self.now)
            for endpoint in roster.endpoints
        ]
        self.breaches += 1

    def notify(
        self,
        deadline: dict[str, Any],
        recipients: Sequence[dict[str, str]],
        *,
        kind: str,
        subject: str,
        body: str,
        urgent: bool,
    ) -> int:
        """Write an in-app notice and an e-mail to each recipient, audited as ``notify`` does."""
        case_id = UUID(deadline["case_id"])
        notice = compose(
            self.tenant,
            [(UUID(r["id"]), r["email"]) for r in recipients],
            kind=kind,
            subject=subject,
            body=body,
            case_id=case_id,
            link=case_path(deadline["reference"]),
            urgent=urgent,
            now=self.now,
        )
        self.rows["notification"] += notice.notifications
        self.rows["outbox_message"] += notice.emails
        for email in notice.emails:
            self.audit("mail.queued", case_id, queued_detail(email))
        self.audit("staff.notified", case_id, notice.detail)
        return len(notice.notifications)

    def record_firing(
        self, deadline: dict[str, Any], due_at: datetime, stage: str, reached: int
    ) -> None:
        """The firing itself: a second one of the same stage and due time cannot commit."""
        self.rows["deadline_firing"].append(
            {
                "tenant_id": self.tenant.id,
                "id": uuid7(),
                "deadline_id": deadline["id"],
                "case_id": deadline["case_id"],
                "stage": stage,
                "due_at": due_at,
                "fired_at": clock.now(),
                "worker": self.worker[:200],
                "notified": reached,
            }
        )

    def audit(self, action: str, case_id: UUID, detail: dict[str, Any]) -> None:
        """Seal an event onto the tenant's chain (its lock is held since the batch read)."""
        row = seal(
            self.tenant.id, self.head, action=action, actor=ACTOR, case_id=case_id, detail=detail
        )
        self.rows["audit_event"].append(row)
        self.head = ChainHead(row["seq"], row["hash"])

    def local(self, moment: datetime) -> str:
        """A time as the tenant's staff read it."""
        return moment.astimezone(self.tenant.zone).strftime("%Y-%m-%d %H:%M %Z")

    def payload(self) -> dict[str, Any]:
        """What ``querela_worker_apply_tenant`` writes for this tenant."""
        return {
            "tenant_id": self.tenant.id,
            **self.rows,
            "moves": [{"deadline_id": d, "next_fire_at": at} for d, at in self.moves.items()],
        }


@dataclass(frozen=True, slots=True)
class Roster:
    """Who a tenant's firings reach besides each case's own people."""

    #: Reminded of a deadline whose case has no (present) assignee.
    handlers: list[dict[str, str]]
    #: Webhook endpoints subscribed to breaches.
    endpoints: list[str]


def time_left(left: timedelta) -> str:
    """``left`` in words for a reminder: "40 minutes", "1 hour", "10 hours", "3 days"."""
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{round(hours / 24)} days"


def breach_flag(
    tenant: TenantContext, case_id: UUID, message: str, now: datetime
) -> dict[str, Any]:
    """The risk flag a breach raises on its case: urgent, shown until someone clears it."""
    return {
        "tenant_id": tenant.id,
        "id": uuid7(),
        "case_id": case_id,
        "kind": "risk",
        "source": "core",
        "code": "deadline_breached",
        "message": message,
        "urgency": "page",
        "raised_at": now,
        "cleared_at": None,
    }


async def fire_all_due(*, batch: int = 500, lanes: int = 2, worker: str = WORKER_ID) -> PassReport:
    """Fire every due deadline: transactions of ``batch``, ``lanes`` of them at a time.

    Lanes overlap one transaction's work in the database with another's here; they
    claim with SKIP LOCKED, so they split the due timers as separate workers would.
    A lane stops when a claim comes back short.
    """
    total = PassReport()

    async def lane() -> None:
        while True:
            report = await fire_due_deadlines(batch=batch, worker=worker)
            total.add(report)
            if report.claimed < batch:
                return

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, lanes)):
            group.create_task(lane())
    return total


async def fire_due_deadlines(*, batch: int = 500, worker: str = WORKER_ID) -> PassReport:
    """Claim up to ``batch`` due timers across all tenants and fire them, in one transaction."""
    report = PassReport()
    now = clock.now()
    with _tracer.start_as_current_span("querela.worker.deadlines") as span:
        async with DB.transaction(allow_nested=False) as transaction:
            connection: asyncpg.Connection[asyncpg.Record] = transaction.connection
            claimed = await connection.fetch(
                "SELECT tenant_id, deadline_id FROM querela_claim_deadline_timers($1, $2)",
                now,
                batch,
            )
            report.claimed = len(claimed)
            if claimed:
                await _fire(connection, claimed, now, worker, report)
            await _hold(report)
        span.set_attribute("querela.worker.claimed", report.claimed)
        span.set_attribute("querela.worker.fired", report.fired)
        span.set_attribute("querela.worker.failed", report.failed)
    if report.reminders:
        _firings.add(report.reminders, {"stage": "reminder"})
    if report.breaches:
        _firings.add(report.breaches, {"stage": BREACH})
    return report


async def _fire(
    connection: asyncpg.Connection[asyncpg.Record],
    claimed: Sequence[asyncpg.Record],
    now: datetime,
    worker: str,
    report: PassReport,
) -> None:
    # Plain UUIDs: the snapshot names tenants and deadlines by their text.
    by_tenant: dict[UUID, list[UUID]] = defaultdict(list)
    for row in claimed:
        by_tenant[UUID(str(row["tenant_id"]))].append(UUID(str(row["deadline_id"])))
    snapshots = await connection.fetch(
        "SELECT s FROM querela_worker_snapshot($1::uuid[], $2::uuid[], $3) AS s",
        [row["tenant_id"] for row in claimed],
        [row["deadline_id"] for row in claimed],
        BREACHED,
    )
    parts: list[TenantFirings] = []
    broken: set[UUID] = set()
    for row in snapshots:
        snapshot = json.loads(row["s"])
        tenant_id = UUID(snapshot["tenant"]["id"])
        ids = by_tenant[tenant_id]
        try:
            parts.append(decide(snapshot, ids, now, worker))
        except Exception:
            log.exception("firing deadlines of tenant %s failed; retrying later", tenant_id)
            broken.add(tenant_id)
            parts.append(_retry(snapshot, ids, now, worker))
    broken |= await _apply(connection, parts, now + RETRY_LATER)
    for part in parts:
        if part.tenant.id in broken:
            report.failed += len(part.moves)
        else:
            report.reminders += part.reminders
            report.breaches += part.breaches


def decide(
    snapshot: dict[str, Any], claimed: list[UUID], now: datetime, worker: str
) -> TenantFirings:
    """Decide one tenant's firings from its snapshot and build the rows they write."""
    part = TenantFirings(
        tenant=_tenant(snapshot["tenant"]),
        head=ChainHead(**snapshot["audit"]) if snapshot["audit"] else ChainHead(),
        worker=worker,
        now=now,
        moves=dict.fromkeys(claimed),
    )
    policy = msgspec.convert(snapshot["policy"], Policy) if snapshot["policy"] else Policy()
    roster = Roster(handlers=snapshot["handlers"], endpoints=snapshot["endpoints"])
    part.decide(snapshot["deadlines"], policy, roster)
    return part


def _retry(
    snapshot: dict[str, Any], claimed: list[UUID], now: datetime, worker: str
) -> TenantFirings:
    """A tenant's part that writes nothing but moves its timers to a later retry."""
    return TenantFirings(
        tenant=_tenant(snapshot["tenant"]),
        head=ChainHead(),
        worker=worker,
        now=now,
        moves=dict.fromkeys(claimed, now + RETRY_LATER),
    )


async def _apply(
    connection: asyncpg.Connection[asyncpg.Record],
    parts: list[TenantFirings],
    retry_at: datetime,
) -> set[UUID]:
    """Write every tenant's part; return the tenants whose part failed in the database."""
    items = json.dumps([part.payload() for part in parts], default=_json_value)
    statement = "SELECT querela_worker_apply($1::jsonb, $2, $3)"
    try:
        # One subtransaction for the batch; per-tenant ones only if it fails.
        async with connection.transaction():
            await connection.fetchval(statement, items, False, retry_at)
        return set()
    except asyncpg.PostgresError:
        log.warning("a batch of deadline firings failed; applying it tenant by tenant")
    failed: list[UUID] = await connection.fetchval(statement, items, True, retry_at)
    for tenant_id in failed:
        log.error("firing deadlines of tenant %s failed in the database; retrying later", tenant_id)
    return set(failed)


def _tenant(row: dict[str, Any]) -> TenantContext:
    return TenantContext(**{**row, "id": UUID(row["id"])})


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


async def _hold(report: PassReport) -> None:
    seconds = float(os.environ.get(HOLD_ENV) or 0)
    if seconds > 0 and report.claimed:
        log.warning("holding %d claimed timers for %.0f s before commit", report.claimed, seconds)
        await asyncio.sleep(seconds)
