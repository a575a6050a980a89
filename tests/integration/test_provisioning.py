"""Self-service signup against the real Keycloak, and resuming after Keycloak was down."""

from __future__ import annotations

import uuid

import httpx
import pytest

from core.auth.tables import StaffMember
from core.errors import Conflict, InvalidInput
from core.tenancy.context import tenant_transaction
from tenants import provisioning
from tenants.keycloak import IdentityProviderUnavailable, KeycloakControlPlane
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.smtp import Mailbox


def new_slug() -> str:
    return f"s{uuid.uuid4().hex[:10]}"


def orgs_with_alias(keycloak: KeycloakInstance, alias: str) -> list[dict]:
    orgs = keycloak.admin("GET", "/organizations", params={"max": 10000}).json()
    return [org for org in orgs if org["alias"] == alias]


async def staff_rows(tenant_id) -> list[dict]:
    async with tenant_transaction(tenant_id=tenant_id, include_provisioning=True) as (tenant, _):
        assert tenant is not None
        return await StaffMember.select()


async def test_signup_creates_organization_staff_admin_and_invitation(
    client: httpx.AsyncClient,
    control_plane: KeycloakControlPlane,
    keycloak: KeycloakInstance,
    mailbox: Mailbox,
):
    slug = new_slug()
    email = f"admin-{slug}@example.org"

    info = await provisioning.signup(
        "Acme Insurance", slug, email.upper(), "insurance", keycloak=control_plane
    )

    assert info.status == "active" and info.provisioning_error is None
    assert info.sector == "insurance" and info.admin_email == email
    [org] = orgs_with_alias(keycloak, slug)
    assert org["id"] == info.keycloak_org_id and org["name"] == "Acme Insurance"
    invitations = keycloak.admin("GET", f"/organizations/{org['id']}/invitations").json()
    assert [(i["email"], i["status"]) for i in invitations] == [(email, "PENDING")]
    mail = mailbox.wait_for(email)
    assert "Acme Insurance" in str(mail)
    [staff] = await staff_rows(info.id)
    assert staff["email"] == email and staff["roles"] == ["tenant-admin"]
    assert staff["subject"] is None
    page = await client.get("/", headers={"host": f"{slug}.localhost"})
    assert page.status_code == 200


async def test_signup_refuses_bad_input_before_storing_anything(
    client: httpx.AsyncClient, control_plane: KeycloakControlPlane
):
    slug = new_slug()
    with pytest.raises(InvalidInput, match="sector"):
        await provisioning.signup("Org", slug, "a@example.org", "banking", keycloak=control_plane)
    with pytest.raises(InvalidInput, match="admin_email"):
        await provisioning.signup("Org", slug, "not-an-address", "other", keycloak=control_plane)
    with pytest.raises(InvalidInput, match="slug"):
        await provisioning.signup(
            "Org", "Bad Slug", "a@example.org", "other", keycloak=control_plane
        )
    assert slug not in {t.slug for t in await provisioning.list_tenants()}

    await provisioning.signup("Org", slug, "a@example.org", "other", keycloak=control_plane)
    with pytest.raises(Conflict, match="taken"):
        await provisioning.signup("Org", slug, "b@example.org", "other", keycloak=control_plane)


