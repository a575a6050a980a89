"""The notification API: the signed-in staff member's own notices, nobody else's."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_200_OK

from core.auth.guards import principal_of, staff_required
from core.auth.principal import Principal
from core.notify import services
from core.notify.schemas import NotificationList, NotificationOut, ReadAll


def _me(request: Request[Any, Any, Any]) -> tuple[UUID, Principal]:
    principal = principal_of(request)
    assert principal is not None, "staff_required lets no anonymous request in"
    assert principal.staff_id is not None, "staff_required lets only staff in"
    return principal.staff_id, principal


class NotificationController(Controller):
    """Notices addressed to the person calling; the list is always their own."""

    path = "/notifications"
    tags = ["notifications"]
    guards = [staff_required]

    @get(summary="List my notifications, unread first")
    async def list_mine(
        self, request: Request[Any, Any, Any], unread: FromQuery[bool] = False
    ) -> NotificationList:
        """Return the caller's notices; ``?unread=true`` leaves out those already read."""
        staff_id, _ = _me(request)
        return await services.list_notifications(staff_id, unread_only=unread)

    @post("/{notification_id:uuid}/read", status_code=HTTP_200_OK, summary="Mark one read")
    async def read(
        self, request: Request[Any, Any, Any], notification_id: FromPath[UUID]
    ) -> NotificationOut:
        """Mark one of the caller's notices read; anyone else's is not found."""
        staff_id, principal = _me(request)
        return await services.mark_read(staff_id, notification_id, actor=principal.actor)

    @post("/read-all", status_code=HTTP_200_OK, summary="Mark all my notifications read")
    async def read_all(
        self, request: Request[Any, Any, Any], before: FromQuery[datetime | None] = None
    ) -> ReadAll:
        """Mark the caller's unread notices read; ``?before=`` only those created up to then.

        A page passes the time it listed the notices, so one that arrived since stays unread.
        """
        staff_id, principal = _me(request)
        marked = await services.mark_all_read(staff_id, before=before, actor=principal.actor)
        return ReadAll(marked=marked)
