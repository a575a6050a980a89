"""An exclusion can be overridden: asked for with a reason, approved by a second person."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-24T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "exclusion overrides"

SQL = """
ALTER TABLE case_exclusion
    ADD COLUMN override_reason varchar(1000),
    ADD COLUMN override_requested_by varchar(200),
    ADD COLUMN override_requested_at timestamptz,
    ADD COLUMN override_approved_by varchar(200),
    ADD COLUMN overridden_at timestamptz,
    ADD CONSTRAINT case_exclusion_second_person
        CHECK (override_approved_by IS NULL OR override_approved_by <> override_requested_by);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
