"""Deadlines that are shown but never chased, and when a case was first answered.

A window such as the DISP summary resolution route, or the complainant's six
months to go to the ombudsman, is a date people need to see; passing it is no
breach. Such a deadline is ``watched = false``: it gets no timer, so no reminder
and no page, and counts in no breach figure. ``met_by`` names the kinds of letter
that meet a deadline when one goes out before it is due (a holding response meets
the 8-week limit of DISP 1.6.2R).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-25T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unwatched deadlines, answered_at"

SQL = """
ALTER TABLE deadline
    ADD COLUMN watched boolean NOT NULL DEFAULT true,
    ADD COLUMN met_by varchar(40)[] NOT NULL DEFAULT '{}';
ALTER TABLE cases ADD COLUMN answered_at timestamptz;

CREATE OR REPLACE FUNCTION querela_deadline_timer_sync() RETURNS trigger
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
    IF NEW.met_at IS NOT NULL OR NOT NEW.watched THEN
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

-- The queue's "next deadline" and the supervisors' breach lists read watched deadlines only.
DROP INDEX IF EXISTS deadline_due;
CREATE INDEX deadline_due ON deadline (tenant_id, due_at) WHERE met_at IS NULL AND watched;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
