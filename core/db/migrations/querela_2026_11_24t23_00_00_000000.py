"""Signed checkpoints of each tenant's audit log, append-only as the log itself."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit checkpoints"

SQL = """
CREATE TABLE audit_checkpoint (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 0),
    hash varchar(64) NOT NULL,
    signed_at timestamptz NOT NULL,
    key_id varchar(16) NOT NULL,
    signature varchar(128) NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_checkpoint_seq ON audit_checkpoint (tenant_id, seq);
CREATE TRIGGER audit_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION querela_audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate
    BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION querela_audit_append_only();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("audit_checkpoint"))

    manager.add_raw(run)
    return manager
