"""The staff workspace: the queue (views, filters, search, sort, pages, deadline badges)
and the case page (facts, parties, one timeline), confidential, escaped and translated."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.auth.sessions import SESSION_COOKIE, start_session
from core.cases.tables import Case, Deadline
from core.tenancy.context import tenant_transaction
from frontend.i18n import TEXTS as STAFF_MESSAGES
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def register(client: Client, tenant: TenantHandle, **changes: Any) -> dict[str, Any]:
    body = {
        "subject": "Claim payment delayed",
        "description": "I sent my claim in October and have heard nothing.",
        "channel": "letter",
        "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        **changes,
    }
    response = await client.post("/api/v1/cases", json=body, headers=host(tenant))
    assert response.status_code == 201, response.text
    return response.json()


async def change(tenant: TenantHandle, case: dict[str, Any], **values: Any) -> None:
    """Set columns of a case directly: assignment and confidentiality, as a test's setup."""
    async with tenant_transaction(slug=tenant.slug):
        await Case.update({getattr(Case, k): v for k, v in values.items()}).where(
            Case.id == case["id"]
        )


async def due_in(tenant: TenantHandle, case: dict[str, Any], delta: timedelta) -> None:
    """Move every open deadline of the case to ``delta`` from now."""
    async with tenant_transaction(slug=tenant.slug):
        await Deadline.update({Deadline.due_at: datetime.now(UTC) + delta}).where(
            Deadline.case_id == case["id"]
        )


async def page(client: Client, tenant: TenantHandle, path: str, **params: str) -> httpx.Response:
    return await client.get(path, params=params, headers=host(tenant))


def rows(response: httpx.Response) -> list[str]:
    """The references in the queue's table, in order."""
    assert response.status_code == 200, response.text
    return re.findall(r'<th scope="row"><a href="/staff/cases/[^"]+">([^<]+)</a>', response.text)


def row_of(response: httpx.Response, reference: str) -> str:
    match = re.search(
        rf"<tr>\s*<th scope=\"row\"><a[^>]*>{reference}</a>.*?</tr>", response.text, re.S
    )
    assert match, f"{reference} is not in the queue"
    return match.group(0)


@pytest.fixture
async def session_cookie(tenant: TenantHandle) -> dict[str, str]:
    """A browser session for the tenant's handler, as signing in through Keycloak opens one."""
    assert tenant.staff.staff_id is not None
    async with tenant_transaction(slug=tenant.slug):
        secret = await start_session(tenant.staff.staff_id, id_token=None)
    return {"host": f"{tenant.slug}.localhost", "cookie": f"{SESSION_COOKIE}={secret}"}


async def test_queue_needs_a_signed_in_member_of_staff(client: Client, tenant: TenantHandle):
    anonymous = await client.get("/staff", headers={"host": f"{tenant.slug}.localhost"})
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/auth/login?next=/staff")
    case = await client.get(
        "/staff/cases/Q-2026-000001", headers={"host": f"{tenant.slug}.localhost"}
    )
    assert case.status_code == 303


async def test_my_cases_show_badges_in_words(
    client: Client, tenant: TenantHandle, session_cookie: dict[str, str]
):
    me = tenant.staff.staff_id
    late = await register(client, tenant, subject="Late one")
    soon = await register(client, tenant, subject="Soon one")
    paused = await register(client, tenant, subject="Paused one")
    calm = await register(client, tenant, subject="Calm one")
    others = await register(client, tenant, subject="Someone else's")
    for case in (late, soon, paused, calm):
        await change(tenant, case, assignee_staff_id=me)
    await due_in(tenant, late, timedelta(hours=-2))
    await due_in(tenant, soon, timedelta(hours=20))
    held = await client.post(
        f"/api/v1/cases/{paused['id']}/actions/put_on_hold",
        json={"reason": "Waiting for documents"},
        headers=host(tenant),
    )
    assert held.status_code == 200, held.text

    response = await client.get("/staff", headers=session_cookie)

    assert sorted(rows(response)) == sorted(c["reference"] for c in (late, soon, paused, calm))
    assert others["reference"] not in response.text
    assert "Breached" in row_of(response, late["reference"])
    assert "Due soon" in row_of(response, soon["reference"])
    assert "Paused" in row_of(response, paused["reference"])
    for word in ("Breached", "Due soon", "Paused"):
        assert word not in row_of(response, calm["reference"])
    assert '<th scope="col">' in response.text and "<caption>" in response.text
    assert '<label for="f-q">' in response.text
    assert 'href="/static/staff.css"' in response.text


