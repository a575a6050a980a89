"""The control plane over HTTP: the platform-admin API and public self-service signup.

Handlers parse, call one service from ``tenants``, and render; the rules live in
the services, which the CLI calls too.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Any

import msgspec
from litestar import Litestar, MediaType, Request, Response, Router, get, post
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins import InitPluginProtocol
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_503_SERVICE_UNAVAILABLE

from core.auth.guards import platform_admin_required, principal_of
from core.auth.middleware import AuthenticationMiddleware
from core.settings import Settings
from core.staff.api import STAFF_DIRECTORY
from tenants import lifecycle, provisioning
from tenants.export import write_export
from tenants.keycloak import KeycloakControlPlane
from tenants.provisioning import TenantInfo

_KEYCLOAK = "control_plane_keycloak"


class SignupIn(msgspec.Struct, forbid_unknown_fields=True):
    """An organisation signing up."""

    name: str
    slug: str
    admin_email: str
    sector: str


class SignupOut(msgspec.Struct):
    """The answer to a signup: where the tenant will be served, and how far it is."""

    slug: str
    status: str
    url: str


class SuspendIn(msgspec.Struct, forbid_unknown_fields=True):
    """Why a tenant is suspended (recorded in its audit log; name no people)."""

    reason: str


class DeletionIn(msgspec.Struct, forbid_unknown_fields=True):
    """How long until a tenant's data is purged."""

    grace_days: int = lifecycle.DEFAULT_GRACE_DAYS


def keycloak_client(state: State) -> KeycloakControlPlane:
    """The app's one Keycloak client, made on first use (the lifespan closes it)."""
    client: KeycloakControlPlane | None = state.get(_KEYCLOAK)
    if client is None:
        client = KeycloakControlPlane.from_settings(settings_of(state))
        state[_KEYCLOAK] = client
    return client


def settings_of(state: State) -> Settings:
    """The settings ``create_app`` put into the application state."""
    settings: Settings = state["settings"]
    return settings


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    return f"platform:{principal.subject}" if principal else "platform"


def _tenant(info: TenantInfo) -> dict[str, Any]:
    return asdict(info)


def _provisioning_failed(
    _: Request[Any, Any, Any], exc: provisioning.ProvisioningFailed
) -> Response[dict[str, object]]:
    return Response(
        {"status_code": 503, "detail": str(exc)},
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        media_type=MediaType.JSON,
        headers={"retry-after": "30"},
    )


# -- public signup ---------------------------------------------------------------------------


@post("/signup", status_code=HTTP_202_ACCEPTED)
async def signup(data: JSONBody[SignupIn], state: State) -> SignupOut:
    """Sign an organisation up; its first administrator receives an invitation by e-mail.

    Answers 202: the tenant may still be ``provisioning`` (the operators
    complete it) when the identity provider was unavailable.
    """
    info = await provisioning.signup(
        data.name, data.slug, data.admin_email, data.sector, keycloak=keycloak_client(state)
    )
    return SignupOut(
        slug=info.slug, status=info.status, url=settings_of(state).tenant_url(info.slug)
    )


# -- platform administration -------------------------------------------------------------------


@get("/tenants")
async def list_tenants(status: FromQuery[str | None] = None) -> list[dict[str, Any]]:
    """Every tenant, oldest first; ``?status=`` filters."""
    return [_tenant(info) for info in await provisioning.list_tenants(status)]


@get("/tenants/{slug:str}")
async def get_tenant(slug: FromPath[str]) -> dict[str, Any]:
    """One tenant, with its provisioning state."""
    return _tenant(await provisioning.get_tenant(slug))


@post("/tenants", status_code=HTTP_202_ACCEPTED)
async def create_tenant(data: JSONBody[SignupIn], state: State) -> dict[str, Any]:
    """Sign an organisation up on its behalf (same rules as the public signup)."""
    info = await provisioning.signup(
        data.name, data.slug, data.admin_email, data.sector, keycloak=keycloak_client(state)
    )
    return _tenant(info)


@post("/tenants/{slug:str}/provision", status_code=200)
async def provision(slug: FromPath[str], state: State) -> dict[str, Any]:
    """Retry provisioning; 503 with the reason if it stops again."""
    return _tenant(await provisioning.provision(slug, keycloak=keycloak_client(state)))


@post("/tenants/{slug:str}/suspend", status_code=200)
async def suspend(
    slug: FromPath[str], data: JSONBody[SuspendIn], request: Request[Any, Any, Any]
) -> dict[str, Any]:
    """Make the tenant read-only."""
    return _tenant(await lifecycle.suspend(slug, data.reason, actor=_actor(request)))


@post("/tenants/{slug:str}/resume", status_code=200)
async def resume(slug: FromPath[str], request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Serve a suspended tenant again, or cancel its pending deletion."""
    return _tenant(await lifecycle.resume(slug, actor=_actor(request)))


@post("/tenants/{slug:str}/deletion", status_code=HTTP_202_ACCEPTED)
async def request_deletion(
    slug: FromPath[str], request: Request[Any, Any, Any], data: JSONBody[DeletionIn | None] = None
) -> dict[str, Any]:
    """Stop serving the tenant and schedule the purge of its data."""
    grace = data.grace_days if data else lifecycle.DEFAULT_GRACE_DAYS
    return _tenant(await lifecycle.request_deletion(slug, grace, actor=_actor(request)))


@get("/tenants/{slug:str}/export", media_type="application/zip")
async def export(slug: FromPath[str]) -> Response[bytes]:
    """Download all of the tenant's data as a zip archive (see tenants/EXPORT.md)."""
    buffer = io.BytesIO()
    await write_export(slug, buffer)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="querela-export-{slug}.zip"'},
    )


class ControlPlanePlugin(InitPluginProtocol):
    """Adds the public signup endpoint and the platform-admin API under ``/platform/v1``."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Register the routes and the Keycloak client's lifetime."""
        authentication = DefineMiddleware(AuthenticationMiddleware)
        platform = Router(
            path="/platform/v1",
            route_handlers=[
                list_tenants,
                get_tenant,
                create_tenant,
                provision,
                suspend,
                resume,
                request_deletion,
                export,
            ],
            # No tenant transaction: the control plane addresses tenants by slug.
            middleware=[authentication],
            guards=[platform_admin_required],
            exception_handlers={provisioning.ProvisioningFailed: _provisioning_failed},
        )
        from tenants.pages import join, join_form

        app_config.route_handlers.extend([signup, join_form, join, platform])
        # Tenant admins invite staff through the same client (core.staff).
        app_config.state[STAFF_DIRECTORY] = keycloak_client
        app_config.lifespan.append(_close_keycloak)
        return app_config


@asynccontextmanager
async def _close_keycloak(app: Litestar) -> AsyncIterator[None]:
    try:
        yield
    finally:
        client: KeycloakControlPlane | None = app.state.get(_KEYCLOAK)
        if client is not None:
            await client.aclose()
