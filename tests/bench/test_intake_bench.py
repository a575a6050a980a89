"""Intake throughput: how many complaints a single process registers per second.

Run with `make bench`. Prints figures; asserts only that every case was stored.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx
import pytest

from core.cases.tables import Case
from core.tenancy.context import tenant_transaction
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.staff import new_tenant

pytestmark = pytest.mark.bench

COMPLAINT = {
    "subject": "Benchmark complaint",
    "description": "A complaint of ordinary length. " * 20,
    "complainant": {"name": "Bench Mark", "email": "bench@example.org"},
}


async def _register(
    client: httpx.AsyncClient, headers: dict[str, str], n: int, latencies: list[float]
) -> None:
    # Different people: the same sender's repeats would each be compared as duplicates.
    body = {**COMPLAINT, "complainant": {"name": "Bench Mark", "email": f"bench{n}@example.org"}}
    started = time.perf_counter()
    response = await client.post("/api/v1/cases", json=body, headers=headers)
    latencies.append(time.perf_counter() - started)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("tenants", "per_tenant", "concurrency"), [(1, 400, 1), (1, 400, 8), (8, 100, 8)]
)
async def test_intake_throughput(
    client: httpx.AsyncClient,
    keycloak: KeycloakInstance,
    tenants: int,
    per_tenant: int,
    concurrency: int,
):
    handles = [await new_tenant(keycloak) for _ in range(tenants)]
    slugs = [handle.slug for handle in handles]
    jobs = [handle.headers for handle in handles for _ in range(per_tenant)]
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(headers: dict[str, str], n: int) -> None:
        async with gate:
            await _register(client, headers, n, latencies)

    started = time.perf_counter()
    await asyncio.gather(*(one(headers, n) for n, headers in enumerate(jobs)))
    elapsed = time.perf_counter() - started

    for slug in slugs:
        async with tenant_transaction(slug=slug):
            assert await Case.count() == per_tenant
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"\nintake: {len(jobs)} cases, {tenants} tenant(s), concurrency {concurrency}:"
        f" {len(jobs) / elapsed:.0f} cases/s, p50 {cuts[49] * 1000:.1f} ms,"
        f" p95 {cuts[94] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms"
    )
