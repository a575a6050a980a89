"""Creating and listing tenants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asyncpg import UniqueViolationError

from core.errors import Conflict, InvalidInput
from core.ids import uuid7
from core.tenancy.tables import Tenant

#: Host labels the service keeps for itself.
RESERVED_SLUGS = frozenset(
    {"www", "api", "app", "admin", "auth", "login", "static", "schema", "mail", "status", "docs"}
)
_SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PREFIX = re.compile(r"^[A-Z0-9]{1,12}$")


@dataclass(frozen=True, slots=True)
class TenantInfo:
    """A tenant as operators see it."""

    id: UUID
    slug: str
    name: str
    status: str
    reference_prefix: str
    timezone: str
    default_language: str
    created_at: datetime


async def create_tenant(
    slug: str,
    name: str,
    *,
    reference_prefix: str = "Q",
    timezone: str = "UTC",
    default_language: str = "en",
) -> TenantInfo:
    """Register a new active tenant; refuse a bad or taken slug with the reason."""
    slug = slug.strip().lower()
    name = name.strip()
    if not _SLUG.match(slug):
        raise InvalidInput(
            "slug", "use 1-63 lower-case letters, digits and inner hyphens (it becomes a host name)"
        )
    if slug in RESERVED_SLUGS:
        raise InvalidInput("slug", f"{slug!r} is reserved")
    if not name or len(name) > 200:
        raise InvalidInput("name", "must be 1-200 characters")
    if not _PREFIX.match(reference_prefix):
        raise InvalidInput("reference_prefix", "use 1-12 upper-case letters or digits")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", f"{timezone!r} is not an IANA time zone") from None
    row = Tenant(
        id=uuid7(),
        slug=slug,
        name=name,
        status="active",
        reference_prefix=reference_prefix,
        timezone=timezone,
        default_language=default_language,
    )
    try:
        await Tenant.insert(row)
    except UniqueViolationError:
        raise Conflict(f"the slug {slug!r} is taken") from None
    return await get_tenant(slug)


async def get_tenant(slug: str) -> TenantInfo:
    """Return one tenant by slug."""
    row = await Tenant.select().where(Tenant.slug == slug).first()
    if row is None:
        raise InvalidInput("slug", f"no tenant {slug!r}")
    return TenantInfo(**row)


async def list_tenants() -> list[TenantInfo]:
    """Return every tenant, oldest first."""
    rows = await Tenant.select().order_by(Tenant.created_at).order_by(Tenant.slug)
    return [TenantInfo(**row) for row in rows]
