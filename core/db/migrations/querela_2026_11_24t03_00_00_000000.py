"""Identity and the control plane: tenant lifecycle and provisioning state, staff
members with their tenant-scoped roles, staff web sessions, and login attempts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "identity and tenant lifecycle"

SQL = """
ALTER TABLE tenant DROP CONSTRAINT tenant_status_check;
ALTER TABLE tenant
    ADD CONSTRAINT tenant_status_check
        CHECK (status IN ('provisioning', 'active', 'suspended', 'pending_deletion')),
    ADD COLUMN sector varchar(40),
    ADD COLUMN admin_email varchar(320),
    ADD COLUMN keycloak_org_id varchar(64),
    ADD COLUMN provisioning_error text,
    ADD COLUMN suspended_at timestamptz,
    ADD COLUMN delete_after timestamptz,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE staff_member (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    -- Keycloak user id; empty until the person first signs in.
    subject varchar(64),
    email varchar(320) NOT NULL,
    display_name varchar(200),
    roles text[] NOT NULL DEFAULT '{}'
        CHECK (roles <@ ARRAY['handler', 'investigator', 'supervisor', 'tenant-admin', 'auditor']),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, subject),
    UNIQUE (tenant_id, email)
);

CREATE TABLE staff_session (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    -- SHA-256 of the cookie value: a stolen database copy holds no usable session.
    id varchar(64) NOT NULL,
    staff_id uuid NOT NULL,
    id_token text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE login_attempt (
    -- SHA-256 of the OAuth state; the state itself travels only through the browser.
    id varchar(64) PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    code_verifier varchar(128) NOT NULL,
    nonce varchar(64) NOT NULL,
    next_path varchar(2000) NOT NULL DEFAULT '/',
    -- Set once Keycloak has answered: SHA-256 of the one-time ticket the tenant host redeems.
    ticket varchar(64) UNIQUE,
    subject varchar(64),
    email varchar(320),
    display_name varchar(200),
    id_token text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX login_attempt_expiry ON login_attempt (expires_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("staff_member", "staff_session"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
