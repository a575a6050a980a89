"""One complaint walked through every state of its life through the API, each step audited."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.lifecycle.schemas import SurveyIn
from core.lifecycle.services import answer_survey
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.fixtures.mail import address, complaint, deliver, send_everything
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import TenantHandle


def as_(tenant: TenantHandle, bearer: dict[str, str]) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **bearer}


async def act(client, tenant, case_id, action, headers=None, **body) -> httpx.Response:
    return await client.post(
        f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=headers or tenant.headers
    )


async def actions(tenant: TenantHandle, case_id: str) -> list[str]:
    async with tenant_transaction(tenant_id=tenant.id):
        rows = (
            await AuditEvent.select(AuditEvent.action)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.seq)
        )
    return [r["action"] for r in rows]


async def test_a_complaint_through_every_state(
    client: httpx.AsyncClient,
    tenant: TenantHandle,
    intake: int,
    smtp: tuple[Mailbox, int],
    settings: Settings,
):
    supervisor = await tenant.add_staff(roles=("supervisor",))
    boss = as_(tenant, supervisor.bearer)
    # The second appeal level is decided further up, by a tenant admin.
    chief = as_(tenant, (await tenant.add_staff(roles=("tenant-admin",))).bearer)
    mailbox, relay_port = smtp
    sender = f"ada-{tenant.slug}@example.org"

    # The complaint arrives by e-mail at the tenant's address.
    await deliver(
        intake,
        complaint(address(tenant), subject="Claim delayed", sender=f"Ada Example <{sender}>"),
        address(tenant),
        sender,
    )
    [summary] = (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]
    case = (await client.get(f"/api/v1/cases/{summary['id']}", headers=tenant.headers)).json()
    assert case["channel"] == "email"
    cid = case["id"]

    async def step(action: str, headers=None, expect: str | None = None, **body):
        response = await act(client, tenant, cid, action, headers, **body)
        assert response.status_code == 200, (action, response.text)
        if expect:
            assert response.json()["status"] == expect
        return response.json()

    await step("acknowledge", expect="acknowledged")
    # The acknowledgement goes out by e-mail; the complainant's reply threads onto the case.
    await send_everything(replace(settings, smtp_relay_port=relay_port))
    acknowledgement = mailbox.wait_for(sender)
    assert case["reference"] in acknowledgement["Subject"]
    reply = complaint(
        acknowledgement["Reply-To"],
        subject=f"Re: {acknowledgement['Subject']}",
        body="Thank you. Here is my claim number: 4711.",
        sender=sender,
    )
    await deliver(intake, reply, acknowledgement["Reply-To"], sender)
    await step("start_investigation", expect="investigating")
    tasks = [
        (
            await client.post(
                f"/api/v1/cases/{cid}/tasks",
                json={"title": title, "owner_email": tenant.staff.email},
                headers=tenant.headers,
            )
        ).json()
        for title in ("Interview the claims handler", "Pull the call recordings")
    ]
    done = await client.post(
        f"/api/v1/cases/{cid}/tasks/{tasks[0]['id']}/done", headers=tenant.headers
    )
    assert done.json()["done_at"] is not None
    statement = await client.post(
        f"/api/v1/cases/{cid}/records",
        json={
            "kind": "statement",
            "title": "Statement of the claims handler",
            "person": "J. Handler",
            "body": "The file was waiting for a loss adjuster.",
        },
        headers=tenant.headers,
    )
    assert statement.status_code == 201
    await step("propose_decision", expect="decision_proposed", outcome="upheld", redress="GBP 150")
    await step("return_decision", boss, expect="investigating", comment="Say what changes.")
    await step(
        "propose_decision",
        expect="decision_proposed",
        outcome="upheld",
        redress="GBP 150",
        actions="Adjusters assigned within 5 days",
        root_cause="No adjuster capacity",
    )
    await step("approve_decision", boss, expect="decision_approved")
    await step("respond", expect="responded", response="We are sorry for the delay.")
    for level in (1, 2):
        opened = await step("open_appeal", expect="appealed", reason=f"Not enough, level {level}")
        assert opened["appeal_level"] == level
        await step("start_appeal_review", expect="investigating")
        await step("propose_decision", outcome="partly_upheld")
        await step("approve_decision", boss if level == 1 else chief, expect="decision_approved")
        await step("respond", expect="responded", response=f"Our answer at level {level}.")
    await step("close", expect="closed")
    # Closing e-mails the complainant a one-time survey link; they answer through it.
    seen = len(mailbox.messages)
    await send_everything(replace(settings, smtp_relay_port=relay_port))
    invitation = mailbox.wait_for(sender, after=seen)
    [token] = re.findall(r"/s/([A-Za-z0-9_-]{20,})", invitation.get_content())
    answered = await client.post(
        "/public/v1/survey",
        json={"token": token, "score": 4, "comment": "Slow but fair"},
        headers={"host": f"{tenant.slug}.localhost"},
    )
    assert answered.status_code == 201, answered.text

    file = (await client.get(f"/api/v1/cases/{cid}/file", headers=tenant.headers)).json()
    assert file["state"]["status"] == "closed"
    assert [d["state"] for d in file["decisions"]] == [
        "returned",
        "approved",
        "approved",
        "approved",
    ]
    assert [a["level"] for a in file["appeals"]] == [1, 2]
    assert all(a["decided_at"] for a in file["appeals"])
    assert file["survey_score"] == 4
    letters = (await client.get(f"/api/v1/cases/{cid}", headers=tenant.headers)).json()[
        "correspondence"
    ]
    outbound = [c["body"] for c in letters if c["direction"] == "outbound"]
    inbound = [c["body"] for c in letters if c["direction"] == "inbound"]
    # The acknowledgement, the answer, two appeal answers and the survey invitation (its
    # copy on the timeline keeps no link: staff must not answer for the complainant).
    assert len(outbound) == 5
    assert "/s/" not in outbound[4]
    assert "thank you for your complaint" in outbound[0]
    assert "Outcome: upheld." in outbound[1]
    assert any("4711" in body for body in inbound)
    assert len((await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]) == 1
    assert await actions(tenant, cid) == [
        "case.registered",
        "case.routed",
        "case.viewed",
        "mail.queued",
        "case.acknowledge",
        "mail.sent",
        "case.message_added",
        "case.start_investigation",
        "case.task_added",
        "case.task_added",
        "case.task_done",
        "case.record_added",
        "case.propose_decision",
        "case.return_decision",
        "case.propose_decision",
        "case.approve_decision",
        "mail.queued",
        "case.respond",
        *[
            "case.open_appeal",
            "case.start_appeal_review",
            "case.propose_decision",
            "case.approve_decision",
            "mail.queued",
            "case.respond",
        ]
        * 2,
        "case.survey_invited",
        "case.close",
        # The three answers queued above go out with the survey invitation.
        *["mail.sent"] * 3,
        "case.survey_answered",
        "case.survey_links_ended",
        "case.viewed",
    ]


@pytest.fixture
async def case_id(client: httpx.AsyncClient, tenant: TenantHandle) -> str:
    response = await client.post(
        "/api/v1/cases", json={"subject": "s", "description": "d"}, headers=tenant.headers
    )
    return str(response.json()["id"])


async def test_illegal_transition_is_409_listing_the_allowed_ones(client, tenant, case_id):
    response = await act(client, tenant, case_id, "close")
    assert response.status_code == 409
    body = response.json()
    assert "cannot close" in body["detail"]
    assert body["allowed_actions"] == [
        "acknowledge",
        "start_investigation",
        "put_on_hold",
        "escalate",
        "withdraw",
    ]
    unknown = await act(client, tenant, case_id, "teleport")
    assert unknown.status_code == 409


async def test_the_proposer_cannot_approve_their_own_decision(client, tenant, case_id):
    await act(client, tenant, case_id, "start_investigation")
    await act(client, tenant, case_id, "propose_decision", outcome="not_upheld")
    response = await act(client, tenant, case_id, "approve_decision")
    assert response.status_code == 403
    assert "cannot also review" in response.json()["detail"]
    file = (await client.get(f"/api/v1/cases/{case_id}/file", headers=tenant.headers)).json()
    assert file["state"]["status"] == "decision_proposed"
    assert file["decisions"][0]["state"] == "proposed"


async def test_a_handler_cannot_review_a_decision(client, tenant, case_id):
    handler = await tenant.add_staff(roles=("handler",))
    await act(client, tenant, case_id, "start_investigation")
    await act(client, tenant, case_id, "propose_decision", outcome="upheld")
    response = await act(client, tenant, case_id, "approve_decision", as_(tenant, handler.bearer))
    assert response.status_code == 403


async def test_pause_and_resume_return_to_where_the_case_was(client, tenant, case_id):
    await act(client, tenant, case_id, "start_investigation")
    no_reason = await act(client, tenant, case_id, "put_on_hold")
    held = await act(client, tenant, case_id, "put_on_hold", reason="Waiting for documents")
    resumed = await act(client, tenant, case_id, "resume")
    assert no_reason.status_code == 400
    assert held.json()["status"] == "on_hold"
    assert resumed.json()["status"] == "investigating"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("propose_decision", {}, "outcome"),
        ("propose_decision", {"outcome": "maybe"}, "outcome"),
        ("propose_decision", {"outcome": "upheld", "colour": "red"}, "colour"),
    ],
)
async def test_bad_action_bodies_change_nothing(client, tenant, case_id, action, body, field):
    await act(client, tenant, case_id, "start_investigation")
    before = await actions(tenant, case_id)
    response = await act(client, tenant, case_id, action, **body)
    assert response.status_code == 400
    assert field in response.text
    assert await actions(tenant, case_id) == before
    file = (await client.get(f"/api/v1/cases/{case_id}/file", headers=tenant.headers)).json()
    assert file["decisions"] == []
    assert file["state"]["status"] == "investigating"


async def test_survey_only_once_and_only_when_closed(client, tenant, case_id):
    async with tenant_transaction(tenant_id=tenant.id):
        with pytest.raises(Exception, match="when the case is closed"):
            await answer_survey(case_id, SurveyIn(score=5), actor="public")


async def test_records_need_their_essentials(client, tenant, case_id):
    for body, field in (
        ({"kind": "statement", "title": "No person"}, "person"),
        ({"kind": "evidence", "title": "No hash"}, "sha256"),
        ({"kind": "note", "title": ""}, "title"),
    ):
        response = await client.post(
            f"/api/v1/cases/{case_id}/records", json=body, headers=tenant.headers
        )
        assert response.status_code == 400, body
        assert field in response.text
