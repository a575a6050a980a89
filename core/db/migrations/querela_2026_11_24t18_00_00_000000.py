"""The deadline worker reads and writes a whole batch in two round trips.

A pass claims due timers across many tenants. Going tenant by tenant from Python
costs some twenty round trips per firing; these functions do the reading and the
writing server-side instead, still one tenant at a time under that tenant's
setting, so row-level security guards every row as it does for any query. They
run with the caller's rights: the app role can do nothing through them that it
could not do statement by statement. What fires, and what it says, stays in
Python (``core.worker.deadlines``), which also seals the audit events.

``querela_case_supervisors`` is the one definition of who supervises a case,
used by escalation and risk paging as well.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db.migration_sql import execute_script

ID = "2026-11-24T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "deadline worker batches"

SQL = """
-- The case's team's present supervisors, else every active supervisor of the tenant,
-- so that a case in no team, or whose team's supervisors are away, still reaches someone.
CREATE FUNCTION querela_case_supervisors(target uuid)
    RETURNS TABLE (staff_id uuid, email text)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
        SELECT s.id, s.email::text
        FROM cases c
        JOIN team_member m ON m.team_id = c.team_id AND m.role = 'supervisor' AND NOT m.absent
        JOIN staff_member s ON s.id = m.staff_id AND s.active
        WHERE c.id = target
        ORDER BY m.id;
    IF NOT FOUND THEN
        RETURN QUERY
            SELECT s.id, s.email::text FROM staff_member s
            WHERE s.active AND 'supervisor' = ANY(s.roles)
            ORDER BY s.id;
    END IF;
END $$;

-- What the worker needs to decide and word the firings of its claimed deadlines: one
-- row per active tenant, in tenant order. Takes each tenant's audit-chain lock (the
-- order keeps workers from deadlocking), which the caller's transaction then holds.
-- Every read is one tenant's handful of rows by index. The plans are kept for the
-- session, and statistics taken while a table was nearly empty (a new system, a bulk
-- load) would keep a sequential scan of the whole audit log per tenant; hence no
-- sequential scans here.
CREATE FUNCTION querela_worker_snapshot(tenant_ids uuid[], deadline_ids uuid[], event text)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    claimed record;
    tenant_row jsonb;
    deadlines jsonb;
    unassigned boolean;
BEGIN
    FOR claimed IN
        SELECT c.tenant_id, array_agg(c.deadline_id) AS ids
        FROM unnest(tenant_ids, deadline_ids) AS c (tenant_id, deadline_id)
        GROUP BY c.tenant_id
        ORDER BY c.tenant_id
    LOOP
        SELECT to_jsonb(t) INTO tenant_row
        FROM (SELECT id, slug, name, reference_prefix, timezone, default_language, status,
                     sector
              FROM tenant WHERE id = claimed.tenant_id AND status = 'active') t;
        CONTINUE WHEN tenant_row IS NULL;  -- suspended since the claim: fires on resume
        PERFORM set_config('querela.tenant_id', claimed.tenant_id::text, true);
        PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || claimed.tenant_id::text, 0));
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'id', d.id, 'case_id', d.case_id, 'kind', d.kind, 'label', d.label,
                   'due_at', d.due_at, 'met_at', d.met_at, 'paused_since', d.paused_since,
                   'reference', c.reference,
                   'assignee', CASE WHEN a.id IS NOT NULL
                                    THEN jsonb_build_object('id', a.id, 'email', a.email) END,
                   'supervisors', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                                       'id', v.staff_id, 'email', v.email)),
                                                   '[]')
                                   FROM querela_case_supervisors(d.case_id) v),
                   'fired', ARRAY(SELECT f.stage FROM deadline_firing f
                                  WHERE f.deadline_id = d.id AND f.due_at = d.due_at))),
                   '[]'),
               coalesce(bool_or(a.id IS NULL), false)
        INTO deadlines, unassigned
        FROM deadline d
        JOIN cases c ON c.id = d.case_id
        LEFT JOIN staff_member a ON a.id = c.assignee_staff_id AND a.active
        WHERE d.id = ANY(claimed.ids);
        RETURN NEXT jsonb_build_object(
            'tenant', tenant_row,
            'deadlines', deadlines,
            'policy', (SELECT to_jsonb(p) FROM case_policy p),
            'audit', (SELECT jsonb_build_object('seq', e.seq, 'hash', e.hash)
                      FROM audit_event e ORDER BY e.seq DESC LIMIT 1),
            'endpoints', (SELECT coalesce(jsonb_agg(w.id ORDER BY w.id), '[]')
                          FROM webhook_endpoint w
                          WHERE w.disabled_at IS NULL AND event = ANY(w.events)),
            -- Who is reminded of a deadline whose case no one (present) is assigned to.
            'handlers', CASE WHEN unassigned THEN
                            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', s.id,
                                                                          'email', s.email)
                                                       ORDER BY s.id), '[]')
                             FROM staff_member s WHERE s.active AND 'handler' = ANY(s.roles))
                        ELSE '[]' END);
    END LOOP;
    PERFORM set_config('querela.tenant_id', '', true);
