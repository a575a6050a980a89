"""Teams: the queues cases wait in, who works them, and who supervises them.

Edited by tenant admins; each change is audited with the team's id, never the
people's names or addresses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from asyncpg import UniqueViolationError

from core.audit import services as audit
from core.auth.tables import StaffMember
from core.db.engine import DB
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import uuid7
from core.routing.schemas import TeamChanges, TeamIn, TeamMemberOut, TeamOut
from core.routing.tables import Team, TeamMember
from core.tenancy.context import current_tenant

#: The name of the queue made on first use when a tenant has set none as default.
DEFAULT_TEAM_NAME = "Default queue"


async def list_teams() -> list[TeamOut]:
    """Every team of the tenant with its members and supervisors, by name."""
    rows = await Team.select(Team.id).order_by(Team.name)
    return [await team_out(row["id"]) for row in rows]


async def create_team(data: TeamIn, *, actor: str) -> TeamOut:
    """Create a team; its members and supervisors must be active staff."""
    members = await _staff_ids("members", data.members)
    supervisors = await _staff_ids("supervisors", data.supervisors, role="supervisor")
    team_id = uuid7()
    if data.is_default:
        await Team.update({Team.is_default: False}).where(Team.is_default.eq(True))
    await _saving(
        Team.insert(
            Team(
                id=team_id,
                tenant_id=current_tenant().id,
                name=data.name.strip(),
                assignment=data.assignment,
                is_default=data.is_default,
                updated_by=actor,
                updated_at=datetime.now(UTC),
            )
        )
    )
    await _replace(team_id, "member", members)
    await _replace(team_id, "supervisor", supervisors)
    await audit.record(
        "team.created",
        actor=actor,
        detail={"team": str(team_id), "members": len(members), "supervisors": len(supervisors)},
    )
    return await team_out(team_id)


async def update_team(team_id: UUID, data: TeamChanges, *, actor: str) -> TeamOut:
    """Change a team's name, mode, default flag, members, supervisors or who is absent."""
    if not await Team.exists().where(Team.id == team_id):
        raise NotFound("no such team")
    changed = [name for name in TeamChanges.__struct_fields__ if getattr(data, name) is not None]
    if not changed:
        raise InvalidInput("body", "names nothing to change")
    values: dict[Any, Any] = {Team.updated_by: actor, Team.updated_at: datetime.now(UTC)}
    if data.name is not None:
        values[Team.name] = data.name.strip()
    if data.assignment is not None:
        values[Team.assignment] = data.assignment
    if data.is_default is not None:
        if data.is_default:
            await Team.update({Team.is_default: False}).where(
                Team.is_default.eq(True) & (Team.id != team_id)
            )
        values[Team.is_default] = data.is_default
    members = None if data.members is None else await _staff_ids("members", data.members)
    supervisors = (
        None
        if data.supervisors is None
        else await _staff_ids("supervisors", data.supervisors, role="supervisor")
    )
    absent = None if data.absent is None else await _staff_ids("absent", data.absent)
    await _saving(Team.update(values).where(Team.id == team_id))
    if members is not None:
        await _replace(team_id, "member", members)
    if supervisors is not None:
        await _replace(team_id, "supervisor", supervisors)
    if absent is not None:
        known = {
            row["staff_id"]
            for row in await TeamMember.select(TeamMember.staff_id).where(
                TeamMember.team_id == team_id
            )
        }
        if not set(absent) <= known:
            raise InvalidInput("absent", "names someone who is not in this team")
        await TeamMember.update({TeamMember.absent: False}).where(TeamMember.team_id == team_id)
        if absent:
            await TeamMember.update({TeamMember.absent: True}).where(
                (TeamMember.team_id == team_id) & TeamMember.staff_id.is_in(absent)
            )
    await audit.record(
        "team.updated", actor=actor, detail={"team": str(team_id), "changed": sorted(changed)}
    )
    return await team_out(team_id)


