"""Delivering the outbox: claim due mail, hand it to the SMTP relay, record the result.

The application role sees outbox rows only inside one tenant's transaction, so
the sender visits the tenants listed in ``mail_outbox_tenant`` and claims each
one's due rows with ``FOR UPDATE SKIP LOCKED``. A claim is a lease: it pushes
``next_attempt_at`` past the time a delivery can take and commits at once, so
other senders skip the row while it is being sent without a transaction being
held open across SMTP. Several senders, in one process or many, therefore
never send a row twice; a sender that dies mid-delivery leaves the row to be
retried when its lease ends (at least once, as any outbox).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from uuid import UUID

import aiosmtplib

from core.audit import services as audit
from core.crypto.fields import opened
from core.db.engine import transaction_connection
from core.mail.addresses import reply_address
from core.mail.tables import MailOutboxTenant
from core.settings import Settings
from core.tenancy.context import TenantContext, tenant_transaction

log = logging.getLogger(__name__)

#: The actor recorded for deliveries.
ACTOR = "mail"
#: Rows claimed at once; their deliveries must fit in the lease.
BATCH = 10
SMTP_TIMEOUT = 30.0
LEASE = timedelta(minutes=10)
#: After this many failed attempts a message is left for an operator (see ``last_error``).
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


@dataclass
class SendReport:
    """What one run of ``send_pending`` did."""

    sent: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """An outbox row a sender holds the lease on."""

    id: UUID
    case_id: UUID | None
    kind: str
    to_address: str
    subject: str
    body: str
    headers: dict[str, str]
    reply_token: str | None
    attempts: int


class _PermanentFailure(Exception):
    """The relay refused the message for good; retrying cannot help."""


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed delivery: doubling, capped."""
    doublings = min(max(attempts - 1, 0), 16)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


async def send_pending(settings: Settings, *, limit: int = 100) -> SendReport:
    """Deliver up to ``limit`` due messages across all tenants, once."""
    report = SendReport()
    # Only tenants with mail due, each with the insert count seen before the visit.
    due = await MailOutboxTenant.raw(
        "SELECT tenant_id, version FROM mail_outbox_tenant WHERE next_due_at <= now()"
        " ORDER BY next_due_at LIMIT {}",
        limit,
    )
    for row in due:
        if report.sent + report.failed >= limit:
            break
        tenant_id = row["tenant_id"]
        while report.sent + report.failed < limit:
            tenant, batch = await _claim(tenant_id, min(BATCH, limit - report.sent - report.failed))
            if tenant is None or not batch:
                break
            for claimed in batch:
                await _deliver(settings, tenant, claimed, report)
        await _reschedule(tenant_id, row["version"])
    return report


async def _reschedule(tenant_id: UUID, seen: int) -> None:
    """Record when the tenant's next mail is due, unless mail was queued since ``seen``."""
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
        if tenant is not None:
            await transaction_connection().execute(
                "SELECT querela_mail_reschedule($1, $2)", seen, MAX_ATTEMPTS
            )


async def _claim(tenant_id: UUID, count: int) -> tuple[TenantContext | None, list[ClaimedMessage]]:
    async with tenant_transaction(tenant_id=tenant_id) as (tenant, _):
        if tenant is None:
            return None, []
        rows = await transaction_connection().fetch(
            """
            UPDATE outbox_message m
            SET attempts = m.attempts + 1, next_attempt_at = now() + $2::interval
            FROM (
                SELECT tenant_id, id FROM outbox_message
                WHERE tenant_id = $1 AND sent_at IS NULL AND next_attempt_at <= now()
                  AND attempts < $3
                ORDER BY next_attempt_at, id
                LIMIT $4
                FOR UPDATE SKIP LOCKED
            ) due
            WHERE m.tenant_id = due.tenant_id AND m.id = due.id
            RETURNING m.id, m.case_id, m.kind, m.to_address, m.subject, m.body, m.headers,
                      m.reply_token, m.attempts
            """,
            tenant.id,
            LEASE,
            MAX_ATTEMPTS,
            count,
        )
        messages = await opened("outbox_message", [dict(row) for row in rows])
    return tenant, [
        ClaimedMessage(
            id=row["id"],
            case_id=row["case_id"],
            kind=row["kind"],
            to_address=row["to_address"],
            subject=row["subject"],
            body=row["body"],
            headers=_headers(row["headers"]),
            reply_token=row["reply_token"],
            attempts=row["attempts"],
        )
        for row in messages
    ]


