"""Routing services: which team and person a case goes to, and to whom it escalates.

``supervisors_of`` is what deadlines, risk flags and escalations use to find the
people to page about a case. Every function runs in the caller's tenant
transaction and audits there, so a decision and its record commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from core.access import services as access
from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.tables import StaffMember
from core.cases.contributions import Contributions
from core.cases.sealed_rows import first_letter, parties_of
from core.cases.tables import Case, CaseFlag
from core.errors import Conflict, InvalidInput, NotFound
from core.ids import uuid7
from core.plugins.host import UNKNOWN_TEAM, HookFailure
from core.routing import teams
from core.routing.rules import CaseFacts, Rule, active_rules, matches, unmet
from core.routing.schemas import (
    AssignIn,
    DecisionOut,
    RouteTestIn,
    RouteTestOut,
    RuleVerdict,
)
from core.routing.tables import RoutingDecision, Team, TeamMember
from core.sdk import CaseView, RouteSuggestion, StaffExclusion
from core.tenancy.context import current_tenant

#: A case in one of these is finished with: it counts towards nobody's load.
_FINISHED = ("responded", "closed", "withdrawn")


@dataclass(frozen=True, slots=True)
class Route:
    """Where a case goes and why, before a member of the team is chosen."""

    source: str
    #: None: the case stays in the queue it is in.
    team_id: UUID | None
    reason: str
    rule_id: UUID | None = None
    #: A person the rule or plugin named; used when they may take the case.
    assignee: UUID | None = None


async def route_case(case_id: UUID, actor: str) -> None:
    """Route a newly registered case: the first matching rule, else a plugin, else the default.

    Then give it to a member of that team, record the decision and audit it.
    Plugin failures become flags on the case, as at registration.
    """
    contributions = await Contributions.of_tenant()
    route = await _by_rule(await _facts(case_id))
    if route is None and contributions.plugins.enabled:
        route = await _by_plugin(contributions, await _case_view(case_id))
    if route is None:
        team = await teams.default_team(actor)
        route = Route("default", team, "no rule or plugin routed the case: default queue")
    excluded = await excluded_staff(case_id, contributions)
    await access.record_exclusions(case_id, excluded)  # they may not see it either
    assignee = route.assignee
    if assignee is not None and not await _may_take(assignee, route.team_id, excluded):
        assignee = None
    if assignee is None and route.team_id is not None:
        assignee = await _pick_member(route.team_id, excluded)
    await _record(case_id, route, assignee, actor)
    await contributions.record_failures(case_id)


async def assign_case(key: str, data: AssignIn, principal: Principal) -> list[DecisionOut]:
    """Give a case to a named person or to a team's queue, by hand; return its decisions."""
    if data.staff_email is None and data.team is None:
        raise InvalidInput("body", "name a staff_email, a team, or both")
    case = await _lock(key)
    if case["status"] in _FINISHED:
        raise Conflict(f"the case is {case['status']}; it cannot be assigned")
    team_id: UUID | None = case["team_id"]
    if data.team is not None:
        team_id = await teams.team_id_of(data.team)
    excluded = await excluded_staff(case["id"])
    assignee: UUID | None
    if data.staff_email is not None:
        assignee = await _active_staff(data.staff_email)
        if assignee in excluded:
            raise Conflict(f"{data.staff_email} is excluded from this case: {excluded[assignee]}")
    elif team_id is not None:
        assignee = await _pick_member(team_id, excluded)
    else:
        raise InvalidInput("team", "the case is in no team's queue yet; name one")
    reason = "assigned by hand" + (f" to the team {data.team}" if data.team else "")
    await _record(case["id"], Route("staff", team_id, reason), assignee, principal.actor)
    # Not looked up again through the access rule: whoever gives away a sealed case no
    # longer sees it, and the assignment must not fail (and roll back) for that.
    return await _decisions_of(case["id"])


async def decisions(key: str) -> list[DecisionOut]:
    """Every routing decision on a case, oldest first."""
    return await _decisions_of(await _case_id(key, part="routing"))