END $$;

-- As before, but in PL/pgSQL, whose plans are kept: an SQL function with two
-- statements is planned afresh on every call, and the worker calls it once per tenant.
CREATE OR REPLACE FUNCTION querela_move_deadline_timers(deadline_ids uuid[],
                                                        next_fire timestamptz[])
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE deadline_timer t SET next_fire_at = m.next_fire_at
    FROM unnest(deadline_ids, next_fire) AS m (deadline_id, next_fire_at)
    WHERE t.tenant_id = querela_current_tenant() AND t.deadline_id = m.deadline_id
      AND m.next_fire_at IS NOT NULL;
    DELETE FROM deadline_timer t
    USING unnest(deadline_ids, next_fire) AS m (deadline_id, next_fire_at)
    WHERE t.tenant_id = querela_current_tenant() AND t.deadline_id = m.deadline_id
      AND m.next_fire_at IS NULL;
END $$;

-- Writes one tenant's firings and everything they cause, and moves its timers. The rows
-- are complete (every column given); row-level security checks each against the tenant.
CREATE FUNCTION querela_worker_apply_tenant(item jsonb)
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
        INSERT INTO mail_outbox_tenant (tenant_id) VALUES ((item->>'tenant_id')::uuid)
        ON CONFLICT DO NOTHING;
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
        INSERT INTO webhook_outbox_tenant (tenant_id) VALUES ((item->>'tenant_id')::uuid)
        ON CONFLICT DO NOTHING;
    END IF;
    PERFORM querela_move_deadline_timers(
        ARRAY(SELECT (m->>'deadline_id')::uuid FROM jsonb_array_elements(item->'moves') m),
        ARRAY(SELECT (m->>'next_fire_at')::timestamptz
              FROM jsonb_array_elements(item->'moves') m));
END $$;

-- Applies a batch, tenant by tenant. With ``isolate``, each tenant runs in a
-- subtransaction, and a tenant that fails loses only its own part: its timers are
-- retried at ``retry_at``, and it is returned. Without, any failure fails the call
-- (cheaper: the worker isolates only when the plain call failed).
CREATE FUNCTION querela_worker_apply(items jsonb, isolate boolean, retry_at timestamptz)
    RETURNS uuid[]
    LANGUAGE plpgsql AS $$
DECLARE
    item jsonb;
    failed uuid[] := '{}';
BEGIN
    FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
        IF NOT isolate THEN
            PERFORM querela_worker_apply_tenant(item);
            CONTINUE;
        END IF;
        BEGIN
            PERFORM querela_worker_apply_tenant(item);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'deadline firings of tenant % failed: % (%)',
                item->>'tenant_id', SQLERRM, SQLSTATE;
            failed := failed || (item->>'tenant_id')::uuid;
            PERFORM set_config('querela.tenant_id', item->>'tenant_id', true);
            PERFORM querela_move_deadline_timers(
                ARRAY(SELECT (m->>'deadline_id')::uuid
                      FROM jsonb_array_elements(item->'moves') m),
                array_fill(retry_at, ARRAY[jsonb_array_length(item->'moves')]));
        END;
    END LOOP;
    PERFORM set_config('querela.tenant_id', '', true);
    RETURN failed;
END $$;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="querela", description=DESCRIPTION)

    async def run() -> None:
        await execute_script(SQL)

    manager.add_raw(run)
    return manager
