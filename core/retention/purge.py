"""The retention purge: delete closed cases whose period has run out, tenant by tenant.

The worker runs a pass on every loop (``core.worker.loop``); ``querela retention
purge`` runs the same passes by hand. A pass visits only the tenants whose time in
``retention_schedule`` has come, and does each one's work in one transaction
scoped to that tenant:

1. it takes the tenant's audit lock first, before any row, as the deadline worker
   does. A writer holding a case or an outbox row may be waiting for that lock, so
   from then on the pass waits for no such row: it skips cases and outbox rows
   someone holds (``SKIP LOCKED``), and they wait for the next pass;
2. it picks the oldest expired closed cases no legal hold keeps, at most ``BATCH``,
   and locks them, then reads their holds again: a hold placed meanwhile is seen,
   and none can be placed before the transaction ends;
3. it deletes what refers to those cases beyond the cascades: attachment records
   and their stored files, outbox mail and webhook deliveries (their references
   would otherwise only be set to NULL); then the cases, which takes every other
   row of theirs along (``ON DELETE CASCADE``);
4. it writes one ``case.purged`` audit event per case, naming only its reference
   and the rule applied, and moves the tenant's time to its next expiry.

The case's earlier audit events stay, as the log is append-only (and names no one).

Stored files are deleted before the commit: should the commit fail, the rows come
back without their files and the next pass deletes them again. The other way
round, a crash after the commit would leave files that no row leads to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from opentelemetry import trace

from core import clock
from core.attachments.storage import AttachmentStorage, storage_for
from core.audit import services as audit
from core.retention.services import RetentionPeriods, current_periods, schedule_check
from core.retention.tables import RetentionSchedule
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from core.tenancy.middleware import TENANT_SPAN_ATTRIBUTE

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("querela.worker")

#: The actor the audit log names for what the purge does.
ACTOR = "retention"
#: Cases deleted per tenant in one transaction, so that a pass stays short.
BATCH = 200
#: Tenants visited per pass; the rest are due still, and wait for the next loop.
TENANTS_PER_PASS = 50
#: The most cases a dry run lists per tenant.
DRY_RUN_LIMIT = 10_000
#: How long a tenant whose purge failed waits before the next try.
RETRY_LATER = timedelta(minutes=5)

#: The closed cases whose period has run out and that no hold keeps, oldest first:
#: under each category's own period ($1 categories, $2 their days), then under the
#: default ($4 days, NULL: for good) every case whose category has no period of its
#: own ($3: every category that has one, null or not). $5 is now, $6 the most wanted.
#: A case's own minimum (``retention_floor_days``, ``kept_for_good``) keeps it longer.
_EXPIRED = """
WITH rule (category, days) AS (SELECT * FROM unnest($1::text[], $2::int[]))
SELECT e.id, e.reference, e.closed_at, greatest(r.days, e.floor) AS days, true AS by_category
FROM rule r CROSS JOIN LATERAL (
    SELECT c.id, c.reference, c.closed_at, c.retention_floor_days AS floor FROM cases c
    WHERE c.status = 'closed' AND c.category = r.category
      AND c.closed_at <= $5::timestamptz - make_interval(days => r.days)
      AND NOT c.kept_for_good
      AND (c.retention_floor_days IS NULL
           OR c.closed_at <= $5::timestamptz - make_interval(days => c.retention_floor_days))
      AND NOT EXISTS (SELECT 1 FROM legal_hold h
                      WHERE h.case_id = c.id AND h.released_at IS NULL)
    ORDER BY c.closed_at LIMIT $6
) e
UNION ALL
(SELECT c.id, c.reference, c.closed_at, greatest($4::int, c.retention_floor_days), false
 FROM cases c
 WHERE $4::int IS NOT NULL AND c.status = 'closed'
   AND (c.category IS NULL OR c.category <> ALL($3::text[]))
   AND c.closed_at <= $5::timestamptz - make_interval(days => $4::int)
   AND NOT c.kept_for_good
   AND (c.retention_floor_days IS NULL
        OR c.closed_at <= $5::timestamptz - make_interval(days => c.retention_floor_days))
   AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.case_id = c.id AND h.released_at IS NULL)
 ORDER BY c.closed_at LIMIT $6)
