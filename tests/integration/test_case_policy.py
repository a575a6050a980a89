"""How a tenant handles cases: duplicates linked, staff intake recorded, approval,
automatic acknowledgement and the appeal ladder, each through the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.crypto.fields import opened
from core.mail.tables import OutboxMessage
from core.tenancy.context import tenant_transaction
from tests.fixtures.mail import address, complaint, deliver
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
TEXT = "My claim 4711 was sent in October and nobody has answered any of my letters."


def as_(tenant: TenantHandle, staff: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **staff.bearer}


async def register(client: Client, tenant: TenantHandle, **body: Any) -> dict[str, Any]:
    body = {"subject": "Claim unanswered", "description": TEXT, **body}
    response = await client.post("/api/v1/cases", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def read(client: Client, tenant: TenantHandle, case_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/cases/{case_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def act(
    client: Client, tenant: TenantHandle, case_id: str, action: str, headers=None, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=headers or tenant.headers
    )


async def audit_actions(tenant: TenantHandle, case_id: str | None = None) -> list[str]:
    async with tenant_transaction(tenant_id=tenant.id):
        query = AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)
        if case_id is not None:
            query = query.where(AuditEvent.case_id == case_id)
        rows = await query
    return [row["action"] for row in rows]


async def set_policy(client: Client, tenant: TenantHandle, **changes: Any) -> httpx.Response:
    admin = await tenant.add_staff(roles=("tenant-admin",))
    return await client.patch("/api/v1/policy", json=changes, headers=as_(tenant, admin))


# -- duplicates ---------------------------------------------------------------------------


async def test_the_same_complaint_twice_is_registered_and_linked(client, tenant):
    person = {"name": "Ada Example", "email": "ada@example.org"}
    first = await register(client, tenant, complainant=person)
    second = await register(
        client,
        tenant,
        complainant={**person, "email": "ADA@example.org"},
        description=TEXT.replace("October", "October.") + "  ",
    )

    assert second["reference"] != first["reference"]
    [link] = second["links"]
    assert link["relation"] == "possible_duplicate_of"
    assert link["reference"] == first["reference"]
    assert link["similarity"] >= 0.9
    [back] = (await read(client, tenant, first["id"]))["links"]
    assert (back["relation"], back["reference"]) == ("possible_duplicate_by", second["reference"])
    assert "case.duplicate_suspected" in await audit_actions(tenant, second["id"])
    listed = (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]
    assert {c["id"] for c in listed} == {first["id"], second["id"]}


async def test_different_text_another_sender_or_an_old_case_is_no_duplicate(client, tenant):
    person = {"name": "Ada Example", "email": "ada@example.org"}
    long_ago = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    await register(client, tenant, complainant=person, received_at=long_ago)
    older_text = await register(client, tenant, complainant=person)
    other = await register(client, tenant, complainant={"email": "bob@example.org"})
    different = await register(
        client, tenant, complainant=person, description="The branch in Leeds was closed."
    )
    anonymous = await register(client, tenant, complainant={"anonymous": True})

    # Only ``older_text`` repeats a case from within the window: the one of ten days ago.
    assert older_text["links"] == []
    assert other["links"] == []
    assert different["links"] == []
    assert anonymous["links"] == []


async def test_a_repeated_email_complaint_is_linked(client, tenant, intake):
    for _ in (1, 2):
        await deliver(intake, complaint(address(tenant), body=TEXT), address(tenant))
    items = (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]
    newest = await read(client, tenant, items[0]["id"])
    assert [link["relation"] for link in newest["links"]] == ["possible_duplicate_of"]


# -- staff-entered intake -----------------------------------------------------------------


async def test_staff_entered_complaint_records_who_entered_it_and_how_it_came(client, tenant):
    case = await register(
        client,
        tenant,
        channel="letter",
        arrival_note="Letter dated 20 November, opened in the post room",
        received_at=(datetime.now(UTC) - timedelta(days=2)).isoformat(),
        complainant={"name": "Ada Example"},
        parties=[
            {"role": "representative", "name": "Citizens Advice Leeds"},
            {"role": "subject", "name": "Branch manager"},
            {"role": "witness", "name": "C. Witness", "phone": "+44 113 496 0000"},
        ],
    )
    assert case["channel"] == "letter"
    assert case["entered_by"] == f"staff:{tenant.staff.staff_id}"
    assert case["arrival_note"] == "Letter dated 20 November, opened in the post room"
    assert [p["role"] for p in case["parties"]] == [
        "complainant",
        "representative",
        "subject",
        "witness",
    ]
    assert case["correspondence"][0]["channel"] == "letter"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"parties": [{"role": "complainant", "name": "A"}]}, "role"),
        ({"parties": [{"role": "witness"}]}, "name"),
        ({"parties": [{"role": "witness", "name": "W", "age": 3}]}, "age"),
        ({"arrival_note": "x" * 501}, "arrival_note"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
async def test_bad_staff_intake_is_refused_and_writes_nothing(client, tenant, body, field):
    response = await client.post(
        "/api/v1/cases",
        json={"subject": "s", "description": "d", **body},
        headers=tenant.headers,
    )
    assert response.status_code == 400
    assert field in response.text
    assert (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"] == []
    assert await audit_actions(tenant) == []


# -- the policy ---------------------------------------------------------------------------


async def test_only_a_tenant_admin_changes_the_policy_and_each_change_is_audited(client, tenant):
    default = await client.get("/api/v1/policy", headers=tenant.headers)
    by_handler = await client.patch(
        "/api/v1/policy", json={"approval_required": False}, headers=tenant.headers
    )
    changed = await set_policy(client, tenant, approval_required=False, appeal_levels=1)

    assert default.json()["approval_required"] is True
    assert by_handler.status_code == 403
    assert changed.status_code == 200, changed.text
    assert changed.json()["approval_required"] is False
    assert changed.json()["appeal_levels"] == 1
    assert (await client.get("/api/v1/policy", headers=tenant.headers)).json() == changed.json()
    async with tenant_transaction(tenant_id=tenant.id):
        [event] = await AuditEvent.select(AuditEvent.detail).where(
            AuditEvent.action == "policy.updated"
        )
    detail = json.loads(event["detail"]) if isinstance(event["detail"], str) else event["detail"]
    assert detail["changed"]["approval_required"] == {"from": True, "to": False}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"approval_required": "no"},
        {"appeal_levels": 9},
        {"duplicate_window_hours": -1},
        {"colour": "red"},
    ],
)
async def test_bad_policy_changes_are_refused_and_change_nothing(client, tenant, body):
    response = await set_policy(client, tenant, **body)
    assert response.status_code == 400, response.text
    assert (await client.get("/api/v1/policy", headers=tenant.headers)).json()["appeal_levels"] == 2
    assert "policy.updated" not in await audit_actions(tenant)


async def walk_to_proposal(client: Client, tenant: TenantHandle, case_id: str) -> dict[str, Any]:
    case = await read(client, tenant, case_id)
    start = "start_appeal_review" if case["status"] == "appealed" else "start_investigation"
    assert (await act(client, tenant, case_id, start)).status_code == 200
    response = await act(client, tenant, case_id, "propose_decision", outcome="upheld")
    assert response.status_code == 200, response.text
    return response.json()


async def test_with_approval_required_nothing_is_sent_before_approval(client, tenant):
    case = await register(client, tenant, complainant={"email": "ada@example.org"})
    proposed = await walk_to_proposal(client, tenant, case["id"])
    early = await act(client, tenant, case["id"], "respond", response="Yes.")

    assert proposed["status"] == "decision_proposed"
    assert early.status_code == 409
    assert "respond" not in early.json()["allowed_actions"]
    async with tenant_transaction(tenant_id=tenant.id):
        queued = await OutboxMessage.count().where(OutboxMessage.case_id == case["id"])
    assert queued == 0


async def test_without_approval_required_the_coordinator_answers_directly(client, tenant):
    assert (await set_policy(client, tenant, approval_required=False)).status_code == 200
    case = await register(client, tenant)
    proposed = await walk_to_proposal(client, tenant, case["id"])
    answered = await act(client, tenant, case["id"], "respond", response="We agree.")

    assert proposed["status"] == "decision_approved"
    assert answered.status_code == 200, answered.text
    file = (await client.get(f"/api/v1/cases/{case['id']}/file", headers=tenant.headers)).json()
    [decision] = file["decisions"]
    assert decision["state"] == "approved"
    assert decision["reviewed_by"] == "policy:no-approval-required"


async def test_automatic_acknowledgement_of_an_emailed_complaint(client, tenant, intake):
    assert (await set_policy(client, tenant, auto_acknowledge=True)).status_code == 200
    await deliver(intake, complaint(address(tenant)), address(tenant))
    [summary] = (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]

    assert summary["status"] == "acknowledged"
    assert await audit_actions(tenant, summary["id"]) == [
        "case.registered",
        "case.routed",
        "mail.queued",
        "case.acknowledge",
    ]
    async with tenant_transaction(tenant_id=tenant.id):
        [mail] = await opened(
            "outbox_message",
            await OutboxMessage.select(
                OutboxMessage.id, OutboxMessage.kind, OutboxMessage.to_address
            ).where(OutboxMessage.case_id == summary["id"]),
        )
    assert (mail["kind"], mail["to_address"]) == ("acknowledgement", "ada@example.org")


# -- the appeal ladder --------------------------------------------------------------------


#: An answer any sector's plugin lets through: the prisons plugin asks a final reply in
#: England and Wales to point to the Prisons and Probation Ombudsman.
ANSWER = (
    "Our answer. If you are not satisfied, you may complain to the Prisons and Probation"
    " Ombudsman (www.ppo.gov.uk)."
)


async def respond_to(client: Client, tenant: TenantHandle, case_id: str, reviewer: dict) -> None:
    await walk_to_proposal(client, tenant, case_id)
    for action, headers, body in (
        ("approve_decision", reviewer, {}),
        ("respond", None, {"response": ANSWER}),
    ):
        response = await act(client, tenant, case_id, action, headers, **body)
        assert response.status_code == 200, (action, response.text)


async def test_each_appeal_level_has_its_handler_and_deadline(client, tenant):
    supervisor = as_(tenant, await tenant.add_staff(roles=("supervisor",)))
    admin_user = await tenant.add_staff(roles=("tenant-admin",))
    admin = as_(tenant, admin_user)
    case = await register(client, tenant)
    await respond_to(client, tenant, case["id"], supervisor)

    opened = await act(
        client, tenant, case["id"], "open_appeal", reason="Not enough", handler_email="x@y.org"
    )
    assert opened.status_code == 400  # not a member of staff
    opened = await act(client, tenant, case["id"], "open_appeal", reason="Not enough")
    assert opened.status_code == 200, opened.text
    await respond_to(client, tenant, case["id"], supervisor)

    second = await act(
        client,
        tenant,
        case["id"],
        "open_appeal",
        reason="Still not enough",
        handler_email=admin_user.email,
    )
    assert second.status_code == 200, second.text
    assert (await act(client, tenant, case["id"], "start_appeal_review")).status_code == 200
    proposed = await act(client, tenant, case["id"], "propose_decision", outcome="not_upheld")
    assert proposed.status_code == 200, proposed.text
    by_supervisor = await act(client, tenant, case["id"], "approve_decision", supervisor)
    by_handler = await act(client, tenant, case["id"], "approve_decision", admin)
    assert by_supervisor.status_code == 403
    assert "assigned" in by_supervisor.json()["detail"]
    assert by_handler.status_code == 200, by_handler.text
    await act(client, tenant, case["id"], "respond", response="Final answer.")
    third = await act(client, tenant, case["id"], "open_appeal", reason="Once more")

    assert third.status_code == 409
    assert "no further appeal level" in third.json()["detail"]
    file = (await client.get(f"/api/v1/cases/{case['id']}/file", headers=tenant.headers)).json()
    assert [(a["level"], a["handler_role"]) for a in file["appeals"]] == [
        (1, "supervisor"),
        (2, "tenant-admin"),
    ]
    assert file["appeals"][1]["handler_staff_id"] == str(admin_user.staff_id)
    assert all(a["decided_at"] and a["due_at"] for a in file["appeals"])
    deadlines = (await read(client, tenant, case["id"]))["deadlines"]
    appeal_deadlines = {d["kind"]: d for d in deadlines if d["kind"].startswith("appeal")}
    assert set(appeal_deadlines) == {"appeal_level_1", "appeal_level_2"}
    assert all(d["met_at"] for d in appeal_deadlines.values())
    opened_at = datetime.fromisoformat(file["appeals"][0]["opened_at"])
    due = datetime.fromisoformat(file["appeals"][0]["due_at"])
    assert timedelta(days=55) < due - opened_at <= timedelta(days=57)


async def test_a_prisons_tenant_follows_its_jurisdictions_ladder(client, tenant):
    admin = as_(tenant, await tenant.add_staff(roles=("tenant-admin",)))
    assert (await client.post("/api/v1/plugins/prisons/enable", headers=admin)).status_code == 200
    configured = await client.put(
        "/api/v1/plugins/prisons/settings", json={"jurisdiction": "england-wales"}, headers=admin
    )
    assert configured.status_code == 200, configured.text
    supervisor = as_(tenant, await tenant.add_staff(roles=("supervisor",)))
    case = await register(client, tenant)
    await respond_to(client, tenant, case["id"], supervisor)

    file = (await client.get(f"/api/v1/cases/{case['id']}/file", headers=tenant.headers)).json()
    [rung] = file["appeal_ladder"]
    assert rung["name"] == "COMP1A appeal"
    assert (rung["window_days"], rung["response_days"], rung["counting"]) == (7, 5, "business")
    opened = await act(client, tenant, case["id"], "open_appeal", reason="Unfair")
    assert opened.status_code == 200, opened.text
    await respond_to(client, tenant, case["id"], supervisor)
    again = await act(client, tenant, case["id"], "open_appeal", reason="Again")
    assert again.status_code == 409


# -- later correspondence -----------------------------------------------------------------


async def test_a_later_call_and_letter_go_on_the_timeline_with_their_channel(client, tenant):
    received = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    case = await register(client, tenant, received_at=received)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    call = await client.post(
        f"/api/v1/cases/{case['id']}/correspondence",
        json={"direction": "inbound", "channel": "phone", "body": "Asked for news."},
        headers=tenant.headers,
    )
    letter = await client.post(
        f"/api/v1/cases/{case['id']}/correspondence",
        json={
            "direction": "outbound",
            "channel": "letter",
            "body": "Holding letter posted.",
            "occurred_at": yesterday,
        },
        headers=tenant.headers,
    )
    assert call.status_code == 201, call.text
    assert letter.status_code == 201, letter.text
    timeline = (await read(client, tenant, case["id"]))["correspondence"]
    assert [(c["direction"], c["channel"]) for c in timeline] == [
        ("inbound", "api"),
        ("outbound", "letter"),
        ("inbound", "phone"),
    ]
    actions = await audit_actions(tenant, case["id"])
    assert actions.count("case.correspondence_recorded") == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"direction": "sideways", "channel": "phone", "body": "x"}, "direction"),
        ({"direction": "inbound", "channel": "fax", "body": "x"}, "channel"),
        ({"direction": "inbound", "channel": "phone", "body": "   "}, "body"),
        (
            {"direction": "inbound", "channel": "phone", "body": "x", "occurred_at": "2999-01-01"},
            "occurred_at",
        ),
        (
            {
                "direction": "inbound",
                "channel": "phone",
                "body": "x",
                "occurred_at": "2099-01-01T00:00:00+00:00",
            },
            "occurred_at",
        ),
    ],
)
async def test_bad_correspondence_is_refused_and_writes_nothing(client, tenant, body, field):
    case = await register(client, tenant)
    before = await audit_actions(tenant, case["id"])
    response = await client.post(
        f"/api/v1/cases/{case['id']}/correspondence", json=body, headers=tenant.headers
    )
    assert response.status_code == 400, response.text
    assert field in response.text
    assert len((await read(client, tenant, case["id"]))["correspondence"]) == 1
    assert await audit_actions(tenant, case["id"]) == [*before, "case.viewed"]


async def test_control_characters_are_refused_with_a_plain_message(client, tenant):
    response = await client.post(
        "/api/v1/cases",
        json={"subject": "Bell\u0007", "description": "Fine\ttext\nover lines"},
        headers=tenant.headers,
    )
    assert response.status_code == 400
    [problem] = response.json()["extra"]
    assert problem["message"] == "must not contain control characters"
    assert "subject" in problem["key"]
    fine = await register(client, tenant, description="Tabs\tand\r\nline breaks are text.")
    assert fine["correspondence"][0]["body"] == "Tabs\tand\r\nline breaks are text."


# -- letters in the complainant's language --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "person", "greeting", "outcome"),
    [
        ("ru", {"anonymous": True}, "Здравствуйте!", "Решение: жалоба удовлетворена частично."),
        (
            "et",
            {"name": "Mari Maasikas"},
            "Lugupeetud Mari Maasikas",
            "kaebus osaliselt rahuldatud",
        ),
        ("de", {"anonymous": True}, "Guten Tag,", "Ergebnis: teilweise stattgegeben."),
    ],
)
async def test_letters_go_out_in_the_complainants_language(
    client, tenant, language, person, greeting, outcome
):
    supervisor = as_(tenant, await tenant.add_staff(roles=("supervisor",)))
    case = await register(client, tenant, language=language, complainant=person)
    for action, headers, body in (
        ("acknowledge", None, {}),
        ("start_investigation", None, {}),
        ("propose_decision", None, {"outcome": "partly_upheld"}),
        ("approve_decision", supervisor, {}),
        ("respond", None, {"response": "…"}),
    ):
        response = await act(client, tenant, case["id"], action, headers, **body)
        assert response.status_code == 200, (action, response.text)
    letters = [
        c["body"]
        for c in (await read(client, tenant, case["id"]))["correspondence"]
        if c["direction"] == "outbound"
    ]
    assert len(letters) == 2
    assert all(greeting in letter for letter in letters), letters
    assert outcome in letters[1]
    assert "complainant" not in " ".join(letters)