async def _deliver(
    settings: Settings, tenant: TenantContext, claimed: ClaimedMessage, report: SendReport
) -> None:
    message = build_message(settings, tenant, claimed)
    try:
        await _relay(settings, message)
    except Exception as exc:
        permanent = isinstance(exc, _PermanentFailure)
        log.warning("delivering outbox message %s failed: %s", claimed.id, exc)
        await _record_failure(tenant, claimed, str(exc), permanent=permanent)
        report.failed += 1
        return
    await _record_sent(tenant, claimed)
    report.sent += 1


def build_message(
    settings: Settings, tenant: TenantContext, claimed: ClaimedMessage
) -> EmailMessage:
    """The email as it goes to the relay."""
    message = EmailMessage()
    message["From"] = Address(display_name=tenant.name, addr_spec=settings.smtp_from)
    message["To"] = claimed.to_address
    message["Subject"] = claimed.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    if claimed.reply_token is not None:
        message["Reply-To"] = reply_address(tenant.slug, claimed.reply_token, settings.mail_domain)
    for name, value in claimed.headers.items():
        message[name] = value
    message.set_content(claimed.body)
    return message


async def _relay(settings: Settings, message: EmailMessage) -> None:
    # aiosmtplib keeps delivery on the event loop: a slow relay holds up no thread pool,
    # and the worker that also delivers webhooks stays one asyncio program.
    try:
        await aiosmtplib.send(
            message,
            sender=settings.smtp_from,
            hostname=settings.smtp_relay_host,
            port=settings.smtp_relay_port,
            timeout=SMTP_TIMEOUT,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        refused = [f"{r.recipient} ({r.code})" for r in exc.recipients]
        raise _PermanentFailure(f"recipient refused: {refused}") from exc
    except aiosmtplib.SMTPResponseException as exc:
        if 500 <= exc.code < 600:
            raise _PermanentFailure(f"{exc.code} {exc.message!r}") from exc
        raise


#: Letters whose text carries a one-time secret link: kept only until they are sent.
ONE_TIME_LINK_KINDS = frozenset({"survey_invitation"})
WITHHELD_BODY = "[sent; the text carried a one-time link and is not kept]"


async def _record_sent(tenant: TenantContext, claimed: ClaimedMessage) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        # The raw reply token is no longer needed once the Reply-To has gone out, nor the
        # text of a letter that carried a one-time link.
        await transaction_connection().execute(
            "UPDATE outbox_message SET sent_at = now(), last_error = NULL, reply_token = NULL,"
            " body = CASE WHEN kind = ANY($2::text[]) THEN $3 ELSE body END"
            " WHERE id = $1",
            claimed.id,
            list(ONE_TIME_LINK_KINDS),
            WITHHELD_BODY,
        )
        await audit.record(
            "mail.sent",
            actor=ACTOR,
            case_id=claimed.case_id,
            detail={"kind": claimed.kind, "outbox_id": str(claimed.id)},
        )


async def _record_failure(
    tenant: TenantContext, claimed: ClaimedMessage, error: str, *, permanent: bool
) -> None:
    async with tenant_transaction(tenant_id=tenant.id):
        await transaction_connection().execute(
            """
            UPDATE outbox_message
            SET last_error = $2, next_attempt_at = now() + $3::interval,
                attempts = CASE WHEN $4 THEN $5 ELSE attempts END
            WHERE id = $1
            """,
            claimed.id,
            error[:1000],
            retry_delay(claimed.attempts),
            permanent,
            MAX_ATTEMPTS,
        )


def _headers(value: Any) -> dict[str, str]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return {str(k): str(v) for k, v in (loaded or {}).items()}