ORDER BY closed_at, id LIMIT $6
"""

#: When the first of the closed cases no hold keeps runs out, by the same rules. Cases
#: with a minimum of their own are few: their expiry is worked out one by one.
_NEXT_EXPIRY = """
WITH rule (category, days) AS (SELECT * FROM unnest($1::text[], $2::int[]))
SELECT min(expires) FROM (
    SELECT e.closed_at + make_interval(days => r.days) AS expires
    FROM rule r CROSS JOIN LATERAL (
        SELECT c.closed_at FROM cases c
        WHERE c.status = 'closed' AND c.category = r.category AND c.closed_at IS NOT NULL
          AND c.retention_floor_days IS NULL AND NOT c.kept_for_good
          AND NOT EXISTS (SELECT 1 FROM legal_hold h
                          WHERE h.case_id = c.id AND h.released_at IS NULL)
        ORDER BY c.closed_at LIMIT 1
    ) e
    UNION ALL
    (SELECT c.closed_at + make_interval(days => $4::int) FROM cases c
     WHERE $4::int IS NOT NULL AND c.status = 'closed' AND c.closed_at IS NOT NULL
       AND (c.category IS NULL OR c.category <> ALL($3::text[]))
       AND c.retention_floor_days IS NULL AND NOT c.kept_for_good
       AND NOT EXISTS (SELECT 1 FROM legal_hold h
                       WHERE h.case_id = c.id AND h.released_at IS NULL)
     ORDER BY c.closed_at LIMIT 1)
    UNION ALL
    (SELECT c.closed_at + make_interval(days => greatest(c.retention_floor_days, p.days))
     FROM cases c
     CROSS JOIN LATERAL (
        SELECT CASE WHEN c.category = ANY($3::text[])
                    THEN (SELECT r.days FROM rule r WHERE r.category = c.category)
                    ELSE $4::int END AS days
     ) p
     WHERE c.retention_floor_days IS NOT NULL AND NOT c.kept_for_good
       AND c.status = 'closed' AND c.closed_at IS NOT NULL
       AND p.days IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM legal_hold h
                       WHERE h.case_id = c.id AND h.released_at IS NULL))
) next
"""


@dataclass(frozen=True, slots=True)
class ExpiredCase:
    """A closed case past its retention period, and the rule that says so."""

    id: UUID
    reference: str
    closed_at: datetime
    #: The period applied, in days after closing.
    days: int
    #: Whether the period is its category's own rather than the tenant's default.
    by_category: bool

    @property
    def rule(self) -> str:
        """Which of the tenant's periods applied: ``category`` or ``default``."""
        return "category" if self.by_category else "default"

    def audit_detail(self) -> dict[str, Any]:
        """What the purge's audit event keeps of the case: its reference and the rule."""
        return {
            "reference": self.reference,
            "closed_on": self.closed_at.date().isoformat(),
            "retention_days": self.days,
            "rule": self.rule,
        }


@dataclass
class TenantPurge:
    """What one visit to a tenant deleted, or (a dry run) would delete."""

    slug: str
    cases: list[ExpiredCase] = field(default_factory=list)
    #: Stored attachment files deleted.
    files: int = 0


@dataclass
class PurgeReport:
    """What one pass did."""

    tenants: list[TenantPurge] = field(default_factory=list)
    #: Tenants whose visit failed; they are tried again after ``RETRY_LATER``.
    failed: int = 0

    @property
    def cases(self) -> int:
        """Cases deleted (or, in a dry run, found expired) in the pass."""
        return sum(len(t.cases) for t in self.tenants)