async def default_team(actor: str) -> UUID:
    """The tenant's default queue; made (and audited) on first use if there is none."""
    found, marked = await existing_default_team()
    if found is not None:
        if not marked:
            await Team.update({Team.is_default: True}).where(Team.id == found)
        return found
    team = await create_team(TeamIn(name=DEFAULT_TEAM_NAME, is_default=True), actor=actor)
    return team.id


async def existing_default_team() -> tuple[UUID | None, bool]:
    """The team ``default_team`` would give, without making or marking it; and if it is marked.

    None when there is no such team yet (``default_team`` makes it on first use).
    """
    row = await Team.select(Team.id).where(Team.is_default.eq(True)).first()
    if row is not None:
        return row["id"], True
    named = await Team.select(Team.id).where(Team.name == DEFAULT_TEAM_NAME).first()
    return (named["id"], False) if named is not None else (None, False)


async def team_id_of(name: str) -> UUID:
    """The id of the team called ``name``; refuses a name the tenant has no team by."""
    row = await Team.select(Team.id).where(Team.name == name.strip()).first()
    if row is None:
        raise InvalidInput("team", "is not a team of this organisation")
    team_id: UUID = row["id"]
    return team_id


async def team_out(team_id: UUID) -> TeamOut:
    """A team with its people, members and supervisors in the order they were added."""
    team = await Team.select().where(Team.id == team_id).first()
    if team is None:
        raise NotFound("no such team")
    people = await TeamMember.raw(
        """
        SELECT m.role, m.staff_id, s.email, m.absent
          FROM team_member m JOIN staff_member s ON s.id = m.staff_id
         WHERE m.team_id = {} ORDER BY m.id
        """,
        team_id,
    )
    return TeamOut(
        id=team["id"],
        name=team["name"],
        assignment=team["assignment"],
        is_default=team["is_default"],
        members=[_person(p) for p in people if p["role"] == "member"],
        supervisors=[_person(p) for p in people if p["role"] == "supervisor"],
    )


def _person(row: dict[str, Any]) -> TeamMemberOut:
    return TeamMemberOut(staff_id=row["staff_id"], email=row["email"], absent=row["absent"])


async def _staff_ids(field: str, emails: Sequence[str], *, role: str | None = None) -> list[UUID]:
    ids: list[UUID] = []
    for email in emails:
        rows = await StaffMember.raw(
            "SELECT id, roles FROM staff_member WHERE lower(email) = lower({}) AND active", email
        )
        if not rows:
            raise InvalidInput(field, f"{email} is not an active staff member of this organisation")
        if role is not None and role not in rows[0]["roles"]:
            raise InvalidInput(field, f"{email} does not hold the {role} role")
        if rows[0]["id"] in ids:
            raise InvalidInput(field, f"{email} is named twice")
        ids.append(rows[0]["id"])
    return ids


async def _replace(team_id: UUID, role: str, staff: Sequence[UUID]) -> None:
    """Set the team's people of ``role`` to ``staff``; those who stay keep place and absence.

    Round-robin goes by the order people joined, so a kept member must not rejoin.
    """
    rows = await TeamMember.select(TeamMember.staff_id).where(
        (TeamMember.team_id == team_id) & (TeamMember.role == role)
    )
    present = {row["staff_id"] for row in rows}
    gone = present - set(staff)
    if gone:
        await TeamMember.delete().where(
            (TeamMember.team_id == team_id)
            & (TeamMember.role == role)
            & TeamMember.staff_id.is_in(list(gone))
        )
    tenant = current_tenant()
    for staff_id in staff:
        if staff_id not in present:
            await TeamMember.insert(
                TeamMember(
                    id=uuid7(), tenant_id=tenant.id, team_id=team_id, staff_id=staff_id, role=role
                )
            )


async def _saving(query: Any) -> None:
    """Run ``query`` in a savepoint, turning a clash of team names into a 409."""
    transaction = DB.current_transaction.get()
    assert transaction is not None
    try:
        async with transaction.connection.transaction():
            await query
    except UniqueViolationError:
        raise Conflict("the organisation already has a team by that name") from None
