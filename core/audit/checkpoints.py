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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from core.audit.verify import Fault
from core.ids import uuid7

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('audit:' || $1, 0))"


def message(tenant_id: UUID, seq: int, digest: str, signed_at: datetime) -> bytes:
    """The bytes a checkpoint signs: the tenant, the head's position and hash, and when."""
    moment = signed_at.astimezone(UTC).isoformat(timespec="microseconds")
    return f"querela-audit-checkpoint:v1:{tenant_id}:{seq}:{digest}:{moment}".encode()


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
    await connection.execute(_LOCK, str(tenant_id))  # no event slips in between
    head = await connection.fetchrow("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    seq, digest = (head["seq"], head["hash"]) if head else (0, "0" * 64)
    signed_at = datetime.now(UTC)
    signature = key.sign(message(tenant_id, seq, digest, signed_at)).hex()
    await connection.execute(
        "INSERT INTO audit_checkpoint (tenant_id, id, seq, hash, signed_at, key_id, signature)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant_id,
        uuid7(),
        seq,
        digest,
        signed_at,
        key_id(key.public_key()),
        signature,
    )
    return Checkpoint(seq, digest, signed_at)


async def check_checkpoints(
    connection: asyncpg.Connection, tenant_id: UUID, public: Ed25519PublicKey
) -> tuple[int, Fault | None]:
    """Check the tenant's checkpoints against the key and the log.

    Returns how many there are, and the first that does not hold, as a fault of the
    event it names.
    """
    rows = await connection.fetch(
        """
        SELECT c.seq, c.hash, c.signed_at, c.key_id, c.signature, e.id::text AS event_id,
               e.hash AS event_hash, (SELECT max(seq) FROM audit_event) AS top
        FROM audit_checkpoint c LEFT JOIN audit_event e ON e.seq = c.seq
        ORDER BY c.seq, c.signed_at
        """
    )
    mine = key_id(public)
    for row in rows:
        seq, signed = row["seq"], f"signed {row['signed_at']:%Y-%m-%d %H:%M} UTC"
        if row["key_id"] != mine:
            continue  # another key's checkpoint: checked with that key
        try:
            public.verify(
                bytes.fromhex(row["signature"]),
                message(tenant_id, seq, row["hash"], row["signed_at"]),
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
        if row["event_hash"] != row["hash"]:
            return len(rows), Fault(
                seq,
                row["event_id"],
                f"it is not the event a checkpoint {signed} covers: the log was rewritten"
                " and re-sealed up to here",
            )
    return len(rows), None
