"""The staff API: the tenant admin lists staff, invites people, changes roles and access."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from litestar import Controller, MediaType, Request, Response, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_503_SERVICE_UNAVAILABLE

from core.auth.guards import guarded_principal, roles_required
from core.staff import services
from core.staff.schemas import InvitationIn, InvitationOut, StaffChanges, StaffOut
from core.staff.services import IdentityProviderDown, StaffDirectory

#: Application state key of a callable that gives the identity provider's staff directory
#: for the app's state (the control plane registers it; core cannot import it).
STAFF_DIRECTORY = "staff_directory"


def directory_of(state: Mapping[str, Any]) -> StaffDirectory:
    """The staff directory the application was given; refuses when it has none."""
    provide: Callable[[Any], StaffDirectory] | None = state.get(STAFF_DIRECTORY)
    if provide is None:
        raise IdentityProviderDown("no identity provider is configured for invitations")
    return provide(state)


def _provider_down(_: Request[Any, Any, Any], exc: IdentityProviderDown) -> Response[Any]:
    # The error status rolls the tenant transaction back: no pending row stays.
    return Response(
        {"status_code": HTTP_503_SERVICE_UNAVAILABLE, "detail": str(exc)},
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        media_type=MediaType.JSON,
    )


class StaffController(Controller):
    """``/staff``: the organisation's members of staff and their roles."""

    path = "/staff"
    tags = ["staff"]
    guards = [roles_required(services.ADMIN_ROLE)]
    exception_handlers = {IdentityProviderDown: _provider_down}

    @get(summary="List the members of staff")
    async def list_staff(self) -> list[StaffOut]:
        """Active first; ``pending`` marks people invited who have not signed in yet."""
        return await services.list_staff()

    @post("/invitations", status_code=HTTP_201_CREATED, summary="Invite a person")
    async def invite(
        self, request: Request[Any, Any, Any], data: JSONBody[InvitationIn]
    ) -> InvitationOut:
        """Add a pending member of staff and have the identity provider mail an invitation.

        409 for an address on the staff already; 503 (and nothing kept) when the
        identity provider cannot be reached.
        """
        return await services.invite_staff(
            data, guarded_principal(request), directory_of(request.app.state)
        )

    @patch("/{staff_id:uuid}", summary="Change roles, deactivate or reactivate")
    async def change(
        self,
        request: Request[Any, Any, Any],
        staff_id: FromPath[UUID],
        data: JSONBody[StaffChanges],
    ) -> StaffOut:
        """Audited; 409 when nobody active would be left holding the tenant-admin role."""
        return await services.change_staff(staff_id, data, guarded_principal(request))
