"""The outbox senders visit only the tenants with something due.

``mail_outbox_tenant`` and ``webhook_outbox_tenant`` listed every tenant that had
ever queued anything, and a sender visited each of them on every loop: with ten
thousand tenants, ten thousand transactions a loop for mostly nothing. Each row
now carries when its tenant's next message (delivery) is due, kept by a trigger
on every insert into the outbox, and reset by the sender after its visit.

A sender's reset must not hide a message queued while it was busy. The trigger
and the reset (``querela_mail_reschedule``) both take the tenant's audit lock
before the index row's, as every writer of the tenant takes them: the reset waits
for a queuing transaction in flight and then sees its message, and a queuer that
comes later lowers the time again after the reset. The trigger also counts
(``version``), and the reset applies only if the count is the one the sender saw
before its visit, so it never overwrites a time set during the visit.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-24T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox senders visit due tenants only"

_INDEX = """
ALTER TABLE {index}
    ADD COLUMN next_due_at timestamptz, ADD COLUMN version bigint NOT NULL DEFAULT 0;
-- Every listed tenant is looked at once; its first visit sets the real time.
UPDATE {index} SET next_due_at = now();
CREATE INDEX {index}_due ON {index} (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE FUNCTION querela_{index}_queued() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || q.tenant_id::text, 0))
    FROM (SELECT DISTINCT tenant_id FROM added ORDER BY tenant_id) q;
    INSERT INTO {index} AS i (tenant_id, next_due_at)
    SELECT tenant_id, min(next_attempt_at) FROM added GROUP BY tenant_id ORDER BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE
        SET next_due_at = LEAST(i.next_due_at, EXCLUDED.next_due_at), version = i.version + 1;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION querela_{index}_queued() FROM PUBLIC;
CREATE TRIGGER {index}_queued AFTER INSERT ON {outbox}
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION querela_{index}_queued();

-- A pending item made due earlier than its tenant's listed time (a retry brought
-- forward) lowers that time. Later times (leases, backoff) change nothing here: the
-- sender that set them reschedules after its visit.
CREATE FUNCTION querela_{index}_moved() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || q.tenant_id::text, 0))
    FROM (SELECT DISTINCT m.tenant_id FROM moved m
          JOIN {index} i ON i.tenant_id = m.tenant_id
          WHERE m.{pending} AND (i.next_due_at IS NULL OR m.next_attempt_at < i.next_due_at)
          ORDER BY m.tenant_id) q;
    UPDATE {index} i SET next_due_at = earliest.due
    FROM (SELECT tenant_id, min(next_attempt_at) AS due FROM moved WHERE {pending}
          GROUP BY tenant_id) earliest
    WHERE i.tenant_id = earliest.tenant_id
      AND (i.next_due_at IS NULL OR earliest.due < i.next_due_at);
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION querela_{index}_moved() FROM PUBLIC;
CREATE TRIGGER {index}_moved AFTER UPDATE ON {outbox}
    REFERENCING NEW TABLE AS moved FOR EACH STATEMENT
    EXECUTE FUNCTION querela_{index}_moved();
"""

SQL = (
    _INDEX.format(index="mail_outbox_tenant", outbox="outbox_message", pending="sent_at IS NULL")
    + _INDEX.format(
        index="webhook_outbox_tenant", outbox="webhook_delivery", pending="state = 'pending'"
    )
    + """
-- After a visit: when the transaction's own tenant has mail due next (none: NULL), unless
-- something was queued since the sender read ``seen``.
CREATE FUNCTION querela_mail_reschedule(seen bigint, max_attempts integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(
        hashtextextended('audit:' || querela_current_tenant()::text, 0));
    UPDATE mail_outbox_tenant
    SET next_due_at = (SELECT min(m.next_attempt_at) FROM outbox_message m
                       WHERE m.tenant_id = querela_current_tenant() AND m.sent_at IS NULL
                         AND m.attempts < max_attempts)
    WHERE tenant_id = querela_current_tenant() AND version = seen;
END $$;

CREATE FUNCTION querela_webhook_reschedule(seen bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(
        hashtextextended('audit:' || querela_current_tenant()::text, 0));
    UPDATE webhook_outbox_tenant
    SET next_due_at = (SELECT min(d.next_attempt_at) FROM webhook_delivery d
                       WHERE d.tenant_id = querela_current_tenant() AND d.state = 'pending')
    WHERE tenant_id = querela_current_tenant() AND version = seen;
END $$;

-- The trigger lists the tenant now; the worker's batch writes no index rows itself.
CREATE OR REPLACE FUNCTION querela_worker_apply_tenant(item jsonb)
    RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('querela.tenant_id', item->>'tenant_id', true);
    IF jsonb_array_length(item->'deadline_firing') > 0 THEN
        INSERT INTO deadline_firing SELECT * FROM
            jsonb_populate_recordset(NULL::deadline_firing, item->'deadline_firing');
    END IF;
    IF jsonb_array_length(item->'notification') > 0 THEN
        INSERT INTO notification SELECT * FROM
            jsonb_populate_recordset(NULL::notification, item->'notification');
    END IF;
    IF jsonb_array_length(item->'outbox_message') > 0 THEN
        INSERT INTO outbox_message SELECT * FROM
            jsonb_populate_recordset(NULL::outbox_message, item->'outbox_message');
    END IF;
    IF jsonb_array_length(item->'case_flag') > 0 THEN
        INSERT INTO case_flag SELECT * FROM
            jsonb_populate_recordset(NULL::case_flag, item->'case_flag');
    END IF;
    IF jsonb_array_length(item->'audit_event') > 0 THEN
        INSERT INTO audit_event SELECT * FROM
            jsonb_populate_recordset(NULL::audit_event, item->'audit_event');
    END IF;
    IF jsonb_array_length(item->'webhook_delivery') > 0 THEN
        INSERT INTO webhook_delivery SELECT * FROM
            jsonb_populate_recordset(NULL::webhook_delivery, item->'webhook_delivery');
    END IF;
    PERFORM querela_move_deadline_timers(
        ARRAY(SELECT (m->>'deadline_id')::uuid FROM jsonb_array_elements(item->'moves') m),
        ARRAY(SELECT (m->>'next_fire_at')::timestamptz
              FROM jsonb_array_elements(item->'moves') m));
END $$;
"""
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
