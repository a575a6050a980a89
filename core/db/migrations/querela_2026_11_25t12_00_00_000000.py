"""Retention minimums a plugin sets on a case (e.g. safeguarding records kept for decades).

The purge keeps a case for the longer of the tenant's period and its own minimum;
a case kept for good is never purged. Few cases carry one, so the next expiry of
those is computed apart from the rest.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-25T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention minimums"

SQL = """
ALTER TABLE cases
    ADD COLUMN retention_floor_days integer CHECK (retention_floor_days >= 0),
    ADD COLUMN kept_for_good boolean NOT NULL DEFAULT false,
    ADD COLUMN retention_reason varchar(300);
CREATE INDEX cases_retention_floor ON cases (tenant_id, closed_at)
    WHERE retention_floor_days IS NOT NULL OR kept_for_good;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
