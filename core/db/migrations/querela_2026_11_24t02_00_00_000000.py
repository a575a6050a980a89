"""Foundation: the tenant registry, cases with their parties and correspondence,
reference counters and the audit log, all tenant tables under forced row-level security."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "foundation"

SQL = """
CREATE FUNCTION querela_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('querela.tenant_id', true), '')::uuid $$;

CREATE TABLE tenant (
    id uuid PRIMARY KEY,
    slug varchar(63) NOT NULL UNIQUE
        CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    name varchar(200) NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspended', 'provisioning')),
    reference_prefix varchar(12) NOT NULL DEFAULT 'Q' CHECK (reference_prefix ~ '^[A-Z0-9]{1,12}$'),
    timezone varchar(64) NOT NULL DEFAULT 'UTC',
    default_language varchar(8) NOT NULL DEFAULT 'en',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cases (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    reference varchar(40) NOT NULL,
    status varchar(30) NOT NULL DEFAULT 'received',
    channel varchar(20) NOT NULL,
    subject varchar(200) NOT NULL,
    category varchar(100),
    severity varchar(20) NOT NULL DEFAULT 'normal',
    confidentiality varchar(20) NOT NULL DEFAULT 'standard',
    language varchar(8) NOT NULL DEFAULT 'en',
    received_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, reference)
);
CREATE INDEX cases_received ON cases (tenant_id, received_at DESC);

CREATE TABLE party (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    role varchar(20) NOT NULL
        CHECK (role IN ('complainant', 'representative', 'subject', 'witness')),
    display_name varchar(200),
    email varchar(320),
    phone varchar(40),
    anonymous boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX party_case ON party (tenant_id, case_id);

CREATE TABLE correspondence (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    direction varchar(10) NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
    channel varchar(20) NOT NULL,
    body text NOT NULL,
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX correspondence_case ON correspondence (tenant_id, case_id, occurred_at);

CREATE TABLE reference_counter (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    scope varchar(20) NOT NULL,
    period integer NOT NULL,
    value bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, scope, period)
);

CREATE TABLE audit_event (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    occurred_at timestamptz NOT NULL,
    actor varchar(200) NOT NULL,
    action varchar(100) NOT NULL,
    case_id uuid,
    detail jsonb NOT NULL DEFAULT '{}',
    prev_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_event_case ON audit_event (tenant_id, case_id) WHERE case_id IS NOT NULL;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in ("cases", "party", "correspondence", "reference_counter", "audit_event"):
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
