"""One complaint from end to end in Chromium: a member of the public files it with a file
and keeps the receipt; a handler signs in through Keycloak's own page, finds it in the
queue, acknowledges it, adds a note, investigates and proposes a decision; a supervisor
signs in and approves it; the handler sends the answer, seen first as the letter; the
complainant reads that answer with the receipt. The complaint's text is an XSS payload
throughout, and no script of it may run on any page; axe-core checks the staff pages.
A screenshot of every page is saved."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from core.db.servers import DatabaseTarget
from tests.e2e.conftest import Server
from tests.e2e.people import Person, Tenant, make_tenant
from tests.e2e.test_public_pages import AXE, _serious_violations
from tests.fixtures.keycloak import KeycloakInstance

XSS = "<script>alert('walk')</script><img src=x onerror=alert(2)>"
SUBJECT = f"Refund refused {XSS}"
ANSWER = "We agree with you and will refund the fee of 40 euros within five days."


@pytest.fixture
def cast(server: Server, database: DatabaseTarget, keycloak: KeycloakInstance) -> Tenant:
    """A tenant with a handler and a supervisor, each a Keycloak user with a password."""
    return make_tenant(database.app_dsn, keycloak.url, "handler", "supervisor")


@pytest.fixture
def shots() -> Shots:
    folder = Path(
        os.environ.get("QUERELA_SCREENSHOTS")
        or Path(tempfile.gettempdir()) / "querela-e2e-screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the walk: {folder}")
    return Shots(folder)


@dataclass
class Shots:
    folder: Path
    taken: int = 0

    def __call__(self, page: Page, name: str) -> None:
        self.taken += 1
        page.screenshot(path=self.folder / f"walk-{self.taken:02d}-{name}.png", full_page=True)


class Watch:
    """Every dialog any page opens: a complaint's script that ran would open one."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []

    def __call__(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.page.url if dialog.page else '?'}: {dialog.message}")
        dialog.dismiss()


def _context(browser: Browser, watch: Watch, *, script: bool) -> BrowserContext:
    # The staff pages run with scripts on and the page's policy lifted, so that axe can be
    # injected, and so that escaping alone (not the policy) has to keep the payload inert.
    context = browser.new_context(java_script_enabled=script, bypass_csp=script)
    context.on("page", lambda page: page.on("dialog", watch))
    return context


def _sign_in(page: Page, server: Server, slug: str, person: Person) -> None:
    page.goto(f"{server.url(slug)}/staff?lang=en")
    expect(page.locator("#username")).to_be_visible()
    page.fill("#username", person.email)
    if not page.locator("#password").is_visible():
        page.locator("#kc-login").click()
    page.fill("#password", person.password)
    page.locator("#kc-login").click()
    page.wait_for_url(re.compile(re.escape(f"{server.url(slug)}/staff") + r"(\?.*)?$"))


def _accessible(page: Page, found: list[str]) -> None:
    found.extend(_serious_violations(page))


