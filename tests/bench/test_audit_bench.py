"""Audit log: how fast a whole log verifies, and what auditing costs a write.

Run with `make bench`. Prints figures; asserts only that the log verified intact
and every write was stored.

The log is 1,000,000 events of one tenant (``QUERELA_BENCH_AUDIT_EVENTS`` scales
it), sealed here exactly as ``core.audit.services.seal`` seals them and inserted
in chunks as the owner under the tenant's setting.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from core.audit import services as audit
from core.audit.verify import verify_log, verify_log_in_parallel
from core.cases.tables import Case, CaseFlag
from core.db.servers import DatabaseTarget
from core.ids import uuid7
from core.tenancy.context import tenant_transaction
from tenants import provisioning

pytestmark = pytest.mark.bench

EVENTS = int(os.environ.get("QUERELA_BENCH_AUDIT_EVENTS", "1000000"))
CHUNK = 50_000
WRITES = 1_000

INSERT = """
INSERT INTO audit_event (tenant_id, id, seq, occurred_at, actor, action, case_id, detail,
                         prev_hash, hash)
SELECT $1, e.id, e.seq, e.occurred_at, 'bench', 'bench.step', NULL, e.detail::jsonb,
       e.prev_hash, e.hash
FROM unnest($2::uuid[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
     AS e (id, seq, occurred_at, detail, prev_hash, hash)
"""


async def _load(owner: asyncpg.Connection, tenant_id: uuid.UUID) -> float:
    started = time.perf_counter()
    head = audit.ChainHead()
    start = datetime.now(UTC) - timedelta(days=365)
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant_id))
        for first in range(1, EVENTS + 1, CHUNK):
            columns: tuple[list, ...] = ([], [], [], [], [], [])
            for seq in range(first, min(first + CHUNK, EVENTS + 1)):
                event_id, at, detail = uuid7(), start + timedelta(seconds=seq), {"n": seq}
                digest = audit.event_hash(
                    tenant_id=tenant_id,
                    seq=seq,
                    event_id=event_id,
                    occurred_at=at,
                    actor="bench",
                    action="bench.step",
                    case_id=None,
                    detail=detail,
                    prev_hash=head.hash,
                )
                for column, value in zip(
                    columns, (event_id, seq, at, f'{{"n": {seq}}}', head.hash, digest), strict=True
                ):
                    column.append(value)
                head = audit.ChainHead(seq, digest)
            await owner.execute(INSERT, tenant_id, *columns)
    return time.perf_counter() - started


async def test_a_million_event_log_verifies_and_what_an_audited_write_costs(
    client: httpx.AsyncClient, owner: asyncpg.Connection, database: DatabaseTarget
):
    tenant = await provisioning.create_tenant(f"ab{uuid.uuid4().hex[:10]}", "Audit bench")
    loaded = await _load(owner, tenant.id)

    async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
        alone = await verify_log(transaction.connection, tenant.id)
    both = await verify_log_in_parallel(database.app_dsn, tenant.id, processes=2)
    print(
        f"\nloaded {EVENTS:,} sealed events in {loaded:.0f} s\nverified {EVENTS:,} events:"
        f" {alone.seconds:.2f} s in one process ({alone.rate:,.0f} events/s),"
        f" {both.seconds:.2f} s in two ({both.rate:,.0f} events/s, as `querela audit verify`)"
    )
    assert alone.intact and alone.events == EVENTS
    assert both.intact and both.events == EVENTS

    case_id = uuid7()
    async with tenant_transaction(tenant_id=tenant.id):
        await Case.insert(
            Case(
                id=case_id,
                tenant_id=tenant.id,
                reference="AB-1",
                channel="phone",
                subject="Bench",
                received_at=datetime.now(UTC),
                entered_by="bench",
            )
        )
    timings = {}
    for audited in (False, True, False, True):  # interleaved, so drift hits both alike
        started = time.perf_counter()
        for n in range(WRITES):
            async with tenant_transaction(tenant_id=tenant.id):
                flag_id = uuid7()
                await CaseFlag.insert(
                    CaseFlag(
                        id=flag_id,
                        tenant_id=tenant.id,
                        case_id=case_id,
                        kind="risk",
                        source="bench",
                        code="bench",
                        message=f"write {n}",
                    )
                )
                if audited:
                    await audit.record(
                        "bench.flagged", actor="bench", case_id=case_id, detail={"n": n}
                    )
        timings.setdefault(audited, []).append((time.perf_counter() - started) / WRITES)
    plain, sealed = min(timings[False]), min(timings[True])
    print(
        f"a write in its own transaction: {plain * 1000:.2f} ms unaudited,"
        f" {sealed * 1000:.2f} ms audited (+{(sealed - plain) * 1000:.2f} ms,"
        f" x{sealed / plain:.2f}); best of two runs of {WRITES:,}"
    )
    async with tenant_transaction(tenant_id=tenant.id):
        stored = await CaseFlag.count().where(CaseFlag.case_id == case_id)
    assert stored == 4 * WRITES
