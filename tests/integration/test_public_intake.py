"""Public submission without an account, and follow-up through the receipt alone."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from litestar import Litestar

from core.app import create_app
from core.audit.tables import AuditEvent
from core.cases.tables import Case, Correspondence, Party, ReferenceCounter
from core.ids import uuid7
from core.receipts.tables import CaseReceipt
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tenants import lifecycle
from tests.conftest import host
from tests.fixtures.staff import TenantHandle

COMPLAINT = {
    "subject": "Rude reception",
    "description": "The person at the front desk shouted at me on Monday.",
    "anonymous": False,
    "name": "Ada Example",
    "email": "ada@example.org",
    "phone": "+44 20 7946 0000",
}
#: Stands for the receipt of the complaint a test submits.
RECEIPT = object()
#: Thirteen groups of four characters of Crockford's base 32.
RECEIPT_SHAPE = re.compile(r"^([0-9A-HJKMNP-TV-Z]{4}-){12}[0-9A-HJKMNP-TV-Z]{4}$")


def public_client(app: Litestar) -> httpx.AsyncClient:
    """A caller without credentials, from an address of its own (limits count per address)."""
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    transport = httpx.ASGITransport(app=app, client=(address, 50_000))
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")


def public(tenant: TenantHandle) -> dict[str, str]:
    """The tenant's host, and no bearer token."""
    return {"host": f"{tenant.slug}.localhost"}