async def purge_expired(settings: Settings) -> PurgeReport:
    """The worker's job: one pass over the tenants that are due, with the settings' storage."""
    return await purge_pass(storage_for(settings.attachments_root))


async def purge_pass(
    storage: AttachmentStorage, *, batch: int = BATCH, tenants: int = TENANTS_PER_PASS
) -> PurgeReport:
    """Visit up to ``tenants`` due tenants and delete up to ``batch`` expired cases in each."""
    report = PurgeReport()
    for tenant_id in await due_tenants(tenants):
        with _tracer.start_as_current_span("querela.retention.purge_tenant") as span:
            span.set_attribute(TENANT_SPAN_ATTRIBUTE, str(tenant_id))
            try:
                visited = await purge_tenant(tenant_id, storage, batch=batch)
            except Exception:
                # One tenant's failure (a refused delete, unreachable storage) stops no other.
                log.exception("retention purge of tenant %s failed", tenant_id)
                report.failed += 1
                await _retry_later(tenant_id)
                continue
        if visited is not None and visited.cases:
            report.tenants.append(visited)
    return report


async def purge_all(
    storage: AttachmentStorage, *, tenant_id: UUID | None = None, dry_run: bool = False
) -> PurgeReport:
    """Everything expired now rather than a batch: the due tenants', or one tenant's.

    For ``querela retention purge``: passes run until one deletes nothing. A dry run
    lists up to ``DRY_RUN_LIMIT`` cases a tenant and changes nothing.
    """
    if dry_run:
        report = PurgeReport()
        for due in [tenant_id] if tenant_id else await due_tenants(DRY_RUN_LIMIT):
            visit = await purge_tenant(due, storage, batch=DRY_RUN_LIMIT, dry_run=True)
            if visit is not None and visit.cases:
                report.tenants.append(visit)
        return report
    total = PurgeReport()
    while True:
        if tenant_id is None:
            done = await purge_pass(storage)
        else:
            visit = await purge_tenant(tenant_id, storage)
            done = PurgeReport(tenants=[visit] if visit is not None and visit.cases else [])
        total.tenants += done.tenants
        total.failed += done.failed
        if not done.cases:
            return total


async def due_tenants(limit: int) -> list[UUID]:
    """Active tenants whose time to be looked at has come, the longest waiting first."""
    rows = await RetentionSchedule.raw(
        "SELECT s.tenant_id FROM retention_schedule s"
        " JOIN tenant t ON t.id = s.tenant_id AND t.status = 'active'"
        " WHERE s.next_check_at <= {} ORDER BY s.next_check_at LIMIT {}",
        clock.now(),
        limit,
    )
    return [row["tenant_id"] for row in rows]


async def purge_tenant(
    tenant_id: UUID, storage: AttachmentStorage, *, batch: int = BATCH, dry_run: bool = False
) -> TenantPurge | None:
    """Delete up to ``batch`` of the tenant's expired cases; None if it is not active.

    A dry run finds what a visit would delete, and changes nothing.
    """
    now = clock.now()
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, transaction):
        if tenant is None or tenant.read_only:
            return None  # a suspended tenant keeps everything until it resumes
        conn = transaction.connection
        if not dry_run:
            await conn.execute(audit.AUDIT_LOCK, str(tenant.id))
        periods = await current_periods()
        expired = await _expired(conn, periods, now, batch)
        visit = TenantPurge(tenant.slug)
        if dry_run:
            visit.cases = expired
            return visit
        visit.cases = await _lock(conn, expired)
        if visit.cases:
            visit.files = await _delete(conn, storage, visit.cases)
        await schedule_check(await _next_expiry(conn, periods))
    return visit