async def test_keycloak_down_leaves_tenant_incomplete_and_retry_completes_without_duplicates(
    client: httpx.AsyncClient,
    control_plane: KeycloakControlPlane,
    keycloak_down: KeycloakControlPlane,
    keycloak: KeycloakInstance,
    mailbox: Mailbox,
):
    slug = new_slug()
    email = f"admin-{slug}@example.org"

    info = await provisioning.signup("Down Org", slug, email, "healthcare", keycloak=keycloak_down)

    assert info.status == "provisioning"
    assert info.keycloak_org_id is None
    assert "keycloak organization" in info.provisioning_error
    assert "unreachable" in info.provisioning_error
    assert orgs_with_alias(keycloak, slug) == []
    page = await client.get("/", headers={"host": f"{slug}.localhost"})
    api = await client.get("/api/v1/cases", headers={"host": f"{slug}.localhost"})
    assert page.status_code == 404 and api.status_code == 404
    async with tenant_transaction(slug=slug) as (served, _):
        assert served is None
    with pytest.raises(provisioning.ProvisioningFailed):
        await provisioning.provision(slug, keycloak=keycloak_down)

    done = await provisioning.provision(slug, keycloak=control_plane)
    again = await provisioning.provision(slug, keycloak=control_plane)

    assert done.status == "active" and done.provisioning_error is None
    assert again == done
    [org] = orgs_with_alias(keycloak, slug)
    assert org["id"] == done.keycloak_org_id
    invitations = keycloak.admin("GET", f"/organizations/{org['id']}/invitations").json()
    assert len(invitations) == 1
    mailbox.wait_for(email)
    assert sum(email in str(m["to"]) for m in mailbox.messages) == 1
    assert len(await staff_rows(done.id)) == 1
    page = await client.get("/", headers={"host": f"{slug}.localhost"})
    assert page.status_code == 200


async def test_retry_after_the_organization_was_created_but_not_recorded(
    client: httpx.AsyncClient,
    control_plane: KeycloakControlPlane,
    keycloak_down: KeycloakControlPlane,
    keycloak: KeycloakInstance,
):
    # A run that created the organization and stopped before storing its id:
    # the retry must find that organization (by name, matching the alias), not make another.
    slug = new_slug()
    await provisioning.signup(
        "Half Org", slug, f"a-{slug}@example.org", "other", keycloak=keycloak_down
    )
    created = await control_plane.ensure_organization(slug, "Half Org")

    done = await provisioning.provision(slug, keycloak=control_plane)

    assert done.status == "active" and done.keycloak_org_id == created
    assert [o["id"] for o in orgs_with_alias(keycloak, slug)] == [created]


async def test_two_tenants_with_the_same_name_get_distinct_organizations(
    client: httpx.AsyncClient, control_plane: KeycloakControlPlane, keycloak: KeycloakInstance
):
    name = f"Same Name {uuid.uuid4().hex[:6]}"
    first = await provisioning.signup(
        name, new_slug(), "x@example.org", "other", keycloak=control_plane
    )
    second = await provisioning.signup(
        name, new_slug(), "y@example.org", "other", keycloak=control_plane
    )

    assert first.status == second.status == "active"
    assert first.keycloak_org_id != second.keycloak_org_id
    assert orgs_with_alias(keycloak, second.slug)[0]["name"] == f"{name} ({second.slug})"


async def test_unreachable_keycloak_is_reported_as_unavailable(keycloak_down: KeycloakControlPlane):
    with pytest.raises(IdentityProviderUnavailable):
        await keycloak_down.ensure_organization("anything", "Anything")


async def test_staff_user_joins_the_organization_once(
    control_plane: KeycloakControlPlane, keycloak: KeycloakInstance
):
    slug = new_slug()
    org_id = await control_plane.ensure_organization(slug, f"Members {slug}")
    email = f"handler-{slug}@example.org"
    user_id = await control_plane.create_staff_user(email, "Hana", "Handler", "a-long-password-1")
    assert (
        await control_plane.create_staff_user(email, "Hana", "Handler", "other-password-2")
        == user_id
    )
    await control_plane.add_member(org_id, user_id)
    await control_plane.add_member(org_id, user_id)

    members = keycloak.admin("GET", f"/organizations/{org_id}/members").json()
    assert [m["id"] for m in members] == [user_id]
    token = keycloak.password_token(email, "a-long-password-1")
    assert token["access_token"]
    # A member needs no invitation.
    assert await control_plane.invite_admin(org_id, email) is False
    await control_plane.delete_organization(org_id)
    await control_plane.delete_organization(org_id)
    assert orgs_with_alias(keycloak, slug) == []
