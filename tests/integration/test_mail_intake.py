"""Complaints by email: a real SMTP conversation with the intake listener."""

from __future__ import annotations

import asyncio
import smtplib
import uuid
from dataclasses import replace
from email.policy import SMTP

import httpx
import pytest

from core.audit.tables import AuditEvent
from core.mail.outbox import queue_email
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.fixtures.mail import address, complaint, deliver, send_everything
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import TenantHandle

Client = httpx.AsyncClient


async def cases_of(client: Client, tenant: TenantHandle) -> list[dict]:
    response = await client.get("/api/v1/cases", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def case_detail(client: Client, tenant: TenantHandle, case_id: str) -> dict:
    response = await client.get(f"/api/v1/cases/{case_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_email_to_the_tenant_address_registers_a_case(
    client: Client, tenant: TenantHandle, intake: int
):
    await deliver(intake, complaint(address(tenant)), address(tenant))

    [summary] = await cases_of(client, tenant)
    case = await case_detail(client, tenant, summary["id"])
    assert case["channel"] == "email"
    assert case["subject"] == "My claim has not been paid"
    [complainant] = case["parties"]
    assert (complainant["name"], complainant["email"]) == ("Ada Example", "ada@example.org")
    [letter] = case["correspondence"]
    assert letter["channel"] == "email"
    assert letter["body"] == "I sent my claim in October and have heard nothing since."
    async with tenant_transaction(tenant_id=tenant.id):
        actors = await AuditEvent.select(AuditEvent.actor).where(
            AuditEvent.action == "case.registered"
        )
    assert actors == [{"actor": "email"}]


async def test_a_plus_address_and_no_subject_still_register(
    client: Client, tenant: TenantHandle, intake: int
):
    to = address(tenant, "complaints")
    await deliver(intake, complaint(to, subject=None), to)

    [summary] = await cases_of(client, tenant)
    assert summary["subject"] == "(no subject)"


async def test_an_html_only_email_is_registered_as_its_text(
    client: Client, tenant: TenantHandle, intake: int
):
    message = complaint(address(tenant))
    message.set_content(
        "<html><head><style>p {color: red}</style></head>"
        "<body><p>The nurse was rude &amp; dismissive.</p><p>Please reply.</p></body></html>",
        subtype="html",
    )
    await deliver(intake, message, address(tenant))

    [summary] = await cases_of(client, tenant)
    case = await case_detail(client, tenant, summary["id"])
    assert case["correspondence"][0]["body"] == "The nurse was rude & dismissive.\n\nPlease reply."


async def test_a_reply_to_the_acknowledgement_threads_onto_its_case(
    client: Client,
    tenant: TenantHandle,
    intake: int,
    settings: Settings,
    smtp: tuple[Mailbox, int],
):
    mailbox, relay_port = smtp
    await deliver(intake, complaint(address(tenant)), address(tenant))
    [summary] = await cases_of(client, tenant)
    recipient = f"ada-{uuid.uuid4().hex[:8]}@example.org"
    async with tenant_transaction(tenant_id=tenant.id):
        await queue_email(
            kind="acknowledgement",
            to=recipient,
            subject="We have received your complaint",
            body="Thank you. We will answer within 8 weeks.",
            actor="system",
            case_id=summary["id"],
        )
    seen = len(mailbox.messages)

    sent = await send_everything(replace(settings, smtp_relay_port=relay_port))
    acknowledgement = mailbox.wait_for(recipient, after=seen)
    reply_to = str(acknowledgement["reply-to"])
    assert sent >= 1
    assert reply_to.startswith(f"{tenant.slug}+c-") and reply_to.endswith("@mail.localhost")
    assert f"[{summary['reference']}]" in str(acknowledgement["subject"])

    reply = complaint(
        reply_to,
        subject=f"Re: {acknowledgement['subject']}",
        body="Thank you. I attach nothing further.",
        sender=f"Ada <{recipient}>",
    )
    await deliver(intake, reply, reply_to, sender=recipient)

    [only] = await cases_of(client, tenant)
    assert only["id"] == summary["id"]
    case = await case_detail(client, tenant, summary["id"])
    assert [(c["direction"], c["channel"]) for c in case["correspondence"]] == [
        ("inbound", "email"),
        ("outbound", "email"),
        ("inbound", "email"),
    ]
    assert case["correspondence"][-1]["body"] == "Thank you. I attach nothing further."
    async with tenant_transaction(tenant_id=tenant.id):
        added = await AuditEvent.select(AuditEvent.actor, AuditEvent.detail).where(
            AuditEvent.action == "case.message_added"
        )
    assert [event["actor"] for event in added] == ["email"]
    assert recipient not in str(added[0]["detail"])


async def test_a_reply_naming_the_reference_threads_when_it_comes_from_the_complainant(
    client: Client, tenant: TenantHandle, intake: int
):
    await deliver(intake, complaint(address(tenant)), address(tenant))
    [summary] = await cases_of(client, tenant)

    reply = complaint(address(tenant), subject=f"Re: [{summary['reference']}] My claim")
    await deliver(intake, reply, address(tenant))

    [only] = await cases_of(client, tenant)
    assert only["id"] == summary["id"]
    assert len((await case_detail(client, tenant, summary["id"]))["correspondence"]) == 2


async def test_a_stranger_naming_a_reference_opens_a_case_of_their_own(
    client: Client, tenant: TenantHandle, intake: int
):
    await deliver(intake, complaint(address(tenant)), address(tenant))
    [summary] = await cases_of(client, tenant)

    stranger = "Mallory <mallory@example.net>"
    probe = complaint(address(tenant), subject=f"Re: [{summary['reference']}]", sender=stranger)
    await deliver(intake, probe, address(tenant), sender="mallory@example.net")

    cases = await cases_of(client, tenant)
    assert len(cases) == 2
    assert len((await case_detail(client, tenant, summary["id"]))["correspondence"]) == 1


async def test_the_same_message_delivered_twice_makes_one_case(
    client: Client, tenant: TenantHandle, intake: int
):
    message = complaint(address(tenant), message_id="<twice-0001@example.org>")
    await deliver(intake, message, address(tenant))
    await deliver(intake, message, address(tenant))

    [summary] = await cases_of(client, tenant)
    assert len((await case_detail(client, tenant, summary["id"]))["correspondence"]) == 1


async def test_an_oversized_email_is_refused_with_552_and_no_case(
    client: Client, tenant: TenantHandle, intake: int
):
    big = complaint(address(tenant), body="x" * 70 + ("\n" + "y" * 70) * 1200)

    # smtplib announces the size in MAIL FROM, where the listener refuses it.
    with pytest.raises(smtplib.SMTPSenderRefused) as announced:
        await deliver(intake, big, address(tenant))
    # A client that announces nothing is refused after DATA.
    with pytest.raises(smtplib.SMTPDataError) as streamed:
        await asyncio.to_thread(
            _send_without_size, intake, big.as_bytes(policy=SMTP), address(tenant)
        )

    assert announced.value.smtp_code == 552
    assert streamed.value.smtp_code == 552
    assert b"5.3.4" in streamed.value.smtp_error
    assert await cases_of(client, tenant) == []


def _send_without_size(port: int, raw: bytes, to: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail("ada@example.org")
        smtp.rcpt(to)
        code, reply = smtp.data(raw)
        raise smtplib.SMTPDataError(code, reply)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"Subject: no sender\r\n\r\nSomething went wrong.\r\n", id="no-from"),
        pytest.param(b"From: ada@example.org\r\nSubject: empty\r\n\r\n", id="no-body"),
        pytest.param(
            b"From: ada@example.org\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nabc\r\n",
            id="undecodable",
        ),
        pytest.param(
            b"From: ada@example.org\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n", id="no-text"
        ),
    ],
)
async def test_a_malformed_email_is_refused_with_550_and_no_case(
    client: Client, tenant: TenantHandle, intake: int, raw: bytes
):
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await deliver(intake, raw, address(tenant))

    assert refused.value.smtp_code == 550
    assert refused.value.smtp_error.startswith(b"5.6.0")
    assert await cases_of(client, tenant) == []


@pytest.mark.parametrize(
    "recipient",
    [
        pytest.param("nobody-here@mail.localhost", id="unknown-tenant"),
        pytest.param("{slug}@elsewhere.example", id="other-domain"),
        pytest.param("Not A Slug@mail.localhost", id="not-an-address"),
    ],
)
async def test_mail_for_an_unknown_mailbox_is_refused_with_550(
    tenant: TenantHandle, intake: int, recipient: str
):
    to = recipient.format(slug=tenant.slug)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await deliver(intake, complaint(to), to)

    [(code, reply)] = refused.value.recipients.values()
    assert code == 550
    assert reply == b"5.1.1 No such mailbox"
