"""Teams: the queues cases wait in, who works them and who supervises them.

The forms call ``core.routing.teams``, as the JSON API does; members and
supervisors are chosen among the active staff.
"""

from __future__ import annotations

from typing import Any, get_args
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_404_NOT_FOUND

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.routing import teams
from core.routing.schemas import Assignment, TeamChanges, TeamIn
from core.staff.schemas import StaffOut
from core.staff.services import active_staff, list_staff
from frontend.admin_pages import (
    admin_form,
    admin_page,
    checked,
    emails_of,
    problem_field,
    staff_choices,
)
from frontend.public import text
from frontend.staff_common import done, render_staff, status_of

ASSIGNMENTS = get_args(Assignment)

_TEAMS = "/staff/admin/teams"


def _team_values(form: FormMultiDict) -> dict[str, Any]:
    return {
        "name": text(form, "name"),
        "assignment": text(form, "assignment") or "round_robin",
        "is_default": text(form, "is_default") == "yes",
        "members": checked(form, "members"),
        "supervisors": checked(form, "supervisors"),
    }


def _team_body(values: dict[str, Any], people: list[StaffOut]) -> dict[str, Any]:
    members = emails_of(values["members"], people)
    try:
        supervisors = emails_of(values["supervisors"], people)
    except InvalidInput:
        raise InvalidInput("supervisors", "names someone who is not active staff") from None
    return {
        "name": values["name"],
        "assignment": values["assignment"],
        "is_default": values["is_default"],
        "members": members,
        "supervisors": supervisors,
    }


def _team_error(problem: Exception) -> tuple[str, str]:
    """The field a refused team form is marked at, and the text's key."""
    if isinstance(problem, msgspec.ValidationError):
        field = problem_field(problem, "name")
        field = field if field in ("name", "assignment") else "name"
        return field, f"admin_error_team_{field}"
    if isinstance(problem, Conflict):
        return "name", "admin_error_team_taken"
    if isinstance(problem, InvalidInput) and problem.field in ("members", "supervisors"):
        return problem.field, f"admin_error_team_{problem.field}"
    return "form", "admin_error_refused"


async def _teams_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    people = await active_staff()
    context.update(
        teams=await teams.list_teams(),
        people=staff_choices(people),
        names={str(p.id): p.display_name or p.email for p in await list_staff()},
        assignments=ASSIGNMENTS,
        values=values
        or {
            "name": "",
            "assignment": "round_robin",
            "is_default": False,
            "members": [],
            "supervisors": [],
        },
        errors=errors or {},
    )
    return render_staff(request, "admin_teams.html", context, status=status)


@get(_TEAMS, include_in_schema=False)
async def teams_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Every team with its members and supervisors; the form for a new one."""
    context, refusal = admin_page(request, _TEAMS)
    if refusal is not None:
        return refusal
    return await _teams_page(request, context)


@post(_TEAMS, include_in_schema=False, status_code=303)
async def create_team(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Create a team from the form."""
    context, form, refusal = await admin_form(request, _TEAMS)
    if refusal is not None:
        return refusal
    values = _team_values(form)
    try:
        body = _team_body(values, await active_staff())
        await teams.create_team(msgspec.convert(body, TeamIn), actor=context["principal"].actor)
    except (msgspec.ValidationError, InvalidInput, Conflict, Forbidden, NotFound) as problem:
        field, key = _team_error(problem)
        return await _teams_page(
            request, context, values=values, errors={field: key}, status=status_of(problem)
        )
    return done(_TEAMS, "team_created", request)


async def _team_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    team_id: UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    try:
        team = await teams.team_out(team_id)
    except NotFound:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    people = await active_staff()
    context.update(
        team=team,
        people=staff_choices(people),
        assignments=ASSIGNMENTS,
        values=values
        or {
            "name": team.name,
            "assignment": team.assignment,
            "is_default": team.is_default,
            "members": [str(m.staff_id) for m in team.members],
            "supervisors": [str(m.staff_id) for m in team.supervisors],
        },
        errors=errors or {},
    )
    return render_staff(request, "admin_team.html", context, status=status)


@get(f"{_TEAMS}/{{team_id:uuid}}", include_in_schema=False)
async def team_page(
    request: Request[Any, Any, Any], team_id: FromPath[UUID]
) -> Template | Redirect:
    """One team's form: name, assignment mode, default queue, members and supervisors."""
    context, refusal = admin_page(request, f"{_TEAMS}/{team_id}")
    if refusal is not None:
        return refusal
    return await _team_page(request, context, team_id)


@post(f"{_TEAMS}/{{team_id:uuid}}", include_in_schema=False, status_code=303)
async def save_team(
    request: Request[Any, Any, Any], team_id: FromPath[UUID]
) -> Template | Redirect:
    """Save the team's form."""
    context, form, refusal = await admin_form(request, f"{_TEAMS}/{team_id}")
    if refusal is not None:
        return refusal
    values = _team_values(form)
    try:
        body = _team_body(values, await active_staff())
        await teams.update_team(
            team_id, msgspec.convert(body, TeamChanges), actor=context["principal"].actor
        )
    except (msgspec.ValidationError, InvalidInput, Conflict, Forbidden, NotFound) as problem:
        field, key = _team_error(problem)
        return await _team_page(
            request,
            context,
            team_id,
            values=values,
            errors={field: key},
            status=status_of(problem),
        )
    return done(f"{_TEAMS}/{team_id}", "team_saved", request)
