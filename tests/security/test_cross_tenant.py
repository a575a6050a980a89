"""Tenant B can neither read, list, change nor guess tenant A's cases, and the
database itself refuses A's rows to B even when a query forgets its filter."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from core.cases.tables import Case, Correspondence, Party
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

COMPLAINT = {
    "subject": "Private matter",
    "description": "Only tenant A may ever see this text.",
    "complainant": {"name": "Alice Secret", "email": "alice@example.org"},
}


@pytest.fixture
async def a_case(client: httpx.AsyncClient, tenant: TenantHandle) -> dict:
    response = await client.post("/api/v1/cases", json=COMPLAINT, headers=host(tenant))
    assert response.status_code == 201
    return response.json()


async def test_b_cannot_read_a_case_by_id(client, other_tenant, a_case):
    response = await client.get(f"/api/v1/cases/{a_case['id']}", headers=host(other_tenant))
    assert response.status_code == 404
    assert "Alice" not in response.text


async def test_b_cannot_list_a_cases(client, other_tenant, a_case):
    response = await client.get("/api/v1/cases", headers=host(other_tenant))
    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_b_cannot_update_a_case(client, tenant, other_tenant, a_case):
    response = await client.patch(
        f"/api/v1/cases/{a_case['id']}",
        json={"version": 1, "severity": "critical"},
        headers=host(other_tenant),
    )
    assert response.status_code == 404
    async with tenant_transaction(slug=tenant.slug):
        row = await Case.select(Case.severity, Case.version).where(Case.id == a_case["id"]).first()
    assert row == {"severity": "normal", "version": 1}


async def test_b_guessing_a_reference_finds_only_its_own_case(client, other_tenant, a_case):
    """Both tenants number from Q-<year>-000001: B's guess must reach B's own case."""
    missing = await client.get(f"/api/v1/cases/{a_case['reference']}", headers=host(other_tenant))
    own = await client.post(
        "/api/v1/cases", json={**COMPLAINT, "subject": "B's own"}, headers=host(other_tenant)
    )
    found = await client.get(f"/api/v1/cases/{a_case['reference']}", headers=host(other_tenant))

    assert missing.status_code == 404
    assert own.json()["reference"] == a_case["reference"]
    assert found.json()["id"] == own.json()["id"] != a_case["id"]
    assert found.json()["subject"] == "B's own"


async def test_header_cannot_reach_another_tenant_than_the_host(
    client, tenant, other_tenant, a_case
):
    response = await client.get(
        f"/api/v1/cases/{a_case['id']}",
        headers={**host(other_tenant), "x-querela-tenant": tenant.slug},
    )
    assert response.status_code == 400


async def test_unfiltered_orm_query_in_b_transaction_returns_no_a_rows(
    client, other_tenant, a_case
):
    async with tenant_transaction(slug=other_tenant.slug):
        cases = await Case.select()
        parties = await Party.select()
        letters = await Correspondence.select()
    assert cases == []
    assert parties == []
    assert letters == []


async def test_unfiltered_sql_as_app_role_sees_only_the_set_tenant(
    app_conn: asyncpg.Connection, tenant, other_tenant, a_case
):
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('querela.tenant_id', $1, true)", str(other_tenant.id)
        )
        as_b = await app_conn.fetch("SELECT id FROM cases")
        writes_into_a = await app_conn.execute(
            "UPDATE cases SET severity = 'critical' WHERE id = $1", a_case["id"]
        )
    assert as_b == []
    assert writes_into_a == "UPDATE 0"


async def test_no_tenant_set_means_no_rows(app_conn: asyncpg.Connection, a_case):
    assert await app_conn.fetch("SELECT id FROM cases") == []
    # After a tenant transaction ends, its setting is gone from the pooled connection.
    async with app_conn.transaction():
        await app_conn.execute(
            "SELECT set_config('querela.tenant_id', gen_random_uuid()::text, true)"
        )
    assert await app_conn.fetch("SELECT id FROM cases") == []


async def test_app_role_cannot_insert_rows_for_another_tenant(
    app_conn: asyncpg.Connection, tenant, other_tenant
):
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with app_conn.transaction():
            await app_conn.execute(
                "SELECT set_config('querela.tenant_id', $1, true)", str(other_tenant.id)
            )
            await app_conn.execute(
                "INSERT INTO cases (tenant_id, id, reference, channel, subject, received_at)"
                " VALUES ($1, gen_random_uuid(), 'X-1', 'api', 'planted', now())",
                tenant.id,
            )


async def test_app_role_cannot_rewrite_or_delete_the_audit_log(
    app_conn: asyncpg.Connection, tenant, a_case
):
    for statement in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with app_conn.transaction():
                await app_conn.execute(
                    "SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id)
                )
                await app_conn.execute(statement)
