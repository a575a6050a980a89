"""The complaint's life: investigation tasks and records, decisions and their review,
appeals with levels, letter templates per tenant and language, satisfaction surveys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "case lifecycle"

SQL = """
ALTER TABLE cases
    ADD COLUMN appeal_level integer NOT NULL DEFAULT 0,
    ADD COLUMN status_before_pause varchar(30),
    ADD COLUMN closed_at timestamptz;

CREATE TABLE case_task (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    title varchar(200) NOT NULL,
    owner_staff_id uuid,
    due_at timestamptz,
    done_at timestamptz,
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, owner_staff_id) REFERENCES staff_member (tenant_id, id)
);
CREATE INDEX case_task_case ON case_task (tenant_id, case_id);

CREATE TABLE case_record (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    kind varchar(20) NOT NULL CHECK (kind IN ('interview', 'statement', 'note', 'evidence')),
    title varchar(200) NOT NULL,
    body text NOT NULL DEFAULT '',
    -- Who was interviewed or gave the statement.
    person varchar(200),
    -- internal: staff only; shared: may be shown to the complainant.
    visibility varchar(10) NOT NULL DEFAULT 'internal' CHECK (visibility IN ('internal', 'shared')),
    sha256 varchar(64),
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_record_case ON case_record (tenant_id, case_id, created_at);

CREATE TABLE case_decision (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    -- 0 for the first decision, n for the decision at appeal level n.
    level integer NOT NULL DEFAULT 0,
    outcome varchar(20) NOT NULL CHECK (outcome IN ('upheld', 'partly_upheld', 'not_upheld')),
    redress text NOT NULL DEFAULT '',
    actions text NOT NULL DEFAULT '',
    root_cause text NOT NULL DEFAULT '',
    measures text NOT NULL DEFAULT '',
    state varchar(10) NOT NULL DEFAULT 'proposed'
        CHECK (state IN ('proposed', 'returned', 'approved')),
    proposed_by varchar(200) NOT NULL,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    reviewed_by varchar(200),
    reviewed_at timestamptz,
    review_comment text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_decision_case ON case_decision (tenant_id, case_id, proposed_at);

CREATE TABLE case_appeal (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    level integer NOT NULL CHECK (level > 0),
    reason text NOT NULL,
    opened_by varchar(200) NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    handler_staff_id uuid,
    due_at timestamptz,
    decided_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id, level),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, handler_staff_id) REFERENCES staff_member (tenant_id, id)
);

CREATE TABLE letter_template (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    kind varchar(40) NOT NULL,
    language varchar(8) NOT NULL,
    subject varchar(300) NOT NULL,
    body text NOT NULL,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, kind, language)
);

CREATE TABLE case_survey (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    score integer NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment text NOT NULL DEFAULT '',
    answered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
"""

TABLES = (
    "case_task",
    "case_record",
    "case_decision",
    "case_appeal",
    "letter_template",
    "case_survey",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        for table in TABLES:
            await execute_script(tenant_isolation(table))

    manager.add_raw(run)
    return manager
