"""The case API: parse, call one service, return what it returns."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from core.cases import services
from core.cases.schemas import CaseChanges, CaseDetail, CasePage, NewCase

#: Who acts through the API until staff identity is wired in.
API_ACTOR = "api:unauthenticated"


class CaseController(Controller):
    """Register, list, read and triage complaint cases of the request's tenant."""

    path = "/cases"
    tags = ["cases"]

    @post(status_code=HTTP_201_CREATED, summary="Register a complaint")
    async def register(self, data: JSONBody[NewCase]) -> CaseDetail:
        """Register a complaint and return it with its new reference."""
        return await services.register_case(data, actor=API_ACTOR)

    @get(summary="List cases, newest first")
    async def list_cases(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        before: FromQuery[str | None] = None,
    ) -> CasePage:
        """Return one page of cases; follow ``next`` for the page after."""
        return await services.list_cases(limit=limit, before=before)

    @get("/{key:str}", summary="Read a case by id or reference")
    async def read(self, key: FromPath[str]) -> CaseDetail:
        """Return a case with its parties and correspondence."""
        return await services.read_case(key, actor=API_ACTOR)

    @patch("/{key:str}", summary="Triage a case")
    async def update(self, key: FromPath[str], data: JSONBody[CaseChanges]) -> CaseDetail:
        """Change subject, category or severity of the version the client last read."""
        return await services.update_case(key, data, actor=API_ACTOR)
