"""Staff members and their sessions (tenant-scoped)."""

from __future__ import annotations

from piccolo.columns import UUID, Array, Boolean, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class StaffMember(TenantScoped, Table, tablename="staff_member"):
    """A person who works on the tenant's cases, with the roles they hold there.

    Keycloak says who someone is and which organisations they belong to; the
    roles they hold in each organisation are kept here (see
    ``deploy/adr/0001-role-assignments-live-in-querela.md``).
    """

    id = UUID(primary_key=True, default=None)
    subject = Varchar(length=64, null=True, default=None)
    email = Varchar(length=320)
    display_name = Varchar(length=200, null=True, default=None)
    roles = Array(base_column=Text(), default=list)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StaffSession(TenantScoped, Table, tablename="staff_session"):
    """A signed-in browser; ``id`` is the SHA-256 of the cookie value."""

    id = Varchar(length=64, primary_key=True)
    staff_id = UUID(default=None)
    id_token = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
