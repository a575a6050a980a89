"""Deadline worker: one worker's pass over 10,000 due deadlines among 1,000,000 open ones
in 10,000 tenants.

Run with `make bench`. Prints figures; asserts only that every due deadline fired
once per pass. The load is generated in SQL as the owner, one tenant at a time,
since the owner too sees tenant rows only under the tenant's setting, and is then
analysed, as autovacuum would have done on a running system. The pass runs with
the worker's default lanes, then again, over the same deadlines made due anew,
with one lane: the figure for a worker limited to one connection.

``QUERELA_BENCH_TENANTS`` scales the load (1,000 tenants take a fifth of the time).
"""

from __future__ import annotations

import os
import time

import asyncpg
import httpx
import pytest

from core.worker.deadlines import fire_all_due

pytestmark = pytest.mark.bench

TENANTS = int(os.environ.get("QUERELA_BENCH_TENANTS", "10000"))
PER_TENANT = 100
BATCH = 500
LANES = (2, 1)

LOAD = """
DO $$
DECLARE t uuid;
BEGIN
    FOR n IN 1..$TENANTS LOOP
        t := gen_random_uuid();
        INSERT INTO tenant (id, slug, name, reference_prefix)
        VALUES (t, 'bench-' || $RUN || '-' || n, 'Bench ' || n, 'B');
        PERFORM set_config('querela.tenant_id', t::text, true);
        INSERT INTO staff_member (tenant_id, id, email, roles)
        VALUES (t, gen_random_uuid(), 'sup' || n || '@bench.example.org',
                ARRAY['handler', 'supervisor']);
        INSERT INTO cases (tenant_id, id, reference, channel, subject, received_at, entered_by)
        SELECT t, gen_random_uuid(), 'B-' || i, 'web', 'Bench case', now(), 'bench'
        FROM generate_series(1, $PER_TENANT) AS i;
        -- The first deadline of each tenant is overdue; the rest fall due in 40 to 400 days.
        INSERT INTO deadline (tenant_id, id, case_id, kind, label, due_at, source)
        SELECT t, gen_random_uuid(), c.id, 'response', 'Final response',
               CASE WHEN c.reference = 'B-1' THEN now() - interval '1 hour'
                    ELSE now() + (40 + random() * 360) * interval '1 day' END,
               'core'
        FROM cases c WHERE c.tenant_id = t;
    END LOOP;
END $$;
"""


#: Makes each tenant's first deadline due again, an hour ago: a new due time, a new breach.
REARM = """
DO $$
DECLARE t uuid;
BEGIN
    FOR t IN SELECT id FROM tenant WHERE slug LIKE 'bench-$RUN-%' LOOP
        PERFORM set_config('querela.tenant_id', t::text, true);
        UPDATE deadline SET due_at = now() - interval '1 hour' - random() * interval '1 minute'
        WHERE case_id = (SELECT id FROM cases WHERE reference = 'B-1');
    END LOOP;
END $$;
"""


async def test_one_worker_fires_10000_due_deadlines_among_a_million(
    client: httpx.AsyncClient, owner: asyncpg.Connection
):
    run = str(int(time.time()))
    sql = (
        LOAD.replace("$TENANTS", str(TENANTS))
        .replace("$PER_TENANT", str(PER_TENANT))
        .replace("$RUN", run)
    )
    started = time.perf_counter()
    await owner.execute(sql)
    loaded = time.perf_counter() - started
    due = await owner.fetchval(
        "SELECT count(*) FROM deadline_timer t JOIN tenant ON tenant.id = t.tenant_id"
        " WHERE tenant.slug LIKE $1 AND t.due_at <= now()",
        f"bench-{run}-%",
    )
    timers = await owner.fetchval("SELECT count(*) FROM deadline_timer")

    await owner.execute("ANALYZE")
    print(
        f"\nloaded {TENANTS * PER_TENANT:,} deadlines in {TENANTS:,} tenants in {loaded:.0f} s;"
        f" {timers:,} timers, {due:,} due"
    )
    for n, lanes in enumerate(LANES):
        if n:
            await owner.execute(REARM.replace("$RUN", run))
        started = time.perf_counter()
        report = await fire_all_due(batch=BATCH, lanes=lanes)
        elapsed = time.perf_counter() - started
        print(
            f"one pass, {lanes} lane(s) of {BATCH}-deadline transactions:"
            f" {report.breaches:,} breaches fired in {elapsed:.2f} s,"
            f" {report.breaches / elapsed:,.0f} firings/s ({report.failed} failed)"
        )
        assert report.failed == 0
        assert report.breaches >= due == TENANTS
