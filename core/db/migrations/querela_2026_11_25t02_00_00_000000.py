"""Identity escrow: protected parties, and requests to reveal who they are."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-25T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "identity escrow"

SQL = """
ALTER TABLE party ADD COLUMN protected boolean NOT NULL DEFAULT false;

CREATE TABLE identity_reveal (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    party_id uuid NOT NULL,
    requested_by uuid NOT NULL,
    requested_by_actor varchar(200) NOT NULL,
    reason text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    status varchar(10) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by varchar(200),
    decision_note text,
    decided_at timestamptz,
    expires_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, party_id) REFERENCES party (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, requested_by) REFERENCES staff_member (tenant_id, id)
        ON DELETE CASCADE,
    -- A second person decides: never the one who asked.
    CHECK (decided_by IS NULL OR decided_by <> requested_by_actor),
    CHECK ((status = 'approved') = (expires_at IS NOT NULL))
);
CREATE INDEX identity_reveal_case ON identity_reveal (tenant_id, case_id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("identity_reveal"))

    manager.add_raw(run)
    return manager
