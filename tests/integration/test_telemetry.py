"""Traces: request spans carry the tenant id, SQL is traced, personal data is not."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.tenancy.middleware import TENANT_SPAN_ATTRIBUTE
from tests.conftest import host
from tests.fixtures.staff import TenantHandle


async def test_request_span_carries_the_tenant_id(
    client: httpx.AsyncClient, tenant: TenantHandle, spans: InMemorySpanExporter
):
    spans.clear()
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Traced",
            "description": "Secret narrative",
            "complainant": {"name": "Zed"},
        },
        headers=host(tenant),
    )
    assert response.status_code == 201

    finished = spans.get_finished_spans()
    server = [s for s in finished if s.kind.name == "SERVER"]
    assert server, [s.name for s in finished]
    assert server[0].attributes[TENANT_SPAN_ATTRIBUTE] == str(tenant.id)
    assert server[0].attributes["http.status_code"] == 201
    sql = [s for s in finished if s.attributes and s.attributes.get("db.system") == "postgresql"]
    assert any("INSERT" in (s.attributes.get("db.statement") or "") for s in sql)
    exported = " ".join(str(dict(s.attributes or {})) for s in finished)
    assert "Zed" not in exported
    assert "Secret narrative" not in exported
