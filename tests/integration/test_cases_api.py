"""Registering, reading, listing and triaging cases through the API."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx

from core.audit.tables import AuditEvent
from core.cases.tables import Case
from core.tenancy.context import tenant_transaction
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient

COMPLAINT = {
    "subject": "Claim payment delayed",
    "description": "I sent my claim in October and have heard nothing.",
    "channel": "letter",
    "complainant": {"name": "Ada Example", "email": "ada@example.org"},
}


async def register(client: Client, tenant: TenantHandle, **changes: object) -> dict:
    response = await client.post(
        "/api/v1/cases", json={**COMPLAINT, **changes}, headers=host(tenant)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_registration_returns_reference_parties_and_text(
    client: Client, tenant: TenantHandle
):
    case = await register(client, tenant)

    year = datetime.now(UTC).year
    assert case["reference"] == f"Q-{year}-000001"
    assert case["status"] == "received"
    assert case["channel"] == "letter"
    [complainant] = case["parties"]
    assert complainant["role"] == "complainant"
    assert complainant["email"] == "ada@example.org"
    [letter] = case["correspondence"]
    assert letter["direction"] == "inbound"
    assert letter["body"] == COMPLAINT["description"]


async def test_case_reads_back_by_id_and_by_reference(client: Client, tenant: TenantHandle):
    case = await register(client, tenant)

    by_id = await client.get(f"/api/v1/cases/{case['id']}", headers=host(tenant))
    by_reference = await client.get(
        f"/api/v1/cases/{case['reference'].lower()}", headers=host(tenant)
    )

    assert by_id.status_code == 200
    assert by_id.json() == case
    assert by_reference.json()["id"] == case["id"]


async def test_registration_and_reading_are_audited_in_a_hash_chain(
    client: Client, tenant: TenantHandle
):
    case = await register(client, tenant)
    await client.get(f"/api/v1/cases/{case['id']}", headers=host(tenant))

    async with tenant_transaction(slug=tenant.slug):
        events = await AuditEvent.select().order_by(AuditEvent.seq)
    assert [(e["seq"], e["action"]) for e in events] == [
        (1, "case.registered"),
        (2, "team.created"),  # the default queue, made for the first case
        (3, "case.routed"),
        (4, "case.viewed"),
    ]
    assert events[0]["prev_hash"] == "0" * 64
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert str(events[0]["case_id"]) == case["id"]
    # No personal data in the log: the complainant's name stays in the case tables.
    assert "Ada" not in str(events)


async def test_references_are_gap_free_under_concurrent_registration(
    client: Client, tenant: TenantHandle
):
    cases = await asyncio.gather(*(register(client, tenant) for _ in range(12)))

    numbers = sorted(int(c["reference"].rsplit("-", 1)[1]) for c in cases)
    assert numbers == list(range(1, 13))


async def test_refused_registration_gives_no_number_away(client: Client, tenant: TenantHandle):
    await register(client, tenant)
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    refused = await client.post(
        "/api/v1/cases", json={**COMPLAINT, "received_at": future}, headers=host(tenant)
    )
    second = await register(client, tenant)

    assert refused.status_code == 400
    assert second["reference"].endswith("-000002")


async def test_reference_year_follows_the_date_of_receipt(client: Client, tenant: TenantHandle):
    case = await register(client, tenant, received_at="2025-12-30T10:00:00+00:00")
    assert re.fullmatch(r"Q-2025-000001", case["reference"])


async def test_list_pages_newest_first(client: Client, tenant: TenantHandle):
    made = [await register(client, tenant, subject=f"Complaint {i}") for i in range(5)]

    first = (await client.get("/api/v1/cases?limit=2", headers=host(tenant))).json()
    second = (
        await client.get(f"/api/v1/cases?limit=2&before={first['next']}", headers=host(tenant))
    ).json()
    third = (
        await client.get(f"/api/v1/cases?limit=2&before={second['next']}", headers=host(tenant))
    ).json()

    listed = [c["id"] for page in (first, second, third) for c in page["items"]]
    assert listed == [c["id"] for c in reversed(made)]
    assert third["next"] is None


async def test_triage_changes_fields_and_refuses_a_stale_version(
    client: Client, tenant: TenantHandle
):
    case = await register(client, tenant)
    url = f"/api/v1/cases/{case['id']}"

    changed = await client.patch(
        url, json={"version": 1, "severity": "high", "category": "claims"}, headers=host(tenant)
    )
    stale = await client.patch(url, json={"version": 1, "severity": "low"}, headers=host(tenant))

    assert changed.status_code == 200
    assert changed.json()["severity"] == "high"
    assert changed.json()["version"] == 2
    assert stale.status_code == 409
    async with tenant_transaction(slug=tenant.slug):
        row = await Case.select(Case.severity).where(Case.reference == case["reference"]).first()
        actions = await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)
    assert row == {"severity": "high"}
    assert [a["action"] for a in actions] == [
        "case.registered",
        "team.created",
        "case.routed",
        "case.updated",
    ]


async def test_tenant_header_addresses_a_tenant_for_api_clients(
    client: Client, tenant: TenantHandle
):
    response = await client.post(
        "/api/v1/cases",
        json=COMPLAINT,
        headers={"x-querela-tenant": tenant.slug, **tenant.staff.bearer},
    )
    assert response.status_code == 201
