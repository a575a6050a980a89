"""Notifications: in-app notices to staff, outgoing webhooks with their delivery log, and
the control-plane list of tenants with webhook deliveries (where a sender looks for work)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications and webhooks"

SQL = """
CREATE TABLE notification (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    staff_id uuid NOT NULL,
    kind varchar(60) NOT NULL,
    case_id uuid,
    subject varchar(300) NOT NULL,
    body text NOT NULL,
    link varchar(300),
    urgent boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
-- What a person's list reads: their notices, unread first, newest first.
CREATE INDEX notification_inbox ON notification (tenant_id, staff_id, read_at, created_at);

CREATE TABLE webhook_endpoint (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    url varchar(2000) NOT NULL,
    -- Kept in clear: the sender needs it to sign every delivery.
    secret varchar(100) NOT NULL,
    events text[] NOT NULL,
    description varchar(200) NOT NULL DEFAULT '',
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_delivery (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    event varchar(60) NOT NULL,
    case_id uuid,
    -- The exact bytes that are signed and posted, fixed when the event happened.
    body text NOT NULL,
    state varchar(10) NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    last_status_code integer,
    last_error text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoint (tenant_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE SET NULL (case_id)
);
-- What a sender scans: the due, pending deliveries of one tenant.
CREATE INDEX webhook_delivery_due ON webhook_delivery (tenant_id, next_attempt_at)
    WHERE state = 'pending';
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (tenant_id, endpoint_id, created_at);

CREATE TABLE webhook_attempt (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    delivery_id uuid NOT NULL,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code integer,
    error text,
    duration_ms integer NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_delivery (tenant_id, id)
        ON DELETE CASCADE
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (tenant_id, delivery_id, attempt);

CREATE TABLE webhook_outbox_tenant (
    tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
    first_queued_at timestamptz NOT NULL DEFAULT now()
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("notification", "webhook_endpoint", "webhook_delivery", "webhook_attempt"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
