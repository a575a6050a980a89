"""Routing rules: which complaint goes to which team, tried out in a test box.

The forms call ``core.routing.rules``, as the JSON API does. The test box asks
``core.routing.services.explain_route``, which decides with the same code as real
routing and writes nothing.
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

from core.cases.schemas import Channel, Severity
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.routing import rules, services, teams
from core.routing.schemas import (
    RouteTestIn,
    RuleChanges,
    RuleIn,
    RuleOut,
)
from core.staff.services import active_staff
from frontend.admin_pages import (
    admin_form,
    admin_page,
    checked,
    problem_field,
    staff_choices,
)
from frontend.public import text
from frontend.staff_common import done, render_staff, status_of

CHANNELS = get_args(Channel)
SEVERITIES = get_args(Severity)
#: The conditions of a rule, in the order the pages show them.
CONDITIONS = ("categories", "channels", "severities", "languages", "keywords", "flags")

_ROUTING = "/staff/admin/routing"


# -- routing rules ----------------------------------------------------------------------------


def _split(value: str, *, lines: bool = False) -> list[str]:
    parts = value.splitlines() if lines else value.split(",")
    return [part.strip() for part in parts if part.strip()]


def _rule_values(form: FormMultiDict) -> dict[str, Any]:
    return {
        "name": text(form, "name"),
        "team": text(form, "team"),
        "assignee": text(form, "assignee"),
        "active": text(form, "active") == "yes",
        "categories": text(form, "categories"),
        "channels": checked(form, "channels"),
        "severities": checked(form, "severities"),
        "languages": text(form, "languages"),
        "keywords": form.get("keywords") if isinstance(form.get("keywords"), str) else "",
        "flags": text(form, "flags"),
    }


def _rule_form_values(rule: RuleOut) -> dict[str, Any]:
    c = rule.conditions
    return {
        "name": rule.name,
        "team": rule.team,
        "assignee": rule.assignee_email or "",
        "active": rule.active,
        "categories": ", ".join(c.categories),
        "channels": list(c.channels),
        "severities": list(c.severities),
        "languages": ", ".join(c.languages),
        "keywords": "\n".join(c.keywords),
        "flags": ", ".join(c.flags),
    }


def _conditions(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "categories": _split(values["categories"]),
        "channels": values["channels"],
        "severities": values["severities"],
        "languages": _split(values["languages"]),
        "keywords": _split(values["keywords"], lines=True),
        "flags": _split(values["flags"]),
    }


def _rule_error(problem: Exception) -> tuple[str, str]:
    if isinstance(problem, msgspec.ValidationError):
        field = problem_field(problem, "name")
        if field in CONDITIONS or field in ("name", "team"):
            return field, f"admin_error_rule_{field}"
        return "form", "admin_error_refused"
    if isinstance(problem, InvalidInput) and problem.field in ("team", "assignee_email"):
        field = "assignee" if problem.field == "assignee_email" else "team"
        return field, f"admin_error_rule_{field}"
    return "form", "admin_error_refused"


async def _routing_context(context: dict[str, Any]) -> dict[str, Any]:
    context.update(
        rules=await rules.list_rules(),
        team_names=[team.name for team in await teams.list_teams()],
        people=staff_choices(await active_staff()),
        channels=CHANNELS,
        severities=SEVERITIES,
        conditions=CONDITIONS,
    )
    return context


_NEW_RULE = {
    "name": "",
    "team": "",
    "assignee": "",
    "active": True,
    "categories": "",
    "channels": [],
    "severities": [],
    "languages": "",
    "keywords": "",
    "flags": "",
}


async def _routing_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    trial: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    await _routing_context(context)
    language = context["tenant"].default_language
    context.update(
        values=values or dict(_NEW_RULE),
        errors=errors or {},
        trial=trial
        or {
            "values": {
                "subject": "",
                "description": "",
                "category": "",
                "channel": "web",
                "severity": "normal",
                "language": language,
                "flags": "",
            },
            "errors": {},
            "result": None,
        },
    )
    return render_staff(request, "admin_routing.html", context, status=status)


@get(_ROUTING, include_in_schema=False)
async def routing_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The rules in the order they are tried, a form for a new one, and the test box."""
    context, refusal = admin_page(request, _ROUTING)
    if refusal is not None:
        return refusal
    return await _routing_page(request, context)


