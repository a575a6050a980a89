"""Hostile and broken input gets a clear 4xx and writes nothing."""

from __future__ import annotations

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.cases.tables import Case, ReferenceCounter
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

VALID = {"subject": "A complaint", "description": "What happened."}


async def stored_rows(tenant: TenantHandle) -> tuple[int, int, int]:
    async with tenant_transaction(slug=tenant.slug):
        return (
            await Case.count(),
            await AuditEvent.count(),
            await ReferenceCounter.count(),
        )


@pytest.mark.parametrize(
    ("body", "content_type", "expect_in_message"),
    [
        pytest.param(
            b'{"subject": "unfinished', "application/json", "not valid JSON", id="malformed-json"
        ),
        pytest.param(b"[1, 2, 3]", "application/json", "Expected `object`", id="json-array"),
        pytest.param(
            b'{"subject": 12, "description": "x"}', "application/json", "subject", id="wrong-type"
        ),
        pytest.param(b'{"subject": "x"}', "application/json", "description", id="missing-field"),
        pytest.param(
            b'{"subject": "x", "description": "y", "severty": "high"}',
            "application/json",
            "severty",
            id="misspelt-field",
        ),
        pytest.param(
            b'{"subject": "x", "description": "y", "channel": "pigeon"}',
            "application/json",
            "channel",
            id="unknown-channel",
        ),
        pytest.param(
            b'{"subject": "x", "description": "y", "complainant": {"email": "not-an-address"}}',
            "application/json",
            "email",
            id="bad-email",
        ),
        pytest.param(
            b'{"subject": "   ", "description": "y"}', "application/json", "subject", id="blank"
        ),
        pytest.param(
            b'{"subject": "x", "description": "y", "received_at": "2026-01-01T10:00:00"}',
            "application/json",
            "time zone",
            id="naive-time",
        ),
        pytest.param(
            b'{"subject": "x", "description": "y", "received_at": "2999-01-01T10:00:00Z"}',
            "application/json",
            "future",
            id="future-time",
        ),
        pytest.param(
            b"subject=x&description=y",
            "application/x-www-form-urlencoded",
            "",
            id="form-to-json-api",
        ),
    ],
)
async def test_bad_registration_is_refused_and_writes_nothing(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    body: bytes,
    content_type: str,
    expect_in_message: str,
):
    before = await stored_rows(tenant)
    response = await client.post(
        "/api/v1/cases", content=body, headers={**host(tenant), "content-type": content_type}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["status_code"] == response.status_code
    assert expect_in_message in response.text
    assert await stored_rows(tenant) == before


async def test_oversized_body_is_refused_with_413(client: httpx.AsyncClient, tenant: TenantHandle):
    before = await stored_rows(tenant)
    huge = {**VALID, "description": "x" * (65 * 1024)}
    response = await client.post("/api/v1/cases", json=huge, headers=host(tenant))
    assert response.status_code == 413
    assert await stored_rows(tenant) == before


async def test_unknown_tenant_is_a_404_without_data(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    for headers in (
        {"host": "nobody.localhost"},
        {"x-querela-tenant": "nobody"},
        {"x-querela-tenant": "../etc"},
        {},
    ):
        response = await client.post("/api/v1/cases", json=VALID, headers=headers)
        assert response.status_code == 404, headers
        assert response.json()["detail"] == "No tenant is served at this address."


async def test_bad_query_parameters_are_refused(client: httpx.AsyncClient, tenant: TenantHandle):
    for query in ("limit=0", "limit=1000", "limit=ten", "before=not-a-uuid"):
        response = await client.get(f"/api/v1/cases?{query}", headers=host(tenant))
        assert response.status_code == 400, query