async def submit(client: httpx.AsyncClient, tenant: TenantHandle, **changes: object) -> dict:
    response = await client.post(
        "/public/v1/complaints", json={**COMPLAINT, **changes}, headers=public(tenant)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def staff_view(client: httpx.AsyncClient, tenant: TenantHandle, reference: str) -> dict:
    response = await client.get(f"/api/v1/cases/{reference}", headers=host(tenant))
    assert response.status_code == 200, response.text
    return response.json()


async def stored_counts(tenant: TenantHandle) -> dict[str, int]:
    async with tenant_transaction(slug=tenant.slug):
        return {
            "cases": await Case.count(),
            "parties": await Party.count(),
            "correspondence": await Correspondence.count(),
            "receipts": await CaseReceipt.count(),
            "audit": await AuditEvent.count(),
            "counters": await ReferenceCounter.count(),
        }


async def test_submission_returns_reference_and_receipt_and_staff_see_a_web_case(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    answer = await submit(client, tenant)

    assert RECEIPT_SHAPE.match(answer["receipt"]), answer["receipt"]
    assert answer["advice"].startswith("Keep this receipt")
    assert answer["anonymous"] is False
    case = await staff_view(client, tenant, answer["reference"])
    assert case["channel"] == "web"
    assert case["subject"] == COMPLAINT["subject"]
    [complainant] = case["parties"]
    assert (complainant["name"], complainant["email"], complainant["phone"]) == (
        "Ada Example",
        "ada@example.org",
        "+44 20 7946 0000",
    )
    async with tenant_transaction(slug=tenant.slug):
        events = await AuditEvent.select(AuditEvent.action, AuditEvent.actor).order_by(
            AuditEvent.seq
        )
    assert {"action": "case.registered", "actor": "public"} in events
    assert {"action": "case.receipt_issued", "actor": "public"} in events


async def table_dump(tenant: TenantHandle, table: str) -> str:
    """Every row of the tenant's ``table`` as JSON text, as the database holds it."""
    async with tenant_transaction(slug=tenant.slug) as (_, transaction):
        dump: str = await transaction.connection.fetchval(
            f"SELECT coalesce(string_agg(row_to_json(t)::text, ''), '') FROM {table} t"
        )
    return dump


async def test_receipt_is_stored_only_as_its_hash(client: httpx.AsyncClient, tenant: TenantHandle):
    answer = await submit(client, tenant)
    canonical = answer["receipt"].replace("-", "")

    receipts = await table_dump(tenant, "case_receipt")
    assert hashlib.sha256(canonical.encode()).hexdigest() in receipts
    for table in ("case_receipt", "audit_event", "cases", "correspondence"):
        assert canonical[:16] not in await table_dump(tenant, table), table


async def test_anonymous_submission_stores_no_name_email_or_phone(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    answer = await submit(client, tenant, anonymous=True)

    assert answer["anonymous"] is True
    assert "no name, email address or phone number was stored" in answer["personal_data"]
    async with tenant_transaction(slug=tenant.slug):
        [party] = await Party.select()
    assert party["role"] == "complainant" and party["anonymous"] is True
    assert (party["display_name"], party["email"], party["phone"]) == (None, None, None)
    for table in ("cases", "party", "correspondence", "audit_event", "case_receipt"):
        dump = await table_dump(tenant, table)
        for personal in ("Ada Example", "ada@example.org", "7946"):
            assert personal not in dump, (table, personal)


async def test_follow_up_shows_replies_but_never_internal_notes(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    answer = await submit(client, tenant, anonymous=True)
    case = await staff_view(client, tenant, answer["reference"])
    async with tenant_transaction(slug=tenant.slug):
        for direction, body in (
            ("internal", "Note: the desk officer has had complaints before."),
            ("outbound", "Thank you, we are looking into what happened on Monday."),
        ):
            await Correspondence.insert(
                Correspondence(
                    id=uuid7(),
                    tenant_id=tenant.id,
                    case_id=case["id"],
                    direction=direction,
                    channel="letter",
                    body=body,
                    occurred_at=datetime.now(UTC),
                )
            )

    async with public_client(app) as http:
        response = await http.post(
            "/public/v1/followup", json={"receipt": answer["receipt"]}, headers=public(tenant)
        )

    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["reference"] == answer["reference"]
    assert seen["status"] == "received"
    assert [(m["direction"], m["body"]) for m in seen["correspondence"]] == [
        ("inbound", COMPLAINT["description"]),
        ("outbound", "Thank you, we are looking into what happened on Monday."),
    ]
    assert "desk officer" not in response.text


async def test_message_sent_with_the_receipt_reaches_the_staff(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    answer = await submit(client, tenant, anonymous=True)
    message = "It happened again today, at about ten in the morning."

    async with public_client(app) as http:
        response = await http.post(
            "/public/v1/followup/messages",
            json={"receipt": answer["receipt"], "message": message},
            headers=public(tenant),
        )

    assert response.status_code == 201, response.text
    assert response.json()["correspondence"][-1]["body"] == message
    case = await staff_view(client, tenant, answer["reference"])
    latest = case["correspondence"][-1]
    assert (latest["direction"], latest["channel"], latest["body"]) == ("inbound", "web", message)
    async with tenant_transaction(slug=tenant.slug):
        event = (
            await AuditEvent.select(AuditEvent.actor, AuditEvent.case_id, AuditEvent.detail)
            .where(AuditEvent.action == "case.message_added")
            .first()
        )
    assert event is not None
    assert event["actor"] == "public" and str(event["case_id"]) == case["id"]
    assert "ten in the morning" not in str(event["detail"])


async def test_receipt_retyped_by_hand_still_works(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle
):
    answer = await submit(client, tenant)
    # lower case, spaces for dashes, and the letter O wherever a zero was printed
    retyped = answer["receipt"].lower().replace("-", " ").replace("0", "o")

    async with public_client(app) as http:
        response = await http.post(
            "/public/v1/followup", json={"receipt": f"  {retyped} "}, headers=public(tenant)
        )

    assert response.status_code == 200, response.text
    assert response.json()["reference"] == answer["reference"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param({"subject": "x", "description": "y"}, "anonymous", id="no-anonymity-choice"),
        pytest.param({**COMPLAINT, "channel": "phone"}, "channel", id="channel-is-not-public"),
        pytest.param({**COMPLAINT, "email": "not-an-address"}, "email", id="bad-email"),
        pytest.param({**COMPLAINT, "subject": "   "}, "subject", id="blank-subject"),
        pytest.param({**COMPLAINT, "anonymous": "maybe"}, "anonymous", id="anonymous-not-bool"),
        pytest.param({**COMPLAINT, "language": "English"}, "language", id="bad-language"),
        pytest.param({**COMPLAINT, "subject": "s" * 201}, "subject", id="subject-too-long"),
    ],
)
async def test_bad_submission_is_a_clear_400_and_writes_nothing(
    client: httpx.AsyncClient, tenant: TenantHandle, body: dict, named: str
):
    before = await stored_counts(tenant)

    response = await client.post("/public/v1/complaints", json=body, headers=public(tenant))

    assert response.status_code == 400, response.text
    assert named in response.text
    assert await stored_counts(tenant) == before


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param({"message": "Hello"}, "receipt", id="no-receipt"),
        pytest.param({"receipt": "", "message": "Hello"}, "receipt", id="empty-receipt"),
        pytest.param({"receipt": None, "message": "Hello"}, "receipt", id="null-receipt"),
        pytest.param({"receipt": RECEIPT}, "message", id="no-message"),
        pytest.param({"receipt": RECEIPT, "message": "   "}, "message", id="blank-message"),
        pytest.param(
            {"receipt": RECEIPT, "message": "Hi", "case_id": "x"}, "case_id", id="unknown-field"
        ),
    ],
)
async def test_bad_follow_up_message_is_a_clear_400_and_writes_nothing(
    app: Litestar, client: httpx.AsyncClient, tenant: TenantHandle, body: dict, named: str
):
    answer = await submit(client, tenant)
    sent = {key: answer["receipt"] if value is RECEIPT else value for key, value in body.items()}
    before = await stored_counts(tenant)

    async with public_client(app) as http:
        response = await http.post(
            "/public/v1/followup/messages", json=sent, headers=public(tenant)
        )

    assert response.status_code == 400, response.text
    assert named in response.text
    assert await stored_counts(tenant) == before


async def test_suspended_tenant_takes_no_public_submissions(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    await lifecycle.suspend(tenant.slug, "invoice overdue")
    before = await stored_counts(tenant)

    response = await client.post("/public/v1/complaints", json=COMPLAINT, headers=public(tenant))

    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]
    assert await stored_counts(tenant) == before


async def test_public_routes_need_a_tenant_host(client: httpx.AsyncClient):
    response = await client.post("/public/v1/complaints", json=COMPLAINT)

    assert response.status_code == 404


async def test_suspended_tenant_still_shows_replies_but_takes_no_messages(
    client: httpx.AsyncClient, tenant: TenantHandle
):
    from tenants import lifecycle

    submitted = await client.post(
        "/public/v1/complaints",
        json={"subject": "Noise", "description": "Every night.", "anonymous": True},
        headers={"host": f"{tenant.slug}.localhost"},
    )
    receipt = submitted.json()["receipt"]
    await lifecycle.suspend(tenant.slug, "maintenance")
    read = await client.post(
        "/public/v1/followup",
        json={"receipt": receipt},
        headers={"host": f"{tenant.slug}.localhost"},
    )
    write = await client.post(
        "/public/v1/followup/messages",
        json={"receipt": receipt, "message": "Still noisy."},
        headers={"host": f"{tenant.slug}.localhost"},
    )
    assert read.status_code == 200
    assert write.status_code == 403


async def test_one_address_sending_many_complaints_is_slowed_down(
    client: httpx.AsyncClient, settings: Settings, tenant: TenantHandle
):
    """Three complaints from one address in ten minutes pass, the fourth waits; a
    submission refused as bad input does not count, and another address is not held up."""
    throttled = create_app(replace(settings, public_submissions_per_10_min=3))
    async with public_client(throttled) as flood, public_client(throttled) as other:
        bad = await flood.post(
            "/public/v1/complaints", json={**COMPLAINT, "subject": ""}, headers=public(tenant)
        )
        sent = [
            await flood.post("/public/v1/complaints", json=COMPLAINT, headers=public(tenant))
            for _ in range(4)
        ]
        elsewhere = await other.post(
            "/public/v1/complaints", json=COMPLAINT, headers=public(tenant)
        )

    assert bad.status_code == 400
    assert [r.status_code for r in sent] == [201, 201, 201, 429]
    assert int(sent[-1].headers["retry-after"]) > 0
    assert "write or phone" in sent[-1].json()["detail"]
    assert elsewhere.status_code == 201
    assert (await stored_counts(tenant))["cases"] == 4
