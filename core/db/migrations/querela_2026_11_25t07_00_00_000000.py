"""Quality review: closed cases drawn at random, and a supervisor's scorecard of each."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-25T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "quality review of handled cases"

SQL = """
CREATE TABLE quality_review (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    sampled_by varchar(200) NOT NULL,
    sampled_at timestamptz NOT NULL DEFAULT now(),
    handler_staff_id uuid,
    reviewer_staff_id uuid,
    scores jsonb NOT NULL DEFAULT '{}',
    comment text NOT NULL DEFAULT '',
    handler_comment text NOT NULL DEFAULT '',
    state varchar(10) NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'final')),
    reviewed_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    -- One scorecard per case: a case once drawn is never drawn again.
    UNIQUE (tenant_id, case_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, handler_staff_id) REFERENCES staff_member (tenant_id, id),
    FOREIGN KEY (tenant_id, reviewer_staff_id) REFERENCES staff_member (tenant_id, id)
);
CREATE INDEX quality_review_sampled ON quality_review (tenant_id, sampled_at);
CREATE INDEX quality_review_handler ON quality_review (tenant_id, handler_staff_id)
    WHERE state = 'final';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("quality_review"))

    manager.add_raw(run)
    return manager
