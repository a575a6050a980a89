"""The routing API: teams, routing rules, a case's routing decisions and assignment."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from core.auth.guards import guarded_principal, roles_required, staff_required
from core.routing import rules, services, teams
from core.routing.schemas import (
    AssignIn,
    DecisionOut,
    RouteTestIn,
    RouteTestOut,
    RuleChanges,
    RuleIn,
    RuleOrder,
    RuleOut,
    TeamChanges,
    TeamIn,
    TeamOut,
)

#: Who may change teams and routing rules.
ADMIN = roles_required("tenant-admin")
#: Who may give a case to someone by hand.
ASSIGNERS = ("handler", "supervisor", "tenant-admin")


class TeamController(Controller):
    """The tenant's teams: their queues, members, supervisors and assignment mode."""

    path = "/teams"
    tags = ["routing"]
    guards = [staff_required]

    @get(summary="List teams")
    async def list_teams(self) -> list[TeamOut]:
        """Every team with its members (and who is absent) and supervisors."""
        return await teams.list_teams()

    @post(status_code=HTTP_201_CREATED, summary="Create a team", guards=[ADMIN])
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[TeamIn]) -> TeamOut:
        """Create a team; members and supervisors are named by e-mail (409 for a taken name)."""
        return await teams.create_team(data, actor=guarded_principal(request).actor)

    @patch("/{team_id:uuid}", summary="Change a team", guards=[ADMIN])
    async def update(
        self, request: Request[Any, Any, Any], team_id: FromPath[UUID], data: JSONBody[TeamChanges]
    ) -> TeamOut:
        """Rename, change the mode or default flag, replace members, supervisors or absences."""
        return await teams.update_team(team_id, data, actor=guarded_principal(request).actor)


class RoutingRuleController(Controller):
    """The ordered rules that decide which team a new case goes to."""

    path = "/routing-rules"
    tags = ["routing"]
    guards = [staff_required]

    @get(summary="List routing rules in the order they are tried")
    async def list_rules(self) -> list[RuleOut]:
        """Every rule; the first active one that matches a new case routes it."""
        return await rules.list_rules()

    @post(status_code=HTTP_201_CREATED, summary="Add a routing rule", guards=[ADMIN])
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[RuleIn]) -> RuleOut:
        """Add a rule last, or at ``position``."""
        return await rules.create_rule(data, actor=guarded_principal(request).actor)

    @put("/order", status_code=HTTP_200_OK, summary="Reorder the routing rules", guards=[ADMIN])
    async def reorder(
        self, request: Request[Any, Any, Any], data: JSONBody[RuleOrder]
    ) -> list[RuleOut]:
        """Put the rules in the order given; the list must name each rule once."""
        return await rules.reorder_rules(data, actor=guarded_principal(request).actor)

    @patch("/{rule_id:uuid}", summary="Change a routing rule", guards=[ADMIN])
    async def update(
        self, request: Request[Any, Any, Any], rule_id: FromPath[UUID], data: JSONBody[RuleChanges]
    ) -> RuleOut:
        """Change the parts named."""
        return await rules.update_rule(rule_id, data, actor=guarded_principal(request).actor)

    @delete(
        "/{rule_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a routing rule",
        guards=[ADMIN],
    )
    async def remove(self, request: Request[Any, Any, Any], rule_id: FromPath[UUID]) -> None:
        """Remove the rule; decisions it made stay on their cases."""
        await rules.delete_rule(rule_id, actor=guarded_principal(request).actor)


class RoutingTestController(Controller):
    """``/routing/test``: where a complaint would go, tried without registering it."""

    path = "/routing"
    tags = ["routing"]
    guards = [ADMIN]

    @post("/test", status_code=HTTP_200_OK, summary="Try routing on a complaint")
    async def test(self, data: JSONBody[RouteTestIn]) -> RouteTestOut:
        """The rule that matches (and why the ones before did not), the team and the person.

        Nothing is registered, assigned or written.
        """
        return await services.explain_route(data)


class CaseRoutingController(Controller):
    """Where a case went and why; giving it to someone by hand."""

    path = "/cases/{key:str}"
    tags = ["routing"]
    guards = [staff_required]

    @get("/routing", summary="A case's routing decisions")
    async def decisions(self, key: FromPath[str]) -> list[DecisionOut]:
        """Every routing decision on the case, oldest first: rule, plugin, default or by hand."""
        return await services.decisions(key)

    @post(
        "/assign",
        status_code=HTTP_200_OK,
        summary="Assign a case",
        guards=[roles_required(*ASSIGNERS)],
    )
    async def assign(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[AssignIn]
    ) -> list[DecisionOut]:
        """Give the case to a person (400 if inactive, 409 if excluded) or a team's queue."""
        return await services.assign_case(key, data, guarded_principal(request))
