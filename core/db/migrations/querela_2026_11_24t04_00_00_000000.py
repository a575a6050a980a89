"""Plugins: per-tenant enablement and settings; what plugins contribute to a case
(deadlines, flags, intake field values)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plugins"

SQL = """
CREATE TABLE tenant_plugin (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    plugin varchar(100) NOT NULL,
    enabled boolean NOT NULL DEFAULT false,
    settings jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, plugin)
);

ALTER TABLE cases ADD COLUMN fields jsonb NOT NULL DEFAULT '{}';

CREATE TABLE case_flag (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    -- risk: a plugin or person saw something abnormal; plugin_failure: a plugin failed on it
    kind varchar(20) NOT NULL CHECK (kind IN ('risk', 'plugin_failure')),
    source varchar(100) NOT NULL,
    code varchar(100) NOT NULL,
    message text NOT NULL,
    urgency varchar(10) NOT NULL DEFAULT 'notice' CHECK (urgency IN ('page', 'notice')),
    raised_at timestamptz NOT NULL DEFAULT now(),
    cleared_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_flag_case ON case_flag (tenant_id, case_id);

CREATE TABLE deadline (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    kind varchar(60) NOT NULL,
    label varchar(200) NOT NULL,
    due_at timestamptz NOT NULL,
    source varchar(100) NOT NULL,
    citation varchar(200) NOT NULL DEFAULT '',
    counting varchar(200) NOT NULL DEFAULT '',
    pausable boolean NOT NULL DEFAULT true,
    met_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id, kind),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX deadline_due ON deadline (tenant_id, due_at) WHERE met_at IS NULL;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("tenant_plugin", "case_flag", "deadline"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