@post(f"{_ROUTING}/rules", include_in_schema=False, status_code=303)
async def create_rule(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Add a rule at the end of the list."""
    context, form, refusal = await admin_form(request, _ROUTING)
    if refusal is not None:
        return refusal
    values = _rule_values(form)
    body = {
        "name": values["name"],
        "team": values["team"],
        "conditions": _conditions(values),
        "active": values["active"],
    }
    if values["assignee"]:
        body["assignee_email"] = values["assignee"]
    try:
        await rules.create_rule(msgspec.convert(body, RuleIn), actor=context["principal"].actor)
    except (msgspec.ValidationError, InvalidInput, Conflict, Forbidden, NotFound) as problem:
        field, key = _rule_error(problem)
        return await _routing_page(
            request, context, values=values, errors={field: key}, status=status_of(problem)
        )
    return done(_ROUTING, "rule_created", request)


async def _rule_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    rule_id: UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    await _routing_context(context)
    rule = next((r for r in context["rules"] if r.id == rule_id), None)
    if rule is None:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    context.update(rule=rule, values=values or _rule_form_values(rule), errors=errors or {})
    return render_staff(request, "admin_rule.html", context, status=status)


@get(f"{_ROUTING}/rules/{{rule_id:uuid}}", include_in_schema=False)
async def rule_page(
    request: Request[Any, Any, Any], rule_id: FromPath[UUID]
) -> Template | Redirect:
    """One rule's form."""
    context, refusal = admin_page(request, f"{_ROUTING}/rules/{rule_id}")
    if refusal is not None:
        return refusal
    return await _rule_page(request, context, rule_id)


@post(f"{_ROUTING}/rules/{{rule_id:uuid}}", include_in_schema=False, status_code=303)
async def change_rule(
    request: Request[Any, Any, Any], rule_id: FromPath[UUID]
) -> Template | Redirect:
    """Save a rule (``intent=save``), ``delete`` it, or move it ``up`` or ``down`` one place."""
    context, form, refusal = await admin_form(request, f"{_ROUTING}/rules/{rule_id}")
    if refusal is not None:
        return refusal
    intent = text(form, "intent")
    actor = context["principal"].actor
    try:
        if intent == "delete":
            await rules.delete_rule(rule_id, actor=actor)
            return done(_ROUTING, "rule_deleted", request)
        if intent in ("up", "down"):
            await rules.move_rule(rule_id, -1 if intent == "up" else 1, actor=actor)
            return done(_ROUTING, "rule_moved", request)
    except NotFound:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    if intent != "save":
        return await _rule_page(
            request, context, rule_id, errors={"form": "admin_error_refused"}, status=400
        )
    values = _rule_values(form)
    body: dict[str, Any] = {
        "name": values["name"],
        "team": values["team"],
        "conditions": _conditions(values),
        "active": values["active"],
    }
    if values["assignee"]:
        body["assignee_email"] = values["assignee"]
    else:
        body["clear_assignee"] = True
    try:
        await rules.update_rule(rule_id, msgspec.convert(body, RuleChanges), actor=actor)
    except NotFound:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    except (msgspec.ValidationError, InvalidInput, Conflict, Forbidden) as problem:
        field, key = _rule_error(problem)
        return await _rule_page(
            request,
            context,
            rule_id,
            values=values,
            errors={field: key},
            status=status_of(problem),
        )
    return done(f"{_ROUTING}/rules/{rule_id}", "rule_saved", request)


@post(f"{_ROUTING}/test", include_in_schema=False, status_code=200)
async def test_routing(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Show where a pasted complaint would go and why; nothing is registered or written."""
    context, form, refusal = await admin_form(request, _ROUTING)
    if refusal is not None:
        return refusal
    raw_description = form.get("description")
    values = {
        "subject": text(form, "subject"),
        "description": raw_description.strip() if isinstance(raw_description, str) else "",
        "category": text(form, "category"),
        "channel": text(form, "channel") or "web",
        "severity": text(form, "severity") or "normal",
        "language": text(form, "language") or context["tenant"].default_language,
        "flags": text(form, "flags"),
    }
    body: dict[str, Any] = {**values, "flags": _split(values["flags"])}
    if not body["category"]:
        body.pop("category")
    trial: dict[str, Any] = {"values": values, "errors": {}, "result": None}
    status = 200
    try:
        trial["result"] = await services.explain_route(msgspec.convert(body, RouteTestIn))
    except msgspec.ValidationError as problem:
        field = problem_field(problem, "subject")
        field = field if field in values else "subject"
        trial["errors"] = {f"test-{field}": f"admin_error_test_{field}"}
        status = status_of(problem)
    return await _routing_page(request, context, trial=trial, status=status)
