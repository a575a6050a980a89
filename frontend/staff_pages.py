"""The staff workspace: the queue of cases and the case page (read-only).

Every case read goes through ``core.cases.services``: the queue through
``list_cases`` (which applies ``core.access.visible``), the case page through
``find_case_id`` (which audits reading a restricted or sealed case); a case the
person may not see answers exactly as a missing one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
)

from core.attachments.services import attachments_of
from core.audit import services as audit
from core.audit.tables import AuditEvent
from core.auth.principal import Principal
from core.auth.staff import staff_names
from core.bundle.chronology import describe
from core.cases.api import TRIAGE_ROLES
from core.cases.services import (
    case_detail,
    deadline_states,
    find_case_id,
    list_cases,
)
from core.deadlines.services import case_deadlines
from core.errors import InvalidInput, NotFound
from core.lifecycle.services import file_of
from core.routing.teams import list_teams
from core.text import has_control_characters
from frontend.case_facts import case_fields, facts_of, ticked
from frontend.staff_common import render_staff, staff_page
from frontend.staff_work import case_work

#: Cases per page of the queue.
PAGE_SIZE = 50
#: Reads of the case are audited, but a timeline of one's own page views says nothing.
_UNSHOWN_ACTIONS = frozenset({"case.viewed", "case.read"})

View = Literal["mine", "teams", "all"]
Sort = Literal["received_newest", "received_oldest", "deadline"]
# The empty choice is what a form's "any" option sends.
StatusChoice = Literal[
    "",
    "received",
    "acknowledged",
    "investigating",
    "decision_proposed",
    "decision_approved",
    "responded",
    "closed",
    "on_hold",
    "escalated",
    "withdrawn",
    "appealed",
]
SeverityChoice = Literal["", "low", "normal", "high", "critical"]
STATUSES = get_args(StatusChoice)[1:]
SEVERITIES = get_args(SeverityChoice)[1:]


def _filled(value: str | None) -> str | None:
    """A form's empty field means "no filter"."""
    return value.strip() or None if value is not None else None


@get("/staff", include_in_schema=False)
async def staff_home(
    request: Request[Any, Any, Any],
    view: FromQuery[View] = "mine",
    team: Annotated[str | None, QueryParameter(max_length=36)] = None,
    status: FromQuery[StatusChoice] = "",
    severity: FromQuery[SeverityChoice] = "",
    category: Annotated[str | None, QueryParameter(max_length=100)] = None,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    sort: FromQuery[Sort] = "received_newest",
    before: Annotated[str | None, QueryParameter(max_length=80)] = None,
) -> Template | Redirect:
    """The queue: my cases, my teams' queues or all I may see, filtered, searched, sorted."""
    context, refusal = staff_page(request, "/staff")
    if refusal is not None:
        return refusal
    principal: Principal = context["principal"]
    my_teams = [
        t
        for t in await list_teams()
        if any(m.staff_id == principal.staff_id for m in [*t.members, *t.supervisors])
    ]
    chosen = {
        "view": view,
        "team": _filled(team) or "",
        "status": status,
        "severity": severity,
        "category": _filled(category) or "",
        "q": _filled(q) or "",
        "sort": sort,
    }
    context.update(
        chosen=chosen,
        my_teams=my_teams,
        statuses=STATUSES,
        severities=SEVERITIES,
        rows=[],
        problem=False,
        next_url=None,
        first_url=None,
    )
    try:
        if has_control_characters(chosen["category"], multiline=False):
            raise InvalidInput("category", "holds control characters")
        narrowing = _narrowing(chosen, principal, [t.id for t in my_teams])
        page = await list_cases(
            limit=PAGE_SIZE,
            before=_filled(before),
            status=status or None,
            severity=severity or None,
            category=chosen["category"] or None,
            q=chosen["q"] or None,
            order=sort,
            **narrowing,
        )
    except InvalidInput:
        context["problem"] = True
        return render_staff(request, "staff_home.html", context, status=HTTP_400_BAD_REQUEST)
    states = await deadline_states([c.id for c in page.items])
    names = await staff_names(c.assignee_staff_id for c in page.items)
    context["rows"] = [
        {"case": c, "deadline": states.get(c.id), "assignee": names.get(c.assignee_staff_id)}
        for c in page.items
    ]
    kept = {k: v for k, v in chosen.items() if v}
    if context["lang_chosen"]:
        kept["lang"] = context["lang"]
    if page.next:
        context["next_url"] = "/staff?" + urlencode({**kept, "before": page.next})
    if before:
        context["first_url"] = "/staff?" + urlencode(kept)
    return render_staff(request, "staff_home.html", context)