async def _decisions_of(case_id: UUID) -> list[DecisionOut]:
    rows = await RoutingDecision.raw(
        """
        SELECT d.id, d.source, d.rule_id, t.name AS team, s.email AS assignee_email,
               d.reason, d.decided_by, d.decided_at
          FROM routing_decision d
          LEFT JOIN team t ON t.id = d.team_id
          LEFT JOIN staff_member s ON s.id = d.assignee_staff_id
         WHERE d.case_id = {}
         ORDER BY d.decided_at, d.id
        """,
        case_id,
    )
    return [DecisionOut(**row) for row in rows]


async def supervisors_of(case_id: UUID) -> list[UUID]:
    """The staff who supervise ``case_id``: its team's present supervisors, else all of them.

    "All of them" is every active supervisor of the tenant, so that a case in no
    team, or whose team's supervisors are away, still reaches someone.
    """
    # One definition, in the database, shared with the deadline worker's batch read.
    rows = await StaffMember.raw("SELECT staff_id AS id FROM querela_case_supervisors({})", case_id)
    return [row["id"] for row in rows]


async def escalation_to(case_id: UUID, reason: str, actor: str, changes: dict[Any, Any]) -> UUID:
    """Choose the supervisor a case escalates to and put the change into ``changes``.

    The caller (the ``escalate`` action) writes ``changes`` and its audit event;
    the routing decision recorded here puts the case in that supervisor's queue.
    """
    excluded = await excluded_staff(case_id)
    chosen = next((s for s in await supervisors_of(case_id) if s not in excluded), None)
    if chosen is None:
        raise Conflict(
            "nobody supervises this case: add a supervisor to its team,"
            " or give a member of staff the supervisor role"
        )
    changes[Case.escalated_to_staff_id] = chosen
    changes[Case.escalation_reason] = reason
    await RoutingDecision.insert(
        RoutingDecision(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case_id,
            source="escalation",
            team_id=None,
            assignee_staff_id=chosen,
            reason=reason,
            decided_by=actor,
            decided_at=datetime.now(UTC),
        )
    )
    return chosen


async def excluded_staff(
    case_id: UUID, contributions: Contributions | None = None, view: CaseView | None = None
) -> dict[UUID, str]:
    """Staff who may not handle the case, and why: its subjects, and whom plugins name."""
    subjects = [
        p["email"].lower()
        for p in await parties_of(case_id)
        if p["role"] == "subject" and p["email"]
    ]
    rows = await StaffMember.raw(
        "SELECT id FROM staff_member WHERE lower(email) = ANY({}::text[])", subjects
    )
    excluded = {row["id"]: "named as a subject of the complaint" for row in rows}
    own = contributions is None
    if contributions is None:
        contributions = await Contributions.of_tenant()
    if contributions.plugins.enabled:
        hook = "querela_register_excluded_staff"
        named = contributions.items(
            await contributions.call(hook, case=view or await _case_view(case_id)),
            hook,
            StaffExclusion,
        )
        for source, exclusion in named:
            staff = await StaffMember.raw(
                "SELECT id FROM staff_member WHERE lower(email) = lower({})", exclusion.email
            )
            for row in staff:
                excluded.setdefault(row["id"], f"excluded by {source}: {exclusion.reason}")
    if own:  # a caller who passed its contributions records their failures itself
        await contributions.record_failures(case_id)
    for staff_id in await access.overridden(case_id):  # approved by a second person
        excluded.pop(staff_id, None)
    return excluded


# -- trying routing without a case ----------------------------------------------------------