async def test_views_filters_and_search_narrow_the_list(client: Client, tenant: TenantHandle):
    high = await register(client, tenant, subject="Rude staff at the branch", severity="high")
    low = await register(client, tenant, subject="Letter lost", severity="low")
    await register(client, tenant, subject="Website down")

    everything = rows(await page(client, tenant, "/staff", view="all"))
    assert len(everything) == 3
    assert rows(await page(client, tenant, "/staff", view="mine")) == []
    assert rows(await page(client, tenant, "/staff", view="all", severity="high")) == [
        high["reference"]
    ]
    assert rows(await page(client, tenant, "/staff", view="all", q="LOST letter")) == [
        low["reference"]
    ]
    assert rows(await page(client, tenant, "/staff", view="all", status="closed")) == []
    # An empty form field is no filter.
    blank = await page(client, tenant, "/staff", view="all", q="", status="", category="")
    assert len(rows(blank)) == 3
    refused = await page(client, tenant, "/staff", view="all", before="pigeon")
    assert refused.status_code == 400
    assert "cannot be used" in refused.text


async def test_team_queue_lists_the_teams_cases(client: Client, tenant: TenantHandle):
    staff = await tenant.add_staff(roles=("handler",))
    admin = await tenant.add_staff(roles=("tenant-admin",))
    team = await client.post(
        "/api/v1/teams",
        json={"name": "Claims", "members": [staff.email]},
        headers={"host": f"{tenant.slug}.localhost", **admin.bearer},
    )
    assert team.status_code == 201, team.text
    case = await register(client, tenant)
    other = await register(client, tenant)
    await change(tenant, case, team_id=team.json()["id"])
    headers = {"host": f"{tenant.slug}.localhost", **staff.bearer}

    listed = await client.get("/staff", params={"view": "teams"}, headers=headers)
    chosen = await client.get(
        "/staff", params={"view": "teams", "team": team.json()["id"]}, headers=headers
    )

    assert rows(listed) == [case["reference"]]
    assert rows(chosen) == [case["reference"]]
    assert other["reference"] not in listed.text
    assert "Claims" in listed.text


async def test_sort_orders_and_pages_follow_on(client: Client, tenant: TenantHandle):
    now = datetime.now(UTC)
    made = [
        await register(client, tenant, received_at=(now - timedelta(days=d)).isoformat())
        for d in (3, 1, 2)
    ]
    by_age = sorted(made, key=lambda c: c["received_at"])
    await due_in(tenant, made[0], timedelta(days=30))
    await due_in(tenant, made[1], timedelta(days=10))
    await due_in(tenant, made[2], timedelta(days=20))

    newest = rows(await page(client, tenant, "/staff", view="all"))
    oldest = rows(await page(client, tenant, "/staff", view="all", sort="received_oldest"))
    deadline = rows(await page(client, tenant, "/staff", view="all", sort="deadline"))

    assert newest == [c["reference"] for c in reversed(by_age)]
    assert oldest == [c["reference"] for c in by_age]
    assert deadline == [made[1]["reference"], made[2]["reference"], made[0]["reference"]]


async def test_next_page_link_walks_the_whole_queue(client: Client, tenant: TenantHandle):
    from frontend import staff_pages

    made = [await register(client, tenant, subject=f"Complaint {i}") for i in range(5)]
    for case in made[:2]:  # no running deadline: they come last, past the "end" cursor
        held = await client.post(
            f"/api/v1/cases/{case['id']}/actions/put_on_hold",
            json={"reason": "Waiting for documents"},
            headers=host(tenant),
        )
        assert held.status_code == 200, held.text
    seen: list[str] = []
    url: str | None = "/staff?view=all&sort=deadline"
    original = staff_pages.PAGE_SIZE
    staff_pages.PAGE_SIZE = 2
    try:
        while url:
            response = await client.get(url, headers=host(tenant))
            seen += rows(response)
            link = re.search(r'<a href="([^"]+)" rel="next">', response.text)
            url = html.unescape(link.group(1)) if link else None
    finally:
        staff_pages.PAGE_SIZE = original
    assert sorted(seen) == sorted(c["reference"] for c in made)
    assert len(seen) == 5
    assert set(seen[3:]) == {c["reference"] for c in made[:2]}


