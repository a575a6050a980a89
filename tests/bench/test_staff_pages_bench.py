"""The staff workspace with 100,000 cases in one tenant: how long its pages take.

Run with `make bench`. Prints the median time of the queue (first page, filtered,
searched, sorted by deadline, a later page) and of a case page, measured around
the in-process request, so with no network in it; asserts only that they answer.

The cases (``QUERELA_BENCH_STAFF_CASES`` scales them) are inserted by one SQL
statement as the owner under the tenant's setting, each with two open deadlines;
they carry no parties or letters, which are sealed and which the queue never reads.
"""

from __future__ import annotations

import os
import re
import statistics
import time

import asyncpg
import httpx
import pytest

from tests.conftest import host
from tests.fixtures.staff import TenantHandle

pytestmark = pytest.mark.bench

CASES = int(os.environ.get("QUERELA_BENCH_STAFF_CASES", "100000"))
RUNS = 9

LOAD = """
INSERT INTO cases (tenant_id, id, reference, status, channel, subject, category, severity,
                   confidentiality, confidentiality_floor, language, received_at, created_at,
                   updated_at, version, fields, entered_by, assignee_staff_id)
SELECT $1, gen_random_uuid(), 'B-2026-' || lpad(n::text, 7, '0'),
       (ARRAY['received','acknowledged','investigating','on_hold','closed'])[1 + n % 5],
       'web', 'Bench complaint ' || n || ' about ' || (ARRAY['fees','delays','staff'])[1 + n % 3],
       (ARRAY['billing','claims','service'])[1 + n % 3],
       (ARRAY['low','normal','high','critical'])[1 + n % 4],
       CASE WHEN n % 50 = 0 THEN 'restricted' ELSE 'standard' END, 'standard', 'en',
       now() - make_interval(mins => n), now(), now(), 1, '{}', 'bench',
       CASE WHEN n % 10 = 0 THEN $2::uuid END
FROM generate_series(1, $3) AS n
"""

DEADLINES = """
INSERT INTO deadline (tenant_id, id, case_id, kind, label, due_at, source, pausable,
                      paused_since)
SELECT c.tenant_id, gen_random_uuid(), c.id, k.kind, k.label,
       c.received_at + k.after, 'core', true,
       CASE WHEN c.status = 'on_hold' THEN now() END
FROM cases c,
     (VALUES ('acknowledgement', 'Acknowledgement', interval '3 days'),
             ('final_response', 'Final response', interval '56 days')) AS k (kind, label, after)
WHERE c.tenant_id = $1
"""


async def _load(owner: asyncpg.Connection, handle: TenantHandle) -> float:
    started = time.perf_counter()
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(handle.id))
        await owner.execute(LOAD, handle.id, handle.staff.staff_id, CASES)
        await owner.execute(DEADLINES, handle.id)
    await owner.execute("ANALYZE cases; ANALYZE deadline")
    return time.perf_counter() - started


async def _median(client: httpx.AsyncClient, handle: TenantHandle, url: str) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = await client.get(url, headers=host(handle))
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:500]
    return statistics.median(times) * 1000


async def test_staff_pages_with_100k_cases(
    client: httpx.AsyncClient, owner: asyncpg.Connection, tenant: TenantHandle
):
    loaded = await _load(owner, tenant)
    first = await client.get("/staff?view=all", headers=host(tenant))
    later = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert later
    pages = {
        "my cases, first page": "/staff?view=mine",
        "all, first page": "/staff?view=all",
        "all, next page": later.group(1).replace("&amp;", "&"),
        "all, oldest first": "/staff?view=all&sort=received_oldest",
        "all, by next deadline": "/staff?view=all&sort=deadline",
        "my cases, by next deadline": "/staff?view=mine&sort=deadline",
        "filtered (status, severity)": "/staff?view=all&status=investigating&severity=high",
        "searched (two words)": "/staff?view=all&q=fees+complaint",
        "searched, rare hit": "/staff?view=all&q=B-2026-0099999",
        "case page": "/staff/cases/B-2026-0050001",
    }
    print(f"\n{CASES:,} cases and {2 * CASES:,} deadlines loaded in {loaded:.1f} s")
    for name, url in pages.items():
        print(f"{name:32} {await _median(client, tenant, url):7.1f} ms (median of {RUNS})")