async def _delete(
    conn: asyncpg.Connection, storage: AttachmentStorage, cases: list[ExpiredCase]
) -> int:
    """Delete the locked cases, with all they hold, and audit each; return the files deleted."""
    ids = [case.id for case in cases]
    keys = await conn.fetch("SELECT storage_key FROM querela_retention_drop_attachments($1)", ids)
    await conn.execute("DELETE FROM outbox_message WHERE case_id = ANY($1)", ids)
    await conn.execute("DELETE FROM webhook_delivery WHERE case_id = ANY($1)", ids)
    await conn.execute("DELETE FROM cases WHERE id = ANY($1)", ids)
    for case in cases:
        await audit.record("case.purged", actor=ACTOR, case_id=case.id, detail=case.audit_detail())
    for key in keys:
        await storage.delete(key["storage_key"])
    return len(keys)


async def _expired(
    conn: asyncpg.Connection, periods: RetentionPeriods, now: datetime, limit: int
) -> list[ExpiredCase]:
    rows = await conn.fetch(_EXPIRED, *_rule_arguments(periods), now, limit)
    return [ExpiredCase(**row) for row in rows]


async def _next_expiry(conn: asyncpg.Connection, periods: RetentionPeriods) -> datetime | None:
    expires: datetime | None = await conn.fetchval(_NEXT_EXPIRY, *_rule_arguments(periods))
    return expires


#: The query parameters $1 to $4 of the tenant's rules (see ``_EXPIRED``).
RuleArguments = tuple[list[str], list[int], list[str], int | None]


def _rule_arguments(periods: RetentionPeriods) -> RuleArguments:
    kept_for = [(code, days) for code, days in periods.days_by_category.items() if days is not None]
    return (
        [code for code, _ in kept_for],
        [days for _, days in kept_for],
        list(periods.days_by_category),
        periods.default_days,
    )


async def _lock(conn: asyncpg.Connection, expired: list[ExpiredCase]) -> list[ExpiredCase]:
    """The cases of ``expired`` that are locked for deletion now.

    They are still closed since the same time, on no hold, and have no outbox mail
    or webhook delivery that a sender holds.
    """
    if not expired:
        return []
    locked = await conn.fetch(
        "SELECT id, status, closed_at FROM cases WHERE id = ANY($1) FOR UPDATE SKIP LOCKED",
        [case.id for case in expired],
    )
    as_seen = {case.id: case.closed_at for case in expired}
    ids = [
        row["id"]
        for row in locked
        if row["status"] == "closed" and row["closed_at"] == as_seen[row["id"]]
    ]
    # Read again now the cases are locked: a hold placed since the first read is seen, and
    # no new one can be placed before this transaction ends.
    free = await conn.fetch(
        "SELECT c.id FROM unnest($1::uuid[]) AS c (id) WHERE NOT EXISTS"
        " (SELECT 1 FROM legal_hold h WHERE h.case_id = c.id AND h.released_at IS NULL)",
        ids,
    )
    chosen = {row["id"] for row in free}
    for table in ("outbox_message", "webhook_delivery"):
        chosen -= await _held_by_a_sender(conn, table, chosen)
    return [case for case in expired if case.id in chosen]


async def _held_by_a_sender(conn: asyncpg.Connection, table: str, case_ids: set[UUID]) -> set[UUID]:
    """Lock the rows of ``table`` that refer to the cases; return those a sender holds rows of.

    Those cases wait for the next pass.
    """
    if not case_ids:
        return set()
    mine = await conn.fetch(
        f"SELECT id FROM {table} WHERE case_id = ANY($1) FOR UPDATE SKIP LOCKED", list(case_ids)
    )
    busy = await conn.fetch(
        f"SELECT DISTINCT case_id FROM {table} WHERE case_id = ANY($1) AND NOT id = ANY($2)",
        list(case_ids),
        [row["id"] for row in mine],
    )
    return {row["case_id"] for row in busy}


async def _retry_later(tenant_id: UUID) -> None:
    try:
        async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
            if tenant is not None:
                await schedule_check(clock.now() + RETRY_LATER)
    except asyncpg.PostgresError:
        log.exception("could not put off the retention purge of tenant %s", tenant_id)
