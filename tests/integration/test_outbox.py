"""The transactional outbox: mail is queued with the change and delivered exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from core.cases.schemas import NewCase
from core.cases.services import register_case
from core.crypto.fields import opened_one
from core.db.engine import transaction_connection
from core.errors import InvalidInput
from core.ids import uuid7
from core.mail import sender
from core.mail.addresses import token_hash
from core.mail.outbox import queue_email
from core.mail.sender import MAX_ATTEMPTS, send_pending
from core.mail.tables import OutboxMessage
from core.settings import Settings
from core.tenancy.context import tenant_transaction
from tests.fixtures.keycloak import free_port
from tests.fixtures.mail import send_everything
from tests.fixtures.smtp import Mailbox
from tests.fixtures.staff import TenantHandle


@pytest.fixture
def relayed(settings: Settings, smtp: tuple[Mailbox, int]) -> Settings:
    """Settings whose relay is the test mailbox."""
    return replace(settings, smtp_relay_port=smtp[1])


class _RefusingRelay:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        return "550 5.1.1 No such user here"


@pytest.fixture
def refusing_relay(settings: Settings) -> Iterator[Settings]:
    """Settings whose relay refuses every recipient for good."""
    port = free_port()
    controller = Controller(_RefusingRelay(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield replace(settings, smtp_relay_port=port)
    finally:
        controller.stop()


def recipient() -> str:
    return f"c-{uuid.uuid4().hex[:10]}@example.org"


async def queue(tenant: TenantHandle, to: str, **extra: object) -> uuid.UUID:
    async with tenant_transaction(tenant_id=tenant.id):
        return await queue_email(
            kind="notice",
            to=to,
            subject="About your complaint",
            body="We are looking into it.",
            actor="system",
            **extra,  # type: ignore[arg-type]
        )


async def outbox_row(tenant: TenantHandle, outbox_id: uuid.UUID) -> dict:
    async with tenant_transaction(tenant_id=tenant.id):
        row = await opened_one(
            "outbox_message",
            await OutboxMessage.select().where(OutboxMessage.id == outbox_id).first(),
        )
    assert row is not None
    return row


async def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(
    tenant: TenantHandle, relayed: Settings, smtp: tuple[Mailbox, int]
):
    mailbox, _ = smtp
    to = recipient()
    async with tenant_transaction(tenant_id=tenant.id) as (_, transaction):
        await queue_email(kind="notice", to=to, subject="s", body="b", actor="system")
        await transaction.rollback()

    await send_pending(relayed)

    assert not any(to in str(m["to"]) for m in mailbox.messages)


async def test_case_mail_carries_reference_and_reply_address_and_keeps_only_a_token_hash(
    tenant: TenantHandle, relayed: Settings, smtp: tuple[Mailbox, int]
):
    mailbox, _ = smtp
    to = recipient()
    async with tenant_transaction(tenant_id=tenant.id):
        case = await register_case(
            NewCase(subject="Late payment", description="Nothing since October."), actor="test"
        )
        outbox_id = await queue_email(
            kind="acknowledgement",
            to=to,
            subject="We have received your complaint",
            body="Thank you.",
            actor="system",
            case_id=case.id,
        )

    await send_everything(relayed)

    sent = mailbox.wait_for(to)
    token = str(sent["reply-to"]).split("+c-", 1)[1].split("@", 1)[0]
    assert str(sent["subject"]) == f"[{case.reference}] We have received your complaint"
    assert tenant.name in str(sent["from"])
    row = await outbox_row(tenant, outbox_id)
    assert row["sent_at"] is not None and row["reply_token"] is None
    async with tenant_transaction(tenant_id=tenant.id):
        stored = await transaction_connection().fetchval(
            "SELECT token_hash FROM case_mail_token WHERE case_id = $1", case.id
        )
    assert stored == token_hash(token) and token not in stored


async def test_two_senders_at_once_send_each_message_exactly_once(
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    relayed: Settings,
    smtp: tuple[Mailbox, int],
):
    mailbox, _ = smtp
    await send_everything(relayed)  # what earlier tests left queued, so that both see ours
    seen = len(mailbox.messages)
    to = {recipient() for _ in range(24)}
    queued = [
        await queue(t, address)
        for address, t in zip(sorted(to), [tenant, other_tenant] * 12, strict=True)
    ]

    first, second = await asyncio.gather(send_pending(relayed), send_pending(relayed))

    delivered = Counter(str(m["to"]) for m in mailbox.messages[seen:] if str(m["to"]) in to)
    assert delivered == Counter(to)
    assert first.sent > 0 and second.sent > 0
    for outbox_id, t in zip(queued, [tenant, other_tenant] * 12, strict=True):
        row = await outbox_row(t, outbox_id)
        assert row["sent_at"] is not None and row["attempts"] == 1


async def test_a_failed_delivery_is_retried_later_with_backoff(
    tenant: TenantHandle, settings: Settings, relayed: Settings, smtp: tuple[Mailbox, int]
):
    mailbox, _ = smtp
    await send_everything(relayed)  # what earlier tests left queued, so that ours is reached
    to = recipient()
    outbox_id = await queue(tenant, to)
    relay_down = replace(settings, smtp_relay_port=free_port())

    failed = await send_pending(relay_down)
    again = await send_pending(relayed)

    row = await outbox_row(tenant, outbox_id)
    assert failed.failed >= 1
    assert row["attempts"] == 1 and row["sent_at"] is None and row["last_error"]
    assert row["next_attempt_at"] > datetime.now(UTC) + timedelta(seconds=50)
    assert not any(to in str(m["to"]) for m in mailbox.messages), again

    async with tenant_transaction(tenant_id=tenant.id):
        await OutboxMessage.update({OutboxMessage.next_attempt_at: datetime.now(UTC)}).where(
            OutboxMessage.id == outbox_id
        )
    await send_pending(relayed)

    mailbox.wait_for(to)
    row = await outbox_row(tenant, outbox_id)
    assert row["attempts"] == 2 and row["sent_at"] is not None and row["last_error"] is None


async def test_a_permanent_refusal_is_not_retried(tenant: TenantHandle, refusing_relay: Settings):
    outbox_id = await queue(tenant, recipient())

    report = await send_pending(refusing_relay)

    row = await outbox_row(tenant, outbox_id)
    assert report.failed >= 1
    assert row["attempts"] == MAX_ATTEMPTS and row["sent_at"] is None
    assert "550" in row["last_error"] or "refused" in row["last_error"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"subject": "Hello\nBcc: everyone@example.org"}, id="subject-newline"),
        pytest.param({"to": "not an address"}, id="bad-address"),
        pytest.param({"headers": {"Reply-To": "evil@example.org"}}, id="reserved-header"),
        pytest.param({"body": "   "}, id="blank-body"),
    ],
)
async def test_bad_mail_is_refused_and_nothing_is_queued(tenant: TenantHandle, changes: dict):
    values = {"to": recipient(), "subject": "s", "body": "b", **changes}
    async with tenant_transaction(tenant_id=tenant.id):
        with pytest.raises(InvalidInput):
            await queue_email(kind="notice", actor="system", **values)
        assert await OutboxMessage.count() == 0


async def listed(owner: asyncpg.Connection, tenant: TenantHandle) -> asyncpg.Record:
    row = await owner.fetchrow(
        "SELECT next_due_at, version FROM mail_outbox_tenant WHERE tenant_id = $1", tenant.id
    )
    assert row is not None
    return row


async def test_a_tenant_with_nothing_due_is_not_visited(
    tenant: TenantHandle,
    relayed: Settings,
    smtp: tuple[Mailbox, int],
    owner: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
):
    mailbox, _ = smtp
    to = recipient()
    await queue(tenant, to)
    assert (await listed(owner, tenant))["next_due_at"] is not None

    await send_pending(relayed)
    mailbox.wait_for(to)
    visited: list[uuid.UUID] = []
    claim = sender._claim

    async def recording(tenant_id: uuid.UUID, count: int) -> object:
        visited.append(tenant_id)
        return await claim(tenant_id, count)

    monkeypatch.setattr(sender, "_claim", recording)
    await send_pending(relayed)

    assert (await listed(owner, tenant))["next_due_at"] is None  # all sent: nothing due
    assert tenant.id not in visited
    later = recipient()
    await queue(tenant, later)  # queueing lists it again
    await send_pending(relayed)
    mailbox.wait_for(later)
    assert tenant.id in visited


async def test_mail_queued_during_a_visit_is_not_hidden_by_its_reschedule(
    tenant: TenantHandle,
    relayed: Settings,
    smtp: tuple[Mailbox, int],
    owner: asyncpg.Connection,
    app_conn: asyncpg.Connection,
):
    mailbox, _ = smtp
    await queue(tenant, recipient())
    await send_pending(relayed)
    seen = (await listed(owner, tenant))["version"]  # what a sender reads before its visit

    # A message is queued and not yet committed while the sender finishes its visit.
    during = recipient()
    queuing = app_conn.transaction()
    await queuing.start()
    await app_conn.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant.id))
    await app_conn.execute(
        "INSERT INTO outbox_message (tenant_id, id, kind, to_address, subject, body)"
        " VALUES ($1, $2, 'notice', $3, 'During', 'Queued during the visit.')",
        tenant.id,
        uuid7(),
        during,
    )
    reschedule = asyncio.create_task(sender._reschedule(tenant.id, seen))
    await asyncio.sleep(0.5)
    assert not reschedule.done()  # it waits for the queueing transaction
    await queuing.commit()
    await reschedule

    assert (await listed(owner, tenant))["next_due_at"] is not None
    await send_pending(relayed)
    mailbox.wait_for(during)
