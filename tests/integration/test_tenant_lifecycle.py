"""Suspend, resume, export, deletion request and purge of a provisioned tenant."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from core.audit import services as audit
from core.cases.schemas import NewCase, PersonIn
from core.cases.services import register_case
from core.cases.tables import Case
from core.db.servers import DatabaseTarget
from core.errors import Conflict, NotFound
from core.tenancy.context import tenant_transaction
from tenants import lifecycle, provisioning
from tenants.export import exported_tables, schema_version, write_export
from tenants.keycloak import KeycloakControlPlane
from tenants.provisioning import TenantInfo
from tests.fixtures.keycloak import KeycloakInstance


@pytest.fixture
async def signed_up(client: httpx.AsyncClient, control_plane: KeycloakControlPlane) -> TenantInfo:
    slug = f"l{uuid.uuid4().hex[:10]}"
    info = await provisioning.signup(
        f"Lifecycle {slug}", slug, f"admin-{slug}@example.org", "prisons", keycloak=control_plane
    )
    assert info.status == "active"
    async with tenant_transaction(slug=slug):
        for subject in ("First complaint", "Second complaint"):
            await register_case(
                NewCase(
                    subject=subject,
                    description="Something went wrong.",
                    complainant=PersonIn(name="Ada Example", email="ada@example.org"),
                ),
                actor="test",
            )
    return info


async def test_suspended_tenant_stays_readable_and_resumes(signed_up: TenantInfo):
    suspended = await lifecycle.suspend(signed_up.slug, "invoice overdue")
    again = await lifecycle.suspend(signed_up.slug, "invoice overdue")

    assert suspended.status == again.status == "suspended" and suspended.suspended_at
    async with tenant_transaction(slug=signed_up.slug) as (tenant, _):
        assert tenant is not None and tenant.status == "suspended"
        assert await Case.count() == 2

    resumed = await lifecycle.resume(signed_up.slug)

    assert resumed.status == "active" and resumed.suspended_at is None
    async with tenant_transaction(slug=signed_up.slug) as (tenant, tx):
        events = await tx.connection.fetch("SELECT action, detail FROM audit_event ORDER BY seq")
    actions = [e["action"] for e in events]
    assert actions[-2:] == ["tenant.suspended", "tenant.resumed"]
    assert actions.count("tenant.suspended") == 1
    assert json.loads(events[-2]["detail"]) == {"reason": "invoice overdue"}


async def test_export_holds_every_row_of_the_tenant(
    signed_up: TenantInfo, database: DatabaseTarget
):
    buffer = io.BytesIO()
    manifest = await write_export(signed_up.slug, buffer)

    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    assert json.loads(archive.read("manifest.json")) == manifest
    assert manifest["format"] == "querela-tenant-export" and manifest["format_version"] == 1
    assert manifest["schema_version"] == schema_version()
    assert manifest["tenant"]["id"] == str(signed_up.id)
    assert [t["name"] for t in manifest["tables"]] == exported_tables()
    assert "staff_session" in manifest["excluded_tables"]
    owner = await asyncpg.connect(database.owner_dsn)
    try:
        async with owner.transaction():
            await owner.execute(
                "SELECT set_config('querela.tenant_id', $1, true)", str(signed_up.id)
            )
            for table in manifest["tables"]:
                lines = archive.read(table["file"]).decode().splitlines()
                rows = [json.loads(line) for line in lines]
                ids = [
                    str(r["id"])
                    for r in await owner.fetch(f'SELECT id FROM "{table["name"]}" ORDER BY id')
                ]
                assert table["rows"] == len(rows) == len(ids), table["name"]
                assert [r["id"] for r in rows] == ids
                assert all(r["tenant_id"] == str(signed_up.id) for r in rows)
                if rows:
                    assert list(rows[0]) == table["columns"]
    finally:
        await owner.close()
    by_name = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert by_name["cases"] == 2 and by_name["staff_member"] == 1
    cases = [json.loads(x) for x in archive.read("tables/cases.jsonl").decode().splitlines()]
    assert {c["subject"] for c in cases} == {"First complaint", "Second complaint"}


async def test_deletion_request_stops_serving_and_resume_cancels_it(
    signed_up: TenantInfo, client: httpx.AsyncClient
):
    pending = await lifecycle.request_deletion(signed_up.slug, grace_days=30)

    assert pending.status == "pending_deletion"
    assert pending.delete_after - datetime.now(UTC) > timedelta(days=29)
    page = await client.get("/", headers={"host": f"{signed_up.slug}.localhost"})
    assert page.status_code == 404

    restored = await lifecycle.resume(signed_up.slug)
    assert restored.status == "active" and restored.delete_after is None
    page = await client.get("/", headers={"host": f"{signed_up.slug}.localhost"})
    assert page.status_code == 200


async def test_resume_is_refused_once_the_grace_period_is_over(signed_up: TenantInfo):
    await lifecycle.request_deletion(signed_up.slug, grace_days=1)
    with pytest.raises(Conflict, match="past its deletion date"):
        await lifecycle.resume(signed_up.slug, now=datetime.now(UTC) + timedelta(days=2))


async def test_purge_removes_organization_and_every_row_only_when_due(
    signed_up: TenantInfo,
    control_plane: KeycloakControlPlane,
    keycloak: KeycloakInstance,
    database: DatabaseTarget,
    client: httpx.AsyncClient,
):
    other = await provisioning.create_tenant(f"o{uuid.uuid4().hex[:10]}", "Bystander")
    async with tenant_transaction(slug=other.slug):
        await audit.record("test.kept", actor="test")
    await lifecycle.request_deletion(signed_up.slug, grace_days=30)

    early = await lifecycle.purge_due(
        datetime.now(UTC), owner_dsn=database.owner_dsn, keycloak=control_plane
    )
    assert signed_up.slug not in {o.slug for o in early}

    later = datetime.now(UTC) + timedelta(days=31)
    outcomes = await lifecycle.purge_due(
        later, owner_dsn=database.owner_dsn, keycloak=control_plane
    )

    [mine] = [o for o in outcomes if o.slug == signed_up.slug]
    assert mine.purged and mine.error is None and mine.rows_deleted > 0
    assert keycloak.admin("GET", "/organizations", params={"search": signed_up.name}).json() == []
    owner = await asyncpg.connect(database.owner_dsn)
    try:
        assert await owner.fetchval("SELECT count(*) FROM tenant WHERE id = $1", signed_up.id) == 0
        async with owner.transaction():
            await owner.execute(
                "SELECT set_config('querela.tenant_id', $1, true)", str(signed_up.id)
            )
            for table in lifecycle.tenant_tables():
                count = await owner.fetchval(
                    f'SELECT count(*) FROM "{table}" WHERE tenant_id = $1', signed_up.id
                )
                assert count == 0, table
        async with owner.transaction():
            await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(other.id))
            assert await owner.fetchval("SELECT count(*) FROM audit_event") == 1
    finally:
        await owner.close()
    with pytest.raises(NotFound):
        await provisioning.get_tenant(signed_up.slug)
    again = await lifecycle.purge_due(later, owner_dsn=database.owner_dsn, keycloak=control_plane)
    assert signed_up.slug not in {o.slug for o in again}
