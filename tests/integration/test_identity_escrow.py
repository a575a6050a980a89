"""Identity escrow: staff know a protected complainant by a pseudonym; seeing who it is
needs a reason, a second person's approval, and every reading is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from core import clock
from core.audit.tables import AuditEvent
from core.crypto.fields import opened
from core.mail.tables import OutboxMessage
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import StaffUser, TenantHandle

Client = httpx.AsyncClient
NAME, EMAIL, PHONE = "Beatrix Hollowell", "b.hollowell@example.org", "+44 20 7946 0321"


def on(tenant: TenantHandle, person: StaffUser) -> dict[str, str]:
    return {"host": f"{tenant.slug}.localhost", **person.bearer}


async def protected_case(client: Client, tenant: TenantHandle) -> dict:
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Retaliation by my line manager",
            "description": f"I reported the fraud and now I am shut out. {NAME}",
            "complainant": {"name": NAME, "email": EMAIL, "phone": PHONE, "protected": True},
        },
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    case = response.json()
    acknowledged = await client.post(
        f"/api/v1/cases/{case['id']}/actions/acknowledge", json={}, headers=tenant.headers
    )
    assert acknowledged.status_code == 200, acknowledged.text
    return acknowledged.json()


async def audit_actions(tenant: TenantHandle, case_id: str) -> list[dict]:
    async with tenant_transaction(tenant_id=tenant.id):
        return (
            await AuditEvent.select(AuditEvent.action, AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.seq)
        )


async def test_staff_see_a_pseudonym_and_letters_still_reach_the_complainant(
    client: Client, tenant: TenantHandle
):
    case = await protected_case(client, tenant)

    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)).json()

    [party] = detail["parties"]
    assert party["protected"] and party["pseudonym"].startswith("Complainant ")
    assert (party["name"], party["email"], party["phone"]) == (party["pseudonym"], None, None)
    text = str(detail)
    assert NAME not in text and EMAIL not in text and PHONE not in text
    # The acknowledgement greets them by name; staff read it with the name withheld.
    letter = detail["correspondence"][-1]["body"]
    assert "[withheld]" in letter
    again = (await client.get(f"/api/v1/cases/{case['id']}", headers=tenant.headers)).json()
    assert again["parties"][0]["pseudonym"] == party["pseudonym"], "the pseudonym is stable"
    async with tenant_transaction(tenant_id=tenant.id):
        [mail] = await opened(
            "outbox_message",
            await OutboxMessage.select().where(OutboxMessage.case_id == case["id"]),
        )
    assert mail["to_address"] == EMAIL and NAME in mail["body"]


async def test_revealing_needs_a_reason_and_another_supervisor(
    client: Client, tenant: TenantHandle
):
    case = await protected_case(client, tenant)
    handler = on(tenant, tenant.staff)
    supervisor = on(tenant, await tenant.add_staff(("supervisor",)))
    other_handler = on(tenant, await tenant.add_staff(("handler",)))
    base = f"/api/v1/cases/{case['reference']}/identity"
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=handler)).json()
    party_id = detail["parties"][0]["id"]

    before = await client.get(base, headers=handler)
    vague = await client.post(
        f"{base}/requests", json={"party_id": party_id, "reason": "curious"}, headers=handler
    )
    asked = await client.post(
        f"{base}/requests",
        json={"party_id": party_id, "reason": "The police ask who reported the fraud."},
        headers=handler,
    )
    assert before.status_code == 403 and "approve" in before.json()["detail"]
    assert vague.status_code == 400
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    notices = (await client.get("/api/v1/notifications", headers=supervisor)).json()["items"]
    [notice] = [n for n in notices if n["kind"] == "identity_reveal"]
    assert notice["urgent"] and "police" in notice["body"] and NAME not in notice["body"]

    by_handler = await client.post(
        f"{base}/requests/{request_id}/decision",
        json={"approve": True, "note": "I approve my own request."},
        headers=handler,
    )
    approved = await client.post(
        f"{base}/requests/{request_id}/decision",
        json={"approve": True, "note": "Police request, reference 44/2026."},
        headers=supervisor,
    )
    twice = await client.post(
        f"{base}/requests/{request_id}/decision",
        json={"approve": False, "note": "Changed my mind about this."},
        headers=supervisor,
    )
    assert by_handler.status_code == 403
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert twice.status_code == 403

    revealed = await client.get(base, headers=handler)
    not_theirs = await client.get(base, headers=other_handler)

    assert revealed.status_code == 200, revealed.text
    [identity] = revealed.json()
    assert (identity["name"], identity["email"], identity["phone"]) == (NAME, EMAIL, PHONE)
    assert not_theirs.status_code == 403
    # The case itself still shows the pseudonym, even to the one who may see the identity.
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=handler)).json()
    assert NAME not in str(detail)
    events = await audit_actions(tenant, case["id"])
    actions = [e["action"] for e in events if e["action"].startswith("identity.")]
    assert actions == [
        "identity.reveal_requested",
        "identity.reveal_approved",
        "identity.revealed",
    ]
    assert all(NAME not in str(e["detail"]) for e in events)


async def test_an_approval_ends_and_a_supervisor_cannot_approve_their_own_request(
    client: Client, tenant: TenantHandle
):
    case = await protected_case(client, tenant)
    first = on(tenant, await tenant.add_staff(("supervisor",)))
    second = on(tenant, await tenant.add_staff(("supervisor",)))
    base = f"/api/v1/cases/{case['id']}/identity"
    detail = (await client.get(f"/api/v1/cases/{case['id']}", headers=first)).json()
    party_id = detail["parties"][0]["id"]
    asked = await client.post(
        f"{base}/requests",
        json={"party_id": party_id, "reason": "Safeguarding: the complainant may be at risk."},
        headers=first,
    )
    request_id = asked.json()["id"]

    own = await client.post(
        f"{base}/requests/{request_id}/decision",
        json={"approve": True, "note": "Urgent, approving myself."},
        headers=first,
    )
    assert own.status_code == 403
    await client.post(
        f"{base}/requests/{request_id}/decision",
        json={"approve": True, "note": "Safeguarding lead agrees."},
        headers=second,
    )
    with clock.frozen(datetime.now(UTC) + timedelta(hours=25)):
        later = await client.get(base, headers=first)
    assert later.status_code == 403


async def test_a_party_not_in_escrow_has_nothing_to_reveal(client: Client, tenant: TenantHandle):
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": "Late refund",
            "description": "Still waiting.",
            "complainant": {"name": "Ada Example", "email": "ada@example.org"},
        },
        headers=tenant.headers,
    )
    case = response.json()
    asked = await client.post(
        f"/api/v1/cases/{case['id']}/identity/requests",
        json={"party_id": case["parties"][0]["id"], "reason": "Just checking the escrow."},
        headers=tenant.headers,
    )
    assert asked.status_code == 400 and "not in escrow" in asked.text


@pytest.mark.parametrize("protected", [True, False])
async def test_the_public_form_offers_protection(
    client: Client, tenant: TenantHandle, protected: bool
):
    submitted = await client.post(
        "/public/v1/complaints",
        json={
            "subject": "Whistle",
            "description": "Something is wrong in accounts.",
            "anonymous": False,
            "name": NAME,
            "email": EMAIL,
            "protected": protected,
        },
        headers={"host": f"{tenant.slug}.localhost"},
    )
    assert submitted.status_code == 201, submitted.text
    assert ("pseudonym" in submitted.json()["personal_data"]) is protected
    [summary] = (await client.get("/api/v1/cases", headers=tenant.headers)).json()["items"]
    detail = (await client.get(f"/api/v1/cases/{summary['id']}", headers=tenant.headers)).json()
    assert (NAME in str(detail)) is not protected


async def test_a_supervisor_the_complaint_is_about_is_not_told(
    client: Client, tenant: TenantHandle
):
    accused = await tenant.add_staff(("supervisor",))
    other = await tenant.add_staff(("supervisor",))
    response = await client.post(
        "/api/v1/cases",
        json={
            "subject": "My supervisor retaliates",
            "description": "Since I reported the fraud.",
            "complainant": {"name": NAME, "email": EMAIL, "protected": True},
            "parties": [{"role": "subject", "name": "The supervisor", "email": accused.email}],
        },
        headers=tenant.headers,
    )
    case = response.json()
    asked = await client.post(
        f"/api/v1/cases/{case['id']}/identity/requests",
        json={"party_id": case["parties"][0]["id"], "reason": "Needed for the interview plan."},
        headers=tenant.headers,
    )
    assert asked.status_code == 201, asked.text

    def reveal_notices(person: StaffUser):
        return client.get("/api/v1/notifications", headers=on(tenant, person))

    told = [n for n in (await reveal_notices(other)).json()["items"] if n["case_id"] == case["id"]]
    kept = [
        n for n in (await reveal_notices(accused)).json()["items"] if n["case_id"] == case["id"]
    ]
    assert [n["kind"] for n in told if n["kind"] == "identity_reveal"] == ["identity_reveal"]
    assert kept == []
