"""Clock stops and extensions of deadlines (tenant-scoped).

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.table import Table

from core.db.placement import APPEND_ONLY, TenantScoped


class DeadlinePause(TenantScoped, Table, tablename="deadline_pause"):
    """A time a case was on hold, during which its pausable deadlines' clocks stood still."""

    app_privileges = ("SELECT", "INSERT", "UPDATE")

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    reason = Text()
    started_at = Timestamptz()
    started_by = Varchar(length=200)
    ended_at = Timestamptz(null=True, default=None)
    ended_by = Varchar(length=200, null=True, default=None)


class DeadlineExtension(TenantScoped, Table, tablename="deadline_extension"):
    """A later due time granted for one deadline: by whom, when and why; never changed."""

    app_privileges = APPEND_ONLY

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    deadline_id = UUID(default=None)
    previous_due_at = Timestamptz()
    due_at = Timestamptz()
    reason = Text()
    granted_by = Varchar(length=200)
    granted_at = Timestamptz()