async def explain_route(data: RouteTestIn) -> RouteTestOut:
    """Where a complaint like ``data`` would go, and why; registers and writes nothing.

    The same code decides as for a real case: the rules through
    ``core.routing.rules.unmet``, then the plugins, then the default queue, and the
    team's mode chooses the member. What only a registered case has is left out:
    nobody is excluded as a subject of it, and plugin failures are listed, not flagged.
    """
    facts = CaseFacts(
        category=data.category,
        channel=data.channel,
        severity=data.severity,
        language=data.language,
        subject=data.subject,
        description=data.description,
        flags=frozenset(data.flags),
    )
    tried: list[tuple[Rule, list[str]]] = []
    route: Route | None = None
    for rule in await active_rules():
        missing = unmet(rule.conditions, facts)
        tried.append((rule, missing))
        if not missing:
            route = _rule_route(rule)
            break
    failures: list[str] = []
    if route is None:
        contributions = await Contributions.of_tenant()
        if contributions.plugins.enabled:
            route = await _by_plugin(contributions, _supposed_case(data))
            failures = [failure.describe() for failure in contributions.failures]
    if route is None:
        team_id, _ = await teams.existing_default_team()
        route = Route("default", team_id, "no rule or plugin routed the case: default queue")
    assignee: UUID | None = None
    how = "nobody"
    if route.assignee is not None and await _may_take(route.assignee, route.team_id, {}):
        assignee, how = route.assignee, "named"
    elif route.team_id is not None:
        team = (await Team.raw("SELECT * FROM team WHERE id = {}", route.team_id))[0]
        assignee = _choose(team, await _members(route.team_id), {})
        how = team["assignment"] if assignee is not None else "nobody"
    team_names = {row["id"]: row["name"] for row in await Team.select(Team.id, Team.name)}
    person = None
    if assignee is not None:
        person = (
            await StaffMember.select(StaffMember.email, StaffMember.display_name)
            .where(StaffMember.id == assignee)
            .first()
        )
    return RouteTestOut(
        source="rule" if route.rule_id is not None else route.source,
        rule_id=route.rule_id,
        team=team_names.get(route.team_id) if route.team_id is not None else None,
        assignee_email=person["email"] if person else None,
        assignee_name=person["display_name"] if person else None,
        assignment=how,
        reason=route.reason,
        rules=[
            RuleVerdict(
                rule_id=rule.id,
                position=rule.position,
                name=rule.name,
                team=team_names.get(rule.team_id, ""),
                matched=not missing,
                unmet=missing,
            )
            for rule, missing in tried
        ],
        plugin_failures=failures,
    )


def _supposed_case(data: RouteTestIn) -> CaseView:
    """The complaint as plugins would see it once registered (it has no id or reference yet)."""
    return CaseView(
        id=UUID(int=0),
        reference="",
        status="received",
        channel=data.channel,
        subject=data.subject,
        description=data.description,
        category=data.category,
        severity=data.severity,
        confidentiality="standard",
        language=data.language,
        received_at=datetime.now(UTC),
    )


# -- choosing -------------------------------------------------------------------------------


async def _facts(case_id: UUID) -> CaseFacts:
    case = await Case.select().where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    first = await first_letter(case_id)
    flags = await CaseFlag.select(CaseFlag.code).where(
        (CaseFlag.case_id == case_id) & CaseFlag.cleared_at.is_null()
    )
    return CaseFacts(
        category=case["category"],
        channel=case["channel"],
        severity=case["severity"],
        language=case["language"],
        subject=case["subject"],
        description=first["body"] if first else "",
        flags=frozenset(row["code"] for row in flags),
    )


async def _by_rule(facts: CaseFacts) -> Route | None:
    for rule in await active_rules():
        if matches(rule.conditions, facts):
            return _rule_route(rule)
    return None


def _rule_route(rule: Rule) -> Route:
    return Route(
        str(rule.id),
        rule.team_id,
        f"rule {rule.position}: {rule.name}",
        rule_id=rule.id,
        assignee=rule.assignee_staff_id,
    )


async def _by_plugin(contributions: Contributions, case: CaseView) -> Route | None:
    hook = "querela_route_for_case"
    outcome = await contributions.call(hook, case=case)
    for name, suggestion in contributions.items(outcome, hook, RouteSuggestion):
        team = await Team.select(Team.id).where(Team.name == suggestion.team).first()
        if team is None:
            # A team the tenant does not have is the plugin's mistake, shown on the case.
            contributions.failures.append(
                HookFailure(name, hook, "error", f"{UNKNOWN_TEAM}: {suggestion.team[:100]}")
            )
            continue
        assignee = None
        if suggestion.assignee_email:
            rows = await StaffMember.raw(
                "SELECT id FROM staff_member WHERE lower(email) = lower({}) AND active",
                suggestion.assignee_email,
            )
            assignee = rows[0]["id"] if rows else None
        return Route(f"plugin:{name}", team["id"], suggestion.reason[:2000], assignee=assignee)
    return None


async def _pick_member(team_id: UUID, excluded: dict[UUID, str]) -> UUID | None:
    """The member of the team to give the next case to, by the team's assignment mode."""
    team = (await Team.raw("SELECT * FROM team WHERE id = {} FOR UPDATE", team_id))[0]
    chosen = _choose(team, await _members(team_id), excluded)
    if chosen is not None:
        await Team.update({Team.last_assigned_staff_id: chosen}).where(Team.id == team_id)
    return chosen


