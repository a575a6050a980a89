"""The deadline API: a case's deadlines and clock stops, and extensions granted by reviewers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from core.auth.guards import principal_of, roles_required, staff_required
from core.cases.services import find_case_id
from core.deadlines import services
from core.deadlines.schemas import CaseDeadlines, DeadlineDetail, ExtensionIn

#: Who may move a deadline: someone above the handler working the case.
EXTENDERS = ("supervisor", "tenant-admin")


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "the staff_required guard lets no anonymous request in"
    return principal.actor


class DeadlineController(Controller):
    """When things on a case are due, what stopped their clocks, and who extended them."""

    path = "/cases/{key:str}/deadlines"
    tags = ["deadlines"]
    guards = [staff_required]

    @get(summary="A case's deadlines and clock stops")
    async def list_deadlines(self, key: FromPath[str]) -> CaseDeadlines:
        """Deadlines soonest first, each with its extensions, and the times the case was on hold."""
        return await services.case_deadlines(await find_case_id(key, part="deadlines"))

    @post(
        "/{deadline_kind:str}/extend",
        status_code=HTTP_200_OK,
        summary="Extend a deadline",
        guards=[roles_required(*EXTENDERS)],
    )
    async def extend(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        deadline_kind: FromPath[str],
        data: JSONBody[ExtensionIn],
    ) -> DeadlineDetail:
        """Give a deadline a later due time; who granted it, when and why are kept and audited."""
        case_id = await find_case_id(key, part=None)
        return await services.extend(case_id, deadline_kind, data, _actor(request))
