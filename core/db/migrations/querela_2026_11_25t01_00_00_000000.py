"""Sealed fields: the tenants' wrapped data keys, and room for ciphertext.

Names, e-mail addresses and phone numbers of parties, every letter's text,
investigation records, the outbox's recipients and texts, and webhook signing
secrets are stored sealed
(``core.crypto.keyring``): ciphertext is longer than the text it hides, so the
columns become ``text``. E-mail and phone are found again through blind indexes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script, tenant_isolation

ID = "2026-11-25T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sealed fields and tenant data keys"

SQL = """
CREATE TABLE tenant_key (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id uuid NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    wrapped_key bytea NOT NULL,
    wrapped_index_key bytea NOT NULL,
    kek varchar(100) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, version)
);

ALTER TABLE party ALTER COLUMN display_name TYPE text;
ALTER TABLE party ALTER COLUMN email TYPE text;
ALTER TABLE party ALTER COLUMN phone TYPE text;
ALTER TABLE party ADD COLUMN email_index varchar(64);
ALTER TABLE party ADD COLUMN phone_index varchar(64);
DROP INDEX party_email;
DROP INDEX party_phone;
CREATE INDEX party_email_index ON party (tenant_id, email_index) WHERE email_index IS NOT NULL;
CREATE INDEX party_phone_index ON party (tenant_id, phone_index) WHERE phone_index IS NOT NULL;

ALTER TABLE case_record ALTER COLUMN person TYPE text;
ALTER TABLE outbox_message ALTER COLUMN to_address TYPE text;
ALTER TABLE webhook_endpoint ALTER COLUMN secret TYPE text;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)
        await execute_script(tenant_isolation("tenant_key"))

    manager.add_raw(run)
    return manager
