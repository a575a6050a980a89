"""The tenants' data keys, wrapped; the plain keys never reach the database."""

from __future__ import annotations

from piccolo.columns import UUID, Bytea, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.placement import TenantScoped


class TenantKey(TenantScoped, Table, tablename="tenant_key"):
    """One version of a tenant's data key; the highest version seals new values."""

    #: Rows are added by a rotation, rewrapped by a key-manager rotation, and deleted
    #: when no value is sealed with their version any more.

    id = UUID(primary_key=True, default=None)
    version = Integer()
    #: The AES-256 data key, wrapped by the key manager's key ``kek``.
    wrapped_key = Bytea()
    #: The key of the blind indexes (HMAC-SHA256 of e-mail and phone), wrapped likewise;
    #: the same in every version, so rotating the data key leaves the indexes valid.
    wrapped_index_key = Bytea()
    #: The name of the key-encryption key in the key manager (``tenant-<tenant id>``).
    kek = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())
