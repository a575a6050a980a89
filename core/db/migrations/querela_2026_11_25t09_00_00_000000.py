"""A tenant's branding on its public pages, and browser sessions of the platform's operators."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-25T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant branding, platform sign-in"

SQL = """
CREATE TABLE tenant_branding (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    display_name varchar(200),
    primary_colour varchar(7) CHECK (primary_colour ~ '^#[0-9a-f]{6}$'),
    accent_colour varchar(7) CHECK (accent_colour ~ '^#[0-9a-f]{6}$'),
    -- Public, so not sealed; PNG, JPEG or WebP only (never SVG, which can carry script).
    logo bytea CHECK (octet_length(logo) <= 524288),
    logo_type varchar(20) CHECK (logo_type IN ('image/png', 'image/jpeg', 'image/webp')),
    -- Bumped on every change: the stylesheet's and the logo's ETag.
    version integer NOT NULL DEFAULT 1,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((logo IS NULL) = (logo_type IS NULL)),
    PRIMARY KEY (tenant_id, id),
    -- One row per tenant.
    UNIQUE (tenant_id)
);

-- The platform's own host has no tenant: its operators' sign-ins and sessions live here.
CREATE TABLE platform_login_attempt (
    -- SHA-256 of the OAuth state.
    id varchar(64) PRIMARY KEY,
    code_verifier varchar(128) NOT NULL,
    nonce varchar(64) NOT NULL,
    next_path varchar(2000) NOT NULL DEFAULT '/platform/tenants',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX platform_login_attempt_expiry ON platform_login_attempt (expires_at);

CREATE TABLE platform_session (
    -- SHA-256 of the cookie value.
    id varchar(64) PRIMARY KEY,
    subject varchar(64) NOT NULL,
    email varchar(320),
    display_name varchar(200),
    platform_admin boolean NOT NULL,
    id_token text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX platform_session_expiry ON platform_session (expires_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("tenant_branding"))

    manager.add_raw(run)
    return manager
