"""Who may see a case, decided in one place for every way a case is reached.

Levels (``cases.confidentiality``):

- **standard**: every member of the tenant's staff, and API keys allowed to read;
- **restricted**: the case's assignee, the supervisor it was escalated to, the
  members of its team, and supervisors;
- **sealed**: the case's assignee and the supervisor it was escalated to, and the
  people someone who sees it named on it (``case_access``), only; while nobody is
  assigned, its team's supervisors (every supervisor when the team has none), so
  that a sealed case cannot sit unseen in a queue.

At every level, staff excluded from the case (its subjects, and whom plugins
name: ``case_exclusion``) see nothing of it, and staff named on it or holding
current break-glass access (``case_access``) see it at any level. A case someone may not
see does not exist for them: reading it answers "no such case", and lists and
counts leave it out (``visible`` is the rule, as a filter of case queries: of
the list, and of the one case ``checked`` looks up). Every read of a restricted
or sealed case is audited with the part that was read.

The rule applies to the request's caller, set by the authentication middleware
(``viewing_as``). Work without a caller (the worker, the mail intake, the
complainant's own pages, which find a case by its receipt) is not restricted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from piccolo.columns.combination import WhereRaw

from core import clock
from core.access.tables import CaseAccess, CaseExclusion
from core.access.viewer import current_viewer
from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.tables import StaffMember
from core.cases.tables import Case
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.ids import uuid7
from core.notify.services import notify_supervisors
from core.sdk import CONFIDENTIALITY_ORDER
from core.tenancy.context import current_tenant
from core.text import stated_reason

#: The levels, lowest first.
LEVELS = CONFIDENTIALITY_ORDER
#: How long break-glass access lasts.
BREAK_GLASS_FOR = timedelta(hours=2)


def visible() -> WhereRaw | None:
    """The filter that leaves out of a case query what the caller may not see (None: all)."""
    viewer = current_viewer()
    if viewer is None:
        return None
    if viewer.staff_id is None:  # an API key: standard cases only
        return WhereRaw("cases.confidentiality = 'standard'")
    supervisor = "true" if viewer.holds("supervisor") else "false"
    return WhereRaw(
        f"""
        NOT EXISTS (SELECT 1 FROM case_exclusion x
                    WHERE x.case_id = cases.id AND x.staff_id = {{}}
                      AND x.overridden_at IS NULL)
        AND (
            cases.confidentiality = 'standard'
            OR cases.assignee_staff_id = {{}} OR cases.escalated_to_staff_id = {{}}
            OR EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = cases.id
                       AND a.staff_id = {{}} AND a.revoked_at IS NULL
                       AND (a.expires_at IS NULL OR a.expires_at > now()))
            OR (cases.confidentiality = 'restricted'
                AND ({supervisor} OR EXISTS (SELECT 1 FROM team_member m
                                             WHERE m.team_id = cases.team_id
                                               AND m.staff_id = {{}})))
            -- A sealed case nobody holds yet is seen by its team's supervisors (every
            -- supervisor when the team has none), so that it is given to someone, not lost.
            OR (cases.confidentiality = 'sealed' AND cases.assignee_staff_id IS NULL
                AND {supervisor}
                AND (EXISTS (SELECT 1 FROM team_member m
                             WHERE m.team_id = cases.team_id AND m.role = 'supervisor'
                               AND m.staff_id = {{}})
                     OR NOT EXISTS (SELECT 1 FROM team_member m
                                    WHERE m.team_id = cases.team_id
                                      AND m.role = 'supervisor')))
        )
        """,
        *([viewer.staff_id] * 6),
    )


async def checked(case_id: UUID, part: str | None) -> UUID:
    """``case_id``, if the caller may see the case; audit the read of ``part``.

    ``part`` names what is read ("case", "file", "timeline", ...); None for a
    change, which its own audit event records. Raises ``NotFound`` for a case the
    caller may not see, exactly as for one that does not exist.
    """
    viewer = current_viewer()
    if viewer is None:
        return case_id
    query = Case.select(Case.confidentiality).where(Case.id == case_id)
    if (seen := visible()) is not None:
        query = query.where(seen)  # the list's rule, the one rule
    row = await query.first()
    if row is None:
        raise NotFound("no such case")
    level = row["confidentiality"]
    if part is not None and level != "standard":
        await audit.record(
            "case.read",
            actor=viewer.actor,
            case_id=case_id,
            detail={"part": part, "level": level},
        )
    return case_id


async def _excluded(case_id: UUID, staff_id: UUID) -> str | None:
    """Why ``staff_id`` is excluded from the case (None: they are not, or no longer)."""
    rows = await CaseExclusion.raw(
        "SELECT reason FROM case_exclusion"
        " WHERE case_id = {} AND staff_id = {} AND overridden_at IS NULL",
        case_id,
        staff_id,
    )
    return str(rows[0]["reason"]) if rows else None


async def record_exclusions(case_id: UUID, excluded: Mapping[UUID, str]) -> None:
    """Keep who is excluded from the case, and why (``routing.excluded_staff``'s answer)."""
    tenant = current_tenant()
    for staff_id, reason in excluded.items():
        source = "plugin" if reason.startswith("excluded by ") else "core"
        await CaseExclusion.raw(
            "INSERT INTO case_exclusion (tenant_id, id, case_id, staff_id, reason, source)"
            " VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (tenant_id, case_id, staff_id)"
            " DO NOTHING",
            tenant.id,
            uuid7(),
            case_id,
            staff_id,
            reason[:300],
            source[:100],
        )


async def break_glass(case_id: UUID, reason: str, viewer: Principal) -> datetime:
    """Give the caller access to a case they may not see, for a while; return until when.

    The caller must say why. The access is audited, and every supervisor of the
    tenant is told at once. Excluded staff cannot break the glass on their own case.
    """
    reason = stated_reason(reason)
    assert viewer.staff_id is not None, "staff only: the route's guard sees to it"
    case = await Case.select(Case.reference, Case.confidentiality).where(Case.id == case_id).first()
    if case is None or await _excluded(case_id, viewer.staff_id) is not None:
        raise NotFound("no such case")
    until = clock.now() + BREAK_GLASS_FOR
    await CaseAccess.insert(
        CaseAccess(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case_id,
            staff_id=viewer.staff_id,
            kind="break_glass",
            reason=reason,
            expires_at=until,
            granted_by=viewer.actor,
        )
    )
    await audit.record(
        "case.break_glass",
        actor=viewer.actor,
        case_id=case_id,
        detail={"level": case["confidentiality"], "until": until.isoformat()},
    )
    who = viewer.email or viewer.actor
    await notify_supervisors(
        kind="break_glass",
        subject=f"Break-glass access to {case['reference']}",
        body=f"{who} opened a {case['confidentiality']} case they may not otherwise see,"
        f" until {until:%Y-%m-%d %H:%M} UTC. Their reason: {reason}",
        case_id=case_id,
        actor=viewer.actor,
        besides=viewer.staff_id,
    )
    return until


async def exclusions(case_id: UUID) -> list[dict[str, Any]]:
    """Who is excluded from the case, why, and where any override stands."""
    rows: list[dict[str, Any]] = await CaseExclusion.raw(
        """
        SELECT x.staff_id, s.email, x.reason, x.source, x.override_reason,
               x.override_requested_by, x.override_requested_at, x.override_approved_by,
               x.overridden_at
        FROM case_exclusion x JOIN staff_member s ON s.id = x.staff_id
        WHERE x.case_id = {} ORDER BY x.created_at, x.id
        """,
        case_id,
    )
    return rows


async def request_override(case_id: UUID, staff_id: UUID, reason: str, viewer: Principal) -> None:
    """Ask that an excluded member of staff may see and handle the case after all.

    Takes effect only when a second person approves (``approve_override``).
    """
    reason = stated_reason(reason)
    if viewer.staff_id == staff_id:
        raise Forbidden("no one asks to lift their own exclusion")
    updated = await CaseExclusion.raw(
        """
        UPDATE case_exclusion
        SET override_reason = {}, override_requested_by = {}, override_requested_at = now(),
            override_approved_by = NULL
        WHERE case_id = {} AND staff_id = {} AND overridden_at IS NULL
        RETURNING id
        """,
        reason,
        viewer.actor,
        case_id,
        staff_id,
    )
    if not updated:
        raise NotFound("that member of staff is not excluded from this case")
    await audit.record(
        "case.exclusion_override_requested",
        actor=viewer.actor,
        case_id=case_id,
        detail={"staff_id": str(staff_id)},
    )


async def approve_override(case_id: UUID, staff_id: UUID, viewer: Principal) -> None:
    """Approve a requested override: a second person, neither the asker nor the excluded."""
    rows = await CaseExclusion.raw(
        "SELECT override_requested_by FROM case_exclusion"
        " WHERE case_id = {} AND staff_id = {} AND overridden_at IS NULL FOR UPDATE",
        case_id,
        staff_id,
    )
    if not rows or rows[0]["override_requested_by"] is None:
        raise NotFound("no override of that exclusion is waiting for approval")
    if viewer.actor == rows[0]["override_requested_by"] or viewer.staff_id == staff_id:
        raise Forbidden("an override needs a second person: not who asked, not who is excluded")
    await CaseExclusion.raw(
        "UPDATE case_exclusion SET override_approved_by = {}, overridden_at = now()"
        " WHERE case_id = {} AND staff_id = {}",
        viewer.actor,
        case_id,
        staff_id,
    )
    await audit.record(
        "case.exclusion_overridden",
        actor=viewer.actor,
        case_id=case_id,
        detail={"staff_id": str(staff_id), "requested_by": rows[0]["override_requested_by"]},
    )


async def overridden(case_id: UUID) -> set[UUID]:
    """Staff whose exclusion from the case was overridden (they may handle it)."""
    rows = await CaseExclusion.raw(
        "SELECT staff_id FROM case_exclusion WHERE case_id = {} AND overridden_at IS NOT NULL",
        case_id,
    )
    return {row["staff_id"] for row in rows}


async def name_on_case(case_id: UUID, email: str, reason: str, viewer: Principal) -> UUID:
    """Give a member of staff access to the case until revoked; return their staff id.

    For a sealed case above all, whose level lets no one else in. The caller must
    see the case; excluded staff cannot be named (an exclusion is overridden, not
    worked around). Audited.
    """
    reason = stated_reason(reason)
    rows = await StaffMember.raw(
        "SELECT id FROM staff_member WHERE lower(email) = lower({}) AND active", email.strip()
    )
    if not rows:
        raise InvalidInput("staff_email", "names no active member of staff")
    staff_id: UUID = rows[0]["id"]
    if (excluded := await _excluded(case_id, staff_id)) is not None:
        raise Conflict(f"{email} is excluded from this case: {excluded}")
    await CaseAccess.insert(
        CaseAccess(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case_id,
            staff_id=staff_id,
            kind="named",
            reason=reason,
            granted_by=viewer.actor,
        )
    )
    await audit.record(
        "case.access_granted",
        actor=viewer.actor,
        case_id=case_id,
        detail={"staff_id": str(staff_id)},
    )
    return staff_id


async def revoke_named(case_id: UUID, staff_id: UUID, viewer: Principal) -> None:
    """End the named access of a member of staff to the case. Audited."""
    revoked = await CaseAccess.raw(
        "UPDATE case_access SET revoked_at = now() WHERE case_id = {} AND staff_id = {}"
        " AND kind = 'named' AND revoked_at IS NULL RETURNING id",
        case_id,
        staff_id,
    )
    if not revoked:
        raise NotFound("that member of staff is not named on this case")
    await audit.record(
        "case.access_revoked",
        actor=viewer.actor,
        case_id=case_id,
        detail={"staff_id": str(staff_id)},
    )


async def named(case_id: UUID) -> list[dict[str, Any]]:
    """Who is named on the case, and who broke the glass (with until when)."""
    rows: list[dict[str, Any]] = await CaseAccess.raw(
        """
        SELECT a.staff_id, s.email, a.kind, a.reason, a.granted_by, a.granted_at, a.expires_at
        FROM case_access a JOIN staff_member s ON s.id = a.staff_id
        WHERE a.case_id = {} AND a.revoked_at IS NULL
        ORDER BY a.granted_at, a.id
        """,
        case_id,
    )
    return rows
