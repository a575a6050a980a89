"""A tenant's life after signup: suspend, resume, request deletion, purge.

``suspended`` tenants are still served read-only; ``pending_deletion`` tenants
are not served at all, and are purged once ``delete_after`` has passed. Resuming
within the grace period cancels the deletion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from core.audit import services as audit
from core.crypto import keyring
from core.db.piccolo_app import TABLES
from core.db.placement import placement_of
from core.errors import Conflict, InvalidInput
from core.tenancy.context import tenant_transaction
from core.tenancy.tables import Tenant
from core.text import CONTROL_CHARACTERS, has_control_characters
from tenants.keycloak import IdentityProviderError, KeycloakControlPlane
from tenants.provisioning import TenantInfo, get_tenant

log = logging.getLogger(__name__)

#: Days between a deletion request and the purge, unless the caller says otherwise.
DEFAULT_GRACE_DAYS = 30


async def suspend(slug: str, reason: str, *, actor: str = "platform") -> TenantInfo:
    """Make an active tenant read-only; a suspended one stays as it is.

    The reason goes into the tenant's audit log, in the same transaction as the
    change, so it must not name people.
    """
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("reason", "must be 1-500 characters")
    if has_control_characters(reason):
        raise InvalidInput("reason", CONTROL_CHARACTERS)
    async with tenant_transaction(slug=slug) as (tenant, tx):
        if tenant is None:
            raise await _not_in_state(slug, "active")
        if tenant.status == "suspended":
            return await get_tenant(slug)
        await tx.connection.execute(
            "UPDATE tenant SET status = 'suspended', suspended_at = now(), updated_at = now()"
            " WHERE id = $1",
            tenant.id,
        )
        await audit.record("tenant.suspended", actor=actor, detail={"reason": reason})
    return await get_tenant(slug)


async def resume(slug: str, *, actor: str = "platform", now: datetime | None = None) -> TenantInfo:
    """Serve a suspended tenant again, or cancel a pending deletion within its grace period."""
    now = now or datetime.now(UTC)
    current = await get_tenant(slug)
    if current.status == "active":
        return current
    if current.status not in ("suspended", "pending_deletion"):
        raise Conflict(f"tenant {slug!r} is {current.status}, it cannot be resumed")
    updated = await Tenant.raw(
        "UPDATE tenant SET status = 'active', suspended_at = NULL, delete_after = NULL,"
        " updated_at = now()"
        " WHERE id = {} AND status IN ('suspended', 'pending_deletion')"
        " AND (delete_after IS NULL OR delete_after > {}) RETURNING id",
        current.id,
        now,
    )
    if not updated:
        raise Conflict(f"tenant {slug!r} is past its deletion date and is being purged")
    # A tenant pending deletion is not served, so its log can only be written once active.
    async with tenant_transaction(tenant_id=current.id) as (tenant, _):
        if tenant is not None:
            await audit.record(
                "tenant.resumed", actor=actor, detail={"previous_status": current.status}
            )
    return await get_tenant(slug)


async def request_deletion(
    slug: str,
    grace_days: int = DEFAULT_GRACE_DAYS,
    *,
    actor: str = "platform",
    now: datetime | None = None,
) -> TenantInfo:
    """Stop serving the tenant now and schedule its purge after ``grace_days``.

    A tenant already pending deletion keeps its original date.
    """
    if grace_days < 0:
        raise InvalidInput("grace_days", "must not be negative")
    delete_after = (now or datetime.now(UTC)) + timedelta(days=grace_days)
    async with tenant_transaction(slug=slug, include_provisioning=True) as (tenant, tx):
        if tenant is None:
            current = await get_tenant(slug)
            if current.status == "pending_deletion":
                return current
            raise await _not_in_state(slug, "active, suspended or provisioning")
        await tx.connection.execute(
            "UPDATE tenant SET status = 'pending_deletion', delete_after = $2,"
            " updated_at = now() WHERE id = $1",
            tenant.id,
            delete_after,
        )
        await audit.record(
            "tenant.deletion_requested",
            actor=actor,
            detail={"delete_after": delete_after.isoformat()},
        )
    return await get_tenant(slug)


async def _not_in_state(slug: str, wanted: str) -> Exception:
    current = await get_tenant(slug)  # raises NotFound for an unknown slug
    return Conflict(f"tenant {slug!r} is {current.status}, not {wanted}")


# -- purge ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PurgeOutcome:
    """What happened to one tenant that was due for purging."""

    slug: str
    purged: bool
    rows_deleted: int = 0
    error: str | None = None


def tenant_tables() -> list[str]:
    """Every table holding a tenant's rows.

    Those are the tenant-scoped tables and control-plane tables with a ``tenant_id``.
    """
    return [
        table._meta.tablename
        for table in TABLES
        if placement_of(table) == "tenant" or (table is not Tenant and hasattr(table, "tenant_id"))
    ]


async def _deletion_order(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Order ``tables`` so that every table comes before the tables it references."""
    edges = await conn.fetch(
        "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent"
        " FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid"
    )
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for edge in edges:
        if edge["child"] in parents and edge["parent"] in parents:
            parents[edge["child"]].add(edge["parent"])
    ordered: list[str] = []
    remaining = set(tables)
    while remaining:
        # A table can go once nothing remaining refers to it.
        free = sorted(t for t in remaining if not any(t in parents[o] for o in remaining))
        if not free:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(remaining)}")
        ordered.extend(free)
        remaining.difference_update(free)
    return ordered


