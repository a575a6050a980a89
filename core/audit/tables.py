"""Audit events (tenant-scoped, append-only for the application role)."""

from __future__ import annotations

from piccolo.columns import JSONB, UUID, BigInt, Timestamptz, Varchar
from piccolo.table import Table

from core.db.placement import APPEND_ONLY, TenantScoped


class AuditEvent(TenantScoped, Table, tablename="audit_event"):
    """One thing that happened, chained to the tenant's previous event by its hash."""

    app_privileges = APPEND_ONLY

    id = UUID(primary_key=True, default=None)
    #: Position in the tenant's chain, starting at 1, without gaps.
    seq = BigInt()
    occurred_at = Timestamptz()
    #: Who acted: ``staff:<id>``, ``public``, ``api-key:<id>``, ``system``.
    actor = Varchar(length=200)
    action = Varchar(length=100)
    case_id = UUID(null=True, default=None)
    detail = JSONB(default="{}")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class AuditCheckpoint(TenantScoped, Table, tablename="audit_checkpoint"):
    """The head of a tenant's log at one moment, signed with the service's audit key.

    A hash chain shows a changed or removed event, but not a log cut short at its
    end, nor one rewritten and re-sealed from some event on; a checkpoint signed
    earlier, and kept where the database's owner cannot reach (sent to a regulator,
    published), shows both.
    """

    app_privileges = APPEND_ONLY

    id = UUID(primary_key=True, default=None)
    seq = BigInt()
    hash = Varchar(length=64)
    signed_at = Timestamptz()
    #: The first 16 hex digits of the SHA-256 of the raw Ed25519 public key.
    key_id = Varchar(length=16)
    #: Ed25519 signature of ``core.audit.checkpoints.message(...)``, hex.
    signature = Varchar(length=128)
    #: Root of the Merkle tree over the events' hashes up to ``seq`` (``core.audit.merkle``),
    #: hex; signed with the head. None in checkpoints made before roots were signed.
    merkle_root = Varchar(length=64, null=True, default=None)
