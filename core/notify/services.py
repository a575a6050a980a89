"""Notifying members of staff about a case.

Every notice is written in the caller's transaction: the in-app notice as a
row, the e-mail through the outbox, so both appear exactly when the change that
caused them commits, and neither when it rolls back. A notice to staff is not
correspondence with the complainant: it never appears on the case's timeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from core.audit import services as audit
from core.auth.tables import StaffMember
from core.cases.tables import Case
from core.db.rows import as_structs
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.mail import outbox
from core.notify.schemas import NotificationList, NotificationOut
from core.notify.tables import Notification
from core.tenancy.context import TenantContext, current_tenant

#: The most notices one list returns; older ones stay stored.
LIST_LIMIT = 200


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

    ``kind`` names the notice ("risk_page", "deadline_reminder", ...). Each
    recipient gets an in-app notice (linking to the case, if any) and an e-mail.
    Inactive staff and staff without an address are skipped.
    """
    if not recipients:
        return 0
    tenant = current_tenant()
    rows = await StaffMember.raw(
        "SELECT id, email FROM staff_member WHERE id = ANY({}) AND active",
        list(set(recipients)),
    )
    link = await case_link(case_id) if case_id is not None else None
    notice = compose(
        tenant,
        [(row["id"], row["email"]) for row in rows],
        kind=kind,
        subject=subject,
        body=body,
        case_id=case_id,
        link=link,
        urgent=urgent,
        now=datetime.now(UTC),
    )
    for notification, email in zip(notice.notifications, notice.emails, strict=True):
        await Notification.insert(Notification(**notification))
        await outbox.store(email)
        await audit.record(
            "mail.queued", actor=actor, case_id=case_id, detail=outbox.queued_detail(email)
        )
    await audit.record("staff.notified", actor=actor, case_id=case_id, detail=notice.detail)
    return len(rows)


@dataclass(frozen=True, slots=True)
class Notice:
    """The rows one notice writes: an in-app notice and an e-mail per recipient."""

    notifications: list[dict[str, Any]]
    #: Outbox rows, one for each notification, in the same order.
    emails: list[dict[str, Any]]
    #: The ``staff.notified`` audit detail (each e-mail is audited ``mail.queued`` too).
    detail: dict[str, Any]


async def notify_supervisors(
    *, kind: str, subject: str, body: str, case_id: UUID, actor: str, besides: UUID | None
) -> int:
    """Tell the tenant's supervisors at once (urgent), except ``besides`` (the actor).

    Supervisors excluded from the case (its subjects, whom plugins name) are not
    told: the notice names the case and why someone opened it.
    """
    supervisors = await StaffMember.raw(
        """
        SELECT s.id FROM staff_member s
         WHERE s.active AND 'supervisor' = ANY(s.roles)
           AND NOT EXISTS (SELECT 1 FROM case_exclusion x
                            WHERE x.case_id = {} AND x.staff_id = s.id
                              AND x.overridden_at IS NULL)
         ORDER BY s.id
        """,
        case_id,
    )
    return await notify(
        recipients=[row["id"] for row in supervisors if row["id"] != besides],
        kind=kind,
        subject=subject,
        body=body,
        case_id=case_id,
        actor=actor,
        urgent=True,
    )


def compose(
    tenant: TenantContext,
    recipients: Sequence[tuple[UUID, str]],
    *,
    kind: str,
    subject: str,
    body: str,
    case_id: UUID | None,
    link: str | None,
    urgent: bool,
    now: datetime,
) -> Notice:
    """The rows that notify ``recipients`` (id and e-mail address); writes nothing.

    ``notify`` stores them; the deadline worker batches them with its other rows.
    """
    notifications, emails = [], []
    for staff_id, email in recipients:
        notifications.append(
            {
                "tenant_id": tenant.id,
                "id": uuid7(),
                "staff_id": staff_id,
                "kind": kind,
                "case_id": case_id,
                "subject": subject[:300],
                "body": body,
                "link": link,
                "urgent": urgent,
                "created_at": now,
                "read_at": None,
            }
        )
        emails.append(
            outbox.outbox_row(
                tenant,
                kind=kind,
                to=email,
                subject=("[urgent] " if urgent else "") + subject,
                body=body + (f"\n\n{link}" if link else ""),
                now=now,
            )
        )
    detail = {"kind": kind, "recipients": [str(r[0]) for r in recipients], "urgent": urgent}
    return Notice(notifications, emails, detail)


def case_path(reference: str) -> str:
    """The path of a case in the staff app, by its reference (what people quote)."""
    return f"/cases/{reference}"


async def case_link(case_id: UUID) -> str:
    """The path of the case in the staff app, by its reference (what people quote)."""
    row = await Case.select(Case.reference).where(Case.id == case_id).first()
    if row is None:
        raise NotFound("no such case")
    return case_path(row["reference"])


async def list_notifications(staff_id: UUID, *, unread_only: bool = False) -> NotificationList:
    """The staff member's own notices: unread first, then newest first."""
    query = Notification.select().where(Notification.staff_id == staff_id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    rows = await query.order_by(Notification.created_at, ascending=False).order_by(
        Notification.id, ascending=False
    )
    items = as_structs(NotificationOut, rows)
    items.sort(key=lambda item: item.read_at is not None)  # stable: keeps newest first
    unread = sum(1 for item in items if item.read_at is None)
    return NotificationList(items=items[:LIST_LIMIT], unread=unread)


async def mark_read(staff_id: UUID, notification_id: UUID, *, actor: str) -> NotificationOut:
    """Mark one of the staff member's own notices read (again is harmless)."""
    rows = await (
        Notification.update({Notification.read_at: datetime.now(UTC)})
        .where(
            (Notification.id == notification_id)
            & (Notification.staff_id == staff_id)
            & Notification.read_at.is_null()
        )
        .returning(Notification.id)
    )
    row = (
        await Notification.select()
        .where((Notification.id == notification_id) & (Notification.staff_id == staff_id))
        .first()
    )
    if row is None:
        # Someone else's notice is as absent as one that never existed.
        raise NotFound("no such notification")
    if rows:
        await audit.record(
            "notification.read",
            actor=actor,
            case_id=row["case_id"],
            detail={"notification_id": str(notification_id)},
        )
    return _out(row)


async def mark_all_read(staff_id: UUID, *, before: datetime | None = None, actor: str) -> int:
    """Mark the staff member's unread notices (created up to ``before``) read; return how many."""
    if before is not None and before.tzinfo is None:
        raise InvalidInput("before", "needs a time zone, e.g. 2026-11-24T09:30:00+00:00")
    query = Notification.update({Notification.read_at: datetime.now(UTC)}).where(
        (Notification.staff_id == staff_id) & Notification.read_at.is_null()
    )
    if before is not None:
        query = query.where(Notification.created_at <= before)
    rows = await query.returning(Notification.id)
    if rows:
        await audit.record("notification.read_all", actor=actor, detail={"count": len(rows)})
    return len(rows)


def _out(row: Mapping[str, Any]) -> NotificationOut:
    return as_structs(NotificationOut, [row])[0]
