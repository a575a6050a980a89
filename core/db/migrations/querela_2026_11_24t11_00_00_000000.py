"""Case-handling policy per tenant, links between cases (possible duplicates), who
entered a complaint and how it arrived, and the appeal ladder a case follows."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case policy, case links, intake provenance, appeal levels"

SQL = """
CREATE TABLE case_policy (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    -- A proposed decision needs a reviewer's approval before the response goes out.
    approval_required boolean NOT NULL DEFAULT true,
    -- Acknowledge every new complaint at once, from the tenant's template.
    auto_acknowledge boolean NOT NULL DEFAULT false,
    -- How far back a new complaint is compared with the same sender's earlier ones.
    duplicate_window_hours integer NOT NULL DEFAULT 72
        CHECK (duplicate_window_hours BETWEEN 0 AND 2160),
    -- The appeal ladder used when no plugin sets one.
    appeal_levels integer NOT NULL DEFAULT 2 CHECK (appeal_levels BETWEEN 0 AND 5),
    appeal_window_days integer NOT NULL DEFAULT 60 CHECK (appeal_window_days BETWEEN 1 AND 3650),
    appeal_response_days integer NOT NULL DEFAULT 56
        CHECK (appeal_response_days BETWEEN 1 AND 3650),
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id)
);

CREATE TABLE case_link (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    linked_case_id uuid NOT NULL CHECK (linked_case_id <> case_id),
    -- possible_duplicate: found at intake; related: linked by staff.
    kind varchar(20) NOT NULL CHECK (kind IN ('possible_duplicate', 'related')),
    similarity real CHECK (similarity BETWEEN 0 AND 1),
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id, linked_case_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, linked_case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_link_linked ON case_link (tenant_id, linked_case_id);

-- Who put the complaint into the system (a person, the mail listener, the public
-- form, an integration's key) and anything said about how it arrived.
ALTER TABLE cases
    ADD COLUMN entered_by varchar(200) NOT NULL DEFAULT 'unknown',
    ADD COLUMN arrival_note varchar(500);
ALTER TABLE cases ALTER COLUMN entered_by DROP DEFAULT;

-- Finding a sender's earlier complaints quickly.
CREATE INDEX party_email ON party (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX party_phone ON party (tenant_id, phone) WHERE phone IS NOT NULL;

ALTER TABLE case_appeal
    ADD COLUMN name varchar(200) NOT NULL DEFAULT '',
    ADD COLUMN citation varchar(200) NOT NULL DEFAULT '',
    ADD COLUMN handler_role varchar(40) NOT NULL DEFAULT 'supervisor',
    ADD COLUMN decided_by varchar(200);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("case_policy", "case_link"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
