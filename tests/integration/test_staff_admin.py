"""The staff API: a tenant admin lists staff, invites people through Keycloak, changes roles.

The invitation is Keycloak's own e-mail, received here by the suite's SMTP server;
when Keycloak cannot be reached nothing is kept.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from core.audit.tables import AuditEvent
from core.auth.tables import StaffMember
from core.staff.api import STAFF_DIRECTORY
from core.tenancy.context import tenant_transaction
from tenants.keycloak import KeycloakControlPlane
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient


def as_(tenant: TenantHandle, user: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **user.bearer}


@pytest.fixture
async def admin(tenant: TenantHandle) -> StaffUser:
    return await tenant.add_staff(("tenant-admin",))


async def events(tenant: TenantHandle, action: str) -> list[dict[str, Any]]:
    async with tenant_transaction(slug=tenant.slug):
        rows = await AuditEvent.select(AuditEvent.detail, AuditEvent.actor).where(
            AuditEvent.action == action
        )
    return [{"actor": r["actor"], **json.loads(r["detail"] or "{}")} for r in rows]


async def row_of(tenant: TenantHandle, email: str) -> dict[str, Any] | None:
    async with tenant_transaction(slug=tenant.slug):
        rows = await StaffMember.raw(
            "SELECT * FROM staff_member WHERE lower(email) = lower({})", email
        )
    return rows[0] if rows else None


async def test_only_a_tenant_admin_reads_the_staff_list(
    client: Client, tenant: TenantHandle, admin: StaffUser
):
    refused = await client.get("/api/v1/staff", headers=as_(tenant, tenant.staff))
    assert refused.status_code == 403
    listed = await client.get("/api/v1/staff", headers=as_(tenant, admin))
    assert listed.status_code == 200
    by_email = {p["email"]: p for p in listed.json()}
    assert by_email[admin.email]["roles"] == ["tenant-admin"]
    assert by_email[tenant.staff.email]["roles"] == ["handler", "supervisor"]
    assert not by_email[admin.email]["pending"]


async def test_an_invitation_is_mailed_by_keycloak_and_the_row_waits_for_the_sign_in(
    client: Client, tenant: TenantHandle, admin: StaffUser, mailbox: Mailbox
):
    email = f"invited-{uuid.uuid4().hex[:8]}@example.org"
    seen = len(mailbox.messages)
    answer = await client.post(
        "/api/v1/staff/invitations",
        json={"email": email, "roles": ["investigator", "handler", "handler"]},
        headers=as_(tenant, admin),
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["sent"] is True
    assert body["staff"]["pending"] is True
    assert body["staff"]["roles"] == ["handler", "investigator"]

    mail = mailbox.wait_for(email, after=seen)
    assert tenant.name in str(mail["subject"]) + mail.get_body(("plain", "html")).get_content()
    row = await row_of(tenant, email)
    assert row is not None and row["subject"] is None
    [event] = await events(tenant, "staff.invited")
    assert event == {
        "actor": f"staff:{admin.staff_id}",
        "staff_id": str(row["id"]),
        "roles": ["handler", "investigator"],
    }
    assert email not in json.dumps(event)  # the audit log names no addresses

    again = await client.post(
        "/api/v1/staff/invitations",
        json={"email": email.upper(), "roles": ["handler"]},
        headers=as_(tenant, admin),
    )
    assert again.status_code == 409


async def test_a_member_of_the_organization_is_added_without_a_second_mail(
    client: Client, tenant: TenantHandle, admin: StaffUser, mailbox: Mailbox
):
    member = await tenant.add_staff(roles=(), member=True)  # in Keycloak, no staff row
    seen = len(mailbox.messages)
    answer = await client.post(
        "/api/v1/staff/invitations",
        json={"email": member.email, "roles": ["auditor"]},
        headers=as_(tenant, admin),
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["sent"] is False
    assert not [m for m in mailbox.messages[seen:] if member.email in str(m["to"])]
    row = await row_of(tenant, member.email)
    assert row is not None and row["roles"] == ["auditor"]


async def test_bad_invitations_are_refused(client: Client, tenant: TenantHandle, admin: StaffUser):
    for body in (
        {"email": "nobody@example.org", "roles": []},
        {"email": "nobody@example.org", "roles": ["platform-admin"]},
        {"email": "not-an-address", "roles": ["handler"]},
    ):
        answer = await client.post(
            "/api/v1/staff/invitations", json=body, headers=as_(tenant, admin)
        )
        assert answer.status_code == 400, body
    assert await row_of(tenant, "nobody@example.org") is None
    by_handler = await client.post(
        "/api/v1/staff/invitations",
        json={"email": "nobody@example.org", "roles": ["tenant-admin"]},
        headers=as_(tenant, tenant.staff),
    )
    assert by_handler.status_code == 403


@pytest.fixture
def identity_provider_down(app: Litestar, keycloak_down: KeycloakControlPlane) -> Iterator[None]:
    before = app.state[STAFF_DIRECTORY]
    app.state[STAFF_DIRECTORY] = lambda _state: keycloak_down
    try:
        yield
    finally:
        app.state[STAFF_DIRECTORY] = before


async def test_with_keycloak_down_the_invitation_is_a_503_and_nothing_stays(
    client: Client, tenant: TenantHandle, admin: StaffUser, identity_provider_down: None
):
    email = f"unreached-{uuid.uuid4().hex[:8]}@example.org"
    answer = await client.post(
        "/api/v1/staff/invitations",
        json={"email": email, "roles": ["handler"]},
        headers=as_(tenant, admin),
    )
    assert answer.status_code == 503
    assert await row_of(tenant, email) is None
    assert await events(tenant, "staff.invited") == []


async def test_roles_and_access_change_and_are_audited(
    client: Client, tenant: TenantHandle, admin: StaffUser
):
    person = await tenant.add_staff(("handler",))
    path = f"/api/v1/staff/{person.staff_id}"
    changed = await client.patch(
        path, json={"roles": ["supervisor", "handler"]}, headers=as_(tenant, admin)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["handler", "supervisor"]
    [event] = await events(tenant, "staff.roles_changed")
    assert event["from"] == ["handler"] and event["to"] == ["handler", "supervisor"]

    off = await client.patch(path, json={"active": False}, headers=as_(tenant, admin))
    assert off.status_code == 200 and off.json()["active"] is False
    # A deactivated person's token no longer makes them staff.
    assert (await client.get("/api/v1/cases", headers=as_(tenant, person))).status_code == 403
    on = await client.patch(path, json={"active": True}, headers=as_(tenant, admin))
    assert on.status_code == 200 and on.json()["active"] is True
    assert len(await events(tenant, "staff.deactivated")) == 1
    assert len(await events(tenant, "staff.reactivated")) == 1

    nothing = await client.patch(path, json={}, headers=as_(tenant, admin))
    assert nothing.status_code == 400
    missing = await client.patch(
        f"/api/v1/staff/{uuid.uuid4()}", json={"active": False}, headers=as_(tenant, admin)
    )
    assert missing.status_code == 404


async def test_the_last_active_admin_cannot_be_removed(
    client: Client, tenant: TenantHandle, admin: StaffUser
):
    path = f"/api/v1/staff/{admin.staff_id}"
    for body in ({"roles": ["handler"]}, {"active": False}):
        refused = await client.patch(path, json=body, headers=as_(tenant, admin))
        assert refused.status_code == 409, body
        assert "tenant-admin" in refused.json()["detail"]
    row = await row_of(tenant, admin.email)
    assert row is not None and row["active"] and row["roles"] == ["tenant-admin"]

    second = await tenant.add_staff(("tenant-admin", "auditor"))
    demoted = await client.patch(path, json={"roles": ["auditor"]}, headers=as_(tenant, admin))
    assert demoted.status_code == 200
    # Now the second admin is the last one, and may not switch themself off either.
    last = await client.patch(
        f"/api/v1/staff/{second.staff_id}", json={"active": False}, headers=as_(tenant, second)
    )
    assert last.status_code == 409
