"""Signed checkpoints: the head of a tenant's audit log, signed with the service's key.

``querela audit checkpoint`` signs each tenant's current head (its last ``seq``
and ``hash``) with an Ed25519 key kept in a file outside the database; the
signature is stored with the log and can be sent anywhere else. ``querela audit
verify`` then checks, besides the chain, that every checkpoint's signature holds
under the public key and that the log still has, at each signed ``seq``, the
event with the signed hash: a log cut short after a checkpoint, or rewritten and
re-sealed from some event before it, no longer matches. Anyone with the public
key (``querela audit public-key``) can check a checkpoint without the service.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from core.audit.merkle import RootBuilder, leaf_hash
from core.audit.services import AUDIT_LOCK
from core.audit.verify import Fault
from core.ids import uuid7
from core.settings import Settings
from core.tenancy.context import SERVED_STATUSES, tenant_transaction
from core.tenancy.tables import Tenant


def message(
    tenant_id: UUID, seq: int, digest: str, signed_at: datetime, root: str | None = None
) -> bytes:
    """The bytes a checkpoint signs.

    The tenant, the head's position and hash, the Merkle root of the log up to it
    (v2; v1 checkpoints have none), and when.
    """
    moment = signed_at.astimezone(UTC).isoformat(timespec="microseconds")
    if root is None:
        return f"querela-audit-checkpoint:v1:{tenant_id}:{seq}:{digest}:{moment}".encode()
    return f"querela-audit-checkpoint:v2:{tenant_id}:{seq}:{digest}:{root}:{moment}".encode()


def key_id(public: Ed25519PublicKey) -> str:
    """A short name for a public key: the start of the SHA-256 of its raw bytes."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_or_create_key(path: Path) -> tuple[Ed25519PrivateKey, bool]:
    """The signing key in ``path`` (PEM); made there, readable by the owner only, if absent."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} holds no Ed25519 private key")
        return key, False
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key, True


def public_pem(public: Ed25519PublicKey) -> str:
    """The public key as PEM, to publish."""
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """A published public key (PEM)."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One signed head."""

    seq: int
    hash: str
    signed_at: datetime


async def sign_head(
    connection: asyncpg.Connection, tenant_id: UUID, key: Ed25519PrivateKey
) -> Checkpoint:
    """Sign and store the tenant's current head, in a transaction scoped to the tenant."""
    await connection.execute(AUDIT_LOCK, str(tenant_id))  # no event slips in between
    head = await connection.fetchrow("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    seq, digest = (head["seq"], head["hash"]) if head else (0, "0" * 64)
    root = (await roots_at(connection, [seq]))[seq]
    signed_at = datetime.now(UTC)
    signature = key.sign(message(tenant_id, seq, digest, signed_at, root)).hex()
    await connection.execute(
        "INSERT INTO audit_checkpoint"
        " (tenant_id, id, seq, hash, signed_at, key_id, signature, merkle_root)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant_id,
        uuid7(),
        seq,
        digest,
        signed_at,
        key_id(key.public_key()),
        signature,
        root,
    )
    return Checkpoint(seq, digest, signed_at)


async def roots_at(connection: asyncpg.Connection, sizes: list[int]) -> dict[int, str]:
    """The Merkle roots (hex) of the log's first ``n`` events, for each ``n`` in ``sizes``.

    One pass over the events' hashes in order, inside the caller's transaction.
    """
    wanted = sorted(set(sizes))
    roots: dict[int, str] = {}
    builder = RootBuilder()
    if wanted and wanted[0] == 0:
        roots[0] = builder.root().hex()
    top = wanted[-1] if wanted else 0
    if top > 0:
        query = "SELECT seq, hash FROM audit_event WHERE seq <= $1 ORDER BY seq"
        async for seq, digest in connection.cursor(query, top, prefetch=10_000):
            builder.add(leaf_hash(bytes.fromhex(digest)))
            if seq in wanted:
                roots[seq] = builder.root().hex()
    return roots


async def check_checkpoints(
    connection: asyncpg.Connection, tenant_id: UUID, public: Ed25519PublicKey
) -> tuple[int, Fault | None]:
    """Check the tenant's checkpoints against the key and the log.

    Returns how many there are, and the first that does not hold, as a fault of the
    event it names.
    """
    rows = await connection.fetch(
        """
        SELECT c.seq, c.hash, c.signed_at, c.key_id, c.signature, c.merkle_root,
               e.id::text AS event_id,
               e.hash AS event_hash, (SELECT max(seq) FROM audit_event) AS top
        FROM audit_checkpoint c LEFT JOIN audit_event e ON e.seq = c.seq
        ORDER BY c.seq, c.signed_at
        """
    )
    mine = key_id(public)
    roots = await roots_at(
        connection, [r["seq"] for r in rows if r["merkle_root"] and r["key_id"] == mine]
    )
    for row in rows:
        seq, signed = row["seq"], f"signed {row['signed_at']:%Y-%m-%d %H:%M} UTC"
        if row["key_id"] != mine:
            continue  # another key's checkpoint: checked with that key
        try:
            public.verify(
                bytes.fromhex(row["signature"]),
                message(tenant_id, seq, row["hash"], row["signed_at"], row["merkle_root"]),
            )
        except (InvalidSignature, ValueError):
            reason = f"the checkpoint at event {seq} ({signed}) is not signed by this key"
            return len(rows), Fault(seq, None, reason + ": it was forged or changed")
        if seq == 0:
            continue
        if row["event_hash"] is None:
            top = row["top"] or 0
            return len(rows), Fault(
                seq,
                None,
                f"the log ends at event {top}, but a checkpoint {signed} covers {seq}:"
                " events were removed from its end",
            )
        if (
            row["event_hash"] != row["hash"]
            or roots.get(seq, row["merkle_root"]) != row["merkle_root"]
        ):
            return len(rows), Fault(
                seq,
                row["event_id"],
                f"it is not the event a checkpoint {signed} covers: the log was rewritten"
                " and re-sealed up to here",
            )
    return len(rows), None


#: How often the worker signs a tenant's head, when its log has grown since the last one.
CHECKPOINT_EVERY = timedelta(hours=1)
#: How often a worker looks for heads to sign.
_SCAN_EVERY = 300.0
_next_scan = 0.0


async def sign_due(settings: Settings, *, every: timedelta = CHECKPOINT_EVERY) -> int:
    """Sign the head of each served tenant whose log grew and whose last checkpoint is old.

    The worker runs this every loop; it looks at most every five minutes. Returns
    how many heads it signed.
    """
    global _next_scan
    if time.monotonic() < _next_scan:
        return 0
    _next_scan = time.monotonic() + _SCAN_EVERY
    key, _ = load_or_create_key(settings.audit_signing_key_path)
    tenants = await Tenant.select(Tenant.id).where(Tenant.status.is_in(list(SERVED_STATUSES)))
    signed = 0
    for row in tenants:
        async with tenant_transaction(tenant_id=row["id"]) as (tenant, transaction):
            if tenant is None:
                continue
            due = await transaction.connection.fetchval(
                """
                SELECT EXISTS (SELECT 1 FROM audit_event e
                                WHERE e.seq > coalesce(last.seq, 0))
                   AND coalesce(last.signed_at < now() - $1::interval, true)
                  FROM (SELECT max(seq) AS seq, max(signed_at) AS signed_at
                          FROM audit_checkpoint) last
                """,
                every,
            )
            if due:
                await sign_head(transaction.connection, tenant.id, key)
                signed += 1
    return signed
