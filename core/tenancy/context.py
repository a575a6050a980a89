"""The tenant a unit of work runs for, and the one way to open its transaction."""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from piccolo.engine.postgres import PostgresTransaction

from core.db.engine import DB
from core.errors import NoTenant


@dataclass(frozen=True, slots=True)
class TenantContext:
    """What the data plane knows about the tenant it is serving."""

    id: UUID
    slug: str
    name: str
    reference_prefix: str
    timezone: str
    default_language: str
    #: active | suspended (provisioning only for the control plane's own work)
    status: str = "active"
    sector: str | None = None

    @property
    def read_only(self) -> bool:
        """A suspended tenant can be read but not changed, and takes no new complaints."""
        return self.status != "active"

    @property
    def zone(self) -> ZoneInfo:
        """The tenant's time zone."""
        return ZoneInfo(self.timezone)


_current: contextvars.ContextVar[TenantContext | None] = contextvars.ContextVar(
    "querela_tenant", default=None
)

#: What the running tenant transaction has already read and may read again (the
#: tenant's policy, its plugins): one registration consults them several times.
_memo: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "querela_tenant_memo", default=None
)

#: Selects the tenant and scopes the transaction to it in one round trip.
_ENTER_TENANT = """
SELECT id, slug, name, reference_prefix, timezone, default_language, status, sector,
       set_config('querela.tenant_id', id::text, true)
FROM tenant WHERE {where} AND status = ANY($2::text[])
"""

#: Tenants the data plane serves; one being provisioned or deleted serves nothing.
SERVED_STATUSES = ("active", "suspended")


def transaction_memo() -> dict[str, Any]:
    """A dict that lives as long as the current tenant's part of the transaction.

    Whoever stores something here drops it when it writes what it stored.
    Outside a tenant transaction it is a fresh dict each time (nothing is kept).
    """
    memo = _memo.get()
    return memo if memo is not None else {}


def current_tenant() -> TenantContext:
    """Return the tenant of the running transaction; raise if there is none."""
    tenant = _current.get()
    if tenant is None:
        raise NoTenant("tenant data was touched outside a tenant transaction")
    return tenant


@asynccontextmanager
async def tenant_transaction(
    *,
    slug: str | None = None,
    tenant_id: UUID | None = None,
    include_provisioning: bool = False,
) -> AsyncIterator[tuple[TenantContext | None, PostgresTransaction]]:
    """Open a transaction scoped to one served tenant, chosen by slug or id.

    ``include_provisioning`` also finds a tenant that is still being set up (for
    the control plane, which writes its first rows).

    Yields ``(tenant, transaction)``; ``tenant`` is None when no served tenant
    matches, and the transaction then sees no tenant rows at all. The transaction
    commits when the block ends normally; call ``transaction.rollback()`` to
    discard the work instead. Row-level security reads the tenant from a
    transaction-local setting, so nothing leaks to the connection's next user.
    """
    if (slug is None) == (tenant_id is None):
        raise ValueError("give exactly one of slug or tenant_id")
    where, value = ("slug = $1", slug) if slug is not None else ("id = $1", tenant_id)
    async with DB.transaction(allow_nested=False) as transaction:
        statuses = [*SERVED_STATUSES, "provisioning"] if include_provisioning else SERVED_STATUSES
        row = await transaction.connection.fetchrow(
            _ENTER_TENANT.format(where=where), value, list(statuses)
        )
        tenant = _context(row)
        token, memo = _current.set(tenant), _memo.set({})
        try:
            yield tenant, transaction
        finally:
            _memo.reset(memo)
            _current.reset(token)


@asynccontextmanager
async def within_tenant(tenant_id: UUID) -> AsyncIterator[TenantContext | None]:
    """Scope the already open transaction to an active tenant, for the block only.

    For work that crosses tenants in one transaction (the deadline worker holds its
    claimed batch until it commits): the setting is transaction-local and is set
    again for each tenant, and cleared when the block ends. Yields None, and sees
    no tenant rows, when the tenant is not active.
    """
    transaction = DB.current_transaction.get()
    if transaction is None:
        raise RuntimeError("within_tenant needs an open transaction")
    row = await transaction.connection.fetchrow(
        _ENTER_TENANT.format(where="id = $1"), tenant_id, ["active"]
    )
    tenant = _context(row)
    token, memo = _current.set(tenant), _memo.set({})
    try:
        yield tenant
    finally:
        _memo.reset(memo)
        _current.reset(token)
        await transaction.connection.execute("SELECT set_config('querela.tenant_id', '', true)")


def _context(row: Mapping[str, Any] | None) -> TenantContext | None:
    if row is None:
        return None
    return TenantContext(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        reference_prefix=row["reference_prefix"],
        timezone=row["timezone"],
        default_language=row["default_language"],
        status=row["status"],
        sector=row["sector"],
    )
