"""Writing to the audit log.

Each event carries the SHA-256 of its canonical form, which includes the hash of
the tenant's previous event, so changing or removing any event breaks every hash
after it. Events of one tenant are serialised by a transaction-scoped advisory
lock, which keeps ``seq`` gap-free without the app role needing UPDATE rights.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any
from uuid import UUID

from core.db.engine import DB
from core.ids import uuid7
from core.tenancy.context import current_tenant

GENESIS_HASH = "0" * 64


#: The canonical form's encoder of ``detail``: sorted keys, no spaces, UTF-8 as is.
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


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
    return text_hash(
        str(tenant_id),
        seq,
        str(event_id),
        occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor,
        action,
        str(case_id) if case_id else None,
        detail,
        prev_hash,
    )


def text_hash(
    tenant_id: str,
    seq: int,
    event_id: str,
    occurred_at: str,
    actor: str,
    action: str,
    case_id: str | None,
    detail: dict[str, Any],
    prev_hash: str,
    /,
) -> str:
    """``event_hash`` of an event read as text (UUIDs, and the time in UTC as ISO 8601).

    The canonical form is the JSON object of the nine fields with sorted keys, no
    spaces and UTF-8 unescaped (what ``json.dumps(..., sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)`` writes); it is assembled here
    field by field because verifying a whole log hashes hundreds of thousands of
    events a second. UUIDs and times have no characters JSON escapes.
    """
    canonical = "".join(
        (
            '{"action":',
            encode_basestring(action),
            ',"actor":',
            encode_basestring(actor),
            ',"case_id":',
            f'"{case_id}"' if case_id else "null",
            ',"detail":',
            _encode(detail),
            ',"id":"',
            event_id,
            '","occurred_at":"',
            occurred_at,
            '","prev_hash":',
            encode_basestring(prev_hash),
            ',"seq":',
            str(seq),
            ',"tenant_id":"',
            tenant_id,
            '"}',
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


#: Serialises a tenant's appends (``$1``: the tenant id, as text), for the length of the
#: transaction. Whoever locks the tenant's outbox index rows takes this first.
AUDIT_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('audit:' || $1, 0))"


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
    return await record_many([Event(action, actor, case_id, detail or {})])


@dataclass(frozen=True, slots=True)
class Event:
    """One event for ``record_many``."""

    action: str
    actor: str
    case_id: UUID | None = None
    detail: dict[str, Any] = field(default_factory=dict)


async def record_many(events: Sequence[Event]) -> int:
    """Append the events to the current tenant's log in order, in one write; the last ``seq``.

    E.g. one read per case when a report shows the names of many restricted cases.
    """
    tenant = current_tenant()
    transaction = DB.current_transaction.get()
    assert transaction is not None, "current_tenant() guarantees an open transaction"
    conn = transaction.connection
    await conn.execute(AUDIT_LOCK, str(tenant.id))
    last = await conn.fetchrow(
        "SELECT seq, hash FROM audit_event WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
        tenant.id,
    )
    head = ChainHead(last["seq"], last["hash"]) if last else ChainHead()
    rows = []
    for event in events:
        row = seal(
            tenant.id,
            head,
            action=event.action,
            actor=event.actor,
            case_id=event.case_id,
            detail=event.detail,
        )
        rows.append(row)
        head = ChainHead(row["seq"], row["hash"])
    await conn.executemany(
        """
        INSERT INTO audit_event
            (tenant_id, id, seq, occurred_at, actor, action, case_id, detail, prev_hash, hash)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
        """,
        [
            [json.dumps(row[name]) if name == "detail" else row[name] for name in AUDIT_COLUMNS]
            for row in rows
        ],
    )
    return head.seq
