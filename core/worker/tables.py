"""Deadline firings (tenant-scoped) and the timer index (control plane).

Keys are declared in the migration (``querela_2026_11_24t14``), since Piccolo
knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import UUID, Integer, Timestamptz, Varchar
from piccolo.table import Table

from core.db.placement import APPEND_ONLY, ControlPlane, TenantScoped


class DeadlineFiring(TenantScoped, Table, tablename="deadline_firing"):
    """A reminder or breach that fired; unique per deadline and stage, so it fires once."""

    app_privileges = APPEND_ONLY

    id = UUID(primary_key=True, default=None)
    deadline_id = UUID(default=None)
    case_id = UUID(default=None)
    #: ``reminder_<hours>h`` or ``breach``.
    stage = Varchar(length=30)
    #: The due time the firing was computed against; ``due_at`` may move later.
    due_at = Timestamptz()
    fired_at = Timestamptz()
    #: Which worker fired it (host:pid:nonce).
    worker = Varchar(length=200)
    #: Staff the notice reached.
    notified = Integer(default=0)


class DeadlineTimer(ControlPlane, Table, tablename="deadline_timer"):
    """When a worker must next look at an open deadline, across all tenants.

    The application role sees outbox-like work only inside one tenant's
    transaction, so a worker needs this index to find due deadlines among
    thousands of tenants. A trigger on ``deadline`` writes it; the application
    role only reads it, claiming and moving timers through SECURITY DEFINER
    functions (see the migration).
    """

    tenant_id = UUID(default=None)
    deadline_id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    due_at = Timestamptz()
    next_fire_at = Timestamptz()


#: The worker's tables, for ``core.db.piccolo_app.TABLES``.
WORKER_TABLES: list[type[Table]] = [DeadlineFiring, DeadlineTimer]
