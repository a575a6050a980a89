"""The platform operators' page on the platform's own host: every tenant with its state,
suspend and resume; for holders of platform-admin only, signed in through Keycloak in the
browser or by bearer token; token-checked, escaped and translated."""

from __future__ import annotations

import html
import re
import secrets
import uuid
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import asyncpg
import httpx
import pytest

from core.audit.tables import AuditEvent
from core.platform import sessions
from core.tenancy.context import tenant_transaction
from frontend import csrf
from frontend.i18n import TEXTS as PLATFORM_MESSAGES
from tenants import lifecycle
from tenants.provisioning import create_tenant, get_tenant
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
EN = PLATFORM_MESSAGES["en"]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PASSWORD = "platform-page-operator-1"
PLATFORM = {"host": "localhost"}


@pytest.fixture(scope="module")
def operator(keycloak: KeycloakInstance) -> str:
    """A Keycloak user holding the realm role platform-admin; returns the user name."""
    name = f"page-operator-{uuid.uuid4().hex[:8]}@example.org"
    keycloak.admin(
        "POST",
        "/users",
        json={
            "username": name,
            "email": name,
            "firstName": "Page",
            "lastName": "Operator",
            "enabled": True,
            "emailVerified": True,
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        },
    )
    [user] = keycloak.admin("GET", "/users", params={"username": name, "exact": "true"}).json()
    role = keycloak.admin("GET", "/roles/platform-admin").json()
    keycloak.admin("POST", f"/users/{user['id']}/role-mappings/realm", json=[role])
    return name


class Operator:
    """A browser on the platform host with a platform session and a form token."""

    def __init__(self, client: Client, secret: str) -> None:
        self.client = client
        self.token = secrets.token_urlsafe(32)
        self.headers = {
            **PLATFORM,
            "cookie": f"{sessions.PLATFORM_SESSION_COOKIE}={secret}; {csrf.COOKIE}={self.token}",
        }

    async def get(self, path: str = "/platform/tenants", **params: str) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.headers)

    async def post(self, path: str, token: str | None = None, **fields: str) -> httpx.Response:
        data = {csrf.FIELD: token or self.token, **fields}
        return await self.client.post(path, data=data, headers=self.headers)


async def operator_browser(client: Client, *, platform_admin: bool = True) -> Operator:
    secret = await sessions.start(
        subject=str(uuid.uuid4()),
        email="op@example.org",
        name="Olga Operator",
        platform_admin=platform_admin,
        id_token=None,
    )
    return Operator(client, secret)


@pytest.fixture
async def browser(client: Client) -> Operator:
    return await operator_browser(client)


def row_of(page: httpx.Response, slug: str) -> str:
    match = re.search(rf'<tr id="tenant-{slug}">.*?</tr>', page.text, re.S)
    assert match, f"{slug} is not listed"
    return match.group(0)


async def test_anonymous_visitors_are_sent_to_sign_in(client: Client):
    response = await client.get("/platform/tenants", headers=PLATFORM)
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/login?next=/platform/tenants"


async def test_the_page_lives_on_the_platform_host_only(
    browser: Operator, client: Client, tenant: TenantHandle
):
    on_tenant = await client.get("/platform/tenants", headers={"host": f"{tenant.slug}.localhost"})
    assert on_tenant.status_code == 404


