"""Checkpoints sign the root of a Merkle tree over the log too, for inclusion proofs."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-25T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "merkle roots in audit checkpoints"

SQL = """
ALTER TABLE audit_checkpoint ADD COLUMN merkle_root varchar(64);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
