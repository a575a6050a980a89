"""Sealed files: each attachment's content key, sealed with the tenant's data key."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-25T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "attachment content keys"

SQL = """
CREATE TABLE attachment_key (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    file_key text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, id) REFERENCES attachment (tenant_id, id) ON DELETE CASCADE
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("attachment_key"))

    manager.add_raw(run)
    return manager
