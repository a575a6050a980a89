"""The tenant admin's pages: the administration home, retention, and what the admin forms share.

Every page needs the tenant-admin role. Each form goes to the service the JSON
API uses, which checks the role again and writes the audit event; a refused
form shows the page again with the reason beside the field and what was typed.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
)

from core.errors import InvalidInput
from core.retention import services as retention
from core.retention.services import MAX_DAYS, MIN_DAYS, RetentionPeriods
from core.staff.schemas import StaffOut
from core.taxonomy.services import taxonomy
from frontend.public import text
from frontend.report_pages import returns_due
from frontend.staff_common import done, render_staff, staff_form_page, staff_page

#: Who may use the admin pages.
ADMIN_ROLES = ("tenant-admin",)
#: The administration home's links: path, and the key of its name (its description is
#: the same key with ``_about``).
ADMIN_LINKS = (
    ("/staff/admin/people", "admin_link_people"),
    ("/staff/admin/teams", "admin_link_teams"),
    ("/staff/admin/routing", "admin_link_routing"),
    ("/staff/admin/retention", "admin_link_retention"),
    ("/staff/admin/plugins", "admin_link_plugins"),
    ("/staff/admin/templates", "admin_link_templates"),
    ("/staff/admin/branding", "admin_link_branding"),
)


def admin_page(
    request: Request[Any, Any, Any], back: str
) -> tuple[dict[str, Any], Template | Redirect | None]:
    """The page context for a tenant admin, or the answer for anyone else."""
    return staff_page(request, back, roles=ADMIN_ROLES)


async def admin_form(
    request: Request[Any, Any, Any], back: str
) -> tuple[dict[str, Any], FormMultiDict, Template | Redirect | None]:
    """The context and the submitted form; or the refusal (no role, no token) to answer with."""
    return await staff_form_page(request, back, roles=ADMIN_ROLES)


def checked(form: FormMultiDict, name: str) -> list[str]:
    """The values of a group of checkboxes (text only; a file in its place counts as nothing)."""
    return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]


def problem_field(problem: msgspec.ValidationError, default: str) -> str:
    """The field msgspec names (inside ``conditions``, the condition), else ``default``."""
    found = re.search(r"at `\$\.(?:conditions\.)?([a-z_]+)", str(problem))
    if found:
        return found.group(1)
    missing = re.search(r"missing required field `([a-z_]+)`", str(problem))
    return missing.group(1) if missing else default


def staff_choices(people: list[StaffOut]) -> list[dict[str, Any]]:
    """People as the forms offer them: id, address, the name shown, roles."""
    return [
        {"id": str(p.id), "email": p.email, "name": p.display_name or p.email, "roles": p.roles}
        for p in people
    ]


def emails_of(chosen: list[str], people: list[StaffOut]) -> list[str]:
    """The addresses of the people whose ids were ticked; an id of nobody is refused."""
    by_id = {str(p.id): p.email for p in people}
    if any(staff_id not in by_id for staff_id in chosen):
        raise InvalidInput("members", "names someone who is not an active member of staff")
    return [by_id[staff_id] for staff_id in chosen]


@get("/staff/admin", include_in_schema=False)
async def admin_home(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Links to every page of the organisation's administration, and the returns due next."""
    context, refusal = admin_page(request, "/staff/admin")
    if refusal is not None:
        return refusal
    context.update(links=ADMIN_LINKS, returns_due=await returns_due(context))
    return render_staff(request, "admin_home.html", context)


# -- retention --------------------------------------------------------------------------------

_RETENTION = "/staff/admin/retention"


async def _retention_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    periods = await retention.current_periods()
    terms = {term.code: term.label for term in await taxonomy("category")}
    codes = sorted({*terms, *periods.days_by_category})
    if values is None:
        values = {
            "default_days": "" if periods.default_days is None else str(periods.default_days),
            "default_forever": periods.default_days is None,
            "categories": {code: _category_value(periods, code) for code in codes},
            "new_code": "",
            "new_days": "",
        }
    context.update(
        values=values,
        errors=errors or {},
        categories=[(code, terms.get(code, code)) for code in codes],
        holds=await retention.active_holds(),
        min_days=MIN_DAYS,
        max_days=MAX_DAYS,
        taxonomy_known=bool(terms),
    )
    return render_staff(request, "admin_retention.html", context, status=status)


def _category_value(periods: RetentionPeriods, code: str) -> str:
    """``""`` (the default applies), ``"forever"``, or the days as text."""
    if code not in periods.days_by_category:
        return ""
    days = periods.days_by_category[code]
    return "forever" if days is None else str(days)


@get(_RETENTION, include_in_schema=False)
async def retention_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """How long closed cases are kept, by default and per category; the legal holds in force."""
    context, refusal = admin_page(request, _RETENTION)
    if refusal is not None:
        return refusal
    return await _retention_page(request, context)


@post(_RETENTION, include_in_schema=False, status_code=303)
async def save_retention(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Save the retention periods (audited, with the old and new values)."""
    context, form, refusal = await admin_form(request, _RETENTION)
    if refusal is not None:
        return refusal
    codes = [c for c in checked(form, "category") if c]
    values: dict[str, Any] = {
        "default_days": text(form, "default_days"),
        "default_forever": text(form, "default_forever") == "yes",
        "categories": {code: _given(form, code) for code in codes},
        "new_code": text(form, "new_code"),
        "new_days": "forever" if text(form, "new_forever") == "yes" else text(form, "new_days"),
    }
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"days_by_category": {}}
    if values["default_forever"]:
        body["default_days"] = None
    else:
        body["default_days"] = _days(values["default_days"], "default_days", errors)
    entries = dict(values["categories"])
    if values["new_code"] or values["new_days"]:
        if not values["new_code"]:
            errors["new_code"] = "admin_error_new_code"
        elif not values["new_days"]:
            errors["new_days"] = "admin_error_retention_days"
        entries[values["new_code"]] = values["new_days"]
    for code, given in entries.items():
        if not given:
            continue  # the default applies
        field = "new_days" if code == values["new_code"] else f"days:{code}"
        days = None if given == "forever" else _days(given, field, errors)
        body["days_by_category"][code] = days
    if not errors:
        try:
            periods = msgspec.convert(body, RetentionPeriods)
            await retention.set_periods(periods, actor=context["principal"].actor)
        except msgspec.ValidationError as problem:
            field = problem_field(problem, "form")
            errors[_retention_field(field, values)] = "admin_error_retention_days"
        except InvalidInput as problem:
            errors[_retention_field(problem.field, values)] = "admin_error_retention_category"
    if errors:
        return await _retention_page(
            request, context, values=values, errors=errors, status=HTTP_400_BAD_REQUEST
        )
    return done(_RETENTION, "retention_saved", request)


def _given(form: FormMultiDict, code: str) -> str:
    """A category's row: ``"forever"`` when kept for good, else the days typed (or nothing)."""
    return "forever" if text(form, f"forever:{code}") == "yes" else text(form, f"days:{code}")


def _days(given: str, field: str, errors: dict[str, str]) -> int | None:
    try:
        days = int(given)
    except ValueError:
        errors[field] = "admin_error_retention_days"
        return None
    if not MIN_DAYS <= days <= MAX_DAYS:
        errors[field] = "admin_error_retention_days"
    return days


def _retention_field(field: str, values: dict[str, Any]) -> str:
    if field == "default_days":
        return "default_days"
    return "new_code" if values["new_code"] else "form"
