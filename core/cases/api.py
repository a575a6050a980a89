"""The case API: parse, call one service, return what it returns."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from core.access import services as access
from core.auth.guards import principal_of, roles_required, staff_or_scope
from core.cases import services
from core.cases.schemas import (
    BreakGlass,
    BreakGlassGranted,
    CaseChanges,
    CaseDetail,
    CasePage,
    NewCase,
)
from core.errors import InvalidInput
from core.lifecycle.services import acknowledge_on_arrival

#: Roles that may change a case's triage fields.
TRIAGE_ROLES = ("handler", "supervisor", "tenant-admin")
#: Roles that may break the glass on a case they may not see (handling it in an emergency).
BREAK_GLASS_ROLES = ("handler", "investigator", "supervisor")


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "every route's guard lets no anonymous request in"
    return principal.actor


def _assignee(request: Request[Any, Any, Any], value: str | None) -> UUID | None:
    """The staff id an ``assignee`` filter names: ``me`` is the caller."""
    if value is None:
        return None
    if value == "me":
        principal = principal_of(request)
        if principal is None or principal.staff_id is None:
            raise InvalidInput("assignee", "'me' needs a staff member, not an API key")
        return principal.staff_id
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput("assignee", "is 'me' or a staff member's id") from None


class CaseController(Controller):
    """Register, list, read and triage complaint cases of the request's tenant."""

    path = "/cases"
    tags = ["cases"]
    # Guarded per route: some routes also take API keys with the route's scope.

    @post(
        status_code=HTTP_201_CREATED,
        summary="Register a complaint",
        guards=[staff_or_scope("cases:create")],
    )
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[NewCase]
    ) -> CaseDetail:
        """Register a complaint and return it with its new reference.

        When the organisation acknowledges every complaint at once, the
        acknowledgement is queued with the registration.
        """
        detail = await services.register_case(data, actor=_actor(request))
        if await acknowledge_on_arrival(detail.id):
            detail = await services.case_detail(detail.id)
        return detail

    @get(summary="List cases, newest first", guards=[staff_or_scope("cases:read")])
    async def list_cases(
        self,
        request: Request[Any, Any, Any],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        before: FromQuery[str | None] = None,
        assignee: Annotated[str | None, QueryParameter(max_length=36)] = None,
        team: FromQuery[UUID | None] = None,
        q: Annotated[
            str | None,
            QueryParameter(
                min_length=1,
                max_length=200,
                description="Words that must each occur in the reference, subject or"
                " category (any case); the complaint's text is sealed and not searched.",
            ),
        ] = None,
    ) -> CasePage:
        """Return one page of cases; follow ``next`` for the page after.

        ``assignee=me`` (or a staff id) lists one person's cases; ``team`` (a team's id)
        lists that team's queue; ``q`` searches reference, subject and category. Only
        cases the caller may see are listed or found.
        """
        return await services.list_cases(
            limit=limit, before=before, assignee=_assignee(request, assignee), team=team, q=q
        )

    @get(
        "/{key:str}",
        summary="Read a case by id or reference",
        guards=[staff_or_scope("cases:read")],
    )
    async def read(self, request: Request[Any, Any, Any], key: FromPath[str]) -> CaseDetail:
        """Return a case with its parties and correspondence."""
        return await services.read_case(key, actor=_actor(request))

    @patch("/{key:str}", summary="Triage a case", guards=[roles_required(*TRIAGE_ROLES)])
    async def update(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[CaseChanges]
    ) -> CaseDetail:
        """Change subject, category, severity or confidentiality of the version last read."""
        principal = principal_of(request)
        supervisor = principal is not None and principal.holds("supervisor")
        return await services.update_case(key, data, actor=_actor(request), supervisor=supervisor)

    @post(
        "/{key:str}/break-glass",
        summary="Open a case one may not otherwise see, for two hours, with a reason",
        guards=[roles_required(*BREAK_GLASS_ROLES)],
        status_code=HTTP_201_CREATED,
    )
    async def break_glass(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[BreakGlass]
    ) -> BreakGlassGranted:
        """Audited, and every supervisor of the tenant is told at once."""
        principal = principal_of(request)
        assert principal is not None, "the guard lets only staff in"
        case_id = await services.find_case_key(key)
        until = await access.break_glass(case_id, data.reason, principal)
        return BreakGlassGranted(case_id=case_id, until=until)
