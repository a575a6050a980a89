"""Mail tables: reply tokens, received messages, the outbox and its tenant index.

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane, TenantScoped


class CaseMailToken(TenantScoped, Table, tablename="case_mail_token"):
    """A secret that routes an email reply to its case; only its hash is kept."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    #: SHA-256 (hex) of the token that appears in ``<slug>+c-<token>@<mail domain>``.
    token_hash = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class InboundEmail(TenantScoped, Table, tablename="inbound_email"):
    """A message the intake accepted, kept so a re-delivery changes nothing."""

    id = UUID(primary_key=True, default=None)
    #: The Message-ID header, or ``sha256:<digest>`` of the message when it has none.
    message_id = Text()
    case_id = UUID(null=True, default=None)
    correspondence_id = UUID(null=True, default=None)
    size_bytes = Integer()
    received_at = Timestamptz(default=TimestamptzNow())


class OutboxMessage(TenantScoped, Table, tablename="outbox_message"):
    """An email to send, written in the transaction of the change that causes it."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(null=True, default=None)
    #: What the mail is, e.g. ``acknowledgement`` or ``response``.
    kind = Varchar(length=60)
    #: Recipient and text are sealed when the mail is about a case (``core.crypto.keyring``).
    to_address = Text()
    subject = Varchar(length=300)
    body = Text()
    #: Extra headers, including the Message-ID fixed when the mail was queued.
    headers = JSONB(default="{}")
    #: The raw reply token until the mail has gone out; the Reply-To is built from it.
    reply_token = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)


class MailOutboxTenant(ControlPlane, Table, tablename="mail_outbox_tenant"):
    """The tenants that have ever queued mail: where a sender looks for work.

    The application role sees outbox rows only inside a tenant's transaction, so
    a sender cannot search all outboxes at once; it visits the tenants listed here.
    """

    app_privileges = ("SELECT", "INSERT", "DELETE")

    tenant_id = UUID(primary_key=True, default=None)
    first_queued_at = Timestamptz(default=TimestamptzNow())
    #: When the tenant's next item is due (None: nothing pending); set by the outbox's
    #: insert trigger and by the sender after each visit.
    next_due_at = Timestamptz(null=True, default=None)
    #: Counts inserts, so a sender's reset cannot hide an item queued during its visit.
    version = BigInt(default=0)


#: Every mail table, for ``core.db.piccolo_app.TABLES``.
MAIL_TABLES: list[type[Table]] = [CaseMailToken, InboundEmail, OutboxMessage, MailOutboxTenant]
