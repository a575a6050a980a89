"""Litestar guards: the only place that turns "who" into "may"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from core.apikeys.schemas import SCOPES
from core.auth.principal import Principal

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal the authentication middleware found, if any."""
    principal: Principal | None = connection.scope.get("state", {}).get("principal")
    return principal


def guarded_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The principal of a request that a staff or role guard has already let in."""
    principal = principal_of(connection)
    assert principal is not None, "the route's guard lets no anonymous request in"
    return principal


def _signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = principal_of(connection)
    if principal is None:
        raise NotAuthorizedException("Sign in, or send a bearer token, to use this.")
    return principal


def staff_required(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Pass staff members of the addressed tenant (never an API key)."""
    principal = _signed_in(connection)
    if principal.via == "api_key":
        raise PermissionDeniedException("API keys cannot use this; it needs a staff member.")
    if principal.staff_id is None:
        raise PermissionDeniedException(
            "You have no role in this organisation. Ask one of its administrators."
        )


def staff_or_scope(scope: str) -> Guard:
    """Pass staff members, and API keys that were issued with ``scope``."""
    if scope not in SCOPES:
        # A misspelt scope would lock every key out of the route without a word.
        raise ValueError(f"{scope!r} is not one of the API-key scopes {SCOPES}")

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        principal = _signed_in(connection)
        if principal.via != "api_key":
            staff_required(connection, handler)
        elif scope not in principal.scopes:
            raise PermissionDeniedException(f"This API key lacks the scope {scope!r}.")

    return guard


def roles_required(*roles: str) -> Guard:
    """Pass staff members who hold at least one of ``roles``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        staff_required(connection, handler)
        if not _signed_in(connection).holds(*roles):
            raise PermissionDeniedException(f"This needs one of the roles: {', '.join(roles)}.")

    return guard


def platform_admin_required(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Pass the service's own operators."""
    if not _signed_in(connection).platform_admin:
        raise PermissionDeniedException("This needs the platform-admin role.")
