"""The tenant's taxonomy: admins keep it, staff file cases under it, plugins add to it."""

from __future__ import annotations

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient


async def admin_headers(tenant: TenantHandle) -> dict[str, str]:
    admin = await tenant.add_staff(roles=("tenant-admin",))
    return {"host": f"{tenant.slug}.localhost", **admin.bearer}


async def register(client: Client, tenant: TenantHandle, category: str | None) -> httpx.Response:
    return await client.post(
        "/api/v1/cases",
        json={"subject": "s", "description": "d", "category": category},
        headers=tenant.headers,
    )


async def test_a_tenant_without_a_taxonomy_files_under_any_category(client, tenant):
    assert (await client.get("/api/v1/taxonomy", headers=tenant.headers)).json() == []
    assert (await register(client, tenant, "anything")).status_code == 201


async def test_once_it_has_categories_a_case_must_use_an_active_one(client, tenant):
    admin = await admin_headers(tenant)
    for code, label in (("claims", "Claims"), ("service", "Service")):
        saved = await client.put(
            f"/api/v1/taxonomy/category/{code}", json={"label": label}, headers=admin
        )
        assert saved.status_code == 200, saved.text
    cause = await client.put(
        "/api/v1/taxonomy/cause/slow-payment",
        json={"label": "Slow payment", "parent": None},
        headers=admin,
    )
    assert cause.status_code == 200, cause.text

    filed = await register(client, tenant, "claims")
    refused = await register(client, tenant, "weather")
    retired = await client.put(
        "/api/v1/taxonomy/category/service",
        json={"label": "Service", "active": False},
        headers=admin,
    )
    under_retired = await register(client, tenant, "service")

    assert filed.status_code == 201
    assert refused.status_code == 400
    assert "claims" in refused.json()["detail"] or "claims" in refused.text
    assert retired.json()["active"] is False
    assert under_retired.status_code == 400
    terms = (await client.get("/api/v1/taxonomy?kind=category", headers=tenant.headers)).json()
    assert [(t["code"], t["active"], t["source"]) for t in terms] == [
        ("claims", True, "tenant"),
        ("service", False, "tenant"),
    ]
    async with tenant_transaction(tenant_id=tenant.id):
        saved = await AuditEvent.count().where(AuditEvent.action == "taxonomy.term_saved")
    assert saved == 4
    # Triage obeys the taxonomy too.
    case = filed.json()
    moved = await client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"version": case["version"], "category": "weather"},
        headers=tenant.headers,
    )
    assert moved.status_code == 400


async def test_only_tenant_admins_change_the_taxonomy(client, tenant):
    response = await client.put(
        "/api/v1/taxonomy/category/claims", json={"label": "Claims"}, headers=tenant.headers
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("category/Claims", {"label": "Upper case code"}, 400),
        ("category/claims", {"label": ""}, 400),
        ("category/claims", {"label": "   "}, 400),
        ("category/claims", {"label": "x", "parent": "nothing"}, 400),
        ("category/claims", {"label": "x", "parent": "claims"}, 400),
        ("category/claims", {"label": "x", "colour": "red"}, 400),
        ("mood/claims", {"label": "x"}, 404),
    ],
)
async def test_bad_terms_are_refused_and_nothing_is_saved(client, tenant, path, body, status):
    admin = await admin_headers(tenant)
    response = await client.put(f"/api/v1/taxonomy/{path}", json=body, headers=admin)
    assert response.status_code == status, response.text
    assert (await client.get("/api/v1/taxonomy", headers=tenant.headers)).json() == []


async def test_enabled_plugins_add_their_terms(client, tenant):
    admin = await admin_headers(tenant)
    enabled = await client.post("/api/v1/plugins/acme_complaints/enable", headers=admin)
    assert enabled.status_code == 200, enabled.text
    terms = (await client.get("/api/v1/taxonomy", headers=tenant.headers)).json()
    assert {"acme.delivery", "acme.billing"} <= {t["code"] for t in terms}
    assert {t["source"] for t in terms} == {"acme_complaints"}
    assert (await register(client, tenant, "acme.delivery")).status_code == 201
    assert (await register(client, tenant, "claims")).status_code == 400
