"""Teams, routing rules and routing decisions per tenant; who a case is with and to
whom it was escalated."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "teams, routing rules, routing decisions, case assignment and escalation"

SQL = """
CREATE TABLE team (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    name varchar(100) NOT NULL CHECK (btrim(name) <> ''),
    -- How a new case is given to one of the team's members.
    assignment varchar(20) NOT NULL DEFAULT 'round_robin'
        CHECK (assignment IN ('round_robin', 'least_loaded')),
    -- The queue a case lands in when no rule and no plugin routes it.
    is_default boolean NOT NULL DEFAULT false,
    -- Round-robin cursor: the member who was given the last case.
    last_assigned_staff_id uuid,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
-- At most one default queue per tenant.
CREATE UNIQUE INDEX team_one_default ON team (tenant_id) WHERE is_default;

CREATE TABLE team_member (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    team_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    -- member: takes cases; supervisor: is escalated to.
    role varchar(20) NOT NULL CHECK (role IN ('member', 'supervisor')),
    absent boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, team_id, staff_id, role),
    FOREIGN KEY (tenant_id, team_id) REFERENCES team (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE routing_rule (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    -- Rules are tried in this order; the first that matches routes the case.
    position integer NOT NULL,
    name varchar(200) NOT NULL,
    -- {"categories": [...], "channels": [...], "keywords": [...], ...}; all must hold.
    conditions jsonb NOT NULL DEFAULT '{}',
    team_id uuid NOT NULL,
    assignee_staff_id uuid,
    active boolean NOT NULL DEFAULT true,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES team (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_staff_id) REFERENCES staff_member (tenant_id, id)
);

CREATE TABLE routing_decision (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    -- A rule's id, 'plugin:<name>', 'default', or 'staff' for a manual assignment.
    source varchar(200) NOT NULL,
    rule_id uuid,
    team_id uuid,
    assignee_staff_id uuid,
    reason text NOT NULL,
    decided_by varchar(200) NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, team_id) REFERENCES team (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_staff_id) REFERENCES staff_member (tenant_id, id)
);
CREATE INDEX routing_decision_case ON routing_decision (tenant_id, case_id, decided_at);

ALTER TABLE cases
    ADD COLUMN team_id uuid,
    ADD COLUMN assignee_staff_id uuid,
    ADD COLUMN escalated_to_staff_id uuid,
    ADD COLUMN escalation_reason text,
    ADD FOREIGN KEY (tenant_id, team_id) REFERENCES team (tenant_id, id),
    ADD FOREIGN KEY (tenant_id, assignee_staff_id) REFERENCES staff_member (tenant_id, id),
    ADD FOREIGN KEY (tenant_id, escalated_to_staff_id) REFERENCES staff_member (tenant_id, id);
-- Least-loaded assignment counts each member's open cases.
CREATE INDEX cases_assignee ON cases (tenant_id, assignee_staff_id, status);
CREATE INDEX cases_team ON cases (tenant_id, team_id, status);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("team", "team_member", "routing_rule", "routing_decision"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
