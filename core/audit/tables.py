"""Audit events (tenant-scoped, append-only for the application role)."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, BigInt, Timestamptz, Varchar
from piccolo.table import Table

from core.db.placement import APPEND_ONLY, TenantScoped


class AuditEvent(TenantScoped, Table, tablename="audit_event"):
    """One thing that happened, chained to the tenant's previous event by its hash."""

    app_privileges = APPEND_ONLY

    id = UUID(primary_key=True, default=None)
    #: Position in the tenant's chain, starting at 1, without gaps.
    seq = BigInt()
    occurred_at = Timestamptz()
    #: Who acted: ``staff:<id>``, ``public``, ``api-key:<id>``, ``system``.
    actor = Varchar(length=200)
    action = Varchar(length=100)
    case_id = UUID(null=True, default=None)
    detail = JSONB(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
