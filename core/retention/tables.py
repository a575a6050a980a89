"""Retention periods and legal holds (tenant-scoped), and the purge's schedule (control plane).

Keys and foreign keys are composite with ``tenant_id`` and are declared in the
migration (``querela_2026_11_25t03``), since Piccolo knows only single-column keys.
"""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import ControlPlane, TenantScoped


class RetentionPolicy(TenantScoped, Table, tablename="retention_policy"):
    """How long a tenant keeps closed cases; one row per tenant, defaults until an admin sets it."""

    id = UUID(primary_key=True, default=None)
    #: Days after closing; None keeps closed cases for good.
    default_days = Integer(null=True, default=None)
    #: Category code -> days (or null: for good), instead of the default.
    days_by_category = JSONB(default="{}")
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())


class LegalHold(TenantScoped, Table, tablename="legal_hold"):
    """An order to keep a case whatever its retention period says, until released."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    reason = Varchar(length=1000)
    placed_by = Varchar(length=200)
    placed_at = Timestamptz(default=TimestamptzNow())
    released_by = Varchar(length=200, null=True, default=None)
    released_reason = Varchar(length=1000, null=True, default=None)
    released_at = Timestamptz(null=True, default=None)


class RetentionSchedule(ControlPlane, Table, tablename="retention_schedule"):
    """When the purge must next look at a tenant, across all tenants.

    The application role sees cases only inside one tenant's transaction, so the
    purge could not otherwise tell which of thousands of tenants has a case to
    delete. A trigger on ``cases`` brings the time forward when a case closes; the
    purge moves it to the tenant's next expiry after each visit, through a
    SECURITY DEFINER function that touches only the transaction's own tenant.
    """

    tenant_id = UUID(primary_key=True, default=None)
    #: None: nothing of the tenant's can expire until another case closes.
    next_check_at = Timestamptz(null=True, default=None)


#: The retention tables, for ``core.db.piccolo_app.TABLES``.
RETENTION_TABLES: list[type[Table]] = [RetentionPolicy, LegalHold, RetentionSchedule]
