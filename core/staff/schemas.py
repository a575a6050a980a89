"""What crosses the staff API boundary: people, their roles, invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from core.cases.schemas import Email
from core.text import line

#: The roles of ``core.auth.principal.TENANT_ROLES``, as the API accepts them.
Role = Literal["handler", "investigator", "supervisor", "tenant-admin", "auditor"]
Roles = Annotated[list[Role], Meta(min_length=1, max_length=5)]


class StaffOut(msgspec.Struct, kw_only=True):
    """A member of staff as the tenant admin sees them."""

    id: UUID
    email: str
    display_name: str | None
    roles: list[str]
    active: bool
    #: Invited, but not yet signed in: no identity is bound to the row.
    pending: bool
    created_at: datetime


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A person to invite by e-mail, with the roles they will hold."""

    email: Email
    roles: Roles
    display_name: Annotated[str, line(min_length=1, max_length=200)] | None = None


class InvitationOut(msgspec.Struct, kw_only=True):
    """The new member of staff, and whether the identity provider mailed an invitation.

    ``sent`` is false when the person already belongs to the organization there:
    they can sign in at once.
    """

    staff: StaffOut
    sent: bool


class StaffChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """New roles, or deactivating / reactivating; a field left out stays."""

    roles: Roles | None = None
    active: bool | None = None