def _narrowing(
    chosen: Mapping[str, str], principal: Principal, my_teams: list[UUID]
) -> dict[str, Any]:
    """The ``list_cases`` arguments that make the chosen view."""
    try:
        team = UUID(chosen["team"]) if chosen["team"] else None
    except ValueError:
        raise InvalidInput("team", "is not a team id") from None
    if chosen["view"] == "mine":
        return {"assignee": principal.staff_id}
    if chosen["view"] == "all":
        return {}
    if team is None:
        return {"teams": my_teams}
    if team not in my_teams:
        raise InvalidInput("team", "is not one of your teams")
    return {"team": team}


# -- the case page ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moment:
    """One line of the case's timeline."""

    at: datetime
    kind: str
    what: str
    actor: str | None = None
    details: str = ""
    #: Free text someone wrote (a letter, a note): shown as preformatted text.
    text: str = ""


@get("/staff/cases/{key:str}", include_in_schema=False)
async def staff_case(request: Request[Any, Any, Any], key: FromPath[str]) -> Template | Redirect:
    """The case page: its facts, deadlines, parties, what can be done, and one timeline."""
    context, refusal = staff_page(request, f"/staff/cases/{key}")
    if refusal is not None:
        return refusal
    return await case_page(request, context, key)


async def case_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    key: str,
    *,
    status: int = 200,
    attempt: Mapping[str, Any] | None = None,
) -> Template:
    """Render the case page; ``attempt`` is a form that did not go through, to show again."""
    principal: Principal = context["principal"]
    try:
        if len(key) > 100 or has_control_characters(key, multiline=False):
            raise NotFound("no such case")
        case_id = await find_case_id(key, part="case page")
    except NotFound:
        return render_staff(request, "staff_not_found.html", context, status=HTTP_404_NOT_FOUND)
    case = await case_detail(case_id)
    investigation = await file_of(case_id)  # the read was audited above, once
    files = await attachments_of(case_id)
    deadlines = await case_deadlines(case_id)
    events = (
        await AuditEvent.select(
            AuditEvent.occurred_at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail
        )
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.seq)
    )
    if attempt is None:
        await audit.record("case.viewed", actor=principal.actor, case_id=case_id)
    t = context["t"]
    moments = _timeline(t, case, investigation, deadlines, events)
    actors = {m.actor for m in moments if m.actor}
    names = await _actor_names(t, actors)
    staff = await staff_names([case.assignee_staff_id])
    teams = {team.id: team.name for team in await list_teams()}
    shown = attempt or {}
    typed = shown.get("values") if shown.get("action") == "facts" else None
    context.update(
        facts=facts_of(await case_fields(), case.fields, t, context["lang"], typed),
        ticked=ticked,
        may_record_facts=principal.holds(*TRIAGE_ROLES),
        case=case,
        deadline=(await deadline_states([case_id])).get(case_id),
        deadlines=deadlines.deadlines,
        assignee=staff.get(case.assignee_staff_id),
        team=teams.get(case.team_id) if case.team_id else None,
        timeline=[(m, names.get(m.actor or "", m.actor)) for m in moments],
        work=case_work(principal, case, investigation, names, deadlines.deadlines),
        files=files,
        attempt=attempt or {},
    )
    return render_staff(request, "staff_case.html", context, status=status)


