"""Who may call the API: tokens are checked against the real Keycloak's keys and claims."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from litestar import Litestar

from core.app import create_app, security_of
from core.auth.tables import StaffMember
from core.ids import uuid7
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.fixtures.keycloak import TEST_CLIENT, KeycloakInstance
from tests.fixtures.staff import TenantHandle, create_user

LIST = "/api/v1/cases"


def on(tenant: TenantHandle, token: str | None = None) -> dict[str, str]:
    headers = {"host": f"{tenant.slug}.localhost"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return headers


async def test_handler_with_valid_token_is_served(client: httpx.AsyncClient, tenant: TenantHandle):
    response = await client.get(LIST, headers=tenant.headers)
    assert response.status_code == 200


async def test_no_credentials_is_401(client: httpx.AsyncClient, tenant: TenantHandle):
    response = await client.get(LIST, headers=on(tenant))
    assert response.status_code == 401
    assert "Sign in" in response.json()["detail"]


async def test_token_of_organisation_a_is_refused_on_b(
    client: httpx.AsyncClient, tenant: TenantHandle, other_tenant: TenantHandle
):
    response = await client.get(LIST, headers=on(other_tenant, tenant.staff.token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "not issued for this organisation" in response.json()["detail"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _tamper(token: str, **claims: object) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def test_tampered_token_is_refused(
    client: httpx.AsyncClient, tenant: TenantHandle, other_tenant: TenantHandle
):
    """B's handler edits their token to claim A's organisation: the signature no longer fits."""
    forged = _tamper(other_tenant.staff.token, organization=[tenant.slug])
    response = await client.get(LIST, headers=on(tenant, forged))
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token is not valid."


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-token", id="garbage"),
        pytest.param("a.b.c", id="three-garbage-parts"),
        pytest.param(
            jwt.encode({"sub": "x", "organization": ["x"]}, key=None, algorithm="none"),
            id="alg-none",
        ),
    ],
)
async def test_malformed_and_unsigned_tokens_are_refused(
    client: httpx.AsyncClient, tenant: TenantHandle, token: str
):
    response = await client.get(LIST, headers=on(tenant, token))
    assert response.status_code == 401


async def test_hmac_token_signed_with_the_public_key_is_refused(
    client: httpx.AsyncClient, tenant: TenantHandle, keycloak: KeycloakInstance
):
    """The classic key-confusion forgery: HS256 keyed with the realm's public key."""
    async with httpx.AsyncClient() as http:
        keys = (await http.get(f"{keycloak.issuer}/protocol/openid-connect/certs")).json()["keys"]
    certs = [k for k in keys if k.get("use") == "sig" and k["kty"] == "RSA"]
    public = jwt.PyJWK(certs[0]).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": certs[0]["kid"]}
    payload = jwt.decode(tenant.staff.token, options={"verify_signature": False})
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{_b64(signature)}"
    response = await client.get(LIST, headers=on(tenant, forged))
    assert response.status_code == 401


async def test_token_from_another_issuer_is_refused(
    client: httpx.AsyncClient, tenant: TenantHandle, keycloak: KeycloakInstance
):
    response = await client.get(LIST, headers=on(tenant, keycloak.admin_token()))
    assert response.status_code == 401


async def test_member_without_a_role_gets_403(client: httpx.AsyncClient, tenant: TenantHandle):
    roleless = await tenant.add_staff(roles=())
    response = await client.get(LIST, headers=on(tenant, roleless.token))
    assert response.status_code == 403
    assert "no role in this organisation" in response.json()["detail"]


