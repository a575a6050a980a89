"""API keys: scoped, revocable credentials for integrations, stored as hashes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "api keys"

SQL = """
CREATE TABLE api_key (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    name varchar(100) NOT NULL CHECK (btrim(name) <> ''),
    prefix varchar(16) NOT NULL,
    secret_hash varchar(64) NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    -- Which scopes exist is the code's list; a key without any would be useless.
    scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    revoked_by varchar(200),
    last_used_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    -- Also the index a request's key is looked up by.
    UNIQUE (tenant_id, secret_hash),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("api_key"))

    manager.add_raw(run)
    return manager
