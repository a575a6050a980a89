"""The supervisor's pages with 100,000 cases in one tenant: how long they take.

Run with `make bench`. Prints the median time of the overview (deadlines at risk,
escalations, workload) and of the KPI page for each period, measured around the
in-process request; asserts only that they answer.

The cases (``QUERELA_BENCH_SUPERVISOR_CASES`` scales them) are inserted by SQL as the
owner under the tenant's setting, received over the last two years, spread over 20
people: a fifth closed (with an approved decision and, for half of them, a survey
answer), some escalated, each with an acknowledgement and a final-response deadline.
"""

from __future__ import annotations

import os
import statistics
import time

import asyncpg
import httpx
import pytest

from tests.conftest import host
from tests.fixtures.staff import TenantHandle

pytestmark = pytest.mark.bench

CASES = int(os.environ.get("QUERELA_BENCH_SUPERVISOR_CASES", "100000"))
PEOPLE = 20
RUNS = 9

STAFF = """
INSERT INTO staff_member (tenant_id, id, email, display_name, roles)
SELECT $1, gen_random_uuid(), 'bench-' || n || '@example.org', 'Bench person ' || n,
       ARRAY['handler']
FROM generate_series(1, $2) AS n
"""

LOAD = """
INSERT INTO cases (tenant_id, id, reference, status, channel, subject, category, severity,
                   confidentiality, confidentiality_floor, language, received_at, created_at,
                   updated_at, version, fields, entered_by, assignee_staff_id, closed_at,
                   escalation_reason)
SELECT $1, gen_random_uuid(), 'S-2026-' || lpad(n::text, 7, '0'),
       (ARRAY['received','investigating','escalated','closed','acknowledged'])[1 + n % 5],
       'web', 'Bench complaint ' || n, 'service', 'normal',
       CASE WHEN n % 50 = 0 THEN 'restricted' ELSE 'standard' END, 'standard', 'en',
       now() - make_interval(mins => n * 10), now(), now(), 1, '{}', 'bench',
       (SELECT array_agg(id ORDER BY id) FROM staff_member
         WHERE tenant_id = $1 AND email LIKE 'bench-%')[1 + n % $2],
       CASE WHEN n % 5 = 3 THEN now() - make_interval(mins => n * 10) + interval '20 days' END,
       CASE WHEN n % 5 = 2 THEN 'Bench escalation' END
FROM generate_series(1, $3) AS n
"""

DEADLINES = """
INSERT INTO deadline (tenant_id, id, case_id, kind, label, due_at, source, pausable, met_at)
SELECT c.tenant_id, gen_random_uuid(), c.id, k.kind, k.label, c.received_at + k.after, 'core',
       true,
       CASE WHEN k.kind = 'acknowledgement' AND c.status <> 'received'
                 THEN c.received_at + interval '30 hours'
            WHEN c.status = 'closed' THEN c.closed_at END
FROM cases c,
     (VALUES ('acknowledgement', 'Acknowledgement', interval '3 days'),
             ('final_response', 'Final response', interval '56 days')) AS k (kind, label, after)
WHERE c.tenant_id = $1
"""

DECISIONS = """
INSERT INTO case_decision (tenant_id, id, case_id, level, outcome, state, proposed_by,
                           proposed_at, reviewed_by, reviewed_at)
SELECT c.tenant_id, gen_random_uuid(), c.id, 0,
       (ARRAY['upheld','partly_upheld','not_upheld'])[1 + (hashtext(c.reference) & 3) % 3],
       'approved', 'bench', c.closed_at - interval '2 days', 'bench',
       c.closed_at - interval '1 day'
FROM cases c WHERE c.tenant_id = $1 AND c.status = 'closed'
"""

SURVEYS = """
INSERT INTO case_survey (tenant_id, id, case_id, score, comment, answered_at)
SELECT c.tenant_id, gen_random_uuid(), c.id, 1 + (hashtext(c.reference) & 7) % 5, '',
       c.closed_at + interval '1 day'
FROM cases c WHERE c.tenant_id = $1 AND c.status = 'closed' AND hashtext(c.reference) % 2 = 0
"""


async def _load(owner: asyncpg.Connection, handle: TenantHandle) -> float:
    started = time.perf_counter()
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(handle.id))
        await owner.execute(STAFF, handle.id, PEOPLE)
        await owner.execute(LOAD, handle.id, PEOPLE, CASES)
        await owner.execute(DEADLINES, handle.id)
        await owner.execute(DECISIONS, handle.id)
        await owner.execute(SURVEYS, handle.id)
    await owner.execute(
        "ANALYZE cases; ANALYZE deadline; ANALYZE case_decision; ANALYZE case_survey"
    )
    return time.perf_counter() - started


async def _median(client: httpx.AsyncClient, handle: TenantHandle, url: str) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = await client.get(url, headers=host(handle))
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:500]
    return statistics.median(times) * 1000


async def test_supervisor_pages_with_100k_cases(
    client: httpx.AsyncClient, owner: asyncpg.Connection, tenant: TenantHandle
):
    loaded = await _load(owner, tenant)
    pages = {
        "overview": "/staff/supervision",
        "KPIs, 30 days": "/staff/supervision/kpis?period=30d",
        "KPIs, 90 days": "/staff/supervision/kpis?period=90d",
        "KPIs, 365 days": "/staff/supervision/kpis?period=365d",
        "KPI API, 365 days": "/api/v1/kpis?period=365d",
    }
    print(f"\n{CASES:,} cases, {2 * CASES:,} deadlines, {PEOPLE} people loaded in {loaded:.1f} s")
    for name, url in pages.items():
        print(f"{name:24} {await _median(client, tenant, url):7.1f} ms (median of {RUNS})")
