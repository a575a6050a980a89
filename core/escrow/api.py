"""``/cases/{key}/identity``: pseudonyms, requests to reveal who is behind them, decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.auth.guards import guarded_principal, roles_required
from core.cases.services import find_case_id
from core.escrow import services

#: Who works on cases and may ask to reveal an identity (and read it once approved).
ASKERS = ("handler", "investigator", "supervisor")
#: Who approves or refuses: a supervisor, never the one who asked.
DECIDERS = ("supervisor",)


class RevealRequestIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Whose identity, and why it is needed."""

    party_id: UUID
    reason: str


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Approve or refuse, with a note saying why."""

    approve: bool
    note: str


class RevealRequestOut(msgspec.Struct, kw_only=True):
    """A request to reveal an identity, and where it stands."""

    id: UUID
    party_id: UUID
    requested_by_actor: str
    reason: str
    requested_at: datetime
    status: str
    decided_by: str | None
    decision_note: str | None
    decided_at: datetime | None
    expires_at: datetime | None


class IdentityOut(msgspec.Struct, kw_only=True):
    """Who is behind a pseudonym, shown to the asker of an approved request."""

    party_id: UUID
    role: str
    pseudonym: str
    name: str | None
    email: str | None
    phone: str | None
    until: datetime


def _requests(rows: list[dict[str, Any]]) -> list[RevealRequestOut]:
    fields = set(RevealRequestOut.__struct_fields__)
    return [RevealRequestOut(**{k: v for k, v in row.items() if k in fields}) for row in rows]


class IdentityController(Controller):
    """Identity escrow on one case."""

    path = "/cases/{key:str}/identity"
    tags = ["confidentiality"]
    guards = [roles_required(*ASKERS)]

    @get(summary="Read the identities an approved request lets me see (audited)")
    async def identity(
        self, request: Request[Any, Any, Any], key: FromPath[str]
    ) -> list[IdentityOut]:
        """403 without a current approval of my own request."""
        case_id = await find_case_id(key, part="identity")
        return [
            IdentityOut(
                party_id=p["id"],
                role=p["role"],
                pseudonym=p["pseudonym"],
                name=p["display_name"],
                email=p["email"],
                phone=p["phone"],
                until=p["until"],
            )
            for p in await services.revealed(case_id, guarded_principal(request))
        ]

    @get("/requests", summary="Requests to reveal an identity on the case")
    async def list_requests(self, key: FromPath[str]) -> list[RevealRequestOut]:
        """Oldest first, with their decisions."""
        case_id = await find_case_id(key, part="identity requests")
        return _requests(await services.requests(case_id))

    @post("/requests", status_code=HTTP_201_CREATED, summary="Ask to reveal who a pseudonym is")
    async def ask(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[RevealRequestIn]
    ) -> RevealRequestOut:
        """Audited; the tenant's supervisors are told at once."""
        case_id = await find_case_id(key, part=None)
        row = await services.request_reveal(
            case_id, data.party_id, data.reason, guarded_principal(request)
        )
        return _requests([row])[0]

    @post(
        "/requests/{request_id:uuid}/decision",
        status_code=HTTP_200_OK,
        summary="Approve or refuse a request (a supervisor who did not ask)",
        guards=[roles_required(*DECIDERS)],
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        request_id: FromPath[UUID],
        data: JSONBody[DecisionIn],
    ) -> RevealRequestOut:
        """Audited; an approval lasts 24 hours."""
        case_id = await find_case_id(key, part=None)
        row = await services.decide(
            case_id,
            request_id,
            approve=data.approve,
            note=data.note,
            viewer=guarded_principal(request),
        )
        return _requests([row])[0]
