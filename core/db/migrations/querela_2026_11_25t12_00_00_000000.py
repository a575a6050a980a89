"""Retention minimums; deadlines met by a recorded fact; no page to excluded staff.

The purge keeps a case for the longer of the tenant's period and its own minimum;
a case kept for good is never purged. Few cases carry one, so the next expiry of
those is computed apart from the rest.

``querela_case_supervisors`` (who is paged about a case, and told of its breaches)
now leaves out the staff excluded from the case: the officer a PREA grievance
names, or the cleric a safeguarding concern is about, is never told of it, even
as a supervisor of its team.

A deadline may be met by recording a field (``met_by_fields``): the safeguarding
referral is met when staff record the day it was made.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-25T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "retention minimums, supervisors without excluded staff"

SQL = """
ALTER TABLE cases
    ADD COLUMN retention_floor_days integer CHECK (retention_floor_days >= 0),
    ADD COLUMN kept_for_good boolean NOT NULL DEFAULT false,
    ADD COLUMN retention_reason varchar(300);
-- A deadline met by recording a fact on the case (a referral made), not by a letter.
ALTER TABLE deadline ADD COLUMN met_by_fields varchar(60)[] NOT NULL DEFAULT '{}';

CREATE INDEX cases_retention_floor ON cases (tenant_id, closed_at)
    WHERE retention_floor_days IS NOT NULL OR kept_for_good;

CREATE OR REPLACE FUNCTION querela_case_supervisors(target uuid)
    RETURNS TABLE (staff_id uuid, email text)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
        SELECT s.id, s.email::text
        FROM cases c
        JOIN team_member m ON m.team_id = c.team_id AND m.role = 'supervisor' AND NOT m.absent
        JOIN staff_member s ON s.id = m.staff_id AND s.active
        WHERE c.id = target
          AND NOT EXISTS (SELECT 1 FROM case_exclusion x
                          WHERE x.case_id = target AND x.staff_id = s.id
                            AND x.overridden_at IS NULL)
        ORDER BY m.id;
    IF NOT FOUND THEN
        RETURN QUERY
            SELECT s.id, s.email::text FROM staff_member s
            WHERE s.active AND 'supervisor' = ANY(s.roles)
              AND NOT EXISTS (SELECT 1 FROM case_exclusion x
                              WHERE x.case_id = target AND x.staff_id = s.id
                                AND x.overridden_at IS NULL)
            ORDER BY s.id;
    END IF;
END $$;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
