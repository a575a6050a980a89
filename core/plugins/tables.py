"""Which plugins a tenant has enabled, with its settings for each (tenant-scoped)."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class TenantPlugin(TenantScoped, Table, tablename="tenant_plugin"):
    """A plugin's state in one tenant."""

    id = UUID(primary_key=True, default=None)
    plugin = Varchar(length=100)
    enabled = Boolean(default=False)
    settings = JSONB(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())
