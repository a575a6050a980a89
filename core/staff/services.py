"""The tenant's staff: listing them, inviting a person, changing roles, (de)activating.

Keycloak says who a person is; the roles they hold here live in ``staff_member``
(``deploy/adr/0001-role-assignments-live-in-querela.md``). An invitation makes a
pending staff row and has the identity provider mail the person; when they first
sign in, ``core.auth.staff.staff_for_identity`` binds their identity to the row
by e-mail. Every function runs in the caller's tenant transaction and audits
there: if the identity provider fails, the error rolls the row back with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from core.audit import services as audit
from core.auth.principal import TENANT_ROLES, Principal
from core.auth.tables import StaffMember
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.ids import uuid7
from core.staff.schemas import InvitationIn, InvitationOut, StaffChanges, StaffOut
from core.tenancy.context import current_tenant
from core.tenancy.tables import Tenant

#: The role that administers the tenant; someone active must always hold it.
ADMIN_ROLE = "tenant-admin"


class StaffDirectory(Protocol):
    """The identity provider's side of staff: the tenant's organization and its invitations.

    The control plane's Keycloak client is one; it is put into the application
    state by whoever owns the identity provider's credentials.
    """

    async def organization_id(self, alias: str, name: str) -> str | None:
        """The id of the organization with alias ``alias`` (named ``name``), if there is one."""
        ...

    async def invite_member(self, org_id: str, email: str) -> bool:
        """Invite ``email`` into the organization; False if nothing had to be sent."""
        ...


class IdentityProviderDown(Exception):
    """The identity provider could not be reached or did not send the invitation."""


class AlreadyStaff(Conflict):
    """The address belongs to a member of staff already (``active`` says whether in use)."""

    def __init__(self, active: bool) -> None:
        self.active = active
        super().__init__(
            "this address belongs to a member of staff already"
            if active
            else "this address belongs to a deactivated member of staff: reactivate them"
        )


class LastAdmin(Conflict):
    """The change would leave the organisation without an active tenant admin."""

    def __init__(self) -> None:
        super().__init__(
            "nobody else is an active tenant admin: give someone the tenant-admin role first,"
            " or the organisation could no longer be administered"
        )


def _must_administer(principal: Principal) -> None:
    if not principal.holds(ADMIN_ROLE):
        raise Forbidden("only a tenant admin manages the staff")


async def list_staff() -> list[StaffOut]:
    """Every member of staff: active first, then by name."""
    rows = await StaffMember.raw(
        "SELECT * FROM staff_member ORDER BY active DESC, lower(coalesce(display_name, email)), id"
    )
    return [_out(row) for row in rows]


async def staff_member(staff_id: UUID) -> StaffOut:
    """One member of staff."""
    row = await StaffMember.select().where(StaffMember.id == staff_id).first()
    if row is None:
        raise NotFound("no such member of staff")
    return _out(row)


async def invite_staff(
    data: InvitationIn, principal: Principal, directory: StaffDirectory
) -> InvitationOut:
    """Add a pending member of staff with ``data.roles`` and have the identity provider invite them.

    Raises ``AlreadyStaff`` for an address on the staff already, and
    ``IdentityProviderDown`` when the invitation was not sent; the caller's
    transaction must then roll back, so that no pending row is left behind.
    """
    _must_administer(principal)
    email = data.email.strip()
    taken = await StaffMember.raw(
        "SELECT active FROM staff_member WHERE lower(email) = lower({})", email
    )
    if taken:
        raise AlreadyStaff(taken[0]["active"])
    staff_id = uuid7()
    roles = _ordered(data.roles)
    await StaffMember.insert(
        StaffMember(
            id=staff_id,
            tenant_id=current_tenant().id,
            email=email,
            display_name=data.display_name.strip() if data.display_name else None,
            roles=roles,
        )
    )
    await audit.record(
        "staff.invited", actor=principal.actor, detail={"staff_id": str(staff_id), "roles": roles}
    )
    try:
        org_id = await _organization(directory)
        sent = await directory.invite_member(org_id, email)
    except IdentityProviderDown:
        raise
    except Exception as exc:  # the provider's own errors are not core's to name
        raise IdentityProviderDown(f"the invitation was not sent: {exc}") from exc
    return InvitationOut(staff=await staff_member(staff_id), sent=sent)


async def change_staff(staff_id: UUID, data: StaffChanges, principal: Principal) -> StaffOut:
    """Give a member of staff new roles, or deactivate or reactivate them; audited.

    A deactivated person keeps their row (cases and the audit log name them) but
    can no longer sign in, and their sessions stop working. Raises ``LastAdmin``
    when nobody active would be left holding the tenant-admin role.
    """
    _must_administer(principal)
    if data.roles is None and data.active is None:
        raise InvalidInput("body", "names nothing to change")
    rows = await StaffMember.raw(
        "SELECT roles, active FROM staff_member WHERE id = {} FOR UPDATE", staff_id
    )
    if not rows:
        raise NotFound("no such member of staff")
    before_roles = _ordered(rows[0]["roles"])
    before_active: bool = rows[0]["active"]
    roles = before_roles if data.roles is None else _ordered(data.roles)
    active = before_active if data.active is None else data.active
    if before_active and ADMIN_ROLE in before_roles and not (active and ADMIN_ROLE in roles):
        # Locks every admin row, so that two admins cannot demote each other at once.
        admins = await StaffMember.raw(
            "SELECT id FROM staff_member WHERE active AND {} = ANY(roles) FOR UPDATE", ADMIN_ROLE
        )
        if not any(row["id"] != staff_id for row in admins):
            raise LastAdmin()
    values: dict[Any, Any] = {StaffMember.updated_at: datetime.now(UTC)}
    if roles != before_roles:
        values[StaffMember.roles] = roles
    if active != before_active:
        values[StaffMember.active] = active
    if len(values) > 1:
        await StaffMember.update(values).where(StaffMember.id == staff_id)
    detail = {"staff_id": str(staff_id)}
    if roles != before_roles:
        await audit.record(
            "staff.roles_changed",
            actor=principal.actor,
            detail={**detail, "from": before_roles, "to": roles},
        )
    if active != before_active:
        action = "staff.reactivated" if active else "staff.deactivated"
        await audit.record(action, actor=principal.actor, detail=detail)
    return await staff_member(staff_id)


async def active_staff() -> list[StaffOut]:
    """The members of staff who can work: to choose team members and assignees from."""
    return [person for person in await list_staff() if person.active]


async def _organization(directory: StaffDirectory) -> str:
    tenant = current_tenant()
    row = await Tenant.select(Tenant.keycloak_org_id).where(Tenant.id == tenant.id).first()
    org_id: str | None = row["keycloak_org_id"] if row else None
    if org_id is None:
        org_id = await directory.organization_id(tenant.slug, tenant.name)
    if org_id is None:
        raise IdentityProviderDown("the organisation has no organization in the identity provider")
    return org_id


def _ordered(roles: Any) -> list[str]:
    """Roles once each, in the order ``TENANT_ROLES`` lists them."""
    return [role for role in TENANT_ROLES if role in set(roles)]


def _out(row: dict[str, Any]) -> StaffOut:
    return StaffOut(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        roles=_ordered(row["roles"]),
        active=row["active"],
        pending=row["subject"] is None,
        created_at=row["created_at"],
    )
