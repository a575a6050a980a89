"""Audit events cannot be changed or removed, by anyone who leaves the triggers on.

The application role has only SELECT and INSERT on ``audit_event``; these
triggers refuse UPDATE, DELETE and TRUNCATE to every role, the owner included,
so a mistaken statement or script cannot rewrite history either. One exception:
the rows of a tenant pending deletion go with the tenant (``querela tenants
purge``, which deletes only once the grace period is over). Someone who can
drop the triggers can still tamper, and ``querela audit verify`` then names the
first event that no longer holds.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-24T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log append-only"

SQL = """
CREATE FUNCTION querela_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM tenant
        WHERE id = OLD.tenant_id AND status = 'pending_deletion'
    ) THEN
        RETURN OLD;  -- the tenant is being purged: its log goes with it
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'an audit event is never changed or removed; record a new one';
END $$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION querela_audit_append_only();
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION querela_audit_append_only();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
