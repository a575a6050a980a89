"""Health endpoints, the OpenAPI document and the public pages."""

from __future__ import annotations

import httpx
import pytest

from tenants import lifecycle
from tests.conftest import host
from tests.fixtures.staff import TenantHandle


async def test_health_and_readiness(client: httpx.AsyncClient):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


async def test_openapi_describes_the_case_api(client: httpx.AsyncClient):
    schema = (await client.get("/schema/openapi.json")).json()
    assert {"post", "get"} <= set(schema["paths"]["/api/v1/cases"])
    assert "patch" in schema["paths"]["/api/v1/cases/{key}"]
    assert "NewCase" in str(schema["components"]["schemas"])


async def test_tenant_page_names_the_tenant_without_javascript(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    page = await client.get("/", headers=host(tenant))
    assert page.status_code == 200
    assert f"<h1>Complaints to {tenant.name}</h1>" in page.text
    assert '<html lang="en">' in page.text
    assert "<script" not in page.text


@pytest.mark.parametrize(
    ("query", "accept", "lang", "heading"),
    [
        ("", "de-DE,de;q=0.9,en;q=0.5", "de", "Beschwerden an"),
        ("", "ru", "ru", "Жалобы в"),
        ("?lang=et", "de", "et", "Kaebused:"),
        ("", "fr-FR", "en", "Complaints to"),
    ],
)
async def test_public_page_speaks_four_languages(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    query: str,
    accept: str,
    lang: str,
    heading: str,
):
    page = await client.get(f"/{query}", headers={**host(tenant), "accept-language": accept})
    assert f'<html lang="{lang}">' in page.text
    assert heading in page.text


async def test_platform_page_on_the_bare_domain(client: httpx.AsyncClient):
    page = await client.get("/", headers={"host": "localhost:8000"})
    assert page.status_code == 200
    assert "Querela complaint handling" in page.text


async def test_unknown_tenant_page_is_404(client: httpx.AsyncClient):
    page = await client.get("/", headers={"host": "nobody.localhost"})
    assert page.status_code == 404


async def test_suspended_tenant_page_says_intake_is_closed(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    await lifecycle.suspend(tenant.slug, "unpaid invoice")
    page = await client.get("/", headers={"host": f"{tenant.slug}.localhost"})
    refused = await client.post(
        "/api/v1/cases", json={"subject": "s", "description": "d"}, headers=tenant.headers
    )
    readable = await client.get("/api/v1/cases", headers=tenant.headers)

    assert page.status_code == 200
    assert "complaints cannot be submitted here" in page.text
    assert refused.status_code == 403
    assert "suspended" in refused.json()["detail"]
    assert readable.status_code == 200
