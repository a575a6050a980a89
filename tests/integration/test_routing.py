"""Routing: the tenant admin's teams and ordered rules send each new case to a queue and a
person; plugins suggest when no rule matches; escalation reaches a supervisor."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.auth.tables import StaffMember
from core.plugins.host import plugin_host
from core.routing.tables import RoutingDecision, RoutingRule, Team
from core.sdk import CaseView, PluginInfo, RouteSuggestion, StaffExclusion, TenantView, hookimpl
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
TEXT = "My claim 4711 was sent in October and nobody has answered any of my letters."


def as_(tenant: TenantHandle, staff: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **staff.bearer}


async def admin(tenant: TenantHandle) -> dict[str, str]:
    return as_(tenant, await tenant.add_staff(roles=("tenant-admin",)))


async def team(client: Client, headers: dict[str, str], name: str, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/teams", json={"name": name, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def rule(client: Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/routing-rules", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def register(client: Client, tenant: TenantHandle, **body: Any) -> dict[str, Any]:
    body = {"subject": "Claim unanswered", "description": TEXT, **body}
    response = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def routing(client: Client, tenant: TenantHandle, case_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/cases/{case_id}/routing", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def people(tenant: TenantHandle, count: int) -> list[StaffUser]:
    return [await tenant.add_staff(roles=("handler",)) for _ in range(count)]


async def audit_actions(tenant: TenantHandle) -> list[str]:
    async with tenant_transaction(tenant_id=tenant.id):
        rows = await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)
    return [row["action"] for row in rows]


# -- rules ----------------------------------------------------------------------------------


async def test_rules_are_tried_in_order_and_the_first_match_routes(client, tenant):
    headers = await admin(tenant)
    ada, bob, cy = await people(tenant, 3)
    fraud = await team(client, headers, "Fraud", members=[ada.email])
    motor = await team(client, headers, "Motor", members=[bob.email])
    await team(client, headers, "Everything else", members=[cy.email], is_default=True)
    by_keyword = await rule(
        client, headers, name="Fraud words", team="Fraud", conditions={"keywords": ["STOLEN"]}
    )
    by_category = await rule(
        client, headers, name="Motor claims", team="Motor", conditions={"categories": ["motor"]}
    )

    both = await register(client, tenant, category="motor", description="My stolen car. " + TEXT)
    motor_only = await register(client, tenant, category="motor")
    neither = await register(client, tenant, category="home")

    assert (both["team_id"], both["assignee_staff_id"]) == (fraud["id"], str(ada.staff_id))
    assert (motor_only["team_id"], motor_only["assignee_staff_id"]) == (
        motor["id"],
        str(bob.staff_id),
    )
    assert neither["assignee_staff_id"] == str(cy.staff_id)
    [decision] = await routing(client, tenant, both["id"])
    assert decision["source"] == by_keyword["id"] == decision["rule_id"]
    assert (decision["team"], decision["assignee_email"]) == ("Fraud", ada.email)
    assert "Fraud words" in decision["reason"]
    assert (await routing(client, tenant, motor_only["id"]))[0]["rule_id"] == by_category["id"]
    [default] = await routing(client, tenant, neither["id"])
    assert (default["source"], default["rule_id"], default["team"]) == (
        "default",
        None,
        "Everything else",
    )
    assert (await audit_actions(tenant)).count("case.routed") == 3

    # Moving the category rule first makes it win for a case both rules match.
    reordered = await client.put(
        "/api/v1/routing-rules/order",
        json={"rule_ids": [by_category["id"], by_keyword["id"]]},
        headers=headers,
    )
    assert reordered.status_code == 200, reordered.text
    again = await register(client, tenant, category="motor", description="Stolen again. " + TEXT)
    assert again["team_id"] == motor["id"]


async def test_a_case_no_rule_matches_goes_to_a_default_queue_made_on_first_use(client, tenant):
    case = await register(client, tenant)
    [decision] = await routing(client, tenant, case["id"])
    assert (decision["source"], decision["team"], decision["assignee_email"]) == (
        "default",
        "Default queue",
        None,
    )
    teams = (await client.get("/api/v1/teams", headers=tenant.headers)).json()
    assert [(t["name"], t["is_default"]) for t in teams] == [("Default queue", True)]
    assert case["team_id"] == teams[0]["id"]


async def test_an_inactive_rule_and_a_deleted_rule_route_nothing(client, tenant):
    headers = await admin(tenant)
    await team(client, headers, "Fraud")
    paused = await rule(
        client, headers, name="Off", team="Fraud", conditions={"channels": ["api"]}, active=False
    )
    gone = await rule(client, headers, name="Gone", team="Fraud")
    deleted = await client.delete(f"/api/v1/routing-rules/{gone['id']}", headers=headers)
    assert deleted.status_code == 204
    case = await register(client, tenant)
    assert (await routing(client, tenant, case["id"]))[0]["source"] == "default"
    listed = (await client.get("/api/v1/routing-rules", headers=headers)).json()
    assert [(r["id"], r["position"], r["active"]) for r in listed] == [(paused["id"], 1, False)]


# -- plugins --------------------------------------------------------------------------------


class Triage:
    """Sends complaints about a named officer to Conduct, and excludes that officer."""

    def __init__(self, name: str, officer: str) -> None:
        self.PLUGIN_INFO = PluginInfo(name=name, version="1.0.0", description="Triage")
        self.officer = officer

    @hookimpl
    def querela_route_for_case(self, tenant: TenantView, case: CaseView) -> RouteSuggestion | None:
        if "officer" not in case.description.lower():
            return None
        return RouteSuggestion(team="Conduct", reason="names an officer")

    @hookimpl
    def querela_register_excluded_staff(
        self, tenant: TenantView, case: CaseView
    ) -> list[StaffExclusion]:
        return [StaffExclusion(email=self.officer, reason="named officer")]


@pytest.fixture
def triage() -> Iterator[Triage]:
    plugin = Triage(f"triage-{uuid.uuid4().hex[:8]}", officer="")
    host = plugin_host()
    host.register(plugin)
    try:
        yield plugin
    finally:
        host.unregister(plugin.PLUGIN_INFO.name)


async def test_a_plugin_suggestion_routes_when_no_rule_matches(client, tenant, triage):
    headers = await admin(tenant)
    officer, colleague = await people(tenant, 2)
    triage.officer = officer.email
    enabled = await client.post(
        f"/api/v1/plugins/{triage.PLUGIN_INFO.name}/enable", headers=headers
    )
    assert enabled.status_code in (200, 201), enabled.text
    conduct = await team(client, headers, "Conduct", members=[officer.email, colleague.email])
    await rule(client, headers, name="Letters", team="Conduct", conditions={"channels": ["letter"]})

    case = await register(client, tenant, description="The officer at the desk shouted at me.")

    assert case["team_id"] == conduct["id"]
    assert case["assignee_staff_id"] == str(colleague.staff_id)  # the officer is excluded
    [decision] = await routing(client, tenant, case["id"])
    assert decision["source"] == f"plugin:{triage.PLUGIN_INFO.name}"
    assert decision["reason"] == "names an officer"
    refused = await client.post(
        f"/api/v1/cases/{case['id']}/assign", json={"staff_email": officer.email}, headers=headers
    )
    assert refused.status_code == 409, refused.text
    assert "excluded" in refused.json()["detail"]


# -- assignment -----------------------------------------------------------------------------


async def test_round_robin_skips_an_absent_member(client, tenant):
    headers = await admin(tenant)
    ada, bob, cy = await people(tenant, 3)
    claims = await team(
        client, headers, "Claims", members=[ada.email, bob.email, cy.email], is_default=True
    )
    absent = await client.patch(
        f"/api/v1/teams/{claims['id']}", json={"absent": [bob.email]}, headers=headers
    )
    assert absent.status_code == 200, absent.text
    assert [m["absent"] for m in absent.json()["members"]] == [False, True, False]

    assigned = [(await register(client, tenant))["assignee_staff_id"] for _ in range(4)]

    ada_id, cy_id = str(ada.staff_id), str(cy.staff_id)
    assert assigned == [ada_id, cy_id, ada_id, cy_id]


async def test_least_loaded_gives_the_case_to_whoever_has_fewest_open_cases(client, tenant):
    headers = await admin(tenant)
    ada, bob = await people(tenant, 2)
    await team(
        client,
        headers,
        "Claims",
        members=[ada.email, bob.email],
        assignment="least_loaded",
        is_default=True,
    )
    first = await register(client, tenant)
    second = await register(client, tenant)
    # Ada now holds one more: give Bob's case to her by hand, then see who gets the next.
    moved = await client.post(
        f"/api/v1/cases/{second['id']}/assign", json={"staff_email": ada.email}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    third = await register(client, tenant)
    fourth = await register(client, tenant)

    assert first["assignee_staff_id"] == str(ada.staff_id)
    assert second["assignee_staff_id"] == str(bob.staff_id)
    assert third["assignee_staff_id"] == str(bob.staff_id)
    assert fourth["assignee_staff_id"] == str(bob.staff_id)
    assert [d["source"] for d in await routing(client, tenant, second["id"])] == [
        "default",
        "staff",
    ]


async def test_a_subject_of_the_complaint_is_never_assigned(client, tenant):
    headers = await admin(tenant)
    named, other = await people(tenant, 2)
    await team(client, headers, "Claims", members=[named.email, other.email], is_default=True)
    await rule(client, headers, name="To the named one", team="Claims", assignee_email=named.email)
    for _ in range(3):
        case = await register(
            client,
            tenant,
            parties=[{"role": "subject", "name": "Clerk", "email": named.email.upper()}],
        )
        assert case["assignee_staff_id"] == str(other.staff_id)


async def test_my_cases_and_a_team_queue_are_lists_of_their_own(client, tenant):
    headers = await admin(tenant)
    other = (await people(tenant, 1))[0]
    mine = await team(client, headers, "Mine", members=[tenant.staff.email])
    await team(client, headers, "Theirs", members=[other.email], is_default=True)
    await rule(client, headers, name="Letters", team="Mine", conditions={"channels": ["letter"]})
    letter = await register(client, tenant, channel="letter")
    await register(client, tenant)

    my_cases = await client.get("/api/v1/cases?assignee=me", headers=tenant.headers)
    queue = await client.get(f"/api/v1/cases?team={mine['id']}", headers=tenant.headers)
    bad = await client.get("/api/v1/cases?assignee=someone", headers=tenant.headers)

    assert [c["id"] for c in my_cases.json()["items"]] == [letter["id"]]
    assert [c["id"] for c in queue.json()["items"]] == [letter["id"]]
    assert my_cases.json()["items"][0]["assignee_staff_id"] == str(tenant.staff.staff_id)
    assert bad.status_code == 400


async def test_an_inactive_member_of_staff_cannot_be_given_a_case(client, tenant):
    headers = await admin(tenant)
    [gone] = await people(tenant, 1)
    case = await register(client, tenant)
    async with tenant_transaction(tenant_id=tenant.id):
        await StaffMember.update({StaffMember.active: False}).where(StaffMember.id == gone.staff_id)
    refused = await client.post(
        f"/api/v1/cases/{case['id']}/assign", json={"staff_email": gone.email}, headers=headers
    )
    assert refused.status_code == 400
    assert "staff_email" in refused.text
    assert [d["source"] for d in await routing(client, tenant, case["id"])] == ["default"]


# -- escalation -----------------------------------------------------------------------------


async def test_staff_escalation_goes_to_the_team_supervisor_with_the_reason(client, tenant):
    headers = await admin(tenant)
    boss = await tenant.add_staff(roles=("supervisor",))
    await team(client, headers, "Claims", supervisors=[boss.email], is_default=True)
    case = await register(client, tenant)

    refused = await client.post(
        f"/api/v1/cases/{case['id']}/actions/escalate", json={}, headers=tenant.headers
    )
    escalated = await client.post(
        f"/api/v1/cases/{case['id']}/actions/escalate",
        json={"reason": "Threatens legal action"},
        headers=tenant.headers,
    )

    assert refused.status_code == 400
    assert escalated.status_code == 200, escalated.text
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)).json()
    assert detail["status"] == "escalated"
    assert detail["escalated_to_staff_id"] == str(boss.staff_id)
    assert detail["escalation_reason"] == "Threatens legal action"
    last = (await routing(client, tenant, case["id"]))[-1]
    assert (last["source"], last["assignee_email"]) == ("escalation", boss.email)


async def test_a_complainant_asks_for_a_supervisor_through_the_receipt(client, tenant):
    public = {"host": f"{tenant.slug}.localhost"}
    submitted = await client.post(
        "/public/v1/complaints",
        json={"subject": "Lift", "description": "Broken for a month.", "anonymous": True},
        headers=public,
    )
    assert submitted.status_code == 201, submitted.text
    receipt = submitted.json()["receipt"]

    blank = await client.post(
        "/public/v1/followup/escalate", json={"receipt": receipt, "reason": " "}, headers=public
    )
    asked = await client.post(
        "/public/v1/followup/escalate",
        json={"receipt": receipt, "reason": "Nobody answers"},
        headers=public,
    )
    again = await client.post(
        "/public/v1/followup/escalate",
        json={"receipt": receipt, "reason": "Still nobody"},
        headers=public,
    )

    assert blank.status_code == 400
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "escalated"
    assert again.status_code == 409
    items = (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]
    detail = (await client.get(f"/api/v1/cases/{items[0]['id']}", headers=tenant.headers)).json()
    # No team supervisor: the tenant's supervisors stand in (the fixture's handler is one).
    assert detail["escalated_to_staff_id"] == str(tenant.staff.staff_id)
    assert detail["escalation_reason"] == "Nobody answers"
    async with tenant_transaction(tenant_id=tenant.id):
        [event] = await AuditEvent.select(AuditEvent.actor).where(
            AuditEvent.action == "case.escalate"
        )
    assert event["actor"] == "public"


# -- bad input ------------------------------------------------------------------------------


async def stored(tenant: TenantHandle) -> tuple[int, int, int, int]:
    async with tenant_transaction(tenant_id=tenant.id):
        return (
            await Team.count(),
            await RoutingRule.count(),
            await RoutingDecision.count(),
            len([a for a in await audit_actions_in() if not a.startswith("case.")]),
        )


async def audit_actions_in() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.action)
    return [row["action"] for row in rows]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/api/v1/teams", {"name": ""}, 400),
        ("post", "/api/v1/teams", {"name": "X", "assignment": "random"}, 400),
        ("post", "/api/v1/teams", {"name": "X", "members": ["nobody@example.org"]}, 400),
        ("post", "/api/v1/teams", {"name": "Claims"}, 409),
        ("post", "/api/v1/teams", {"name": "X", "colour": "red"}, 400),
        ("patch", "/api/v1/teams/{team}", {}, 400),
        ("patch", "/api/v1/teams/{team}", {"absent": ["nobody@example.org"]}, 400),
        ("patch", f"/api/v1/teams/{uuid.uuid4()}", {"name": "Y"}, 404),
        ("post", "/api/v1/routing-rules", {"name": "R", "team": "Nope"}, 400),
        (
            "post",
            "/api/v1/routing-rules",
            {"name": "R", "team": "Claims", "conditions": {"x": 1}},
            400,
        ),
        (
            "post",
            "/api/v1/routing-rules",
            {"name": "R", "team": "Claims", "conditions": {"channels": ["pigeon"]}},
            400,
        ),
        ("patch", "/api/v1/routing-rules/{rule}", {}, 400),
        ("patch", "/api/v1/routing-rules/{rule}", {"team": "Nope"}, 400),
        ("put", "/api/v1/routing-rules/order", {"rule_ids": []}, 400),
        ("put", "/api/v1/routing-rules/order", {"rule_ids": [str(uuid.uuid4())]}, 400),
        ("delete", f"/api/v1/routing-rules/{uuid.uuid4()}", None, 404),
        ("post", "/api/v1/cases/{case}/assign", {}, 400),
        ("post", "/api/v1/cases/{case}/assign", {"staff_email": "nobody@example.org"}, 400),
        ("post", "/api/v1/cases/{case}/assign", {"team": "Nope"}, 400),
        ("post", "/api/v1/cases/NOPE-1/assign", {"team": "Claims"}, 404),
        ("get", "/api/v1/cases/NOPE-1/routing", None, 404),
    ],
)
async def test_bad_input_is_refused_and_writes_nothing(client, tenant, method, path, body, status):
    headers = await admin(tenant)
    claims = await team(client, headers, "Claims", is_default=True)
    existing = await rule(client, headers, name="All", team="Claims")
    case = await register(client, tenant)
    before = await stored(tenant)
    decisions = await routing(client, tenant, case["id"])

    url = path.format(team=claims["id"], rule=existing["id"], case=case["id"])
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    response = await client.request(method.upper(), url, **kwargs)

    assert response.status_code == status, response.text
    assert await stored(tenant) == before
    assert await routing(client, tenant, case["id"]) == decisions


async def test_only_a_tenant_admin_edits_teams_and_rules(client, tenant):
    made = await client.post("/api/v1/teams", json={"name": "X"}, headers=tenant.headers)
    ruled = await client.post(
        "/api/v1/routing-rules", json={"name": "R", "team": "X"}, headers=tenant.headers
    )
    assert (made.status_code, ruled.status_code) == (403, 403)
    investigator = await tenant.add_staff(roles=("investigator",))
    case = await register(client, tenant)
    assign = await client.post(
        f"/api/v1/cases/{case['id']}/assign",
        json={"team": "Default queue"},
        headers=as_(tenant, investigator),
    )
    assert assign.status_code == 403
