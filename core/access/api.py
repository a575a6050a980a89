"""Exclusions from a case and their overrides: supervisors see them and decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.access import services
from core.auth.guards import guarded_principal, roles_required
from core.cases.services import find_case_id

#: Who sees exclusions and asks for or approves an override.
DECIDERS = ("supervisor", "tenant-admin")
#: Who names people on a case they see (and ends that access).
GRANTERS = ("handler", "supervisor")


class ExclusionOut(msgspec.Struct, kw_only=True):
    """A member of staff kept from the case, why, and where any override stands."""

    staff_id: UUID
    email: str
    reason: str
    source: str
    override_reason: str | None
    override_requested_by: str | None
    override_requested_at: datetime | None
    override_approved_by: str | None
    overridden_at: datetime | None


class OverrideIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Why the excluded person should see and handle the case after all."""

    reason: str


class AccessOut(msgspec.Struct, kw_only=True):
    """Someone named on the case, or holding break-glass access to it."""

    staff_id: UUID
    email: str
    kind: str
    reason: str
    granted_by: str | None
    granted_at: datetime
    expires_at: datetime | None


class NameIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Whom to name on the case, and why."""

    staff_email: str
    reason: str


class ExclusionController(Controller):
    """``/cases/{key}/exclusions``: conflicts of interest and their overrides."""

    path = "/cases/{key:str}/exclusions"
    tags = ["confidentiality"]
    guards = [roles_required(*DECIDERS)]

    @get(summary="Who is excluded from a case, and why")
    async def list_exclusions(self, key: FromPath[str]) -> list[ExclusionOut]:
        """Its subjects who are staff, and whom plugins name; with any override."""
        case_id = await find_case_id(key, part="exclusions")
        return [ExclusionOut(**row) for row in await services.exclusions(case_id)]

    @post(
        "/{staff_id:uuid}/override",
        status_code=HTTP_200_OK,
        summary="Ask to lift an exclusion (a second person approves)",
    )
    async def request_override(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        staff_id: FromPath[UUID],
        data: JSONBody[OverrideIn],
    ) -> list[ExclusionOut]:
        """Audited; the exclusion holds until someone else approves."""
        case_id = await find_case_id(key, part=None)
        await services.request_override(case_id, staff_id, data.reason, guarded_principal(request))
        return [ExclusionOut(**row) for row in await services.exclusions(case_id)]

    @post(
        "/{staff_id:uuid}/override/approve",
        status_code=HTTP_200_OK,
        summary="Approve a requested override (not who asked, not who is excluded)",
    )
    async def approve_override(
        self, request: Request[Any, Any, Any], key: FromPath[str], staff_id: FromPath[UUID]
    ) -> list[ExclusionOut]:
        """Audited; from now on the person may see and be given the case."""
        case_id = await find_case_id(key, part=None)
        await services.approve_override(case_id, staff_id, guarded_principal(request))
        return [ExclusionOut(**row) for row in await services.exclusions(case_id)]


class CaseAccessController(Controller):
    """``/cases/{key}/access``: people named on a case beyond its level's rule."""

    path = "/cases/{key:str}/access"
    tags = ["confidentiality"]
    guards = [roles_required(*GRANTERS)]

    @get(summary="Who is named on a case, and who broke the glass")
    async def list_access(self, key: FromPath[str]) -> list[AccessOut]:
        """Current grants only; ended ones stay in the audit log."""
        case_id = await find_case_id(key, part="access")
        return [AccessOut(**row) for row in await services.named(case_id)]

    @post(status_code=HTTP_201_CREATED, summary="Name a member of staff on a case")
    async def name(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[NameIn]
    ) -> list[AccessOut]:
        """Until revoked; audited. Excluded staff cannot be named (409)."""
        case_id = await find_case_id(key, part=None)
        await services.name_on_case(
            case_id, data.staff_email, data.reason, guarded_principal(request)
        )
        return [AccessOut(**row) for row in await services.named(case_id)]

    @post(
        "/{staff_id:uuid}/revoke",
        status_code=HTTP_200_OK,
        summary="End a named member of staff's access to a case",
    )
    async def revoke(
        self, request: Request[Any, Any, Any], key: FromPath[str], staff_id: FromPath[UUID]
    ) -> list[AccessOut]:
        """Audited."""
        case_id = await find_case_id(key, part=None)
        await services.revoke_named(case_id, staff_id, guarded_principal(request))
        return [AccessOut(**row) for row in await services.named(case_id)]
