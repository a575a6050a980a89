"""The tenant's own taxonomy terms (tenant-scoped)."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class TaxonomyTerm(TenantScoped, Table, tablename="taxonomy_term"):
    """A category, cause or product of the tenant's own taxonomy."""

    id = UUID(primary_key=True, default=None)
    #: category | cause | product
    kind = Varchar(length=20)
    code = Varchar(length=100)
    label = Varchar(length=200)
    parent = Varchar(length=100, null=True, default=None)
    #: A retired term stays on the cases filed under it but is offered no more.
    active = Boolean(default=True)
    updated_by = Varchar(length=200)
    updated_at = Timestamptz(default=TimestamptzNow())
