"""Attachments: the chain-of-custody record of every file on a case."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T08:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "attachments"

SQL = """
CREATE TABLE attachment (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    purpose varchar(10) NOT NULL CHECK (purpose IN ('attachment', 'evidence')),
    storage_key varchar(200) NOT NULL,
    filename varchar(255) NOT NULL,
    media_type varchar(100) NOT NULL,
    size bigint NOT NULL CHECK (size > 0),
    sha256 varchar(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by varchar(200) NOT NULL,
    uploaded_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, storage_key),
    -- No cascade: evidence must not vanish with a case; a tenant purge deletes children first.
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX attachment_case ON attachment (tenant_id, case_id, id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("attachment"))

    manager.add_raw(run)
    return manager
