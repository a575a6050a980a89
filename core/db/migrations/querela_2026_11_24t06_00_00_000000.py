"""Receipts: the complainant's key to a public submission, stored only as its hash, and the
counters that limit guessing at receipts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-24T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "receipts"

SQL = """
CREATE TABLE case_receipt (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    case_id uuid NOT NULL,
    -- hex SHA-256 of the receipt's canonical form; the receipt itself is never stored
    secret_hash varchar(64) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, secret_hash),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_receipt_case ON case_receipt (tenant_id, case_id);

-- Control plane: one client address guesses across every tenant, so its bucket is global.
CREATE TABLE receipt_attempt (
    bucket varchar(100) NOT NULL,
    window_start timestamptz NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX receipt_attempt_window ON receipt_attempt (window_start);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("case_receipt"))

    manager.add_raw(run)
    return manager
