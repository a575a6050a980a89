"""Webhook tables: endpoints, deliveries (the outbox), attempts (the log), the tenant index.

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import UUID, Array, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane, TenantScoped


class WebhookEndpoint(TenantScoped, Table, tablename="webhook_endpoint"):
    """A URL of the tenant's that receives the events it subscribed to."""

    id = UUID(primary_key=True, default=None)
    url = Varchar(length=2000)
    #: Kept in clear because every delivery is signed with it; shown to the admin once.
    #: Sealed (``core.crypto.keyring``); the sender opens it to sign.
    secret = Text()
    events = Array(base_column=Text(), default=list)
    description = Varchar(length=200, default="")
    created_by = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())
    disabled_at = Timestamptz(null=True, default=None)


class WebhookDelivery(TenantScoped, Table, tablename="webhook_delivery"):
    """One event for one endpoint, written in the transaction of the change (the outbox)."""

    id = UUID(primary_key=True, default=None)
    endpoint_id = UUID(default=None)
    event = Varchar(length=60)
    case_id = UUID(null=True, default=None)
    #: The JSON text posted and signed, fixed when the event happened.
    body = Text()
    #: pending | delivered | failed
    state = Varchar(length=10, default="pending")
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    created_at = Timestamptz(default=TimestamptzNow())
    delivered_at = Timestamptz(null=True, default=None)
    last_status_code = Integer(null=True, default=None)
    last_error = Text(null=True, default=None)


class WebhookAttempt(TenantScoped, Table, tablename="webhook_attempt"):
    """One try at a delivery: what the receiver answered and how long it took."""

    id = UUID(primary_key=True, default=None)
    delivery_id = UUID(default=None)
    attempt = Integer()
    attempted_at = Timestamptz(default=TimestamptzNow())
    status_code = Integer(null=True, default=None)
    error = Text(null=True, default=None)
    duration_ms = Integer()


class WebhookOutboxTenant(ControlPlane, Table, tablename="webhook_outbox_tenant"):
    """The tenants that have ever queued a delivery: where a sender looks for work.

    As with ``core.mail.tables.MailOutboxTenant``, the application role sees
    deliveries only inside a tenant's transaction.
    """

    app_privileges = ("SELECT", "INSERT", "DELETE")

    tenant_id = UUID(primary_key=True, default=None)
    first_queued_at = Timestamptz(default=TimestamptzNow())
    #: When the tenant's next item is due (None: nothing pending); set by the outbox's
    #: insert trigger and by the sender after each visit.
    next_due_at = Timestamptz(null=True, default=None)
    #: Counts inserts, so a sender's reset cannot hide an item queued during its visit.
    version = BigInt(default=0)


#: Every webhook table, for ``core.db.piccolo_app.TABLES``.
WEBHOOK_TABLES: list[type[Table]] = [
    WebhookEndpoint,
    WebhookDelivery,
    WebhookAttempt,
    WebhookOutboxTenant,
]
