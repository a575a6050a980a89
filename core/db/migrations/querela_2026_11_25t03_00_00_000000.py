"""Retention: periods per tenant and category, legal holds, and the purge's schedule.

A closed case is deleted once its period, counted from ``closed_at``, has run
out, unless a legal hold keeps it. The purge runs as the application role, so
the database holds the lines it must not cross:

- ``cases`` refuses to lose a case under an active legal hold, to anyone;
- the application role may still not delete attachment records (evidence), save
  through ``querela_retention_drop_attachments``, which takes only those of closed
  cases of the transaction's own tenant that no hold keeps;
- ``retention_schedule`` says which tenants the purge must visit and when. The
  application role only reads it: a trigger brings a tenant's time forward when a
  case closes, and ``querela_retention_reschedule`` moves the transaction's own
  tenant's time after a visit. Both take the tenant's audit lock before the row's,
  as every writer of the tenant takes them (see ``querela_2026_11_24t19``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-25T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention periods, legal holds and the retention purge"

SQL = """
CREATE TABLE retention_policy (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    -- Days after closing; NULL keeps closed cases for good.
    default_days integer CHECK (default_days BETWEEN 30 AND 36500),
    -- Category code -> days (or null: for good), instead of the default.
    days_by_category jsonb NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(days_by_category) = 'object'),
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id)
);

CREATE TABLE legal_hold (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    reason varchar(1000) NOT NULL,
    placed_by varchar(200) NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now(),
    released_by varchar(200),
    released_reason varchar(1000),
    released_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK ((released_at IS NULL) = (released_by IS NULL)
           AND (released_at IS NULL) = (released_reason IS NULL)),
    -- A case under an active hold cannot be deleted (the trigger below); the cascade takes
    -- released holds with their case, and lets a tenant purge go in foreign-key order.
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX legal_hold_case ON legal_hold (tenant_id, case_id, placed_at);

CREATE FUNCTION querela_legal_hold_keeps_case() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM legal_hold h
               WHERE h.tenant_id = OLD.tenant_id AND h.case_id = OLD.id
                 AND h.released_at IS NULL) THEN
        RAISE EXCEPTION 'case % is under a legal hold: DELETE refused', OLD.reference
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'release every legal hold on the case first';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER cases_legal_hold BEFORE DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION querela_legal_hold_keeps_case();

-- What the purge reads, per rule: a tenant's closed cases, oldest first, for the default
-- period and for each category with a period of its own.
CREATE INDEX cases_closed ON cases (tenant_id, closed_at) WHERE status = 'closed';
CREATE INDEX cases_closed_category ON cases (tenant_id, category, closed_at)
    WHERE status = 'closed';

-- Deleting a case reaches every row that refers to it, through the cascades and the
-- purge's own deletes; each such table finds those rows by the case, not by a scan of
-- the tenant's rows. (The other tables' keys or indexes already begin with the case.)
CREATE INDEX inbound_email_case ON inbound_email (tenant_id, case_id) WHERE case_id IS NOT NULL;
CREATE INDEX outbox_message_case ON outbox_message (tenant_id, case_id)
    WHERE case_id IS NOT NULL;
CREATE INDEX webhook_delivery_case ON webhook_delivery (tenant_id, case_id)
    WHERE case_id IS NOT NULL;
CREATE INDEX notification_case ON notification (tenant_id, case_id) WHERE case_id IS NOT NULL;
CREATE INDEX case_access_case ON case_access (tenant_id, case_id);
CREATE INDEX deadline_extension_case ON deadline_extension (tenant_id, case_id);

CREATE TABLE retention_schedule (
    tenant_id uuid PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
    next_check_at timestamptz
);
CREATE INDEX retention_schedule_due ON retention_schedule (next_check_at)
    WHERE next_check_at IS NOT NULL;

-- A closing case may expire after the shortest period any policy allows (30 days,
-- core.retention.services.MIN_DAYS); the trigger needs no policy, and the purge's first
-- visit moves the time to the tenant's real next expiry.
CREATE FUNCTION querela_retention_case_closed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || NEW.tenant_id::text, 0));
    INSERT INTO retention_schedule AS s (tenant_id, next_check_at)
    VALUES (NEW.tenant_id, NEW.closed_at + interval '30 days')
    ON CONFLICT (tenant_id) DO UPDATE
        SET next_check_at = LEAST(s.next_check_at, EXCLUDED.next_check_at);
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION querela_retention_case_closed() FROM PUBLIC;
CREATE TRIGGER cases_retention_schedule
    AFTER INSERT OR UPDATE OF closed_at ON cases
    FOR EACH ROW WHEN (NEW.closed_at IS NOT NULL)
    EXECUTE FUNCTION querela_retention_case_closed();

-- When the transaction's own tenant must next be visited (NULL: not until a case closes).
CREATE FUNCTION querela_retention_reschedule(next_check timestamptz) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF querela_current_tenant() IS NULL THEN
        RAISE EXCEPTION 'querela_retention_reschedule needs a tenant transaction';
    END IF;
    PERFORM pg_advisory_xact_lock(
        hashtextextended('audit:' || querela_current_tenant()::text, 0));
    INSERT INTO retention_schedule AS s (tenant_id, next_check_at)
    VALUES (querela_current_tenant(), next_check)
    ON CONFLICT (tenant_id) DO UPDATE SET next_check_at = EXCLUDED.next_check_at;
END $$;

CREATE FUNCTION querela_retention_drop_attachments(case_ids uuid[])
    RETURNS TABLE (case_id uuid, storage_key varchar)
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DELETE FROM attachment a
    USING cases c
    WHERE a.tenant_id = querela_current_tenant() AND a.case_id = ANY(case_ids)
      AND c.tenant_id = a.tenant_id AND c.id = a.case_id
      AND c.status = 'closed' AND c.closed_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM legal_hold h
                      WHERE h.tenant_id = c.tenant_id AND h.case_id = c.id
                        AND h.released_at IS NULL)
    RETURNING a.case_id, a.storage_key
$$;

-- Tenants that already have closed cases are looked at on the purge's first loop. The
-- owner, too, sees tenant rows only under forced row-level security; lifting it inside
-- this transaction is seen by no one else.
ALTER TABLE cases NO FORCE ROW LEVEL SECURITY;
INSERT INTO retention_schedule (tenant_id, next_check_at)
SELECT DISTINCT tenant_id, now() FROM cases WHERE closed_at IS NOT NULL;
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("retention_policy", "legal_hold"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
