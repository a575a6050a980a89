"""API keys: issued by a tenant's administrators, used by another system, revocable."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from core.audit.tables import AuditEvent
from core.auth.guards import staff_or_scope
from core.db.servers import DatabaseTarget
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient

KEYS = "/api/v1/api-keys"
CASES = "/api/v1/cases"
COMPLAINT = {
    "subject": "Call centre: claim payment delayed",
    "description": "Caller says the claim sent in October has had no answer.",
    "complainant": {"name": "Ada Example", "email": "ada@example.org"},
}


def on(tenant: TenantHandle, **headers: str) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **headers}


def with_key(tenant: TenantHandle, secret: str) -> dict[str, str]:
    return on(tenant, authorization=f"ApiKey {secret}")


async def admin_of(tenant: TenantHandle) -> StaffUser:
    return await tenant.add_staff(roles=("tenant-admin",))


async def issue(
    client: Client,
    tenant: TenantHandle,
    admin: StaffUser,
    scopes: tuple[str, ...] = ("cases:create", "cases:read"),
    **extra: object,
) -> dict:
    response = await client.post(
        KEYS,
        json={"name": "CRM", "scopes": list(scopes), **extra},
        headers=on(tenant, **admin.bearer),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def stored_keys(owner: asyncpg.Connection, tenant: TenantHandle) -> list[asyncpg.Record]:
    """The tenant's api_key rows as the table owner sees them (still under forced RLS)."""
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        return await owner.fetch("SELECT * FROM api_key ORDER BY id")


async def audit_trail(tenant: TenantHandle) -> list[tuple[str, str]]:
    async with tenant_transaction(slug=tenant.slug):
        events = await AuditEvent.select(AuditEvent.action, AuditEvent.actor).order_by(
            AuditEvent.seq
        )
    return [(e["action"], e["actor"]) for e in events]


async def test_admin_issues_a_key_that_registers_and_reads_cases(
    client: Client, tenant: TenantHandle
):
    admin = await admin_of(tenant)
    key = await issue(client, tenant, admin)

    registered = await client.post(CASES, json=COMPLAINT, headers=with_key(tenant, key["secret"]))
    read = await client.get(
        f"{CASES}/{registered.json()['reference']}",
        headers={**on(tenant), "x-api-key": key["secret"]},
    )
    listed = await client.get(CASES, headers=with_key(tenant, key["secret"]))

    assert key["secret"].startswith("qk_") and len(key["secret"]) > 40
    assert key["prefix"] == key["secret"][:11]
    assert key["scopes"] == ["cases:create", "cases:read"]
    assert key["state"] == "active" and key["created_by"] == f"staff:{admin.staff_id}"
    assert registered.status_code == 201, registered.text
    assert registered.json()["channel"] == "api"
    assert read.status_code == 200 and read.json()["id"] == registered.json()["id"]
    assert [c["id"] for c in listed.json()["items"]] == [registered.json()["id"]]
    assert await audit_trail(tenant) == [
        ("api_key.issued", f"staff:{admin.staff_id}"),
        ("case.registered", f"api-key:{key['id']}"),
        ("team.created", f"api-key:{key['id']}"),
        ("case.routed", f"api-key:{key['id']}"),
        ("case.viewed", f"api-key:{key['id']}"),
    ]
    [shown] = (await client.get(KEYS, headers=on(tenant, **admin.bearer))).json()["items"]
    assert shown["last_used_at"] is not None


async def test_concurrent_requests_with_one_key_all_succeed(client: Client, tenant: TenantHandle):
    """Recording the key's use must not make parallel requests wait for each other or fail."""
    key = await issue(client, tenant, await admin_of(tenant), ("cases:create",))

    responses = await asyncio.gather(
        *(
            client.post(CASES, json=COMPLAINT, headers=with_key(tenant, key["secret"]))
            for _ in range(6)
        )
    )

    assert [r.status_code for r in responses] == [201] * 6