def test_a_complaint_from_the_form_to_the_answer(
    server: Server, browser: Browser, cast: Tenant, shots: Shots, tmp_path: Path
):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing; `make test` installs it (npm ci)")
    slug = cast.slug
    handler_person, supervisor_person = cast.people
    public = server.url(slug)
    watch = Watch()
    violations: list[str] = []
    evidence = tmp_path / "bank-statement.txt"
    evidence.write_text("Fee of 40 euros taken on 3 November.\n")

    # -- a member of the public, without JavaScript ---------------------------------------
    complainant = _context(browser, watch, script=False)
    page = complainant.new_page()
    page.goto(f"{public}/complain?lang=en")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("What happened?").fill(f"The branch took a fee twice. {XSS}")
    page.locator("#identity-identified").check()
    page.get_by_label("Name (optional)").fill(f"Ada {XSS}")
    page.get_by_label("E-mail address (optional)").fill("ada@example.org")
    page.get_by_label("Attachment (optional)").set_input_files(str(evidence))
    shots(page, "public-form")
    page.get_by_role("button", name="Send my complaint").click()
    expect(page.get_by_role("heading", name="Your complaint has been received")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    receipt = page.locator("#receipt").inner_text()
    shots(page, "public-receipt")

    # -- the handler signs in through Keycloak and works the case -------------------------
    handler = _context(browser, watch, script=True)
    page = handler.new_page()
    page.goto(f"{public}/staff?lang=en")
    expect(page.locator("#username")).to_be_visible()
    shots(page, "keycloak-sign-in")
    _sign_in(page, server, slug, handler_person)
    page.goto(f"{public}/staff?view=all&lang=en")
    row = page.locator("table.queue tbody tr", has_text=reference)
    expect(row).to_contain_text(SUBJECT)
    shots(page, "handler-queue")
    _accessible(page, violations)
    # The queue's keys: / goes to the search box, j to the first case, o opens it.
    page.keyboard.press("/")
    expect(page.locator("#f-q")).to_be_focused()
    page.locator("main h1").click()
    page.keyboard.press("j")
    expect(page.locator("table.queue tbody th a").first).to_be_focused()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    row.get_by_role("link", name=reference).focus()
    page.keyboard.press("o")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.locator(".timeline")).to_contain_text(XSS)
    shots(page, "handler-case")
    _accessible(page, violations)

    page.get_by_role("button", name="Acknowledge in writing").click()
    expect(page.get_by_role("status")).to_contain_text("acknowledgement is on its way")
    page.get_by_text("Add a note").first.click()
    page.get_by_label("Title").fill("Called the branch")
    page.get_by_label("Note", exact=True).fill(f"Manager confirms the double fee. {XSS}")
    page.locator("#do-note").click()
    expect(page.get_by_role("status")).to_contain_text("The note is on the case.")
    page.get_by_role("button", name="Start the investigation").click()
    expect(page.get_by_role("status")).to_contain_text("The investigation has started.")
    page.locator("#propose summary").click()
    page.get_by_label("Upheld", exact=True).check()
    page.get_by_label("Redress offered").fill("Refund of the second fee, 40 euros.")
    page.get_by_label("Root cause").fill("The fee ran twice after a system restart.")
    shots(page, "handler-proposes")
    _accessible(page, violations)
    page.locator("#do-propose_decision").click()
    expect(page.get_by_role("status")).to_contain_text("The decision is proposed.")
    expect(page.locator(".decision")).to_contain_text("someone else must review it")
    shots(page, "handler-proposed")

    # -- the supervisor approves -----------------------------------------------------------
    supervisor = _context(browser, watch, script=True)
    page = supervisor.new_page()
    _sign_in(page, server, slug, supervisor_person)
    page.goto(f"{public}/staff/cases/{reference}?lang=en")
    expect(page.locator(".decision")).to_contain_text("Refund of the second fee")
    shots(page, "supervisor-review")
    _accessible(page, violations)
    page.get_by_label("Comment").fill("Agreed; refund today.")
    page.get_by_role("button", name="Approve the decision").click()
    expect(page.get_by_role("status")).to_contain_text("The decision is approved.")
    shots(page, "supervisor-approved")

    # -- the handler answers in writing ------------------------------------------------------
    page = handler.pages[0]
    page.goto(f"{public}/staff/cases/{reference}?lang=en")
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Show the letter").click()
    expect(page.locator(".letter")).to_contain_text(ANSWER)
    shots(page, "handler-letter-preview")
    _accessible(page, violations)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status")).to_contain_text("The answer is on its way")
    shots(page, "handler-answered")

    # -- the complainant reads the answer with the receipt ----------------------------------
    page = complainant.pages[0]
    page.goto(f"{public}/follow-up?lang=en")
    page.get_by_label("Receipt").fill(receipt)
    page.get_by_role("button", name="Show my complaint").click()
    expect(page.get_by_role("heading", name=f"Your complaint {reference}")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(ANSWER)
    expect(page.locator(".files")).to_contain_text("bank-statement.txt")
    shots(page, "complainant-reads-answer")

    # -- the workspace under its own policy: htmx filters the queue in place, nothing refused --
    strict = browser.new_context()
    page = strict.new_page()
    complaints: list[str] = []
    page.on(
        "console", lambda m: complaints.append(m.text) if m.type in ("error", "warning") else None
    )
    _sign_in(page, server, slug, handler_person)
    page.goto(f"{public}/staff?view=all&lang=en")
    page.evaluate("window.stillThisPage = true")
    page.select_option("#f-status", "responded")
    page.wait_for_url(re.compile(r"status=responded"))
    expect(page.locator("table.queue tbody tr", has_text=reference)).to_have_count(1)
    assert page.evaluate("window.stillThisPage === true"), "the filter reloaded the page"
    page.select_option("#f-status", "received")
    expect(page.locator("table.queue")).to_have_count(0)
    page.goto(f"{public}/staff/cases/{reference}?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    refused = [c for c in complaints if "Content Security Policy" in c or "Refused" in c]
    assert not refused, refused

    for context in (complainant, handler, supervisor, strict):
        context.close()
    assert watch.dialogs == [], f"a script of the complaint ran: {watch.dialogs}"
    assert not violations, "\n".join(violations)
    assert shots.taken >= 12
