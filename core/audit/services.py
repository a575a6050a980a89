"""Writing to the audit log.

Each event carries the SHA-256 of its canonical form, which includes the hash of
the tenant's previous event, so changing or removing any event breaks every hash
after it. Events of one tenant are serialised by a transaction-scoped advisory
lock, which keeps ``seq`` gap-free without the app role needing UPDATE rights.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from core.db.engine import DB
from core.ids import uuid7
from core.tenancy.context import current_tenant

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    tenant_id: UUID,
    seq: int,
    event_id: UUID,
    occurred_at: datetime,
    actor: str,
    action: str,
    case_id: UUID | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """Return the hash that seals one event onto its predecessor."""
    canonical = json.dumps(
        {
            "tenant_id": str(tenant_id),
            "seq": seq,
            "id": str(event_id),
            "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "case_id": str(case_id) if case_id else None,
            "detail": detail,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


#: The columns of an ``audit_event`` row, in table order.
AUDIT_COLUMNS = (
    "tenant_id",
    "id",
    "seq",
    "occurred_at",
    "actor",
    "action",
    "case_id",
    "detail",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of a tenant's log: what the next one is sealed onto."""

    seq: int = 0
    hash: str = GENESIS_HASH


def seal(
    tenant_id: UUID,
    head: ChainHead,
    *,
    action: str,
    actor: str,
    case_id: UUID | None,
    detail: dict[str, Any],
) -> dict[str, Any]:
    """Return the complete row of the event that follows ``head``; writes nothing.

    The caller holds the tenant's audit lock from reading ``head`` until the row is
    written (``record`` does; the deadline worker's batch read does), and seals the
    next event onto ``ChainHead(row["seq"], row["hash"])``.
    """
    event_id = uuid7()
    # PostgreSQL keeps microseconds, as Python does: the stored time hashes the same.
    occurred_at = datetime.now(UTC)
    seq = head.seq + 1
    return {
        "tenant_id": tenant_id,
        "id": event_id,
        "seq": seq,
        "occurred_at": occurred_at,
        "actor": actor,
        "action": action,
        "case_id": case_id,
        "detail": detail,
        "prev_hash": head.hash,
        "hash": event_hash(
            tenant_id=tenant_id,
            seq=seq,
            event_id=event_id,
            occurred_at=occurred_at,
            actor=actor,
            action=action,
            case_id=case_id,
            detail=detail,
            prev_hash=head.hash,
        ),
    }


async def record(
    action: str,
    *,
    actor: str,
    case_id: UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append an event to the current tenant's log, in the current transaction.

    ``detail`` must not carry personal data: names, addresses and free text stay
    in the case tables, where they can be encrypted and erased. Returns ``seq``.
    """
    tenant = current_tenant()
    transaction = DB.current_transaction.get()
    assert transaction is not None, "current_tenant() guarantees an open transaction"
    conn = transaction.connection
    detail = detail or {}
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('audit:' || $1, 0))", str(tenant.id)
    )
    last = await conn.fetchrow(
        "SELECT seq, hash FROM audit_event WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
        tenant.id,
    )
    head = ChainHead(last["seq"], last["hash"]) if last else ChainHead()
    row = seal(tenant.id, head, action=action, actor=actor, case_id=case_id, detail=detail)
    await conn.execute(
        """
        INSERT INTO audit_event
            (tenant_id, id, seq, occurred_at, actor, action, case_id, detail, prev_hash, hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
        """,
        *(json.dumps(row[name]) if name == "detail" else row[name] for name in AUDIT_COLUMNS),
    )
    return int(row["seq"])