async def test_only_tenant_admins_manage_keys(client: Client, tenant: TenantHandle, owner):
    """The fixture's staff member is a handler and supervisor, not an administrator."""
    issued = await client.post(
        KEYS, json={"name": "CRM", "scopes": ["cases:read"]}, headers=tenant.headers
    )
    listed = await client.get(KEYS, headers=tenant.headers)

    assert issued.status_code == 403 and "tenant-admin" in issued.json()["detail"]
    assert listed.status_code == 403
    assert await stored_keys(owner, tenant) == []


async def test_key_without_the_scope_gets_403(client: Client, tenant: TenantHandle):
    key = await issue(client, tenant, await admin_of(tenant), ("cases:read",))

    registered = await client.post(CASES, json=COMPLAINT, headers=with_key(tenant, key["secret"]))
    listed = await client.get(CASES, headers=with_key(tenant, key["secret"]))

    assert registered.status_code == 403
    assert registered.json()["detail"] == "This API key lacks the scope 'cases:create'."
    assert listed.status_code == 200


async def test_key_is_never_staff(client: Client, tenant: TenantHandle):
    """Routes that need a person refuse a key, whatever scopes it holds."""
    key = await issue(client, tenant, await admin_of(tenant))
    headers = with_key(tenant, key["secret"])
    case = (await client.post(CASES, json=COMPLAINT, headers=headers)).json()

    refused = [
        await client.patch(
            f"{CASES}/{case['id']}", json={"version": 1, "severity": "high"}, headers=headers
        ),
        await client.get(f"{CASES}/{case['id']}/file", headers=headers),
        await client.get(f"{CASES}/{case['id']}/attachments", headers=headers),
        await client.get(KEYS, headers=headers),
        await client.post(KEYS, json={"name": "more", "scopes": ["cases:read"]}, headers=headers),
    ]

    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "API keys cannot use this" in refused[0].json()["detail"]


async def test_key_of_one_tenant_is_refused_on_another(
    client: Client, tenant: TenantHandle, other_tenant: TenantHandle, owner
):
    key = await issue(client, tenant, await admin_of(tenant))

    by_host = await client.post(
        CASES, json=COMPLAINT, headers=with_key(other_tenant, key["secret"])
    )
    by_header = await client.get(
        CASES, headers={"x-querela-tenant": other_tenant.slug, "x-api-key": key["secret"]}
    )

    assert by_host.status_code == 401 and by_header.status_code == 401
    assert by_host.json()["detail"] == "The API key is not valid for this organisation."
    assert by_host.headers["www-authenticate"] == "ApiKey"
    async with tenant_transaction(slug=other_tenant.slug):
        assert await AuditEvent.count() == 0
    # A refused use is not a use.
    [row] = await stored_keys(owner, tenant)
    assert row["last_used_at"] is None


async def test_revoked_key_gets_401(client: Client, tenant: TenantHandle):
    admin = await admin_of(tenant)
    key = await issue(client, tenant, admin)
    revoke = f"{KEYS}/{key['id']}/revoke"

    revoked = await client.post(revoke, headers=on(tenant, **admin.bearer))
    used = await client.get(CASES, headers=with_key(tenant, key["secret"]))
    again = await client.post(revoke, headers=on(tenant, **admin.bearer))

    assert revoked.status_code == 200
    assert revoked.json()["state"] == "revoked"
    assert revoked.json()["revoked_by"] == f"staff:{admin.staff_id}"
    assert used.status_code == 401 and "revoked" in used.json()["detail"]
    assert again.status_code == 409
    [listed] = (await client.get(KEYS, headers=on(tenant, **admin.bearer))).json()["items"]
    assert listed["state"] == "revoked"
    assert await audit_trail(tenant) == [
        ("api_key.issued", f"staff:{admin.staff_id}"),
        ("api_key.revoked", f"staff:{admin.staff_id}"),
    ]


