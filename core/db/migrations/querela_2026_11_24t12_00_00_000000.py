"""The tenant's own taxonomy: the categories, causes and products its cases are filed under."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant taxonomy"

SQL = """
CREATE TABLE taxonomy_term (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    -- category | cause | product
    kind varchar(20) NOT NULL CHECK (kind IN ('category', 'cause', 'product')),
    code varchar(100) NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_.-]*$'),
    label varchar(200) NOT NULL,
    parent varchar(100),
    -- A retired term stays on the cases filed under it but is offered no more.
    active boolean NOT NULL DEFAULT true,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, kind, code)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("taxonomy_term"))

    manager.add_raw(run)
    return manager
