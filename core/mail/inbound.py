"""Email intake: a received message becomes a new case or a message on its case.

Each message is handled in one tenant transaction, so the case, its
correspondence, its reply token and the record of the Message-ID commit together;
the SMTP listener answers 250 only after that commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from core.audit import services as audit
from core.cases.schemas import NewCase, PersonIn
from core.cases.sealed_rows import add_correspondence
from core.cases.services import register_case
from core.cases.tables import Case
from core.crypto.fields import blind_index
from core.db.engine import transaction_connection
from core.ids import uuid7
from core.lifecycle.services import acknowledge_on_arrival
from core.mail.addresses import TenantMailbox, case_for_token, issue_reply_token
from core.mail.parsing import ParsedEmail
from core.tenancy.context import TenantContext, tenant_transaction

#: The actor recorded for what the intake does.
ACTOR = "email"

MailboxState = Literal["open", "closed", "unknown"]


class MailboxClosed(Exception):
    """The tenant exists but takes no complaints now (suspended, or being deleted)."""


@dataclass(frozen=True, slots=True)
class IntakeOutcome:
    """What became of one received message in one tenant."""

    kind: Literal["registered", "threaded", "duplicate"]
    case_id: UUID | None = None
    #: For a newly registered case: a reply token for the acknowledgement's Reply-To.
    reply_token: str | None = None


async def mailbox_state(slug: str) -> MailboxState:
    """Whether the tenant ``slug`` accepts mail now."""
    async with tenant_transaction(slug=slug) as (tenant, _):
        if tenant is None:
            return "unknown"
        return "closed" if tenant.read_only else "open"


async def receive_email(mailbox: TenantMailbox, message: ParsedEmail) -> IntakeOutcome:
    """Register ``message`` for the tenant of ``mailbox``, or thread it onto its case.

    A message whose Message-ID the tenant has seen before changes nothing. Raises
    ``MailboxClosed`` when the tenant does not take complaints now, and
    ``core.errors.InvalidInput`` when the complaint is refused by the tenant's rules.
    """
    async with tenant_transaction(slug=mailbox.slug) as (tenant, _):
        if tenant is None or tenant.read_only:
            raise MailboxClosed(mailbox.slug)
        inbound_id = await _claim_message_id(tenant, message)
        if inbound_id is None:
            return IntakeOutcome(kind="duplicate")
        case_id = await _thread_of(tenant, mailbox, message)
        correspondence_id: UUID | None
        if case_id is not None:
            correspondence_id = await _add_message(case_id, message)
            outcome = IntakeOutcome(kind="threaded", case_id=case_id)
        else:
            detail = await register_case(_new_case(message), actor=ACTOR)
            await acknowledge_on_arrival(detail.id)
            correspondence_id = detail.correspondence[0].id if detail.correspondence else None
            outcome = IntakeOutcome(
                kind="registered", case_id=detail.id, reply_token=await issue_reply_token(detail.id)
            )
        await transaction_connection().execute(
            "UPDATE inbound_email SET case_id = $2, correspondence_id = $3 WHERE id = $1",
            inbound_id,
            outcome.case_id,
            correspondence_id,
        )
        return outcome


async def _claim_message_id(tenant: TenantContext, message: ParsedEmail) -> UUID | None:
    """Record the Message-ID; None if it is already recorded.

    A concurrent delivery of the same message waits here on the unique key until
    the first one commits, and then finds it.
    """
    claimed: UUID | None = await transaction_connection().fetchval(
        """
        INSERT INTO inbound_email (tenant_id, id, message_id, size_bytes)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (tenant_id, message_id) DO NOTHING
        RETURNING id
        """,
        tenant.id,
        uuid7(),
        message.message_id,
        message.size_bytes,
    )
    return claimed


async def _thread_of(
    tenant: TenantContext, mailbox: TenantMailbox, message: ParsedEmail
) -> UUID | None:
    """The case a reply belongs to: by the token in the address, else by the reference.

    A reference is guessable (references are sequential), so it threads only a
    message from an address that is already a party's on that case.
    """
    token = mailbox.reply_token
    if token is not None:
        case_id = await case_for_token(token)
        if case_id is not None:
            return case_id
    for reference in _references_in(message.subject, tenant.reference_prefix):
        found: UUID | None = await transaction_connection().fetchval(
            """
            SELECT c.id FROM cases c
            WHERE c.reference = $1 AND EXISTS (
                SELECT 1 FROM party p WHERE p.case_id = c.id AND p.email_index = $2)
            """,
            reference,
            await blind_index("email", message.sender_email),
        )
        if found is not None:
            return found
    return None


def _references_in(subject: str, prefix: str) -> list[str]:
    pattern = rf"(?<![A-Za-z0-9]){re.escape(prefix)}-\d{{4}}-\d{{6,}}(?!\d)"
    return [match.upper() for match in re.findall(pattern, subject, flags=re.IGNORECASE)]


async def _add_message(case_id: UUID, message: ParsedEmail) -> UUID:
    now = datetime.now(UTC)
    correspondence_id = await add_correspondence(
        case_id, direction="inbound", channel="email", body=message.text, occurred_at=now
    )
    await Case.update({Case.updated_at: now}).where(Case.id == case_id)
    await audit.record(
        "case.message_added",
        actor=ACTOR,
        case_id=case_id,
        detail={"channel": "email", "correspondence_id": str(correspondence_id)},
    )
    return correspondence_id


def _new_case(message: ParsedEmail) -> NewCase:
    return NewCase(
        subject=message.subject,
        description=message.text,
        channel="email",
        complainant=PersonIn(name=message.sender_name, email=message.sender_email),
    )