async def test_revoking_a_key_of_another_tenant_is_404(
    client: Client, tenant: TenantHandle, other_tenant: TenantHandle
):
    key = await issue(client, tenant, await admin_of(tenant))
    other_admin = await admin_of(other_tenant)

    response = await client.post(
        f"{KEYS}/{key['id']}/revoke", headers=on(other_tenant, **other_admin.bearer)
    )

    assert response.status_code == 404
    assert (await client.get(CASES, headers=with_key(tenant, key["secret"]))).status_code == 200


async def test_expired_key_gets_401(client: Client, tenant: TenantHandle, owner):
    admin = await admin_of(tenant)
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    key = await issue(client, tenant, admin, expires_at=soon)
    assert (await client.get(CASES, headers=with_key(tenant, key["secret"]))).status_code == 200
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        await owner.execute(
            "UPDATE api_key SET expires_at = now() - interval '1 minute' WHERE id = $1::uuid",
            key["id"],
        )

    response = await client.get(CASES, headers=with_key(tenant, key["secret"]))

    assert response.status_code == 401 and "expired" in response.json()["detail"]
    [listed] = (await client.get(KEYS, headers=on(tenant, **admin.bearer))).json()["items"]
    assert listed["state"] == "expired"


async def test_listing_never_shows_a_secret_or_its_hash(
    client: Client, tenant: TenantHandle, owner
):
    admin = await admin_of(tenant)
    first = await issue(client, tenant, admin)
    second = await issue(client, tenant, admin, ("cases:read",))

    response = await client.get(KEYS, headers=on(tenant, **admin.bearer))

    hashes = [row["secret_hash"] for row in await stored_keys(owner, tenant)]
    assert [k["id"] for k in response.json()["items"]] == [second["id"], first["id"]]
    for secret in (first["secret"], second["secret"]):
        assert secret[11:] not in response.text
    for digest in hashes:
        assert digest not in response.text
    assert "secret" not in response.json()["items"][0]


async def test_secret_is_stored_only_as_its_sha256(client: Client, tenant: TenantHandle, owner):
    key = await issue(client, tenant, await admin_of(tenant))

    [row] = await stored_keys(owner, tenant)

    assert row["secret_hash"] == hashlib.sha256(key["secret"].encode()).hexdigest()
    hidden = key["secret"][11:]
    assert all(hidden not in str(value) for value in dict(row).values())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"name": "CRM", "scopes": ["cases:delete"]}, "scopes", id="unknown-scope"),
        pytest.param({"name": "CRM", "scopes": []}, "scopes", id="no-scope"),
        pytest.param({"name": "   ", "scopes": ["cases:read"]}, "name", id="blank-name"),
        pytest.param({"name": "", "scopes": ["cases:read"]}, "name", id="empty-name"),
        pytest.param({"scopes": ["cases:read"]}, "name", id="missing-name"),
        pytest.param({"name": "CRM\x00", "scopes": ["cases:read"]}, "name", id="nul-in-name"),
        pytest.param({"name": "CRM\x1b[2J", "scopes": ["cases:read"]}, "name", id="escape-in-name"),
        pytest.param(
            {"name": "CRM", "scopes": ["cases:read"], "owner": "me"}, "owner", id="unknown-field"
        ),
        pytest.param(
            {"name": "CRM", "scopes": ["cases:read"], "expires_at": "2020-01-01T00:00:00+00:00"},
            "expires_at",
            id="expiry-in-the-past",
        ),
        pytest.param(
            {"name": "CRM", "scopes": ["cases:read"], "expires_at": "2099-01-01T00:00:00"},
            "expires_at",
            id="expiry-without-zone",
        ),
    ],
)
async def test_bad_input_is_a_400_that_writes_nothing(
    client: Client, tenant: TenantHandle, owner, body: dict, field: str
):
    admin = await admin_of(tenant)

    response = await client.post(KEYS, json=body, headers=on(tenant, **admin.bearer))

    assert response.status_code == 400, response.text
    assert field in response.text
    assert await stored_keys(owner, tenant) == []
    assert await audit_trail(tenant) == []


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"authorization": "ApiKey "}, id="empty"),
        pytest.param({"authorization": "ApiKey qk_not-a-real-key"}, id="unknown"),
        pytest.param({"authorization": "apikey not-even-shaped-right"}, id="malformed"),
        pytest.param({"x-api-key": ""}, id="empty-header"),
        pytest.param(
            {"authorization": "Bearer x", "x-api-key": "qk_not-a-real-key"}, id="two-credentials"
        ),
    ],
)
async def test_unusable_key_credentials_get_401(
    client: Client, tenant: TenantHandle, headers: dict[str, str]
):
    response = await client.get(CASES, headers=on(tenant, **headers))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "ApiKey"