async def purge_due(
    now: datetime,
    *,
    owner_dsn: str,
    keycloak: KeycloakControlPlane,
) -> list[PurgeOutcome]:
    """Purge every tenant whose deletion date has passed; return what happened to each.

    Runs as the owner of the tables, because the application role may not
    delete audit events. Row-level security is forced on the owner too, so each
    purge scopes its transaction to the tenant it deletes. The tenant row stays
    locked from the check until the commit, so a concurrent ``resume`` either
    wins before the purge starts or finds the tenant gone. A tenant whose purge
    fails stays pending and is tried again on the next run.
    """
    conn = await asyncpg.connect(owner_dsn)
    try:
        due = await conn.fetch(
            "SELECT id, slug FROM tenant WHERE status = 'pending_deletion' AND delete_after <= $1"
            " ORDER BY delete_after",
            now,
        )
        order = await _deletion_order(conn, tenant_tables())
        outcomes = []
        for row in due:
            try:
                deleted = await _purge_one(conn, row["id"], now, order, keycloak)
            except (IdentityProviderError, asyncpg.PostgresError, OSError) as exc:
                log.warning("purge of tenant %s failed: %s", row["id"], exc)
                outcomes.append(PurgeOutcome(row["slug"], purged=False, error=str(exc)))
                continue
            outcomes.append(
                PurgeOutcome(row["slug"], purged=deleted is not None, rows_deleted=deleted or 0)
            )
        return outcomes
    finally:
        await conn.close()


async def _purge_one(
    conn: asyncpg.Connection,
    tenant_id: UUID,
    now: datetime,
    order: list[str],
    keycloak: KeycloakControlPlane,
) -> int | None:
    async with conn.transaction():
        row = await conn.fetchrow(
            "SELECT keycloak_org_id FROM tenant WHERE id = $1 AND status = 'pending_deletion'"
            " AND delete_after <= $2 FOR UPDATE",
            tenant_id,
            now,
        )
        if row is None:
            return None  # resumed, or purged by another run, since the list was read
        await conn.execute("SELECT set_config('querela.tenant_id', $1, true)", str(tenant_id))
        deleted = 0
        for table in order:
            status = await conn.execute(f'DELETE FROM "{table}" WHERE tenant_id = $1', tenant_id)
            deleted += int(status.rsplit(" ", 1)[1])
        await conn.execute("DELETE FROM tenant WHERE id = $1", tenant_id)
        # The tenant's key-encryption key goes before the commit: should the commit fail,
        # the rows that come back are already unreadable, and the next run deletes them.
        # Destroying it is what makes the tenant's data in old backups unreadable too.
        keyring.manager().destroy(keyring.kek_name(tenant_id))
        keyring.forget(tenant_id)
        # Last before the commit: if Keycloak refuses, the rows come back and the next run retries.
        if row["keycloak_org_id"]:
            await keycloak.delete_organization(row["keycloak_org_id"])
    return deleted
