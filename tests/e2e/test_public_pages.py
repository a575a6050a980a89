"""A member of the public, in Chromium with JavaScript switched off, files a complaint with a
file, keeps the receipt, and follows the complaint up with it. A complaint whose text is an
XSS payload is then displayed with JavaScript switched on: no script of it may run."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import Server
from tests.fixtures.smtp import Mailbox

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """Where the pages' screenshots go: $QUERELA_SCREENSHOTS, else a folder in the temp dir."""
    folder = Path(
        os.environ.get("QUERELA_SCREENSHOTS")
        or Path(tempfile.gettempdir()) / "querela-e2e-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the public pages: {folder}")
    return folder


@pytest.fixture(scope="module")
def tenant_url(server: Server, mailbox: Mailbox) -> str:
    """A tenant signed up through the platform, whose public pages answer."""
    slug = f"pub{uuid.uuid4().hex[:8]}"
    signup = httpx.post(
        f"{server.url()}/signup",
        json={
            "name": f"Clinic {slug}",
            "slug": slug,
            "admin_email": f"admin-{slug}@example.org",
            "sector": "healthcare",
        },
        timeout=30,
    )
    assert signup.status_code == 202, signup.text
    url = server.url(slug)
    deadline = time.monotonic() + 30
    # Chromium resolves every *.localhost by itself; httpx needs the Host header.
    tenant_host = {"host": f"{slug}.localhost:{server.port}"}
    while httpx.get(f"{server.url()}/complain", headers=tenant_host, timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the tenant's pages never answered"
        time.sleep(0.3)
    return url


@pytest.fixture
def no_script_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def _file_complaint(page: Page, tenant_url: str, evidence: Path, **fields: str) -> tuple[str, str]:
    page.goto(f"{tenant_url}/?lang=en")
    page.get_by_role("link", name="Make a complaint").click()
    page.get_by_label("Subject").fill(fields.get("subject", "Waited four hours"))
    page.get_by_label("What happened?").fill(
        fields.get("description", "Nobody told me why I had to wait in the corridor.")
    )
    page.get_by_label("I give my contact details, but keep my identity protected").check()
    page.get_by_label("Name (optional)").fill(fields.get("name", "Ada Example"))
    page.get_by_label("E-mail address (optional)").fill("ada@example.org")
    page.get_by_label("Attachment (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_role("heading", name="Your complaint has been received")).to_be_visible()
    return page.locator("#reference").inner_text(), page.locator("#receipt").inner_text()


def test_a_complaint_without_javascript_from_form_to_follow_up(
    tenant_url: str, no_script_page: Page, screenshots: Path, tmp_path: Path
):
    # The server (and its database, an async fixture) starts before the browser does.
    page = no_script_page
    evidence = tmp_path / "ticket.txt"
    evidence.write_text("Ticket 42, arrived 09:10, seen 13:05.\n")

    page.goto(f"{tenant_url}/complain?lang=en")
    page.screenshot(path=screenshots / "1-complaint-form.png", full_page=True)

    # A first try without a subject: the form comes back, with the error linked to the field.
    page.get_by_label("What happened?").fill("Nobody told me why I had to wait.")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a subject")
    expect(page.get_by_label("What happened?")).to_have_value("Nobody told me why I had to wait.")
    page.screenshot(path=screenshots / "2-complaint-errors.png", full_page=True)

    reference, receipt = _file_complaint(page, tenant_url, evidence)
    assert reference and len(receipt.replace("-", "")) == 52
    expect(page.locator("main")).to_contain_text("Keep this receipt somewhere safe")
    expect(page.locator("main")).to_contain_text("pseudonym")
    page.screenshot(path=screenshots / "3-receipt.png", full_page=True)

    page.get_by_role("link", name="Follow up your complaint").click()
    page.screenshot(path=screenshots / "4-follow-up-form.png", full_page=True)
    page.get_by_label("Receipt").fill(receipt.lower())
    page.get_by_role("button", name="Show my complaint").click()
    expect(page.get_by_role("heading", name=f"Your complaint {reference}")).to_be_visible()
    expect(page.locator(".files")).to_contain_text("ticket.txt")

    page.get_by_label("Message", exact=True).fill("I have also written to the ward manager.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your message has been added.")
    expect(page.locator(".messages")).to_contain_text("I have also written to the ward manager.")
    page.screenshot(path=screenshots / "5-follow-up-case.png", full_page=True)

    page.goto(f"{tenant_url}/follow-up?lang=de")
    page.get_by_label("Quittung").fill("0000-1111")
    page.get_by_role("button", name="Meine Beschwerde anzeigen").click()
    expect(page.get_by_role("alert")).to_contain_text("Zu dieser Quittung gibt es keine Beschwerde")
    page.screenshot(path=screenshots / "6-unknown-receipt-de.png", full_page=True)


def test_an_xss_complaint_runs_no_script_where_it_is_shown(
    tenant_url: str, no_script_page: Page, browser: Browser, tmp_path: Path, screenshots: Path
):
    evidence = tmp_path / "note.txt"
    evidence.write_text("A note.\n")
    # Filed without JavaScript; displayed with JavaScript on, where a script could run.
    _, receipt = _file_complaint(
        no_script_page, tenant_url, evidence, subject=XSS, description=XSS, name=XSS
    )

    context = browser.new_context(java_script_enabled=True)
    dialogs: list[str] = []

    def seen(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    try:
        page = context.new_page()
        page.on("dialog", seen)
        page.goto(f"{tenant_url}/follow-up?lang=en")
        page.get_by_label("Receipt").fill(receipt)
        page.get_by_role("button", name="Show my complaint").click()
        page.get_by_label("Message", exact=True).fill(XSS)
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.locator(".messages")).to_contain_text(XSS)
        page.goto(f"{tenant_url}/complain?lang=en")
        page.get_by_label("Subject").fill(XSS)
        page.get_by_role("button", name="Send my complaint").click()
        expect(page.get_by_label("Subject")).to_have_value(XSS)
        page.wait_for_timeout(500)
        page.screenshot(path=screenshots / "7-xss-refused-form.png", full_page=True)
    finally:
        context.close()
    assert dialogs == [], f"a script of the complaint ran: {dialogs}"


#: axe-core, installed from package.json by `make test` (npm ci).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: The rules of the standard the pages promise: WCAG 2.1 at levels A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    assert results["passes"], "axe checked nothing"
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at"
        f" {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_public_pages_have_no_serious_accessibility_violations(
    tenant_url: str, browser: Browser, tmp_path: Path, lang: str
):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing; `make test` installs it (npm ci)")
    # axe runs as a script in the page; the pages' policy forbids every script, so this
    # context alone lifts it.
    context = browser.new_context(java_script_enabled=True, bypass_csp=True)
    found: list[str] = []
    try:
        page = context.new_page()
        page.goto(f"{tenant_url}/complain?lang={lang}")
        found += _serious_violations(page)
        page.locator("#identity-anonymous").check()
        page.locator("button[type=submit]").last.click()
        expect(page.locator(".error-summary")).to_be_visible()
        found += _serious_violations(page)
        page.locator("#subject").fill("Too long a wait")
        page.locator("#description").fill("Four hours in the corridor.")
        page.locator("button[type=submit]").last.click()
        expect(page.locator("#receipt")).to_be_visible()
        receipt = page.locator("#receipt").inner_text()
        found += _serious_violations(page)
        page.goto(f"{tenant_url}/follow-up?lang={lang}")
        found += _serious_violations(page)
        page.locator("#receipt").fill(receipt)
        page.locator("button[type=submit]").last.click()
        expect(page.locator(".facts")).to_be_visible()
        found += _serious_violations(page)
    finally:
        context.close()
    assert not found, "\n".join(found)