async def test_key_is_refused_off_the_tenants_host(client: Client, tenant: TenantHandle):
    key = await issue(client, tenant, await admin_of(tenant))

    response = await client.get(
        "/platform/v1/tenants", headers={"host": "localhost", "x-api-key": key["secret"]}
    )

    assert response.status_code == 401
    assert "only at the address" in response.json()["detail"]


def test_a_misspelt_scope_in_a_guard_fails_at_import():
    with pytest.raises(ValueError, match="cases:raed"):
        staff_or_scope("cases:raed")


async def test_cli_issues_lists_and_revokes_keys(
    client: Client, tenant: TenantHandle, database: DatabaseTarget
):
    env = {
        **os.environ,
        "DATABASE_URL": database.owner_dsn,
        "QUERELA_APP_DATABASE_URL": database.app_dsn,
    }

    def querela(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(Path(sys.executable).with_name("querela")), "apikeys", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    created = await asyncio.to_thread(
        querela,
        "create",
        "--tenant",
        tenant.slug,
        "--name",
        "Call centre",
        "--scope",
        "cases:create",
    )
    refused = await asyncio.to_thread(
        querela, "create", "--tenant", tenant.slug, "--name", "X", "--scope", "cases:delete"
    )
    secret = created.stdout.strip()
    registered = await client.post(CASES, json=COMPLAINT, headers=with_key(tenant, secret))
    listed = await asyncio.to_thread(querela, "list", "--tenant", tenant.slug)
    key_id = listed.stdout.split()[0]
    revoked = await asyncio.to_thread(querela, "revoke", "--tenant", tenant.slug, key_id)
    after = await client.post(CASES, json=COMPLAINT, headers=with_key(tenant, secret))

    assert created.returncode == 0, created.stderr
    assert secret.startswith("qk_")
    assert refused.returncode == 2 and "cases:delete" in refused.stderr
    assert registered.status_code == 201
    assert "Call centre" in listed.stdout and secret not in listed.stdout
    assert revoked.returncode == 0, revoked.stderr
    assert after.status_code == 401
    assert [a for a, _ in await audit_trail(tenant)] == [
        "api_key.issued",
        "case.registered",
        "team.created",
        "case.routed",
        "api_key.revoked",
    ]


async def test_an_integration_registers_a_case_and_records_a_later_call(
    client: Client, tenant: TenantHandle
):
    """A call-centre tool: it opens the case, then logs the caller's follow-up call on it."""
    key = await issue(
        client,
        tenant,
        await admin_of(tenant),
        scopes=("cases:create", "correspondence:create"),
    )
    headers = with_key(tenant, key["secret"])
    created = await client.post(
        "/api/v1/cases",
        json={"subject": "Bill too high", "description": "Charged twice.", "channel": "phone"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    case = created.json()
    call = await client.post(
        f"/api/v1/cases/{case['id']}/correspondence",
        json={"direction": "inbound", "channel": "phone", "body": "Caller asked for news."},
        headers=headers,
    )
    read_only = await issue(client, tenant, await admin_of(tenant), scopes=("cases:read",))
    refused = await client.post(
        f"/api/v1/cases/{case['id']}/correspondence",
        json={"direction": "inbound", "channel": "phone", "body": "Again."},
        headers=with_key(tenant, read_only["secret"]),
    )

    assert case["entered_by"] == f"api-key:{key['id']}"
    assert call.status_code == 201, call.text
    assert refused.status_code == 403
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)).json()
    assert [c["channel"] for c in detail["correspondence"]] == ["phone", "phone"]
