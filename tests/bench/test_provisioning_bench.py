"""Provisioning throughput: N self-service signups against the real Keycloak.

Run with `make bench` (QUERELA_BENCH_TENANTS sets N, default 1000). Prints
figures; asserts only that every tenant ended active with exactly one
organization. The target: the time per tenant of the last 100 is at most 20%
above that of the first 100 (Keycloak's organization lookups must not grow
with the number of organizations).
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

import httpx
import pytest

from tenants import provisioning
from tenants.keycloak import KeycloakControlPlane

pytestmark = pytest.mark.bench

TENANTS = int(os.environ.get("QUERELA_BENCH_TENANTS", "1000"))


async def test_provisioning_throughput(
    client: httpx.AsyncClient, control_plane: KeycloakControlPlane
):
    run = uuid.uuid4().hex[:6]
    totals: list[float] = []
    keycloak_part: list[float] = []
    slugs: list[str] = []
    started = time.perf_counter()
    for n in range(TENANTS):
        slug = f"b{run}-{n}"
        before = control_plane.stats.seconds
        t0 = time.perf_counter()
        info = await provisioning.signup(
            f"Bench {run} {n}", slug, f"admin-{slug}@example.org", "other", keycloak=control_plane
        )
        totals.append(time.perf_counter() - t0)
        keycloak_part.append(control_plane.stats.seconds - before)
        assert info.status == "active", info.provisioning_error
        slugs.append(slug)
    elapsed = time.perf_counter() - started

    database_part = [t - k for t, k in zip(totals, keycloak_part, strict=True)]
    window = min(100, TENANTS // 2)
    first = statistics.mean(totals[:window])
    last = statistics.mean(totals[-window:])
    print(
        f"\nprovisioning: {TENANTS} tenants in {elapsed:.1f} s = {TENANTS / elapsed:.1f} tenants/s"
        f"\n  per tenant: mean {statistics.mean(totals) * 1000:.1f} ms,"
        f" Keycloak {statistics.mean(keycloak_part) * 1000:.1f} ms,"
        f" database {statistics.mean(database_part) * 1000:.1f} ms"
        f"\n  first {window}: {first * 1000:.1f} ms/tenant,"
        f" last {window}: {last * 1000:.1f} ms/tenant,"
        f" growth {(last / first - 1) * 100:+.1f}% (target < 20%)"
        f"\n  Keycloak first {window}: {statistics.mean(keycloak_part[:window]) * 1000:.1f} ms,"
        f" last {window}: {statistics.mean(keycloak_part[-window:]) * 1000:.1f} ms"
    )
    for slug in (slugs[0], slugs[-1]):
        assert len(await control_plane.organizations_with_alias(slug)) == 1
