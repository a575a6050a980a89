"""Inclusion proofs: one audit event, shown to be in a signed log, checkable by anyone.

A proof is a JSON document (``querela audit prove``)::

    {"format": "querela-audit-inclusion-proof/1",
     "event": {...the event's nine fields...},
     "event_hash": "<hex>",
     "checkpoint": {"tenant_id", "seq", "hash", "merkle_root", "signed_at", "key_id",
                    "signature"},
     "leaf_index": <seq - 1>, "tree_size": <checkpoint seq>, "path": ["<hex>", ...]}

Checking it needs the service's published public key and nothing of the service:

1. ``event_hash`` is the SHA-256 of the event as JSON with sorted keys, no spaces
   and UTF-8 unescaped (Python: ``json.dumps(event, sort_keys=True,
   separators=(",", ":"), ensure_ascii=False)``);
2. ``SHA-256(0x00 || event_hash bytes)`` is leaf ``leaf_index`` of a Merkle tree of
   ``tree_size`` leaves whose root is ``merkle_root``: RFC 9162 section 2.1.3.2 with
   ``path``;
3. the checkpoint's Ed25519 signature holds, under the public key, over
   ``querela-audit-checkpoint:v2:<tenant_id>:<seq>:<hash>:<merkle_root>:<signed_at>``
   (``signed_at`` in UTC, ISO 8601 with microseconds).

The proof reveals the one event and hashes; no other event's content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.audit.checkpoints import key_id, message
from core.audit.merkle import inclusion_path, leaf_hash, verify_inclusion
from core.errors import Conflict, NotFound

FORMAT = "querela-audit-inclusion-proof/1"

_EVENT = """
SELECT seq, id::text AS id, tenant_id::text AS tenant_id,
       to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
           AS occurred_at,
       actor, action, case_id::text AS case_id, detail::text AS detail, prev_hash, hash
FROM audit_event WHERE seq = $1
"""


def canonical_hash(event: dict[str, Any]) -> str:
    """The SHA-256 (hex) of an event's canonical JSON, as the log seals it."""
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def prove(connection: asyncpg.Connection, tenant_id: UUID, seq: int) -> dict[str, Any]:
    """The inclusion proof of event ``seq`` under the first signed root that covers it.

    Runs in a transaction scoped to the tenant.
    """
    row = await connection.fetchrow(_EVENT, seq)
    if row is None:
        raise NotFound(f"the log has no event {seq}")
    checkpoint = await connection.fetchrow(
        "SELECT seq, hash, merkle_root, signed_at, key_id, signature FROM audit_checkpoint"
        " WHERE seq >= $1 AND merkle_root IS NOT NULL ORDER BY seq, signed_at LIMIT 1",
        seq,
    )
    if checkpoint is None:
        raise Conflict(f"no signed checkpoint covers event {seq} yet: sign one first")
    hashes = await connection.fetch(
        "SELECT hash FROM audit_event WHERE seq <= $1 ORDER BY seq", checkpoint["seq"]
    )
    leaves = [leaf_hash(bytes.fromhex(h["hash"])) for h in hashes]
    event = {
        "action": row["action"],
        "actor": row["actor"],
        "case_id": row["case_id"],
        "detail": json.loads(row["detail"]),
        "id": row["id"],
        "occurred_at": row["occurred_at"],
        "prev_hash": row["prev_hash"],
        "seq": row["seq"],
        "tenant_id": row["tenant_id"],
    }
    return {
        "format": FORMAT,
        "event": event,
        "event_hash": row["hash"],
        "checkpoint": {
            "tenant_id": str(tenant_id),
            "seq": checkpoint["seq"],
            "hash": checkpoint["hash"],
            "merkle_root": checkpoint["merkle_root"],
            "signed_at": checkpoint["signed_at"].isoformat(timespec="microseconds"),
            "key_id": checkpoint["key_id"],
            "signature": checkpoint["signature"],
        },
        "leaf_index": seq - 1,
        "tree_size": checkpoint["seq"],
        "path": [node.hex() for node in inclusion_path(leaves, seq - 1)],
    }


def check_proof(proof: dict[str, Any], public: Ed25519PublicKey) -> str | None:
    """None when the proof holds under ``public``; else what fails, in words."""
    try:
        if proof.get("format") != FORMAT:
            return f"not a {FORMAT} document"
        event, point = proof["event"], proof["checkpoint"]
        if canonical_hash(event) != proof["event_hash"]:
            return "the event does not match its hash: it was changed"
        if event["tenant_id"] != point["tenant_id"]:
            return "the event belongs to another tenant than the checkpoint"
        if point["key_id"] != key_id(public):
            return "the checkpoint was signed with another key"
        size, index = int(proof["tree_size"]), int(proof["leaf_index"])
        if size != int(point["seq"]) or index != int(event["seq"]) - 1:
            return "the proof's positions do not match the event and the checkpoint"
        leaf = leaf_hash(bytes.fromhex(proof["event_hash"]))
        path = [bytes.fromhex(node) for node in proof["path"]]
        if not verify_inclusion(leaf, index, size, path, bytes.fromhex(point["merkle_root"])):
            return "the path does not lead from the event to the signed root"
        signed = message(
            UUID(point["tenant_id"]),
            size,
            point["hash"],
            datetime.fromisoformat(point["signed_at"]),
            point["merkle_root"],
        )
        public.verify(bytes.fromhex(point["signature"]), signed)
    except InvalidSignature:
        return "the checkpoint's signature does not hold: it was forged or changed"
    except (KeyError, TypeError, ValueError) as exc:
        return f"the proof is malformed: {exc}"
    return None
