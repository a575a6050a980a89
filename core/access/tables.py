"""Who is kept from a case, and who was given access to it (tenant-scoped).

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration, since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class CaseExclusion(TenantScoped, Table, tablename="case_exclusion"):
    """A member of staff who may neither see nor handle a case (a conflict of interest)."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    staff_id = UUID(default=None)
    #: Why, in words staff read: "named as a subject of the complaint", a plugin's reason.
    reason = Varchar(length=300)
    #: ``core`` or the plugin that named them.
    source = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())
    #: An override, asked for with a reason and in force once a second person approves.
    override_reason = Varchar(length=1000, null=True, default=None)
    override_requested_by = Varchar(length=200, null=True, default=None)
    override_requested_at = Timestamptz(null=True, default=None)
    override_approved_by = Varchar(length=200, null=True, default=None)
    overridden_at = Timestamptz(null=True, default=None)


class CaseAccess(TenantScoped, Table, tablename="case_access"):
    """Access to a case beyond its level's rule, with a reason.

    A person named on it by someone who may see it, or break-glass for a while.
    """

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    staff_id = UUID(default=None)
    #: ``named`` | ``break_glass``
    kind = Varchar(length=20)
    reason = Varchar(length=1000)
    granted_at = Timestamptz(default=TimestamptzNow())
    #: None for a named person: until revoked.
    expires_at = Timestamptz(null=True, default=None)
    granted_by = Varchar(length=200, null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


#: Every access table, for ``core.db.piccolo_app.TABLES``.
ACCESS_TABLES: list[type[Table]] = [CaseExclusion, CaseAccess]
