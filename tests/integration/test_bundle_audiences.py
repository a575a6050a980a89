"""The appeal bundle per audience: internal, regulator, complainant each get what they may.

One case with a complainant, a witness and a subject, an internal note, an internal
statement, a shared record, a task, a reviewed decision and a response; exported for
each audience, and the PDF's text read for what must and must not be in it.
"""

from __future__ import annotations

import hashlib
import uuid

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.tenancy.context import tenant_transaction
from tests.fixtures.staff import StaffUser, TenantHandle
from tests.integration.test_appeal_bundle import text_of

Client = httpx.AsyncClient

COMPLAINANT = "Carla Complainant"
PHONE = "+44 20 7946 0018"
WITNESS = "Walter Witness"
WITNESS_EMAIL = "walter.witness@example.org"
SUBJECT = "Sam Subject"
DESCRIPTION = f"{SUBJECT} shouted at me at the counter. {WITNESS} saw it all."
INTERNAL_NOTE = "Note kept in house: the branch had three such complaints."
STATEMENT = "I was at the counter and heard the shouting."
SHARED = "The counter camera shows the customer waiting twelve minutes."
TASK = "Pull the counter camera footage"
REDRESS = "A written apology and GBP 40"
ACTIONS = "Counter staff retrained on de-escalation"
ROOT_CAUSE = "Understaffed counter at lunchtime"
MEASURES = "A second person on the counter from noon"
REVIEW = "Approved; check the rota change in a month."
RESPONSE = "We are sorry for how you were treated at our counter."
CAMERA = hashlib.sha256(b"counter camera, 12:04").hexdigest()


@pytest.fixture
async def decided(client: Client, tenant: TenantHandle) -> dict:
    """A case investigated, decided with a review, and answered."""
    supervisor = await tenant.add_staff(roles=("supervisor",))
    email = f"carla-{tenant.slug}@example.org"
    registered = await client.post(
        "/api/v1/cases",
        json={
            "subject": f"Treatment at the counter by {SUBJECT}",
            "description": DESCRIPTION,
            "channel": "letter",
            "complainant": {"name": COMPLAINANT, "email": email, "phone": PHONE},
            "parties": [
                {"role": "witness", "name": WITNESS, "email": WITNESS_EMAIL},
                {"role": "subject", "name": SUBJECT},
            ],
        },
        headers=tenant.headers,
    )
    assert registered.status_code == 201, registered.text
    case = registered.json()
    url = f"/api/v1/cases/{case['id']}"

    async def post(path: str, headers: dict[str, str] | None = None, **body: str) -> None:
        response = await client.post(f"{url}{path}", json=body, headers=headers or tenant.headers)
        assert response.is_success, (path, response.text)

    await post("/actions/acknowledge")
    await post("/actions/start_investigation")
    await post("/tasks", title=TASK)
    await post("/records", kind="note", title="Branch history", body=INTERNAL_NOTE)
    await post("/records", kind="statement", title="Counter", person=WITNESS, body=STATEMENT)
    await post(
        "/records",
        kind="evidence",
        title="Camera still",
        body=SHARED,
        visibility="shared",
        sha256=CAMERA,
    )
    await post(
        "/actions/propose_decision",
        outcome="upheld",
        redress=REDRESS,
        actions=ACTIONS,
        root_cause=ROOT_CAUSE,
        measures=MEASURES,
    )
    await post(
        "/actions/approve_decision",
        {"host": f"{tenant.slug}.localhost", **supervisor.bearer},
        comment=REVIEW,
    )
    await post("/actions/respond", response=RESPONSE)
    return {**case, "email": email, "supervisor": supervisor}


async def export(client: Client, tenant: TenantHandle, case: dict, audience: str, by=None):
    headers = {"host": f"{tenant.slug}.localhost", **by.bearer} if by else tenant.headers
    return await client.get(
        f"/api/v1/cases/{case['reference']}/appeal-bundle",
        params={"audience": audience},
        headers=headers,
    )


async def bundle_text(client: Client, tenant: TenantHandle, case: dict, audience: str) -> str:
    response = await export(client, tenant, case, audience)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return text_of(response.content)


async def test_the_internal_bundle_holds_everything_staff_see(
    client: Client, tenant: TenantHandle, decided: dict
):
    text = await bundle_text(client, tenant, decided, "internal")

    for expected in (
        "Audience: Internal",
        COMPLAINANT,
        decided["email"],
        PHONE,
        WITNESS,
        WITNESS_EMAIL,
        SUBJECT,
        INTERNAL_NOTE,
        STATEMENT,
        SHARED,
        TASK,
        ROOT_CAUSE,
        MEASURES,
        REVIEW,
        RESPONSE,
        f"Test {tenant.staff.email.split('@')[0]}",
    ):
        assert expected in text, expected


