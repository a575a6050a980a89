"""The tenant admin's pages: people and roles, teams, routing rules with the test box, retention.

Each form goes through the same service as the JSON API; a refused form changes
nothing and says why beside the field; hostile text comes back escaped.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from core.audit.tables import AuditEvent
from core.auth.tables import StaffMember
from core.cases.tables import Case
from core.retention.tables import RetentionPolicy
from core.routing.tables import RoutingRule, Team
from core.staff.api import STAFF_DIRECTORY
from core.tenancy.context import tenant_transaction
from frontend import csrf
from frontend.i18n import TEXTS as ADMIN_MESSAGES
from tenants.keycloak import KeycloakControlPlane
from tests.conftest import host
from tests.fixtures.pages import Browser, browser_of
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
XSS = '<script>alert("x")</script>'

ADMIN_PAGES = (
    "/staff/admin",
    "/staff/admin/people",
    "/staff/admin/teams",
    "/staff/admin/routing",
    "/staff/admin/retention",
)


@pytest.fixture
async def admin_user(tenant: TenantHandle) -> StaffUser:
    return await tenant.add_staff(("tenant-admin",))


@pytest.fixture
async def admin(client: Client, tenant: TenantHandle, admin_user: StaffUser) -> Browser:
    return await browser_of(client, tenant, admin_user)


def done(response: httpx.Response, notice: str) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.endswith(f"done={notice}"), location
    return location


def visible(page: httpx.Response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.text))


async def actions(tenant: TenantHandle, prefix: str) -> list[dict[str, Any]]:
    async with tenant_transaction(slug=tenant.slug):
        rows = await AuditEvent.select(AuditEvent.action, AuditEvent.detail).order_by(
            AuditEvent.seq
        )
    return [
        {"action": r["action"], **json.loads(r["detail"] or "{}")}
        for r in rows
        if r["action"].startswith(prefix)
    ]


async def staff_row(tenant: TenantHandle, email: str) -> dict[str, Any] | None:
    async with tenant_transaction(slug=tenant.slug):
        rows = await StaffMember.raw(
            "SELECT * FROM staff_member WHERE lower(email) = lower({})", email
        )
    return rows[0] if rows else None


# -- who may use the pages ---------------------------------------------------------------------


async def test_someone_without_the_admin_role_gets_403_on_every_admin_page(
    client: Client, tenant: TenantHandle
):
    supervisor = await browser_of(client, tenant, tenant.staff)  # handler and supervisor
    some_team = await client.post("/api/v1/teams", json={"name": "Claims"}, headers=host(tenant))
    assert some_team.status_code == 403  # the API refuses them too
    paths = [*ADMIN_PAGES, f"/staff/admin/people/{tenant.staff.staff_id}"]
    for path in paths:
        page = await supervisor.get(path)
        assert page.status_code == 403, path
        assert "tenant admin" in visible(page).lower() or "Tenant admin" in visible(page)
    for path, body in (
        ("/staff/admin/people/invite", {"email": "x@example.org", "roles": "handler"}),
        ("/staff/admin/teams", {"name": "Sneaky"}),
        ("/staff/admin/routing/test", {"subject": "Hello"}),
        ("/staff/admin/retention", {"default_days": "90"}),
    ):
        refused = await supervisor.post(path, body)
        assert refused.status_code == 403, path
    async with tenant_transaction(slug=tenant.slug):
        assert await Team.count().where(Team.name == "Sneaky") == 0
    assert await staff_row(tenant, "x@example.org") is None


async def test_the_admin_home_links_every_admin_page(admin: Browser):
    page = await admin.get("/staff/admin")
    assert page.status_code == 200
    for path in (
        "/staff/admin/people",
        "/staff/admin/teams",
        "/staff/admin/routing",
        "/staff/admin/retention",
        "/staff/admin/plugins",
        "/staff/admin/templates",
        "/staff/admin/branding",
    ):
        assert f'href="{path}"' in page.text, path
    assert "script-src 'self'" in page.headers["content-security-policy"]


# -- people and roles --------------------------------------------------------------------------


async def test_inviting_a_person_mails_the_invitation_and_keeps_a_pending_row(
    admin: Browser, tenant: TenantHandle, mailbox: Mailbox
):
    email = f"new-{uuid.uuid4().hex[:8]}@example.org"
    seen = len(mailbox.messages)
    answer = await admin.post(
        "/staff/admin/people/invite",
        {"email": email, "display_name": "Nora New", "roles": ["handler", "investigator"]},
    )
    done(answer, "staff_invited")

    invitation = mailbox.wait_for(email, after=seen)
    assert invitation is not None
    row = await staff_row(tenant, email)
    assert row is not None
    assert row["roles"] == ["handler", "investigator"]
    assert row["subject"] is None and row["active"]
    [event] = await actions(tenant, "staff.invited")
    assert event["staff_id"] == str(row["id"])
    assert event["roles"] == ["handler", "investigator"]
    listed = await admin.get("/staff/admin/people")
    assert "Nora New" in listed.text
    assert "Invited, not signed in yet" in listed.text


async def test_an_invitation_needs_an_address_and_a_role_and_keeps_what_was_typed(
    admin: Browser, tenant: TenantHandle
):
    answer = await admin.post(
        "/staff/admin/people/invite", {"email": "not an address", "display_name": "Kept Name"}
    )
    assert answer.status_code == 400
    assert 'value="Kept Name"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert "Enter a valid e-mail address" in answer.text
    no_role = await admin.post("/staff/admin/people/invite", {"email": "someone@example.org"})
    assert no_role.status_code == 400
    assert "Choose at least one role." in no_role.text
    assert await staff_row(tenant, "someone@example.org") is None


async def test_inviting_someone_already_on_staff_is_refused(admin: Browser, tenant: TenantHandle):
    answer = await admin.post(
        "/staff/admin/people/invite",
        {"email": tenant.staff.email.upper(), "roles": "handler"},
    )
    assert answer.status_code == 409
    assert "already belongs to a member of staff" in answer.text


@pytest.fixture
def identity_provider_down(app: Litestar, keycloak_down: KeycloakControlPlane) -> Iterator[None]:
    before = app.state[STAFF_DIRECTORY]
    app.state[STAFF_DIRECTORY] = lambda _state: keycloak_down
    try:
        yield
    finally:
        app.state[STAFF_DIRECTORY] = before


async def test_when_keycloak_is_down_the_page_says_so_and_nothing_is_kept(
    admin: Browser, tenant: TenantHandle, identity_provider_down: None
):
    email = f"down-{uuid.uuid4().hex[:8]}@example.org"
    answer = await admin.post("/staff/admin/people/invite", {"email": email, "roles": "auditor"})
    assert answer.status_code == 503
    assert "sign-in service cannot be reached" in answer.text
    assert f'value="{email}"' in answer.text
    assert await staff_row(tenant, email) is None
    assert await actions(tenant, "staff.invited") == []


async def test_changing_roles_and_deactivating_from_the_person_page_is_audited(
    admin: Browser, tenant: TenantHandle
):
    person = await tenant.add_staff(("handler",))
    path = f"/staff/admin/people/{person.staff_id}"
    page = await admin.get(path)
    assert page.status_code == 200 and person.email in page.text

    done(
        await admin.post(path, {"change": "roles", "roles": ["auditor", "supervisor"]}),
        "staff_roles_changed",
    )
    row = await staff_row(tenant, person.email)
    assert row is not None and row["roles"] == ["supervisor", "auditor"]
    [changed] = await actions(tenant, "staff.roles_changed")
    assert changed["from"] == ["handler"] and changed["to"] == ["supervisor", "auditor"]

    done(await admin.post(path, {"change": "deactivate"}), "staff_deactivated")
    row = await staff_row(tenant, person.email)
    assert row is not None and not row["active"]
    signed_in = await browser_of(admin.client, tenant, person)
    assert (await signed_in.get("/staff")).status_code != 200  # their session no longer works

    done(await admin.post(path, {"change": "reactivate"}), "staff_reactivated")
    access = [e["action"] for e in await actions(tenant, "staff.") if "activated" in e["action"]]
    assert access == ["staff.deactivated", "staff.reactivated"]


async def test_the_last_admin_cannot_lock_themself_out(
    admin: Browser, admin_user: StaffUser, tenant: TenantHandle
):
    path = f"/staff/admin/people/{admin_user.staff_id}"
    demoted = await admin.post(path, {"change": "roles", "roles": "handler"})
    assert demoted.status_code == 409
    assert "Nobody else is an active tenant admin" in demoted.text
    gone = await admin.post(path, {"change": "deactivate"})
    assert gone.status_code == 409
    assert "Nobody else is an active tenant admin" in gone.text
    row = await staff_row(tenant, admin_user.email)
    assert row is not None and row["active"] and "tenant-admin" in row["roles"]
    assert await actions(tenant, "staff.roles_changed") == []
    assert await actions(tenant, "staff.deactivated") == []

    # With a second admin, giving up the role is fine.
    await tenant.add_staff(("tenant-admin",))
    done(await admin.post(path, {"change": "roles", "roles": "handler"}), "staff_roles_changed")


# -- teams -------------------------------------------------------------------------------------


async def test_creating_and_editing_a_team(admin: Browser, tenant: TenantHandle):
    member = await tenant.add_staff(("handler",))
    boss = await tenant.add_staff(("supervisor",))
    answer = await admin.post(
        "/staff/admin/teams",
        {
            "name": "Claims",
            "assignment": "least_loaded",
            "members": [str(member.staff_id)],
            "supervisors": [str(boss.staff_id)],
        },
    )
    done(answer, "team_created")
    async with tenant_transaction(slug=tenant.slug):
        team = await Team.select().where(Team.name == "Claims").first()
    assert team is not None and team["assignment"] == "least_loaded"
    listed = await admin.get("/staff/admin/teams")
    assert "Claims" in listed.text and "To the member with the fewest open cases" in listed.text

    path = f"/staff/admin/teams/{team['id']}"
    edit = await admin.get(path)
    assert f'value="{member.staff_id}" checked' in edit.text
    done(
        await admin.post(
            path,
            {
                "name": "Claims and payments",
                "assignment": "round_robin",
                "members": [str(boss.staff_id)],
            },
        ),
        "team_saved",
    )
    async with tenant_transaction(slug=tenant.slug):
        saved = await Team.select().where(Team.id == team["id"]).first()
    assert saved is not None and saved["name"] == "Claims and payments"
    page = await admin.get(path)
    assert f'value="{boss.staff_id}" checked' in page.text
    assert f'value="{member.staff_id}" checked' not in page.text
    assert [e["action"] for e in await actions(tenant, "team.")] == ["team.created", "team.updated"]


async def test_a_team_refused_says_why_and_keeps_the_form(admin: Browser, tenant: TenantHandle):
    handler = await tenant.add_staff(("handler",))
    done(await admin.post("/staff/admin/teams", {"name": "Taken"}), "team_created")
    taken = await admin.post("/staff/admin/teams", {"name": "Taken", "assignment": "round_robin"})
    assert taken.status_code == 409
    assert "Another team already has this name." in taken.text
    not_a_supervisor = await admin.post(
        "/staff/admin/teams", {"name": "New one", "supervisors": [str(handler.staff_id)]}
    )
    assert not_a_supervisor.status_code == 400
    assert "supervisor role" in not_a_supervisor.text
    assert 'value="New one"' in not_a_supervisor.text


# -- routing rules -----------------------------------------------------------------------------


async def team_named(admin: Browser, name: str) -> None:
    done(await admin.post("/staff/admin/teams", {"name": name}), "team_created")


async def rule_ids(tenant: TenantHandle) -> list[uuid.UUID]:
    async with tenant_transaction(slug=tenant.slug):
        rows = await RoutingRule.select(RoutingRule.id, RoutingRule.name).order_by(
            RoutingRule.position
        )
    return [r["id"] for r in rows]


async def test_rules_are_created_edited_reordered_and_deleted(admin: Browser, tenant: TenantHandle):
    await team_named(admin, "Claims")
    await team_named(admin, "Health")
    done(
        await admin.post(
            "/staff/admin/routing/rules",
            {
                "name": "Claims rule",
                "team": "Claims",
                "keywords": "claim\npayment",
                "active": "yes",
            },
        ),
        "rule_created",
    )
    done(
        await admin.post(
            "/staff/admin/routing/rules",
            {
                "name": "Urgent",
                "team": "Health",
                "severities": ["high", "critical"],
                "channels": "phone",
                "active": "yes",
            },
        ),
        "rule_created",
    )
    first, second = await rule_ids(tenant)
    page = await admin.get("/staff/admin/routing")
    assert "Keywords: claim, payment" in page.text
    assert "Severities: High, Critical" in visible(page) or "Severities:" in page.text

    done(await admin.post(f"/staff/admin/routing/rules/{second}", {"intent": "up"}), "rule_moved")
    assert await rule_ids(tenant) == [second, first]

    edited = await admin.post(
        f"/staff/admin/routing/rules/{first}",
        {
            "intent": "save",
            "name": "Claims only",
            "team": "Claims",
            "categories": "claims",
            "active": "yes",
        },
    )
    done(edited, "rule_saved")
    async with tenant_transaction(slug=tenant.slug):
        row = await RoutingRule.select().where(RoutingRule.id == first).first()
    assert row is not None and row["name"] == "Claims only"
    conditions = (
        json.loads(row["conditions"]) if isinstance(row["conditions"], str) else row["conditions"]
    )
    assert conditions == {"categories": ["claims"]}

    bad = await admin.post(
        f"/staff/admin/routing/rules/{first}",
        {"intent": "save", "name": "Claims only", "team": "No such team", "active": "yes"},
    )
    assert bad.status_code == 400
    assert "Choose one of your teams." in bad.text

    done(
        await admin.post(f"/staff/admin/routing/rules/{second}", {"intent": "delete"}),
        "rule_deleted",
    )
    assert await rule_ids(tenant) == [first]
    assert [e["action"] for e in await actions(tenant, "routing_rule.")] == [
        "routing_rule.created",
        "routing_rule.created",
        "routing_rule.reordered",
        "routing_rule.updated",
        "routing_rule.deleted",
    ]


async def counts(tenant: TenantHandle) -> tuple[int, int, int]:
    async with tenant_transaction(slug=tenant.slug):
        return (
            await Case.count(),
            await AuditEvent.count(),
            await Team.count(),
        )


async def test_the_test_box_shows_the_rule_team_and_person_and_registers_nothing(
    admin: Browser, admin_user: StaffUser, tenant: TenantHandle
):
    member = await tenant.add_staff(("handler",))
    done(
        await admin.post(
            "/staff/admin/teams", {"name": "Claims", "members": [str(member.staff_id)]}
        ),
        "team_created",
    )
    await team_named(admin, "Phones")
    done(
        await admin.post(
            "/staff/admin/routing/rules",
            {"name": "By phone", "team": "Phones", "channels": "phone", "active": "yes"},
        ),
        "rule_created",
    )
    done(
        await admin.post(
            "/staff/admin/routing/rules",
            {"name": "Claims words", "team": "Claims", "keywords": "payment", "active": "yes"},
        ),
        "rule_created",
    )
    before = await counts(tenant)

    answer = await admin.post(
        "/staff/admin/routing/test",
        {
            "subject": "Late PAYMENT of my claim",
            "description": "Nobody answers.",
            "channel": "letter",
            "severity": "normal",
            "language": "en",
        },
    )

    assert answer.status_code == 200, answer.text
    shown = visible(answer)
    assert "Rule 2: Claims words" in shown
    assert "Claims" in shown
    assert member.email in shown
    assert "Does not match: Channels" in shown  # why rule 1 did not take it
    assert "Nothing was registered or saved." in shown
    assert await counts(tenant) == before

    api = await admin.client.post(
        "/api/v1/routing/test",
        json={"subject": "Call me", "channel": "phone"},
        headers={"host": f"{tenant.slug}.localhost", **admin_user.bearer},
    )
    assert api.status_code == 200, api.text
    assert api.json()["team"] == "Phones"
    assert [r["matched"] for r in api.json()["rules"]] == [True]
    assert await counts(tenant) == before


# -- retention ---------------------------------------------------------------------------------


async def test_saving_the_retention_periods(admin: Browser, tenant: TenantHandle):
    page = await admin.get("/staff/admin/retention")
    assert page.status_code == 200
    assert 'value="2190"' in page.text
    answer = await admin.post(
        "/staff/admin/retention", {"default_days": "400", "new_code": "fraud", "new_forever": "yes"}
    )
    done(answer, "retention_saved")
    async with tenant_transaction(slug=tenant.slug):
        row = await RetentionPolicy.select().where(RetentionPolicy.tenant_id == tenant.id).first()
    assert row is not None and row["default_days"] == 400
    by_category = row["days_by_category"]
    assert (json.loads(by_category) if isinstance(by_category, str) else by_category) == {
        "fraud": None
    }
    [event] = await actions(tenant, "retention.updated")
    assert event["changed"]["default_days"] == {"from": 2190, "to": 400}

    too_short = await admin.post(
        "/staff/admin/retention", {"default_days": "3", "category": "fraud", "forever:fraud": "yes"}
    )
    assert too_short.status_code == 400
    assert 'value="3"' in too_short.text
    assert "whole number of days" in too_short.text
    async with tenant_transaction(slug=tenant.slug):
        kept = await RetentionPolicy.select().first()
    assert kept is not None and kept["default_days"] == 400

    page = await admin.get("/staff/admin/retention")
    assert 'name="forever:fraud" value="yes" checked' in page.text
    done(
        await admin.post(
            "/staff/admin/retention",
            {"default_days": "400", "category": "fraud", "days:fraud": "90"},
        ),
        "retention_saved",
    )
    async with tenant_transaction(slug=tenant.slug):
        saved = await RetentionPolicy.select().first()
    assert saved is not None
    by_category = saved["days_by_category"]
    assert (json.loads(by_category) if isinstance(by_category, str) else by_category) == {
        "fraud": 90
    }


async def test_the_retention_page_lists_the_legal_holds_in_force(
    client: Client, admin: Browser, tenant: TenantHandle
):
    case = await client.post(
        "/api/v1/cases",
        json={"subject": "Kept", "description": "A complaint.", "channel": "letter"},
        headers=host(tenant),
    )
    assert case.status_code == 201, case.text
    reference = case.json()["reference"]
    hold = await client.post(
        f"/api/v1/cases/{reference}/legal-holds",
        json={"reason": f"Court claim {XSS}"},
        headers=host(tenant),
    )
    assert hold.status_code == 201, hold.text
    page = await admin.get("/staff/admin/retention")
    assert f'href="/staff/cases/{reference}"' in page.text
    assert "Court claim &lt;script&gt;" in page.text


# -- forms without their token, hostile text, languages ----------------------------------------


async def test_a_form_without_its_token_changes_nothing(admin: Browser, tenant: TenantHandle):
    for path, body in (
        ("/staff/admin/teams", {"name": "Forged"}),
        ("/staff/admin/retention", {"default_days": "31"}),
        ("/staff/admin/people/invite", {"email": "forged@example.org", "roles": "tenant-admin"}),
    ):
        refused = await admin.post(path, body, token="not-the-token")
        assert refused.status_code == 403, path
    async with tenant_transaction(slug=tenant.slug):
        assert await Team.count().where(Team.name == "Forged") == 0
        assert await RetentionPolicy.count() == 0
    assert await staff_row(tenant, "forged@example.org") is None


async def test_every_form_on_the_pages_carries_the_form_token(admin: Browser, tenant: TenantHandle):
    person = await tenant.add_staff(("handler",))
    await team_named(admin, "Tokens")
    done(
        await admin.post("/staff/admin/routing/rules", {"name": "R", "team": "Tokens"}),
        "rule_created",
    )
    [rule_id] = await rule_ids(tenant)
    pages = [
        await admin.get(path)
        for path in (
            *ADMIN_PAGES,
            f"/staff/admin/people/{person.staff_id}",
            f"/staff/admin/routing/rules/{rule_id}",
        )
    ]
    pages.append(await admin.post("/staff/admin/routing/test", {"subject": "A complaint"}))
    token_field = f'<input type="hidden" name="{csrf.FIELD}" value="{admin.token}">'
    for page in pages:
        forms = page.text.count('<form method="post"')
        assert page.text.count(token_field) == forms, page.url


async def test_hostile_names_and_keywords_are_escaped(admin: Browser, tenant: TenantHandle):
    done(await admin.post("/staff/admin/teams", {"name": XSS}), "team_created")
    done(
        await admin.post(
            "/staff/admin/routing/rules",
            {"name": XSS, "team": XSS, "keywords": XSS, "active": "yes"},
        ),
        "rule_created",
    )
    for path in ("/staff/admin/teams", "/staff/admin/routing"):
        page = await admin.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text, path
        assert "&lt;script&gt;" in page.text, path
    trial = await admin.post("/staff/admin/routing/test", {"subject": XSS, "description": XSS})
    assert trial.status_code == 200
    assert "<script>alert" not in trial.text
    assert "&lt;script&gt;" in trial.text


@pytest.mark.parametrize("lang", ["de", "ru", "et"])
async def test_pages_are_translated(admin: Browser, tenant: TenantHandle, lang: str):
    english, translated = ADMIN_MESSAGES["en"], ADMIN_MESSAGES[lang]
    assert translated.keys() == english.keys()
    assert not {k for k, v in translated.items() if not v.strip()}
    member = await tenant.add_staff(("handler", "supervisor"))
    done(
        await admin.post(
            "/staff/admin/teams",
            {
                "name": "Zzz",
                "members": [str(member.staff_id)],
                "supervisors": [str(member.staff_id)],
            },
        ),
        "team_created",
    )
    done(
        await admin.post(
            "/staff/admin/routing/rules",
            {
                "name": "Zzz rule",
                "team": "Zzz",
                "channels": "phone",
                "keywords": "zzz",
                "active": "yes",
            },
        ),
        "rule_created",
    )
    [rule_id] = await rule_ids(tenant)
    async with tenant_transaction(slug=tenant.slug):
        team = await Team.select(Team.id).where(Team.name == "Zzz").first()
    assert team is not None
    pages = [
        admin.get(f"{path}?lang={lang}")
        for path in (
            *ADMIN_PAGES,
            f"/staff/admin/people/{member.staff_id}",
            f"/staff/admin/teams/{team['id']}",
            f"/staff/admin/routing/rules/{rule_id}",
        )
    ]
    responses = [await p for p in pages]
    responses.append(
        await admin.post(
            f"/staff/admin/routing/test?lang={lang}", {"subject": "zzz", "channel": "letter"}
        )
    )
    for response in responses:
        assert response.status_code == 200, response.text
        assert f'<html lang="{lang}">' in response.text
        text = visible(response)
        lines = {
            line.strip()
            for line in re.sub(r"<[^>]+>", "\n", html.unescape(response.text)).splitlines()
        }
        left = [
            english[k]
            for k in english
            if english[k] != translated[k]
            and "{" not in english[k]
            and (english[k] in lines or f"{english[k]}:" in text)
        ]
        assert not left, f"English left on {response.url} in {lang}: {left}"