async def _members(team_id: UUID) -> list[dict[str, Any]]:
    """The team's members in the order they joined, with whether they can take a case now."""
    rows: list[dict[str, Any]] = await TeamMember.raw(
        """
        SELECT m.staff_id, m.absent, s.active,
               (SELECT count(*) FROM cases c
                 WHERE c.assignee_staff_id = m.staff_id
                   AND c.status <> ALL({})) AS load
          FROM team_member m JOIN staff_member s ON s.id = m.staff_id
         WHERE m.team_id = {} AND m.role = 'member'
         ORDER BY m.id
        """,
        list(_FINISHED),
        team_id,
    )
    return rows


def _choose(
    team: dict[str, Any], members: list[dict[str, Any]], excluded: dict[UUID, str]
) -> UUID | None:
    """The member the team's mode picks next; None when nobody present may take the case."""
    order = [m["staff_id"] for m in members]
    eligible = [
        m for m in members if m["active"] and not m["absent"] and m["staff_id"] not in excluded
    ]
    if not eligible:
        return None  # the case waits in the team's queue for someone to take it
    if team["assignment"] == "least_loaded":
        chosen: UUID = min(eligible, key=lambda m: (m["load"], order.index(m["staff_id"])))[
            "staff_id"
        ]
    else:
        last = team["last_assigned_staff_id"]
        start = order.index(last) + 1 if last in order else 0
        rotation = order[start:] + order[:start]
        candidates = {m["staff_id"] for m in eligible}
        chosen = next(staff for staff in rotation if staff in candidates)
    return chosen


async def _may_take(staff_id: UUID, team_id: UUID | None, excluded: dict[UUID, str]) -> bool:
    """Whether a person a rule or plugin named may take the case: active, present, not excluded."""
    if staff_id in excluded:
        return False
    row = await StaffMember.select(StaffMember.active).where(StaffMember.id == staff_id).first()
    away = await TeamMember.exists().where(
        (TeamMember.team_id == team_id)
        & (TeamMember.staff_id == staff_id)
        & TeamMember.absent.eq(True)
    )
    return bool(row and row["active"]) and not away


async def _active_staff(email: str) -> UUID:
    rows = await StaffMember.raw(
        "SELECT id FROM staff_member WHERE lower(email) = lower({}) AND active", email
    )
    if not rows:
        raise InvalidInput("staff_email", "is not an active staff member of this organisation")
    staff_id: UUID = rows[0]["id"]
    return staff_id


async def _record(case_id: UUID, route: Route, assignee: UUID | None, actor: str) -> None:
    now = datetime.now(UTC)
    team_id = route.team_id
    values: dict[Any, Any] = {Case.assignee_staff_id: assignee, Case.updated_at: now}
    if team_id is not None:
        values[Case.team_id] = team_id
    await Case.update(values).where(Case.id == case_id)
    await RoutingDecision.insert(
        RoutingDecision(
            id=uuid7(),
            tenant_id=current_tenant().id,
            case_id=case_id,
            source=route.source,
            rule_id=route.rule_id,
            team_id=team_id,
            assignee_staff_id=assignee,
            reason=route.reason,
            decided_by=actor,
            decided_at=now,
        )
    )
    await audit.record(
        "case.routed",
        actor=actor,
        case_id=case_id,
        detail={
            "source": route.source,
            "team": str(team_id) if team_id else None,
            "assignee": str(assignee) if assignee else None,
        },
    )


async def _lock(key: str) -> dict[str, Any]:
    case_id = await _case_id(key, part=None)
    rows = await Case.raw("SELECT * FROM cases WHERE id = {} FOR UPDATE", case_id)
    if not rows:
        raise NotFound("no such case")
    row: dict[str, Any] = rows[0]
    return row


# core.cases.services routes every new case through this module, so its readers are
# imported when first used, not when this module loads (that would be a cycle).


async def _case_id(key: str, *, part: str | None) -> UUID:
    from core.cases.services import find_case_id

    return await find_case_id(key, part=part)


async def _case_view(case_id: UUID) -> CaseView:
    from core.cases.services import case_view

    return await case_view(case_id)
