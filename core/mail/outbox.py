"""The transactional outbox: mail is queued in the transaction of the change that causes it.

Nothing is sent here. ``core.mail.sender.send_pending`` delivers what was queued
once the transaction has committed, so a rolled-back change sends nothing and a
crash after the commit loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import make_msgid
from typing import Any
from uuid import UUID

from core import clock
from core.audit import services as audit
from core.cases.sealed_rows import add_correspondence
from core.cases.tables import Case
from core.crypto.fields import sealed
from core.db.engine import transaction_connection
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.mail.addresses import issue_reply_token
from core.tenancy.context import TenantContext, current_tenant

SUBJECT_LIMIT = 300
#: Headers the outbox sets itself; a caller may not override them.
RESERVED_HEADERS = frozenset({"from", "to", "subject", "reply-to", "message-id", "date"})


async def queue_email(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    actor: str,
    case_id: UUID | None = None,
    reply_token: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> UUID:
    """Queue an email in the current tenant transaction; return the outbox row's id.

    For mail about a case, the subject gets the case reference (unless it already
    has it), the Reply-To names the case by a reply token (``reply_token``, or a
    fresh one), the text is recorded as outbound correspondence on the case and
    the queueing is audited, all in this transaction. Callers record nothing of
    their own for the mail.
    """
    tenant = current_tenant()
    subject = _header_text("subject", subject)
    if case_id is not None:
        reference = await _reference(case_id)
        if reference not in subject:
            subject = f"[{reference}] {subject}"
        reply_token = reply_token or await issue_reply_token(case_id)
    else:
        reply_token = None
    row = outbox_row(
        tenant,
        kind=kind,
        to=to,
        subject=subject,
        body=body,
        case_id=case_id,
        reply_token=reply_token,
        headers=headers,
        now=datetime.now(UTC),
    )
    await store(row)
    if case_id is not None:
        await add_correspondence(
            # When it was sent as the deadline clock reads it (an appeal window runs from it).
            case_id,
            direction="outbound",
            channel="email",
            body=body,
            occurred_at=clock.now(),
        )
    await audit.record(
        "mail.queued",
        actor=actor,
        case_id=case_id,
        detail=queued_detail(row),
    )
    outbox_id: UUID = row["id"]
    return outbox_id


#: The columns of an ``outbox_message`` row, in table order.
OUTBOX_COLUMNS = (
    "tenant_id",
    "id",
    "case_id",
    "kind",
    "to_address",
    "subject",
    "body",
    "headers",
    "reply_token",
    "created_at",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "last_error",
)


def outbox_row(
    tenant: TenantContext,
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    case_id: UUID | None = None,
    reply_token: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check a message and return its complete outbox row, due at once; writes nothing.

    For writers that batch rows (the deadline worker); ``queue_email`` stores one.
    """
    address = _address("to", to)
    subject = _header_text("subject", subject)
    extra = {name: _header_text(name, value) for name, value in (headers or {}).items()}
    if RESERVED_HEADERS & {name.lower() for name in extra}:
        raise InvalidInput("headers", f"may not set {', '.join(sorted(RESERVED_HEADERS))}")
    if not body.strip():
        raise InvalidInput("body", "must not be blank")
    if len(subject) > SUBJECT_LIMIT:
        raise InvalidInput("subject", f"is longer than {SUBJECT_LIMIT} characters")
    outbox_id = uuid7()
    # Fixed now, so that a retried delivery is recognisable as the same message.
    extra["Message-ID"] = make_msgid(idstring=str(outbox_id), domain=tenant.slug + ".querela")
    return {
        "tenant_id": tenant.id,
        "id": outbox_id,
        "case_id": case_id,
        "kind": kind,
        "to_address": address,
        "subject": subject,
        "body": body,
        "headers": extra,
        "reply_token": reply_token,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": now,
        "sent_at": None,
        "last_error": None,
    }


async def store(row: Mapping[str, Any]) -> None:
    """Write an outbox row (from ``outbox_row``) in the current transaction.

    Recipient and text are sealed: a message about a case names the complainant.
    """
    row = await sealed("outbox_message", row)
    connection = transaction_connection()
    await connection.execute(
        """
        INSERT INTO outbox_message
            (tenant_id, id, case_id, kind, to_address, subject, body, headers, reply_token,
             created_at, attempts, next_attempt_at, sent_at, last_error)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14)
        """,
        *(row[name] if name != "headers" else json.dumps(row[name]) for name in OUTBOX_COLUMNS),
    )
    # A trigger lists the tenant in mail_outbox_tenant with the message's due time.


def queued_detail(row: Mapping[str, Any]) -> dict[str, Any]:
    """The ``mail.queued`` audit detail of an outbox row: what was queued, not to whom."""
    return {"kind": row["kind"], "outbox_id": str(row["id"])}


async def _reference(case_id: UUID) -> str:
    row = await Case.select(Case.reference).where(Case.id == case_id).first()
    if row is None:
        raise NotFound("no such case")
    reference: str = row["reference"]
    return reference


def _address(field: str, value: str) -> str:
    text = _header_text(field, value)
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError):
        raise InvalidInput(field, "is not an email address") from None
    if not address.username or "." not in address.domain or len(text) > 320:
        raise InvalidInput(field, "is not an email address")
    return address.addr_spec


def _header_text(field: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        # A line break would let the text start headers of its own.
        raise InvalidInput(field, "must be a single line")
    text = value.strip()
    if not text:
        raise InvalidInput(field, "must not be blank")
    return text