async def test_the_regulator_gets_pseudonyms_and_no_contacts_or_internal_notes(
    client: Client, tenant: TenantHandle, decided: dict
):
    text = await bundle_text(client, tenant, decided, "regulator")

    for expected in (
        "Audience: For the regulator",
        COMPLAINANT,
        "Witness 1",
        "Subject 1",
        # The narrative keeps its sense with the names swapped for pseudonyms.
        "Subject 1 shouted at me at the counter. Witness 1 saw it all.",
        "Treatment at the counter by Subject 1",
        STATEMENT,
        SHARED,
        TASK,
        ROOT_CAUSE,
        MEASURES,
        REVIEW,
        RESPONSE,
        f"Test {tenant.staff.email.split('@')[0]}",  # staff by name
    ):
        assert expected in text, expected
    for absent in (
        WITNESS,
        "Walter",
        WITNESS_EMAIL,
        SUBJECT,
        decided["email"],
        PHONE,
        INTERNAL_NOTE,
        tenant.staff.email,
        decided["supervisor"].email,
    ):
        assert absent not in text, absent


async def test_the_complainant_gets_their_side_and_the_decision_as_sent(
    client: Client, tenant: TenantHandle, decided: dict
):
    text = await bundle_text(client, tenant, decided, "complainant")

    for expected in (
        "Audience: For the complainant",
        COMPLAINANT,
        decided["email"],
        PHONE,
        "Subject 1 shouted at me at the counter. Witness 1 saw it all.",
        SHARED,
        CAMERA,  # evidence shared with them is in their evidence index
        REDRESS,
        ACTIONS,
        RESPONSE,
        "Complaint registered by letter",
        tenant.name,
    ):
        assert expected in text, expected
    for absent in (
        WITNESS,
        WITNESS_EMAIL,
        SUBJECT,
        INTERNAL_NOTE,
        STATEMENT,  # an internal statement
        TASK,
        ROOT_CAUSE,
        MEASURES,
        REVIEW,
        "Investigation started",  # an internal step of the chronology
        "Severity",
        "Confidentiality",
        tenant.staff.email,
        f"Test {tenant.staff.email.split('@')[0]}",
        f"Test {decided['supervisor'].email.split('@')[0]}",
    ):
        assert absent not in text, absent


async def test_each_export_is_audited_with_its_audience(
    client: Client, tenant: TenantHandle, decided: dict
):
    hashes = {}
    for audience in ("internal", "regulator", "complainant"):
        response = await export(client, tenant, decided, audience)
        assert response.status_code == 200, response.text
        hashes[audience] = hashlib.sha256(response.content).hexdigest()
        suffix = "" if audience == "internal" else f"-{audience}"
        assert (
            f"{decided['reference']}-appeal-bundle{suffix}.pdf"
            in (response.headers["content-disposition"])
        )
    async with tenant_transaction(tenant_id=tenant.id):
        events = (
            await AuditEvent.select(AuditEvent.detail)
            .where(
                (AuditEvent.case_id == decided["id"])
                & (AuditEvent.action == "case.bundle_exported")
            )
            .order_by(AuditEvent.seq)
            .output(load_json=True)
        )
    assert {e["detail"]["audience"]: e["detail"]["sha256"] for e in events} == hashes
    assert len({e["detail"]["content_sha256"] for e in events}) == 3


@pytest.mark.parametrize(
    ("roles", "audience", "status"),
    [
        (("investigator",), "internal", 200),
        (("auditor",), "internal", 200),
        (("tenant-admin",), "internal", 200),
        (("handler",), "regulator", 200),
        (("supervisor",), "complainant", 200),
        (("investigator",), "regulator", 403),
        (("investigator",), "complainant", 403),
        (("auditor",), "regulator", 403),
        (("tenant-admin",), "complainant", 403),
    ],
)
async def test_who_exports_for_which_audience(
    client: Client, tenant: TenantHandle, decided: dict, roles, audience, status
):
    person: StaffUser = await tenant.add_staff(roles=roles)

    response = await export(client, tenant, decided, audience, by=person)
    missing = await export(client, tenant, {"reference": str(uuid.uuid4())}, audience, by=person)

    assert response.status_code == status, response.text
    if status == 403:  # refused for the role, whichever case it names
        assert missing.status_code == 403
        assert response.json()["detail"] == missing.json()["detail"]
        assert "handler, supervisor" in response.json()["detail"]


@pytest.mark.parametrize("audience", ["pigeon", "INTERNAL", ""])
async def test_an_unknown_audience_is_a_clear_400(
    client: Client, tenant: TenantHandle, decided: dict, audience: str
):
    response = await export(client, tenant, decided, audience)

    assert response.status_code == 400, response.text
    assert response.json()["extra"] == [
        {"key": "audience", "message": "is one of internal, regulator, complainant"}
    ]
