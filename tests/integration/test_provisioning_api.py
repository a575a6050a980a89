"""The control plane over HTTP: public signup and the platform-admin API."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest

from core.app import create_app
from core.settings import Settings
from frontend import FrontendPlugin
from tenants.api import ControlPlanePlugin
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.smtp import Mailbox

PASSWORD = "platform-admin-password-1"


@pytest.fixture(scope="module")
def platform_admin(keycloak: KeycloakInstance) -> str:
    """A user holding the realm role platform-admin; returns the user name."""
    name = f"operator-{uuid.uuid4().hex[:8]}@example.org"
    keycloak.admin(
        "POST",
        "/users",
        json={
            "username": name,
            "email": name,
            "firstName": "Op",
            "lastName": "Erator",
            "enabled": True,
            "emailVerified": True,
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        },
    )
    [user] = keycloak.admin("GET", "/users", params={"username": name, "exact": "true"}).json()
    role = keycloak.admin("GET", "/roles/platform-admin").json()
    keycloak.admin("POST", f"/users/{user['id']}/role-mappings/realm", json=[role])
    return name


@pytest.fixture
async def platform(
    settings: Settings, client: httpx.AsyncClient, mailbox: Mailbox
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, extensions=[FrontendPlugin(), ControlPlanePlugin()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http
    kc = app.state.get("control_plane_keycloak")
    if kc is not None:
        await kc.aclose()


async def test_public_signup_then_platform_admin_operates_the_tenant(
    platform: httpx.AsyncClient, keycloak: KeycloakInstance, platform_admin: str
):
    slug = f"a{uuid.uuid4().hex[:10]}"
    signup = await platform.post(
        "/signup",
        json={
            "name": "Api Org",
            "slug": slug,
            "admin_email": f"a-{slug}@example.org",
            "sector": "religious",
        },
    )
    assert signup.status_code == 202, signup.text
    assert signup.json() == {
        "slug": slug,
        "status": "active",
        "url": f"http://{slug}.localhost:8000",
    }

    anonymous = await platform.get("/platform/v1/tenants")
    assert anonymous.status_code == 401
    token = keycloak.password_token(platform_admin, PASSWORD, scope="openid")["access_token"]
    auth = {"authorization": f"Bearer {token}"}

    listed = await platform.get("/platform/v1/tenants", headers=auth, params={"status": "active"})
    assert listed.status_code == 200
    assert slug in {t["slug"] for t in listed.json()}
    suspended = await platform.post(
        f"/platform/v1/tenants/{slug}/suspend", headers=auth, json={"reason": "review"}
    )
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    exported = await platform.get(f"/platform/v1/tenants/{slug}/export", headers=auth)
    assert exported.status_code == 200
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(exported.content)).read("manifest.json"))
    assert manifest["tenant"]["slug"] == slug
    resumed = await platform.post(f"/platform/v1/tenants/{slug}/resume", headers=auth)
    assert resumed.json()["status"] == "active"
    deletion = await platform.post(
        f"/platform/v1/tenants/{slug}/deletion", headers=auth, json={"grace_days": 7}
    )
    assert deletion.status_code == 202 and deletion.json()["status"] == "pending_deletion"
    retry = await platform.post(f"/platform/v1/tenants/{slug}/provision", headers=auth)
    assert retry.status_code == 200 and retry.json()["status"] == "pending_deletion"
    unknown = await platform.post("/platform/v1/tenants/nope-nope/resume", headers=auth)
    assert unknown.status_code == 404


async def test_platform_api_refuses_a_user_without_the_platform_role(
    platform: httpx.AsyncClient, keycloak: KeycloakInstance
):
    name = f"plain-{uuid.uuid4().hex[:8]}@example.org"
    keycloak.admin(
        "POST",
        "/users",
        json={
            "username": name,
            "email": name,
            "enabled": True,
            "emailVerified": True,
            "firstName": "P",
            "lastName": "L",
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        },
    )
    token = keycloak.password_token(name, PASSWORD, scope="openid")["access_token"]
    response = await platform.get(
        "/platform/v1/tenants", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
