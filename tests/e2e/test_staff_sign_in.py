"""An organisation signs up, its administrator accepts the invitation, signs in
through Keycloak's own pages in Chromium, uses the API, and signs out."""

from __future__ import annotations

import html
import re
import secrets
import uuid
from email.message import EmailMessage

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server
from tests.fixtures.keycloak import KeycloakInstance
from tests.fixtures.smtp import Mailbox


def _invitation_link(mailbox: Mailbox, email: str) -> str:
    return _link_in(mailbox.wait_for(email))


def _link_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    assert body is not None
    match = re.search(r"https?://[^\s\"'<>]+", body.get_content())
    assert match, body.get_content()
    return html.unescape(match.group(0))


def _fill_if_present(page: Page, selector: str, value: str) -> None:
    field = page.locator(selector)
    if field.count() and field.first.is_editable():
        field.first.fill(value)


def test_signup_invitation_sign_in_api_and_sign_out(
    server: Server, browser: Browser, keycloak: KeycloakInstance, mailbox: Mailbox
):
    slug = f"e2e{uuid.uuid4().hex[:8]}"
    email = f"admin-{slug}@example.org"
    password = secrets.token_urlsafe(16)

    signup = httpx.post(
        f"{server.url()}/signup",
        json={"name": f"E2E {slug}", "slug": slug, "admin_email": email, "sector": "insurance"},
        timeout=30,
    )
    assert signup.status_code == 202, signup.text

    # The administrator accepts the invitation and chooses a password on Keycloak's page.
    link = _invitation_link(mailbox, email)
    invited = browser.new_context()
    page = invited.new_page()
    page.goto(link)
    _fill_if_present(page, "#username", email)
    _fill_if_present(page, "#email", email)
    _fill_if_present(page, "#firstName", "Erika")
    _fill_if_present(page, "#lastName", "Example")
    # Whether the password is chosen here or after the address is verified depends on
    # the realm's settings; the test follows whichever page Keycloak shows.
    _fill_if_present(page, "#password", password)
    _fill_if_present(page, "#password-confirm", password)
    sent_before = len(mailbox.messages)
    page.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator("#kc-register-form")).to_have_count(0)
    # Querela trusts an address only once Keycloak has verified it.
    verification = _link_in(mailbox.wait_for(email, after=sent_before))
    page.goto(verification)
    page.wait_for_load_state()
    if page.locator("#password-new").count():
        page.fill("#password-new", password)
        page.fill("#password-confirm", password)
        page.locator("[type=submit]").first.click()
        page.wait_for_load_state()
    invited.close()
    [user] = keycloak.admin("GET", "/users", params={"email": email, "exact": "true"}).json()
    assert user["emailVerified"] is True

    # A fresh browser signs in through Keycloak's own login page.
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url(slug)}/staff")
    expect(page.locator("#username")).to_be_visible()
    assert page.url.startswith(keycloak.url)
    page.fill("#username", email)
    # With organizations on, Keycloak asks for the user first and the password next.
    if not page.locator("#password").is_visible():
        page.locator("#kc-login").click()
    page.fill("#password", password)
    page.locator("#kc-login").click()
    page.wait_for_url(f"{server.url(slug)}/staff")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"E2E {slug}")
    expect(page.locator("main")).to_contain_text("tenant-admin")
    cookie = next(c for c in context.cookies() if c["name"] == "querela_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"

    # The same person calls the API with a token Keycloak issued to them.
    token = keycloak.password_token(email, password)["access_token"]
    api = httpx.get(
        f"http://127.0.0.1:{server.port}/api/v1/cases",
        headers={"host": f"{slug}.localhost:{server.port}", "authorization": f"Bearer {token}"},
    )
    assert api.status_code == 200
    assert api.json() == {"items": [], "next": None}

    # Signing out ends the session here and at Keycloak.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(rf"{re.escape(server.url(slug))}/\?signed_out=1"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    page.goto(f"{server.url(slug)}/staff")
    expect(page.locator("#username")).to_be_visible()
    context.close()
