"""Notifying members of staff about a case.

Every notice goes through the outbox in the caller's transaction, so it goes
out exactly when the change that caused it commits. A notice to staff is not
correspondence with the complainant: it never appears on the case's timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from core.audit import services as audit
from core.auth.tables import StaffMember
from core.mail.outbox import queue_email


async def notify(
    *,
    recipients: Sequence[UUID],
    kind: str,
    subject: str,
    body: str,
    case_id: UUID | None,
    actor: str,
    urgent: bool = False,
) -> int:
    """Send ``subject``/``body`` to the staff ``recipients``; return how many were reached.

    ``kind`` names the notice ("risk_page", "deadline_reminder", ...). Inactive
    staff and staff without an address are skipped.
    """
    if not recipients:
        return 0
    rows = await StaffMember.raw(
        "SELECT id, email FROM staff_member WHERE id = ANY({}) AND active AND email IS NOT NULL",
        list(recipients),
    )
    for row in rows:
        await queue_email(
            kind=kind,
            to=row["email"],
            subject=("[urgent] " if urgent else "") + subject,
            body=body,
            actor=actor,
        )
    await audit.record(
        "staff.notified",
        actor=actor,
        case_id=case_id,
        detail={"kind": kind, "recipients": [str(r["id"]) for r in rows], "urgent": urgent},
    )
    return len(rows)
