"""A case's parties and correspondence: written sealed, read in plain text.

Names, contact details and every letter's text are sealed with the tenant's
data key (``core.crypto``); these functions are the way in and out, so that no
caller handles ciphertext.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from core import clock
from core.cases.tables import Correspondence, Party
from core.crypto.fields import opened, opened_one, sealed
from core.ids import uuid7
from core.tenancy.context import current_tenant


async def add_correspondence(
    case_id: UUID,
    *,
    direction: str,
    channel: str,
    body: str,
    occurred_at: datetime | None = None,
    correspondence_id: UUID | None = None,
) -> UUID:
    """Record one item of correspondence on the case, its text sealed; return its id."""
    now = datetime.now(UTC)
    row = await sealed(
        "correspondence",
        {
            "id": correspondence_id or uuid7(),
            "tenant_id": current_tenant().id,
            "case_id": case_id,
            "direction": direction,
            "channel": channel,
            "body": body,
            # The deadline clock: an appeal window runs from the last letter sent.
            "occurred_at": occurred_at or clock.now(),
            "created_at": now,
        },
    )
    await Correspondence.insert(Correspondence(**row))
    item_id: UUID = row["id"]
    return item_id


async def letters_of(case_id: UUID) -> list[dict[str, Any]]:
    """The case's correspondence, oldest first, in plain text."""
    rows = (
        await Correspondence.select()
        .where(Correspondence.case_id == case_id)
        .order_by(Correspondence.occurred_at)
        .order_by(Correspondence.id)
    )
    return await opened("correspondence", rows)


async def first_letter(case_id: UUID) -> dict[str, Any] | None:
    """The case's first item of correspondence (what the complaint said), or None."""
    row = (
        await Correspondence.select(Correspondence.id, Correspondence.body)
        .where(Correspondence.case_id == case_id)
        .order_by(Correspondence.occurred_at)
        .order_by(Correspondence.id)
        .first()
    )
    return await opened_one("correspondence", row)


async def parties_of(case_id: UUID) -> list[dict[str, Any]]:
    """The case's parties in the order they were added, names and contacts in plain text."""
    rows = await Party.select().where(Party.case_id == case_id).order_by(Party.id)
    return await opened("party", rows)


async def complainants_of(case_ids: Sequence[UUID]) -> dict[UUID, dict[str, Any]]:
    """The complainant of each of the cases that has one (name in plain text), by case."""
    if not case_ids:
        return {}
    rows = await Party.select().where(
        Party.case_id.is_in(list(case_ids)) & (Party.role == "complainant")
    )
    return {row["case_id"]: row for row in await opened("party", rows)}


async def complainant_of(case_id: UUID) -> dict[str, Any] | None:
    """The case's complainant (name and contacts in plain text), or None."""
    row = (
        await Party.select()
        .where((Party.case_id == case_id) & (Party.role == "complainant"))
        .first()
    )
    return await opened_one("party", row)
