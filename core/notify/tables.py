"""The in-app notice a member of staff sees in their list (tenant-scoped).

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class Notification(TenantScoped, Table, tablename="notification"):
    """One notice to one member of staff, written with the change that caused it."""

    id = UUID(primary_key=True, default=None)
    staff_id = UUID(default=None)
    #: What the notice is, e.g. ``risk_page`` or ``deadline_reminder``.
    kind = Varchar(length=60)
    case_id = UUID(null=True, default=None)
    subject = Varchar(length=300)
    body = Text()
    #: Where in the app the notice leads, e.g. ``/cases/INS-2026-000123``.
    link = Varchar(length=300, null=True, default=None)
    urgent = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
