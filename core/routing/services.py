"""Routing services.

``supervisors_of`` is what deadlines, risk flags and escalations use to find the
people to page about a case.
"""

from __future__ import annotations

from uuid import UUID

from core.auth.tables import StaffMember


async def supervisors_of(case_id: UUID) -> list[UUID]:
    """The staff who supervise ``case_id``: for now, every active supervisor of the tenant."""
    rows = await StaffMember.raw(
        "SELECT id FROM staff_member WHERE active AND 'supervisor' = ANY(roles) ORDER BY id"
    )
    return [row["id"] for row in rows]
