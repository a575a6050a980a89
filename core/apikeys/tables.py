"""API keys (tenant-scoped): credentials another system uses instead of a person's token.

A key is never deleted, only revoked, so the audit log's ``api-key:<id>`` actors
always name a row that says who issued the key, with which scopes, and when it
stopped working. Only the SHA-256 of the secret is kept.
"""

from __future__ import annotations

from piccolo.columns import UUID, Array, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class ApiKey(TenantScoped, Table, tablename="api_key"):
    """One integration's key to the tenant's API, limited to its scopes."""

    # Revoked, never deleted: the app role may not remove the record of a key.
    app_privileges = ("SELECT", "INSERT", "UPDATE")

    id = UUID(primary_key=True, default=None)
    #: What the key is for, as the administrator named it ("CRM", "call centre").
    name = Varchar(length=100)
    #: The first characters of the secret, shown so that a key can be recognised.
    prefix = Varchar(length=16)
    secret_hash = Varchar(length=64)
    scopes = Array(base_column=Text(), default=list)
    #: Who issued it: ``staff:<id>`` or ``platform:cli``.
    created_by = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = Varchar(length=200, null=True, default=None)
    #: Refreshed at most once a minute, and only by requests that succeed.
    last_used_at = Timestamptz(null=True, default=None)
