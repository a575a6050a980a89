"""People and roles: the staff list, inviting a person, changing roles, (de)activating.

The forms call ``core.staff.services``, as the JSON API does. An invitation is
mailed by the identity provider; when it cannot be reached the page says so and
answers with an error status, which rolls the tenant transaction back: no
pending member of staff is left without an invitation.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_503_SERVICE_UNAVAILABLE

from core.auth.principal import TENANT_ROLES
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.staff import services
from core.staff.api import directory_of
from core.staff.schemas import InvitationIn, StaffChanges
from core.staff.services import AlreadyStaff, IdentityProviderDown, LastAdmin
from frontend.admin_pages import admin_form, admin_page, checked, problem_field
from frontend.public import text
from frontend.staff_common import done, render_staff, status_of

_PEOPLE = "/staff/admin/people"


def _person_path(staff_id: UUID) -> str:
    return f"{_PEOPLE}/{staff_id}"


async def _people_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    context.update(
        people=await services.list_staff(),
        roles=TENANT_ROLES,
        values=values or {"email": "", "display_name": "", "roles": []},
        errors=errors or {},
    )
    return render_staff(request, "admin_people.html", context, status=status)


@get(_PEOPLE, include_in_schema=False)
async def people_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Every member of staff with their roles and state, and the invitation form."""
    context, refusal = admin_page(request, _PEOPLE)
    if refusal is not None:
        return refusal
    return await _people_page(request, context)


@post(f"{_PEOPLE}/invite", include_in_schema=False, status_code=303)
async def invite_person(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Invite a person by e-mail with the roles chosen; the identity provider mails them."""
    context, form, refusal = await admin_form(request, _PEOPLE)
    if refusal is not None:
        return refusal
    values = {
        "email": text(form, "email"),
        "display_name": text(form, "display_name"),
        "roles": checked(form, "roles"),
    }
    errors: dict[str, str] = {}
    status = 200
    try:
        body = {k: v for k, v in values.items() if v}
        data = msgspec.convert(body, InvitationIn)
        invited = await services.invite_staff(
            data, context["principal"], directory_of(request.app.state)
        )
    except msgspec.ValidationError as problem:
        field = problem_field(problem, "email")
        if field not in ("email", "roles", "display_name"):
            field = "email"
        errors[field] = f"admin_error_{field}"
        status = status_of(InvalidInput(field, ""))
    except AlreadyStaff as problem:
        errors["email"] = (
            "admin_error_staff_active" if problem.active else "admin_error_staff_inactive"
        )
        status = status_of(problem)
    except IdentityProviderDown:
        errors["form"] = "admin_error_identity_provider"
        status = HTTP_503_SERVICE_UNAVAILABLE
    except (Forbidden, Conflict, InvalidInput) as problem:
        errors["form"] = "admin_error_refused"
        status = status_of(problem)
    if errors:
        return await _people_page(request, context, values=values, errors=errors, status=status)
    return done(_PEOPLE, "staff_invited" if invited.sent else "staff_added_member", request)


async def _person_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    staff_id: UUID,
    *,
    roles: list[str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    try:
        person = await services.staff_member(staff_id)
    except NotFound:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    context.update(
        person=person,
        roles=TENANT_ROLES,
        chosen=person.roles if roles is None else roles,
        errors=errors or {},
        myself=person.id == context["principal"].staff_id,
    )
    return render_staff(request, "admin_person.html", context, status=status)


@get(f"{_PEOPLE}/{{staff_id:uuid}}", include_in_schema=False)
async def person_page(
    request: Request[Any, Any, Any], staff_id: FromPath[UUID]
) -> Template | Redirect:
    """One member of staff: their roles, and deactivating or reactivating them."""
    context, refusal = admin_page(request, _person_path(staff_id))
    if refusal is not None:
        return refusal
    return await _person_page(request, context, staff_id)


@post(f"{_PEOPLE}/{{staff_id:uuid}}", include_in_schema=False, status_code=303)
async def change_person(
    request: Request[Any, Any, Any], staff_id: FromPath[UUID]
) -> Template | Redirect:
    """Save a person's roles (``change=roles``), or ``deactivate`` / ``reactivate`` them."""
    context, form, refusal = await admin_form(request, _person_path(staff_id))
    if refusal is not None:
        return refusal
    change = text(form, "change")
    roles = checked(form, "roles")
    body: dict[str, Any]
    if change == "roles":
        body, notice = {"roles": roles}, "staff_roles_changed"
    elif change in ("deactivate", "reactivate"):
        body, notice = {"active": change == "reactivate"}, f"staff_{change}d"
    else:
        return await _person_page(
            request, context, staff_id, errors={"form": "admin_error_refused"}, status=400
        )
    errors: dict[str, str] = {}
    try:
        await services.change_staff(
            staff_id, msgspec.convert(body, StaffChanges), context["principal"]
        )
    except msgspec.ValidationError:
        errors["roles"] = "admin_error_roles"
        status = status_of(InvalidInput("roles", ""))
    except LastAdmin as problem:
        errors["roles" if change == "roles" else "form"] = "admin_error_last_admin"
        status = status_of(problem)
    except (Forbidden, Conflict, InvalidInput, NotFound) as problem:
        errors["form"] = "admin_error_refused"
        status = status_of(problem)
    if errors:
        return await _person_page(
            request,
            context,
            staff_id,
            roles=roles if change == "roles" else None,
            errors=errors,
            status=status,
        )
    return done(_person_path(staff_id), notice, request)
