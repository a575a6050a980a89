"""Deadline reminders and breaches: the tenant's reminder points, the record of every
firing, and the control-plane timer index a worker finds due deadlines by.

The application role may read ``deadline_timer`` but not write it: a trigger on
``deadline`` (SECURITY DEFINER, owned by the migration owner) keeps it in step,
and a worker claims and moves timers only through the two functions below. The
move function touches only timers of the tenant the transaction is scoped to, so
one tenant's work cannot delay or drop another tenant's reminders.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deadline reminders, firings and the timer index"

SQL = """
-- Hours before due at which staff are reminded; the breach fires at due_at itself.
ALTER TABLE case_policy
    ADD COLUMN reminder_hours integer[] NOT NULL DEFAULT '{72,24}'
        CHECK (cardinality(reminder_hours) <= 5
               AND 1 <= ALL (reminder_hours) AND 720 >= ALL (reminder_hours));

-- One row per reminder or breach that fired: the unique key makes a second firing of
-- the same stage impossible, whichever worker tries and however often it crashed.
CREATE TABLE deadline_firing (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    deadline_id uuid NOT NULL,
    case_id uuid NOT NULL,
    -- reminder_<hours>h | breach
    stage varchar(30) NOT NULL CHECK (stage ~ '^(reminder_[0-9]+h|breach)$'),
    -- The due time the firing was computed against (due_at can move later).
    due_at timestamptz NOT NULL,
    fired_at timestamptz NOT NULL,
    worker varchar(200) NOT NULL,
    -- Staff the notice reached.
    notified integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, deadline_id, stage),
    FOREIGN KEY (tenant_id, deadline_id) REFERENCES deadline (tenant_id, id) ON DELETE CASCADE
);

-- Every open deadline of every tenant, by when a worker must next look at it.
CREATE TABLE deadline_timer (
    tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    deadline_id uuid NOT NULL,
    case_id uuid NOT NULL,
    due_at timestamptz NOT NULL,
    next_fire_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, deadline_id)
);
CREATE INDEX deadline_timer_next ON deadline_timer (next_fire_at);

-- An open deadline is first looked at 720 hours (the longest reminder a policy may set)
-- before it is due; the worker then moves it to the tenant's actual next point. The
-- trigger thus needs no tenant policy and stays right when the policy changes.
CREATE FUNCTION querela_deadline_timer_sync() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM deadline_timer WHERE tenant_id = OLD.tenant_id AND deadline_id = OLD.id;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.due_at IS NOT DISTINCT FROM NEW.due_at
            AND OLD.met_at IS NOT DISTINCT FROM NEW.met_at THEN
        RETURN NEW;
    END IF;
    IF NEW.met_at IS NOT NULL THEN
        DELETE FROM deadline_timer WHERE tenant_id = NEW.tenant_id AND deadline_id = NEW.id;
    ELSE
        INSERT INTO deadline_timer (tenant_id, deadline_id, case_id, due_at, next_fire_at)
        VALUES (NEW.tenant_id, NEW.id, NEW.case_id, NEW.due_at, NEW.due_at - interval '720 hours')
        ON CONFLICT (tenant_id, deadline_id) DO UPDATE
            SET case_id = EXCLUDED.case_id, due_at = EXCLUDED.due_at,
                next_fire_at = EXCLUDED.next_fire_at;
    END IF;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION querela_deadline_timer_sync() FROM PUBLIC;

CREATE TRIGGER deadline_timer_sync
    AFTER INSERT OR UPDATE OF due_at, met_at OR DELETE ON deadline
    FOR EACH ROW EXECUTE FUNCTION querela_deadline_timer_sync();

-- Deadlines already open when this migration runs. The owner, too, sees tenant rows
-- only under forced row-level security; lifting it inside this transaction is seen by
-- no one else.
ALTER TABLE deadline NO FORCE ROW LEVEL SECURITY;
INSERT INTO deadline_timer (tenant_id, deadline_id, case_id, due_at, next_fire_at)
SELECT tenant_id, id, case_id, due_at, due_at - interval '720 hours'
FROM deadline WHERE met_at IS NULL;
ALTER TABLE deadline FORCE ROW LEVEL SECURITY;

-- Locks the claimed rows in the caller's transaction until it ends; SKIP LOCKED lets
-- other workers take the rest. Suspended tenants are left until they resume.
CREATE FUNCTION querela_claim_deadline_timers(due_by timestamptz, batch integer)
    RETURNS TABLE (tenant_id uuid, deadline_id uuid, case_id uuid, due_at timestamptz,
                   next_fire_at timestamptz)
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.tenant_id, t.deadline_id, t.case_id, t.due_at, t.next_fire_at
    FROM deadline_timer t
    JOIN tenant ON tenant.id = t.tenant_id AND tenant.status = 'active'
    WHERE t.next_fire_at <= due_by
    ORDER BY t.next_fire_at
    LIMIT batch
    FOR UPDATE OF t SKIP LOCKED
$$;

-- Moves (or, for a NULL time, deletes) timers of the transaction's own tenant only.
CREATE FUNCTION querela_move_deadline_timers(deadline_ids uuid[], next_fire timestamptz[])
    RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE deadline_timer t SET next_fire_at = m.next_fire_at
    FROM unnest(deadline_ids, next_fire) AS m (deadline_id, next_fire_at)
    WHERE t.tenant_id = querela_current_tenant() AND t.deadline_id = m.deadline_id
      AND m.next_fire_at IS NOT NULL;
    DELETE FROM deadline_timer t
    USING unnest(deadline_ids, next_fire) AS m (deadline_id, next_fire_at)
    WHERE t.tenant_id = querela_current_tenant() AND t.deadline_id = m.deadline_id
      AND m.next_fire_at IS NULL;
$$;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("deadline_firing"))

    manager.add_raw(run)
    return manager
