"""Creating tenants: the plain database record, and self-service signup with Keycloak.

Signup registers the tenant as ``provisioning`` (the data plane serves only
``active`` and ``suspended`` tenants), then provisions it step by step: the
first administrator's staff row, the Keycloak organization, the invitation,
and finally the switch to ``active``. Every step is idempotent. A failure
records ``provisioning_error`` and leaves the tenant in ``provisioning``;
``provision(slug)`` runs the same steps again and completes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asyncpg import UniqueViolationError

from core.audit import services as audit
from core.db.engine import DB
from core.errors import Conflict, InvalidInput, NotFound, QuerelaError
from core.ids import uuid7
from core.tenancy.context import tenant_transaction
from core.tenancy.tables import Tenant
from core.text import CONTROL_CHARACTERS, has_control_characters
from tenants.keycloak import IdentityProviderError, KeycloakControlPlane

#: Host labels the service keeps for itself.
RESERVED_SLUGS = frozenset(
    {"www", "api", "app", "admin", "auth", "login", "static", "schema", "mail", "status", "docs"}
    | {"platform", "signup"}
)
#: Sectors an organisation can sign up as; each maps to a sector plugin (``other``: none).
SECTORS = ("insurance", "healthcare", "prisons", "religious", "other")
#: The role the person who signs an organisation up receives.
ADMIN_ROLE = "tenant-admin"

_SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_PREFIX = re.compile(r"^[A-Z0-9]{1,12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: What a tenant can be; ``list_tenants`` filters by these.
STATUSES = ("provisioning", "active", "suspended", "pending_deletion")


class ProvisioningFailed(QuerelaError):
    """A provisioning step failed; the tenant stays in ``provisioning`` with the reason."""

    def __init__(self, slug: str, reason: str) -> None:
        super().__init__(f"provisioning of {slug!r} stopped: {reason}")
        self.slug = slug
        self.reason = reason


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
    sector: str | None = None
    admin_email: str | None = None
    keycloak_org_id: str | None = None
    provisioning_error: str | None = None
    suspended_at: datetime | None = None
    delete_after: datetime | None = None
    updated_at: datetime | None = None


def _tenant_info(row: dict[str, Any]) -> TenantInfo:
    return TenantInfo(**{name: row[name] for name in TenantInfo.__slots__})


def _validated(slug: str, name: str, reference_prefix: str, timezone: str) -> tuple[str, str]:
    """Return the normalised slug and name, or raise ``InvalidInput`` with the reason."""
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
    if has_control_characters(name, multiline=False):
        raise InvalidInput("name", CONTROL_CHARACTERS)
    if not _PREFIX.match(reference_prefix):
        raise InvalidInput("reference_prefix", "use 1-12 upper-case letters or digits")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", f"{timezone!r} is not an IANA time zone") from None
    return slug, name


async def _insert(row: Tenant) -> None:
    try:
        await Tenant.insert(row)
    except UniqueViolationError:
        raise Conflict(f"the slug {row.slug!r} is taken") from None


async def create_tenant(
    slug: str,
    name: str,
    *,
    reference_prefix: str = "Q",
    timezone: str = "UTC",
    default_language: str = "en",
) -> TenantInfo:
    """Register a new active tenant in the database only (no Keycloak organization).

    For development and tests without an identity provider; production tenants
    come from ``signup``. Refuses a bad or taken slug with the reason.
    """
    slug, name = _validated(slug, name, reference_prefix, timezone)
    await _insert(
        Tenant(
            id=uuid7(),
            slug=slug,
            name=name,
            status="active",
            reference_prefix=reference_prefix,
            timezone=timezone,
            default_language=default_language,
        )
    )
    return await get_tenant(slug)


async def signup(
    name: str,
    slug: str,
    admin_email: str,
    sector: str,
    *,
    keycloak: KeycloakControlPlane,
    reference_prefix: str = "Q",
    timezone: str = "UTC",
    default_language: str = "en",
) -> TenantInfo:
    """Sign an organisation up: register the tenant, then provision it.

    Invalid input and a taken slug raise before anything is stored. If a
    provisioning step fails, the tenant is returned in ``provisioning`` with
    ``provisioning_error`` set, and ``provision(slug)`` completes it later.
    """
    slug, name = _validated(slug, name, reference_prefix, timezone)
    admin_email = admin_email.strip().lower()
    if len(admin_email) > 320 or not _EMAIL.match(admin_email):
        raise InvalidInput("admin_email", "must be an e-mail address")
    if sector not in SECTORS:
        raise InvalidInput("sector", f"must be one of {', '.join(SECTORS)}")
    await _insert(
        Tenant(
            id=uuid7(),
            slug=slug,
            name=name,
            status="provisioning",
            reference_prefix=reference_prefix,
            timezone=timezone,
            default_language=default_language,
            sector=sector,
            admin_email=admin_email,
        )
    )
    try:
        return await provision(slug, keycloak=keycloak)
    except ProvisioningFailed:
        return await get_tenant(slug)


async def provision(slug: str, *, keycloak: KeycloakControlPlane) -> TenantInfo:
    """Run (or resume) provisioning of a tenant until it is active.

    Safe to call any number of times, also concurrently: the tenant row is
    locked while the Keycloak steps run, and each step first checks what an
    earlier run already did. A tenant that is not in ``provisioning`` is
    returned unchanged. Raises ``ProvisioningFailed`` after recording why.
    """
    tenant = await get_tenant(slug)
    if tenant.status != "provisioning":
        return tenant
    if tenant.admin_email is None:
        raise Conflict(f"tenant {slug!r} has no administrator e-mail to provision")
    try:
        await _ensure_admin_staff(tenant.id, tenant.admin_email)
    except Exception as exc:
        await _record_failure(tenant.id, f"staff member: {exc}")
        raise ProvisioningFailed(slug, f"staff member: {exc}") from exc

    failure: IdentityProviderError | None = None
    async with DB.transaction() as transaction:
        conn = transaction.connection
        # NO KEY UPDATE: blocks a concurrent run, not the staff row's foreign key check.
        row = await conn.fetchrow(
            "SELECT status, keycloak_org_id FROM tenant WHERE id = $1 FOR NO KEY UPDATE",
            tenant.id,
        )
        if row is None or row["status"] != "provisioning":
            return await get_tenant(slug)
        org_id: str | None = row["keycloak_org_id"]
        step = "keycloak organization"
        try:
            if org_id is None:
                org_id = await keycloak.ensure_organization(tenant.slug, tenant.name)
                await conn.execute(
                    "UPDATE tenant SET keycloak_org_id = $2, updated_at = now() WHERE id = $1",
                    tenant.id,
                    org_id,
                )
            step = "admin invitation"
            await keycloak.invite_admin(org_id, tenant.admin_email)
        except IdentityProviderError as exc:
            failure = exc
            await conn.execute(
                "UPDATE tenant SET provisioning_error = $2, updated_at = now() WHERE id = $1",
                tenant.id,
                f"{step}: {exc}",
            )
        else:
            await conn.execute(
                "UPDATE tenant SET status = 'active', provisioning_error = NULL,"
                " updated_at = now() WHERE id = $1",
                tenant.id,
            )
    if failure is not None:
        raise ProvisioningFailed(slug, f"{step}: {failure}") from failure
    return await get_tenant(slug)


async def _ensure_admin_staff(tenant_id: UUID, email: str) -> None:
    """Give the signing-up person a staff row with the admin role, once."""
    async with tenant_transaction(tenant_id=tenant_id, include_provisioning=True) as (tenant, tx):
        if tenant is None:
            raise NotFound(f"tenant {tenant_id} is neither provisioning nor served")
        staff_id = uuid7()
        status = await tx.connection.execute(
            "INSERT INTO staff_member (tenant_id, id, email, roles) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (tenant_id, email) DO NOTHING",
            tenant_id,
            staff_id,
            email,
            [ADMIN_ROLE],
        )
        if status == "INSERT 0 1":
            await audit.record(
                "staff.created",
                actor="system:signup",
                detail={"staff_id": str(staff_id), "roles": [ADMIN_ROLE]},
            )


async def _record_failure(tenant_id: UUID, reason: str) -> None:
    await Tenant.update(
        {Tenant.provisioning_error: reason, Tenant.updated_at: datetime.now().astimezone()}
    ).where(Tenant.id == tenant_id)


async def get_tenant(slug: str) -> TenantInfo:
    """Return one tenant by slug; raise ``NotFound`` if there is none."""
    row = await Tenant.select().where(Tenant.slug == slug).first()
    if row is None:
        raise NotFound(f"no tenant {slug!r}")
    return _tenant_info(row)


async def list_tenants(status: str | None = None) -> list[TenantInfo]:
    """Return every tenant (optionally only those in ``status``), oldest first."""
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join(STATUSES)}")
    query = Tenant.select().order_by(Tenant.created_at).order_by(Tenant.slug)
    if status is not None:
        query = query.where(Tenant.status == status)
    return [_tenant_info(row) for row in await query]
