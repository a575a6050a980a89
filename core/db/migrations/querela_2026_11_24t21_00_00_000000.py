"""Conflict-of-interest exclusions and break-glass access, kept as rows.

Exclusions (the complaint's subjects who are staff, and whom plugins name) were
worked out when routing; kept as rows they also decide who may see a case, in
case lists as much as on the case itself. ``case_access`` holds time-limited
break-glass access. ``cases.confidentiality_floor`` is the lowest level the
case's plugins allow, below which no one may lower it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case exclusions and break-glass access"

SQL = """
ALTER TABLE cases ADD CONSTRAINT cases_confidentiality_level
    CHECK (confidentiality IN ('standard', 'restricted', 'sealed'));
ALTER TABLE cases ADD COLUMN confidentiality_floor varchar(20) NOT NULL DEFAULT 'standard'
    CHECK (confidentiality_floor IN ('standard', 'restricted', 'sealed'));
UPDATE cases SET confidentiality_floor = confidentiality;

CREATE TABLE case_exclusion (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    reason varchar(300) NOT NULL,
    source varchar(100) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id, staff_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_exclusion_staff ON case_exclusion (tenant_id, staff_id);

CREATE TABLE case_access (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    kind varchar(20) NOT NULL CHECK (kind IN ('break_glass')),
    reason varchar(1000) NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_access_staff ON case_access (tenant_id, staff_id, case_id, expires_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("case_exclusion", "case_access"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