def _timeline(
    t: Mapping[str, str],
    case: Any,
    investigation: Any,
    deadlines: Any,
    events: list[dict[str, Any]],
) -> list[Moment]:
    """Correspondence, investigation, tasks, decisions, deadlines and audit, by time."""
    moments = [
        Moment(
            c.occurred_at,
            "correspondence",
            f"{t['staff_letter_' + c.direction]} ({_word(c.channel)})",
            text=c.body,
        )
        for c in case.correspondence
    ]
    for r in investigation.records:
        shared = f" ({t['staff_shared']})" if r.visibility == "shared" else ""
        moments.append(
            Moment(
                r.created_at,
                "record",
                t.get("staff_record_" + r.kind, _word(r.kind)) + shared,
                r.created_by,
                details=r.title + (f" ({r.person})" if r.person else ""),
                text=r.body,
            )
        )
    for task in investigation.tasks:
        due = t["staff_task_due"].format(due=_iso(task.due_at)) if task.due_at else ""
        moments.append(
            Moment(
                _made_at(task.id),
                "task",
                t["staff_task_added"],
                task.created_by,
                details=f"{task.title} {due}".strip(),
            )
        )
        if task.done_at:
            moments.append(Moment(task.done_at, "task", t["staff_task_done"], details=task.title))
    for d in investigation.decisions:
        outcome = t.get("staff_outcome_" + d.outcome, _word(d.outcome))
        moments.append(
            Moment(
                _made_at(d.id),
                "decision",
                f"{t['staff_decision_proposed']}: {outcome}",
                d.proposed_by,
                text="\n\n".join(p for p in (d.redress, d.actions, d.root_cause, d.measures) if p),
            )
        )
    for deadline in deadlines.deadlines:
        if deadline.met_at:
            moments.append(
                Moment(
                    deadline.met_at, "deadline", t["staff_deadline_was_met"], None, deadline.label
                )
            )
        for extension in deadline.extensions:
            moments.append(
                Moment(
                    extension.granted_at,
                    "deadline",
                    t["staff_deadline_extended"],
                    extension.granted_by,
                    details=f"{deadline.label}: {_iso(extension.due_at)}",
                    text=extension.reason,
                )
            )
    for pause in deadlines.pauses:
        moments.append(
            Moment(
                pause.started_at,
                "deadline",
                t["staff_clock_stopped"],
                pause.started_by,
                text=pause.reason,
            )
        )
        if pause.ended_at:
            moments.append(
                Moment(pause.ended_at, "deadline", t["staff_clock_restarted"], pause.ended_by)
            )
    for event in events:
        if event["action"] in _UNSHOWN_ACTIONS:
            continue
        detail = event["detail"]
        detail = json.loads(detail) if isinstance(detail, str) else dict(detail or {})
        what = t.get("staff_audit_" + event["action"]) or describe(event["action"], detail)
        moments.append(Moment(event["occurred_at"], "audit", what, event["actor"]))
    moments.sort(key=lambda m: m.at)
    return moments


def _word(value: str) -> str:
    return value.replace("_", " ")


def _iso(at: datetime | None) -> str:
    return "" if at is None else at.strftime("%Y-%m-%d")


def _made_at(made: UUID) -> datetime:
    """When a UUIDv7 was made (``core.ids``): its first 48 bits are Unix milliseconds."""
    return datetime.fromtimestamp((made.int >> 80) / 1000, UTC)


async def _actor_names(t: Mapping[str, str], actors: Iterable[str]) -> dict[str, str]:
    """Each actor (``staff:<id>``, ``public``, ``mail``, ``api-key:<id>``, ...) in words."""
    ids: dict[str, UUID] = {}
    names: dict[str, str] = {}
    for actor in actors:
        kind, _, rest = actor.partition(":")
        if kind == "staff":
            try:
                ids[actor] = UUID(rest)
            except ValueError:
                names[actor] = actor
        elif kind == "public":
            names[actor] = t["staff_actor_public"]
        elif kind == "mail":
            names[actor] = t["staff_actor_mail"]
        elif kind == "api-key":
            names[actor] = t["staff_actor_api"]
        else:
            names[actor] = t["staff_actor_system"]
    staff = await staff_names(ids.values())
    names.update({actor: staff.get(i, actor) for actor, i in ids.items()})
    return names
