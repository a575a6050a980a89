"""The core's own acknowledgement and final-response deadlines, clock stops while a
case is on hold, and extensions granted with a reason."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deadline counting, clock stops, extensions"

SQL = """
-- How the core counts a case's acknowledgement and final-response deadlines.
ALTER TABLE case_policy
    ADD COLUMN acknowledgement_days integer NOT NULL DEFAULT 3
        CHECK (acknowledgement_days BETWEEN 1 AND 365),
    ADD COLUMN acknowledgement_counting varchar(10) NOT NULL DEFAULT 'business'
        CHECK (acknowledgement_counting IN ('business', 'calendar')),
    ADD COLUMN response_days integer NOT NULL DEFAULT 56 CHECK (response_days BETWEEN 1 AND 3650),
    ADD COLUMN response_counting varchar(10) NOT NULL DEFAULT 'calendar'
        CHECK (response_counting IN ('business', 'calendar')),
    -- The holidays library's codes; '' for a country without subdivisions.
    ADD COLUMN holiday_country varchar(2) NOT NULL DEFAULT 'GB',
    ADD COLUMN holiday_subdivision varchar(10) NOT NULL DEFAULT 'ENG';

-- due_at stays the effective due time. original_due_at keeps the first one once it moves;
-- paused_since is set while the case is on hold, and due_at moves by the stop on resume.
ALTER TABLE deadline
    ADD COLUMN original_due_at timestamptz,
    ADD COLUMN paused_since timestamptz;

CREATE TABLE deadline_pause (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    reason text NOT NULL CHECK (length(btrim(reason)) > 0),
    started_at timestamptz NOT NULL,
    started_by varchar(200) NOT NULL,
    ended_at timestamptz CHECK (ended_at >= started_at),
    ended_by varchar(200),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
-- A case's clock stops once at a time.
CREATE UNIQUE INDEX deadline_pause_open ON deadline_pause (tenant_id, case_id)
    WHERE ended_at IS NULL;
CREATE INDEX deadline_pause_case ON deadline_pause (tenant_id, case_id, started_at);

CREATE TABLE deadline_extension (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    deadline_id uuid NOT NULL,
    previous_due_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL CHECK (due_at > previous_due_at),
    reason text NOT NULL CHECK (length(btrim(reason)) > 0),
    granted_by varchar(200) NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, deadline_id) REFERENCES deadline (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX deadline_extension_deadline ON deadline_extension (tenant_id, deadline_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("deadline_pause", "deadline_extension"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
