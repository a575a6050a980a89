"""Staff sign-in and sign-out pages (the flow itself is in ``core.auth.oidc``)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from core.app import security_of
from core.auth.oidc import SignInFailed
from core.auth.sessions import SESSION_COOKIE, end_session, start_session
from core.auth.staff import staff_for_identity
from core.platform import sessions as platform
from core.tenancy.context import TenantContext
from frontend.i18n import page_context

_SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def _tenant(request: Request[Any, Any, Any]) -> TenantContext | None:
    tenant: TenantContext | None = request.scope.get("state", {}).get("tenant")
    return tenant


def _require_tenant(request: Request[Any, Any, Any]) -> TenantContext:
    tenant = _tenant(request)
    if tenant is None:
        raise NotFoundException("Sign in at your organisation's own address.")
    return tenant


def _session_cookie(
    request: Request[Any, Any, Any], value: str, max_age: int, key: str = SESSION_COOKIE
) -> Cookie:
    secure = security_of(request.app.state).settings.public_url.startswith("https://")
    return Cookie(
        key=key,
        value=value,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )


def _problem(request: Request[Any, Any, Any], message: str, status: int) -> Template:
    return Template(
        "signin_problem.html",
        context={**page_context(request), "message": message},
        status_code=status,
    )


@get("/auth/login", include_in_schema=False)
async def login(
    request: Request[Any, Any, Any],
    next_path: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Redirect:
    """Send the browser to Keycloak's login page for this tenant (or the platform's operators)."""
    sign_in = security_of(request.app.state).sign_in
    if _tenant(request) is None:
        url = await platform.begin(sign_in, next_path)
        return Redirect(url, status_code=HTTP_303_SEE_OTHER)
    url = await sign_in.begin(next_path)
    return Redirect(url, status_code=HTTP_303_SEE_OTHER)


@get("/auth/callback", include_in_schema=False)
async def callback(
    request: Request[Any, Any, Any],
    oauth_state: Annotated[str | None, QueryParameter(name="state")] = None,
    code: FromQuery[str | None] = None,
    error: FromQuery[str | None] = None,
) -> Redirect | Template:
    """Keycloak's answer: verify it and hand the browser back to the tenant's host."""
    state = oauth_state
    if error or not state or not code:
        return _problem(request, "The sign-in was cancelled or refused.", HTTP_400_BAD_REQUEST)
    if await platform.is_platform_attempt(state):
        return await _platform_callback(request, state, code)
    try:
        tenant_url, ticket = await security_of(request.app.state).sign_in.callback(
            state=state, code=code
        )
    except SignInFailed as exc:
        return _problem(request, str(exc), HTTP_400_BAD_REQUEST)
    return Redirect(f"{tenant_url}/auth/complete?ticket={ticket}", status_code=HTTP_303_SEE_OTHER)


async def _platform_callback(
    request: Request[Any, Any, Any], state: str, code: str
) -> Redirect | Template:
    """An operator's sign-in: the session opens here, on the platform's own host."""
    try:
        secret, next_path = await platform.complete(
            security_of(request.app.state).sign_in, state=state, code=code
        )
    except SignInFailed as exc:
        return _problem(request, str(exc), HTTP_400_BAD_REQUEST)
    cookie = _session_cookie(
        request, secret, max_age=12 * 3600, key=platform.PLATFORM_SESSION_COOKIE
    )
    return Redirect(next_path, status_code=HTTP_303_SEE_OTHER, cookies=[cookie])


@get("/auth/complete", include_in_schema=False)
async def complete(
    request: Request[Any, Any, Any], ticket: FromQuery[str]
) -> Response[Any] | Template:
    """Redeem the one-time ticket on the tenant's host and open the session."""
    tenant = _require_tenant(request)
    try:
        signed_in = await security_of(request.app.state).sign_in.redeem(ticket)
    except SignInFailed as exc:
        return _problem(request, str(exc), HTTP_400_BAD_REQUEST)
    staff = await staff_for_identity(
        subject=signed_in.subject,
        email=signed_in.email,
        email_verified=signed_in.email is not None,
        name=signed_in.name,
    )
    if staff is None:
        # Committed on purpose: the ticket is spent even though no session opens.
        return Template(
            "signin_problem.html",
            context={
                **page_context(request),
                "message": f"You have no role in {tenant.name}. Ask one of its administrators.",
            },
            status_code=200,
        )
    secret = await start_session(staff["id"], id_token=signed_in.id_token)
    return Redirect(
        signed_in.next_path,
        status_code=HTTP_303_SEE_OTHER,
        cookies=[_session_cookie(request, secret, max_age=12 * 3600)],
    )


@post("/auth/logout", include_in_schema=False, status_code=HTTP_303_SEE_OTHER)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session here and at Keycloak."""
    if _tenant(request) is None:
        return await _platform_logout(request)
    tenant = _require_tenant(request)
    secret = request.cookies.get(SESSION_COOKIE)
    id_token = await end_session(secret) if secret else None
    url = security_of(request.app.state).sign_in.end_session_url(id_token, tenant.slug)
    return Redirect(
        url,
        status_code=HTTP_303_SEE_OTHER,
        cookies=[_session_cookie(request, "", max_age=0)],
    )


async def _platform_logout(request: Request[Any, Any, Any]) -> Redirect:
    secret = request.cookies.get(platform.PLATFORM_SESSION_COOKIE)
    id_token = await platform.end(secret) if secret else None
    url = security_of(request.app.state).sign_in.end_session_url(id_token, "")
    cookie = _session_cookie(request, "", max_age=0, key=platform.PLATFORM_SESSION_COOKIE)
    return Redirect(url, status_code=HTTP_303_SEE_OTHER, cookies=[cookie])


@get("/auth/signed-out", include_in_schema=False)
async def signed_out(
    request: Request[Any, Any, Any],
    slug: Annotated[str | None, QueryParameter(name="state")] = None,
) -> Redirect:
    """Where Keycloak returns after sign-out: back to the tenant's public page."""
    settings = security_of(request.app.state).settings
    if slug and _SLUG.match(slug):
        return Redirect(
            f"{settings.tenant_url(slug)}/?signed_out=1", status_code=HTTP_303_SEE_OTHER
        )
    return Redirect("/", status_code=HTTP_303_SEE_OTHER)
