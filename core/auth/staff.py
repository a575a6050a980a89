"""Finding the staff member behind a verified identity, and staff by id, in the current tenant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from core.audit import services as audit
from core.auth.tables import StaffMember
from core.tenancy.context import current_tenant


async def staff_for_identity(
    *, subject: str, email: str | None, email_verified: bool, name: str | None
) -> dict[str, Any] | None:
    """Return the active staff row of this person in the current tenant, or None.

    A person invited by e-mail has a staff row without a subject until they
    first sign in; the row is then bound to their Keycloak id, but only if
    Keycloak vouches for the address (``email_verified``).
    """
    current_tenant()
    row: dict[str, Any] | None = (
        await StaffMember.select()
        .where(StaffMember.subject == subject)
        .where(StaffMember.active == True)  # noqa: E712 - Piccolo builds SQL from ==
        .first()
    )
    if row is not None or not (email and email_verified):
        return row
    matches = await StaffMember.raw(
        "SELECT * FROM staff_member"
        " WHERE subject IS NULL AND active AND lower(email) = lower({}) LIMIT 1",
        email,
    )
    if not matches:
        return None
    invited: dict[str, Any] = matches[0]
    await StaffMember.update(
        {
            StaffMember.subject: subject,
            StaffMember.display_name: invited["display_name"] or name,
            StaffMember.updated_at: datetime.now(UTC),
        }
    ).where(StaffMember.id == invited["id"])
    await audit.record(
        "staff.linked", actor=f"staff:{invited['id']}", detail={"staff_id": str(invited["id"])}
    )
    invited["subject"] = subject
    return invited


async def staff_names(ids: Iterable[UUID | None]) -> dict[UUID | None, str]:
    """Display names (else e-mail addresses) of the staff ``ids``, in one query."""
    wanted = list({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await StaffMember.select(
        StaffMember.id, StaffMember.display_name, StaffMember.email
    ).where(StaffMember.id.is_in(wanted))
    return {row["id"]: row["display_name"] or row["email"] for row in rows}
