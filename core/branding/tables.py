"""A tenant's branding (tenant-scoped, one row per tenant)."""

from __future__ import annotations

from piccolo.columns import UUID, Bytea, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class TenantBranding(TenantScoped, Table, tablename="tenant_branding"):
    """How the tenant's public pages look: its name there, its logo, its two colours."""

    #: One row per tenant (a unique key on ``tenant_id``).
    id = UUID(primary_key=True, default=None)
    display_name = Varchar(length=200, null=True, default=None)
    primary_colour = Varchar(length=7, null=True, default=None)
    accent_colour = Varchar(length=7, null=True, default=None)
    logo = Bytea(null=True, default=None)
    logo_type = Varchar(length=20, null=True, default=None)
    version = Integer(default=1)
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())