async def test_user_outside_the_organisation_gets_401(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    outsider = await tenant.add_staff(roles=(), member=False)
    response = await client.get(LIST, headers=on(tenant, outsider.token))
    assert response.status_code == 401


async def test_investigator_may_read_but_not_triage(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    investigator = await tenant.add_staff(roles=("investigator",))
    case = (
        await client.post(LIST, json={"subject": "s", "description": "d"}, headers=tenant.headers)
    ).json()

    read = await client.get(f"{LIST}/{case['id']}", headers=on(tenant, investigator.token))
    triage = await client.patch(
        f"{LIST}/{case['id']}",
        json={"version": 1, "severity": "high"},
        headers=on(tenant, investigator.token),
    )
    assert read.status_code == 200
    assert triage.status_code == 403


async def test_invited_person_is_linked_by_verified_email_on_first_use(
    client: httpx.AsyncClient, tenant: TenantHandle, keycloak: KeycloakInstance
):
    email = f"invited-{uuid7().hex[:8]}@example.org"
    async with tenant_transaction(tenant_id=tenant.id):
        await StaffMember.insert(
            StaffMember(
                id=uuid7(),
                tenant_id=tenant.id,
                subject=None,
                email=email.upper(),
                roles=["auditor"],
            )
        )
    user_id = create_user(keycloak, email, "a-long-test-password-1")
    keycloak.admin("POST", f"/organizations/{tenant.org_id}/members", json=user_id)
    token = keycloak.password_token(email, "a-long-test-password-1")["access_token"]

    response = await client.get(LIST, headers=on(tenant, token))

    assert response.status_code == 200
    async with tenant_transaction(tenant_id=tenant.id):
        row = (
            await StaffMember.select(StaffMember.subject)
            .where(StaffMember.email == email.upper())
            .first()
        )
    assert row == {"subject": user_id}


async def test_expired_token_is_refused(
    settings: Settings, tenant: TenantHandle, keycloak: KeycloakInstance
):
    """A token Keycloak issued with a 2-second life, used after it ran out."""
    [client_rep] = keycloak.admin("GET", "/clients", params={"clientId": TEST_CLIENT}).json()
    attributes = client_rep.get("attributes", {})
    keycloak.admin(
        "PUT",
        f"/clients/{client_rep['id']}",
        json={**client_rep, "attributes": {**attributes, "access.token.lifespan": "2"}},
    )
    try:
        extra = await tenant.add_staff(roles=("handler",))
    finally:
        # Keycloak merges attributes on update, so leaving the key out would keep "2" and
        # every later token of the session would live two seconds: put back a real value.
        realm_lifespan = str(keycloak.admin("GET", "").json()["accessTokenLifespan"])
        restored = {**attributes, "access.token.lifespan": realm_lifespan}
        restored.update({k: v for k, v in attributes.items() if k == "access.token.lifespan"})
        keycloak.admin(
            "PUT", f"/clients/{client_rep['id']}", json={**client_rep, "attributes": restored}
        )
    strict = create_app(dataclasses.replace(settings, token_leeway=0))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=strict), base_url="http://localhost"
    ) as http:
        fresh = await http.get(LIST, headers=on(tenant, extra.token))
        await asyncio.sleep(3)
        stale = await http.get(LIST, headers=on(tenant, extra.token))
    assert fresh.status_code == 200
    assert stale.status_code == 401
    later = await tenant.add_staff(roles=("handler",))
    assert keycloak_lifetime(later.token) > 60, "the short lifespan leaked into later tokens"


def keycloak_lifetime(token: str) -> int:
    claims = jwt.decode(token, options={"verify_signature": False})
    return int(claims["exp"]) - int(claims["iat"])


async def test_rotated_signing_key_is_fetched_on_first_sight(
    client: httpx.AsyncClient, tenant: TenantHandle, keycloak: KeycloakInstance, app: Litestar
):
    """Keycloak starts signing with a new key: the cached key set is refreshed, not stuck."""
    before = await client.get(LIST, headers=tenant.headers)
    old_kid = jwt.get_unverified_header(tenant.staff.token)["kid"]
    realm_id = keycloak.admin("GET", "").json()["id"]
    keycloak.admin(
        "POST",
        "/components",
        json={
            "name": f"rotated-{uuid7().hex[:6]}",
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {"priority": [str(1000 + int(time.time()) % 1000)], "keySize": ["2048"]},
        },
    )
    rotated = await tenant.add_staff(roles=("handler",))
    new_kid = jwt.get_unverified_header(rotated.token)["kid"]
    jwks = security_of(app.state).verifier.jwks
    fetches = jwks.fetches
    await asyncio.sleep(jwks.min_refresh)  # refetches are spaced at least this far apart

    after = await client.get(LIST, headers=on(tenant, rotated.token))
    again = await client.get(LIST, headers=on(tenant, rotated.token))

    assert before.status_code == 200
    assert new_kid != old_kid
    assert after.status_code == 200
    assert again.status_code == 200
    assert jwks.fetches == fetches + 1, "one refetch for the new key, then it is cached"


async def test_forged_key_ids_do_not_flood_keycloak(
    client: httpx.AsyncClient, tenant: TenantHandle, app: Litestar
):
    jwks = security_of(app.state).verifier.jwks
    await client.get(LIST, headers=tenant.headers)
    await asyncio.sleep(jwks.min_refresh)
    fetches = jwks.fetches
    _header, payload, signature = tenant.staff.token.split(".")
    for n in range(20):
        forged_header = _b64(json.dumps({"alg": "RS256", "kid": f"forged-{n % 2}"}).encode())
        response = await client.get(
            LIST, headers=on(tenant, f"{forged_header}.{payload}.{signature}")
        )
        assert response.status_code == 401
    assert jwks.fetches - fetches <= 1
