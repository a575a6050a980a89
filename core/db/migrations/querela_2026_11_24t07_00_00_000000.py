"""Mail: reply tokens, received messages (deduplicated by Message-ID), the
transactional outbox, and the control-plane list of tenants with an outbox."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "mail"

SQL = """
CREATE TABLE case_mail_token (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    token_hash varchar(64) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_mail_token_case ON case_mail_token (tenant_id, case_id);

CREATE TABLE inbound_email (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    message_id text NOT NULL,
    case_id uuid,
    correspondence_id uuid,
    size_bytes integer NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, message_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, correspondence_id)
        REFERENCES correspondence (tenant_id, id) ON DELETE SET NULL (correspondence_id)
);

CREATE TABLE outbox_message (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid,
    kind varchar(60) NOT NULL,
    to_address varchar(320) NOT NULL,
    subject varchar(300) NOT NULL,
    body text NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}',
    reply_token varchar(64),
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    last_error text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE SET NULL (case_id)
);
-- What a sender scans: the due, unsent mail of one tenant.
CREATE INDEX outbox_message_due ON outbox_message (tenant_id, next_attempt_at)
    WHERE sent_at IS NULL;

CREATE TABLE mail_outbox_tenant (
    tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
    first_queued_at timestamptz NOT NULL DEFAULT now()
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("case_mail_token", "inbound_email", "outbox_message"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
