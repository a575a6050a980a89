"""Requests to reveal a protected or anonymous party's identity, and their decisions."""

from __future__ import annotations

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class IdentityReveal(TenantScoped, Table, tablename="identity_reveal"):
    """One request to see who is behind a pseudonym; good for one person, for a while."""

    id = UUID(primary_key=True, default=None)
    case_id = UUID(default=None)
    party_id = UUID(default=None)
    #: Who asked (a member of staff), and why.
    requested_by = UUID(default=None)
    requested_by_actor = Varchar(length=200)
    reason = Text()
    requested_at = Timestamptz(default=TimestamptzNow())
    #: pending | approved | refused
    status = Varchar(length=10, default="pending")
    decided_by = Varchar(length=200, null=True, default=None)
    decision_note = Text(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    #: Until when the asker sees the identity (approved requests only).
    expires_at = Timestamptz(null=True, default=None)
