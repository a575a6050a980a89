"""Retention periods (tenant admins set them) and legal holds on a case (supervisors)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.auth.guards import guarded_principal, roles_required, staff_required
from core.cases.services import find_case_id
from core.retention import services
from core.retention.services import HoldOut, RetentionPeriods
from core.text import text

#: Who places, releases and sees legal holds.
HOLDERS = ("supervisor", "tenant-admin")


class HoldIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Why the case must be kept (a claim, an inquiry, a regulator's request)."""

    reason: Annotated[str, text(max_length=1000)]


class ReleaseIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Why the case need no longer be kept."""

    reason: Annotated[str, text(max_length=1000)]


class LegalHoldController(Controller):
    """``/cases/{key}/legal-holds``: keeping a case past its retention period."""

    path = "/cases/{key:str}/legal-holds"
    tags = ["retention"]
    guards = [roles_required(*HOLDERS)]

    @get(summary="The legal holds on a case, active and released")
    async def list_holds(self, key: FromPath[str]) -> list[HoldOut]:
        """Oldest first; a released hold keeps who released it and why."""
        case_id = await find_case_id(key, part="legal_holds")
        return await services.holds(case_id)

    @post(status_code=HTTP_201_CREATED, summary="Put a case on legal hold")
    async def place(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[HoldIn]
    ) -> HoldOut:
        """The case is not purged, whatever its retention period, until released. Audited."""
        case_id = await find_case_id(key, part=None)
        return await services.place_hold(
            case_id, data.reason, actor=guarded_principal(request).actor
        )

    @post(
        "/{hold_id:uuid}/release",
        status_code=HTTP_200_OK,
        summary="Release a legal hold on a case",
    )
    async def release(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        hold_id: FromPath[UUID],
        data: JSONBody[ReleaseIn],
    ) -> HoldOut:
        """Once no hold is left, the case's retention period applies again. Audited."""
        case_id = await find_case_id(key, part=None)
        return await services.release_hold(
            case_id, hold_id, data.reason, actor=guarded_principal(request).actor
        )


class RetentionController(Controller):
    """``/retention``: how long the organisation keeps closed cases."""

    path = "/retention"
    tags = ["retention"]
    guards = [staff_required]

    @get(summary="The retention periods of closed cases")
    async def read(self) -> RetentionPeriods:
        """Days after closing, by default and per category; null keeps cases for good."""
        return await services.current_periods()

    @put(summary="Set the retention periods", guards=[roles_required("tenant-admin")])
    async def replace(
        self, request: Request[Any, Any, Any], data: JSONBody[RetentionPeriods]
    ) -> RetentionPeriods:
        """Replace them all; audited with the old and new values.

        Closed cases already past a new, shorter period go on the worker's next loop.
        """
        return await services.set_periods(data, actor=guarded_principal(request).actor)
