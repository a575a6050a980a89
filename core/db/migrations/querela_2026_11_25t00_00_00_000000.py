"""People named on a case: access to a sealed (or restricted) case that does not expire."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-25T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "named access to a case"

SQL = """
ALTER TABLE case_access DROP CONSTRAINT case_access_kind_check;
ALTER TABLE case_access ADD CONSTRAINT case_access_kind_check
    CHECK (kind IN ('break_glass', 'named'));
ALTER TABLE case_access ALTER COLUMN expires_at DROP NOT NULL;
ALTER TABLE case_access ADD COLUMN granted_by varchar(200);
ALTER TABLE case_access ADD COLUMN revoked_at timestamptz;
ALTER TABLE case_access ADD CONSTRAINT case_access_break_glass_expires
    CHECK (kind <> 'break_glass' OR expires_at IS NOT NULL);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