async def test_an_operator_sees_every_tenant_with_its_state(
    browser: Operator, tenant: TenantHandle, owner: asyncpg.Connection
):
    suspended = await create_tenant(f"s{uuid.uuid4().hex[:10]}", f"Paused {XSS}")
    await lifecycle.suspend(suspended.slug, "Unpaid invoices", actor="test")
    leaving = await create_tenant(f"d{uuid.uuid4().hex[:10]}", "Leaving Ltd")
    await lifecycle.request_deletion(leaving.slug, 10, actor="test")
    stuck = await create_tenant(f"p{uuid.uuid4().hex[:10]}", "Stuck Ltd")
    await owner.execute(
        "UPDATE tenant SET status = 'provisioning', sector = 'insurance', provisioning_error = $2"
        " WHERE id = $1",
        stuck.id,
        "Keycloak answered 503",
    )

    page = await browser.get()

    assert page.status_code == 200
    assert "<caption>" in page.text and '<th scope="col">' in page.text
    active = row_of(page, tenant.slug)
    assert EN["platform_status_active"] in active and EN["platform_suspend"] in active
    paused = row_of(page, suspended.slug)
    assert EN["platform_status_suspended"] in paused and EN["platform_suspended_since"] in paused
    assert EN["platform_resume"] in paused and "/suspend" not in paused
    assert "Paused &lt;script&gt;" in paused and "<script>alert" not in page.text
    gone = row_of(page, leaving.slug)
    assert EN["platform_status_pending_deletion"] in gone and EN["platform_deletion_at"] in gone
    setup = row_of(page, stuck.slug)
    assert EN["platform_status_provisioning"] in setup
    assert "Keycloak answered 503" in setup and EN["platform_sector_insurance"] in setup
    assert "Olga Operator" in page.text


async def test_others_are_refused(client: Client, tenant: TenantHandle):
    admin = await tenant.add_staff(("tenant-admin",))
    by_token = await client.get("/platform/tenants", headers={**PLATFORM, **admin.bearer})
    assert by_token.status_code == 403
    assert EN["platform_needs_role"] in html.unescape(by_token.text)
    no_role = await operator_browser(client, platform_admin=False)
    assert (await no_role.get()).status_code == 403
    tried = await no_role.post(f"/platform/tenants/{tenant.slug}/suspend", reason="Because")
    assert tried.status_code == 403
    assert (await get_tenant(tenant.slug)).status == "active"
    forged = await client.get(
        "/platform/tenants",
        headers={**PLATFORM, "cookie": f"{sessions.PLATFORM_SESSION_COOKIE}=forged"},
    )
    assert forged.status_code == 303


async def test_a_bearer_token_of_an_operator_works_too(
    client: Client, keycloak: KeycloakInstance, operator: str
):
    token = keycloak.password_token(operator, PASSWORD, scope="openid")["access_token"]
    page = await client.get(
        "/platform/tenants", headers={**PLATFORM, "authorization": f"Bearer {token}"}
    )
    assert page.status_code == 200
    assert EN["platform_tenants_title"] in page.text


async def test_suspend_and_resume_from_the_page(browser: Operator, tenant: TenantHandle):
    path = f"/platform/tenants/{tenant.slug}"
    without_reason = await browser.post(f"{path}/suspend", reason="")
    assert without_reason.status_code == 400
    assert EN["platform_reason_needed"] in html.unescape(without_reason.text)
    assert (await get_tenant(tenant.slug)).status == "active"

    suspended = await browser.post(f"{path}/suspend", reason="Asked by the customer")
    assert suspended.status_code == 303
    assert suspended.headers["location"] == "/platform/tenants?done=tenant_suspended"
    info = await get_tenant(tenant.slug)
    assert info.status == "suspended" and info.suspended_at is not None
    shown = await browser.get(done="tenant_suspended")
    assert EN["done_tenant_suspended"] in shown.text

    again = await browser.post(f"{path}/suspend", reason="Twice")
    assert again.status_code == 303  # suspending a suspended tenant leaves it as it is
    resumed = await browser.post(f"{path}/resume")
    assert resumed.status_code == 303
    assert (await get_tenant(tenant.slug)).status == "active"
    async with tenant_transaction(slug=tenant.slug):
        actions = await AuditEvent.select(AuditEvent.action, AuditEvent.actor).where(
            AuditEvent.action.is_in(["tenant.suspended", "tenant.resumed"])
        )
    assert [a["action"] for a in actions] == ["tenant.suspended", "tenant.resumed"]
    assert all(a["actor"].startswith("platform:") for a in actions)

    missing = await browser.post("/platform/tenants/no-such-tenant/resume")
    assert missing.status_code == 404


