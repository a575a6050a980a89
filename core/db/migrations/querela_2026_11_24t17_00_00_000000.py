"""A deadline whose due time moves (an extension, a clock stop) gets a new round of
reminders and, if it runs out again, a new breach: a stage fires once per due time."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-24T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deadline firings once per stage and due time"

SQL = """
ALTER TABLE deadline_firing DROP CONSTRAINT deadline_firing_tenant_id_deadline_id_stage_key;
ALTER TABLE deadline_firing
    ADD CONSTRAINT deadline_firing_once UNIQUE (tenant_id, deadline_id, stage, due_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