async def test_a_case_the_person_may_not_see_is_absent_and_not_found(
    client: Client, tenant: TenantHandle
):
    sealed = await register(client, tenant, subject="Sealed matter")
    # Sealed and held by someone else (a sealed case nobody holds is its supervisors' to give).
    holder = await tenant.add_staff(("handler",))
    await change(tenant, sealed, confidentiality="sealed", assignee_staff_id=holder.staff_id)
    shown = await register(client, tenant, subject="Ordinary matter")

    queue = await page(client, tenant, "/staff", view="all")
    hidden = await page(client, tenant, f"/staff/cases/{sealed['reference']}")
    missing = await page(client, tenant, "/staff/cases/Q-1999-999999")
    visible = await page(client, tenant, f"/staff/cases/{shown['reference']}")

    assert rows(queue) == [shown["reference"]]
    assert "Sealed matter" not in queue.text
    assert hidden.status_code == missing.status_code == 404
    assert "Sealed matter" not in hidden.text
    assert hidden.text.replace(sealed["reference"], "") == missing.text.replace("Q-1999-999999", "")
    assert visible.status_code == 200


async def test_case_page_shows_facts_parties_and_one_timeline(client: Client, tenant: TenantHandle):
    case = await register(client, tenant, subject="Branch refused my claim")
    key = case["id"]
    await client.post(
        f"/api/v1/cases/{key}/tasks", json={"title": "Call the branch"}, headers=host(tenant)
    )
    await client.post(
        f"/api/v1/cases/{key}/records",
        json={"kind": "note", "title": "Branch manager says", "body": "No record of a claim."},
        headers=host(tenant),
    )

    response = await page(client, tenant, f"/staff/cases/{case['reference']}")

    assert response.status_code == 200, response.text
    text = response.text
    assert "Branch refused my claim" in text
    assert "Ada Example" in text
    assert "I sent my claim in October" in text  # the complainant's letter
    assert "Call the branch" in text and "Task added" in text
    assert "No record of a claim." in text and "Note" in text
    assert "Complaint registered" in text  # from the audit log
    timeline = text[text.index('class="timeline"') :]
    order = [timeline.index(s) for s in ("I sent my claim", "Call the branch", "No record of")]
    assert order == sorted(order)


async def test_protected_complainant_appears_by_pseudonym(client: Client, tenant: TenantHandle):
    case = await register(
        client,
        tenant,
        complainant={"name": "Grace Hidden", "email": "grace@example.org", "protected": True},
    )
    response = await page(client, tenant, f"/staff/cases/{case['id']}")
    assert response.status_code == 200
    assert "Grace Hidden" not in response.text
    assert "grace@example.org" not in response.text


async def test_hostile_text_is_escaped_on_both_pages(client: Client, tenant: TenantHandle):
    case = await register(client, tenant, subject=XSS, description=XSS, category=None)

    queue = await page(client, tenant, "/staff", view="all")
    detail = await page(client, tenant, f"/staff/cases/{case['id']}")

    for response in (queue, detail):
        assert response.status_code == 200
        assert "<script>" not in response.text
        assert "<img src=x" not in response.text
        assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_pages_are_translated(client: Client, tenant: TenantHandle, lang: str):
    case = await register(client, tenant, subject="Zzz")
    await due_in(tenant, case, timedelta(hours=-1))
    english, translated = STAFF_MESSAGES["en"], STAFF_MESSAGES[lang]
    assert translated.keys() == english.keys()
    left = {k for k, v in translated.items() if not v.strip()}
    assert not left, f"empty texts in {lang}: {left}"

    for path in ("/staff?view=all", f"/staff/cases/{case['reference']}"):
        response = await client.get(
            f"{path}&lang={lang}" if "?" in path else f"{path}?lang={lang}", headers=host(tenant)
        )
        assert response.status_code == 200, response.text
        visible = html.unescape(re.sub(r"<[^>]+>", "\n", response.text))
        lines = {line.strip() for line in visible.splitlines()}
        untranslated = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in visible)
        ]
        assert not untranslated, f"English left on {path} in {lang}: {untranslated}"
        assert f'<html lang="{lang}">' in response.text


async def test_reading_a_restricted_case_page_is_audited(client: Client, tenant: TenantHandle):
    case = await register(client, tenant, subject="Restricted matter")
    await change(tenant, case, confidentiality="restricted")

    response = await page(client, tenant, f"/staff/cases/{case['reference']}")

    assert response.status_code == 200  # a supervisor sees restricted cases
    async with tenant_transaction(slug=tenant.slug):
        reads = await AuditEvent.select(AuditEvent.action, AuditEvent.detail).where(
            (AuditEvent.case_id == case["id"]) & (AuditEvent.action == "case.read")
        )
    parts = [json.loads(r["detail"])["part"] for r in reads]
    assert parts == ["case page"], "one page view, one audited read"
