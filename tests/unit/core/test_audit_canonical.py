"""The audit log's canonical form: the fast assembly is exactly the JSON it stands for."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.audit.services import GENESIS_HASH, event_hash


def reference_hash(**fields: object) -> str:
    """The definition: SHA-256 of the sorted, compact, unescaped JSON of the nine fields."""
    canonical = json.dumps(
        {
            "tenant_id": str(fields["tenant_id"]),
            "seq": fields["seq"],
            "id": str(fields["event_id"]),
            "occurred_at": fields["occurred_at"]
            .astimezone(UTC)
            .isoformat(  # type: ignore[attr-defined]
                timespec="microseconds"
            ),
            "actor": fields["actor"],
            "action": fields["action"],
            "case_id": str(fields["case_id"]) if fields["case_id"] else None,
            "detail": fields["detail"],
            "prev_hash": fields["prev_hash"],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(
    ("actor", "action", "case_id", "detail", "when"),
    [
        ("staff:1", "case.registered", uuid.uuid4(), {}, datetime(2026, 11, 24, tzinfo=UTC)),
        ("worker", "deadline.breached", None, {"deadline_id": "x"}, datetime.now(UTC)),
        (
            'he said "no"\\ \n\t',
            "note.added",
            uuid.uuid4(),
            {"z": [1, 2.5, None, True], "a": {"ä": "Ωmega 😀", "b": "\u2028"}, "n": -7},
            datetime(2026, 3, 29, 2, 30, 0, 5, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("Пётр Иванович", "дело.открыто", None, {"ключ": "значение"}, datetime.now(UTC)),
        ("control\x01char", "x", None, {"k": "\x00\x1f"}, datetime.now(UTC)),
    ],
)
def test_the_assembled_form_hashes_as_the_json_it_stands_for(
    actor: str, action: str, case_id: uuid.UUID | None, detail: dict, when: datetime
):
    fields = {
        "tenant_id": uuid.uuid4(),
        "seq": 12345,
        "event_id": uuid.uuid4(),
        "occurred_at": when,
        "actor": actor,
        "action": action,
        "case_id": case_id,
        "detail": detail,
        "prev_hash": GENESIS_HASH,
    }

    assert event_hash(**fields) == reference_hash(**fields)  # type: ignore[arg-type]