async def test_a_form_without_its_token_changes_nothing(browser: Operator, tenant: TenantHandle):
    forged = await browser.post(
        f"/platform/tenants/{tenant.slug}/suspend", token="z" * 43, reason="Forged"
    )
    assert forged.status_code == 403
    assert (await get_tenant(tenant.slug)).status == "active"


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_the_page_is_translated(browser: Operator, tenant: TenantHandle, lang: str):
    english, translated = PLATFORM_MESSAGES["en"], PLATFORM_MESSAGES[lang]
    assert translated.keys() == english.keys()
    assert not [k for k, v in translated.items() if not v.strip()]
    refused = await browser.client.post(
        f"/platform/tenants/{tenant.slug}/suspend?lang={lang}",
        data={csrf.FIELD: browser.token, "reason": ""},
        headers=browser.headers,
    )
    for response in (await browser.get(lang=lang), refused):
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", response.text))
        lines = {line.strip() for line in visible.splitlines()}
        untranslated = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in visible)
        ]
        assert not untranslated, f"English left in {lang}: {untranslated}"
        assert f'<html lang="{lang}">' in response.text


# -- signing in through Keycloak --------------------------------------------------------------


def _keycloak_sign_in(login_url: str, user: str, password: str) -> str:
    """Fill in Keycloak's login pages as a browser would; return where it sends the browser.

    With organisations in the realm Keycloak may ask for the user name first and for
    the password on a second page.
    """
    with httpx.Client(follow_redirects=True, timeout=30) as browser:
        page = browser.get(login_url)
        for _ in range(3):
            assert page.status_code == 200, page.text
            action = re.search(r'action="([^"]*/login-actions/authenticate[^"]*)"', page.text)
            assert action, page.text
            # Keycloak marks its cookies Secure; a browser sends them to a loopback address.
            cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
            page = browser.post(
                urljoin(str(page.url), html.unescape(action.group(1))),
                data={"username": user, "password": password, "credentialId": ""},
                headers={"cookie": cookies},
                follow_redirects=False,
            )
            if page.status_code in (302, 303):
                return page.headers["location"]
    raise AssertionError("Keycloak did not let the operator in")


async def test_an_operator_signs_in_and_out_in_the_browser(
    client: Client, keycloak: KeycloakInstance, operator: str
):
    started = await client.get(
        "/auth/login", params={"next": "/platform/tenants"}, headers=PLATFORM
    )
    assert started.status_code == 303
    login_url = started.headers["location"]
    query = parse_qs(urlsplit(login_url).query)
    assert query["scope"] == ["openid profile email"]  # no organisation: no tenant

    back = urlsplit(_keycloak_sign_in(login_url, operator, PASSWORD))
    assert back.path == "/auth/callback"
    callback = await client.get(f"/auth/callback?{back.query}", headers=PLATFORM)
    assert callback.status_code == 303, callback.text
    assert callback.headers["location"] == "/platform/tenants"
    cookie = callback.cookies.get(sessions.PLATFORM_SESSION_COOKIE)
    assert cookie and "httponly" in callback.headers["set-cookie"].lower()
    replay = await client.get(f"/auth/callback?{back.query}", headers=PLATFORM)
    assert replay.status_code == 400  # the state is spent

    signed_in: dict[str, Any] = {
        **PLATFORM,
        "cookie": f"{sessions.PLATFORM_SESSION_COOKIE}={cookie}",
    }
    page = await client.get("/platform/tenants", headers=signed_in)
    assert page.status_code == 200
    assert operator in page.text or "Page Operator" in page.text

    out = await client.post("/auth/logout", headers=signed_in)
    assert out.status_code == 303
    assert out.headers["location"].startswith(keycloak.url)
    after = await client.get("/platform/tenants", headers=signed_in)
    assert after.status_code == 303
