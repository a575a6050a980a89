"""The platform operators' pages, on the platform's own host: every tenant, suspend, resume.

An operator is someone whose Keycloak account holds the realm role
``platform-admin``: signed in here in the browser (``core.platform.sessions``),
or calling with a bearer token. Anyone else signed in is told they may not;
someone not signed in is sent to sign in. The actions go to the services the
platform API uses (``tenants.lifecycle``), which write each tenant's audit log.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
)

from core.auth.guards import principal_of
from core.auth.principal import Principal
from core.errors import Conflict, InvalidInput, NotFound
from core.platform import sessions
from frontend import csrf
from frontend.i18n import page_context
from frontend.public import PageRefusal, checked_form, text
from frontend.staff_common import NOTICE_PARAMETER, done, render_staff, when
from tenants import lifecycle, provisioning

TENANTS_PATH = "/platform/tenants"
_SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
#: Operators serve tenants in every zone: times are shown in UTC.
_UTC = ZoneInfo("UTC")


async def _operator(request: Request[Any, Any, Any]) -> Principal | None:
    """The operator making the request: by bearer token, else by the platform session."""
    principal = principal_of(request)
    if principal is not None:
        return principal
    secret = request.cookies.get(sessions.PLATFORM_SESSION_COOKIE)
    return await sessions.principal(secret) if secret else None


async def _platform_page(
    request: Request[Any, Any, Any],
) -> tuple[dict[str, Any], Template | Redirect | None]:
    context = page_context(request)
    if context["tenant"] is not None:
        raise NotFoundException("The platform's pages are on the platform's own address.")
    operator = await _operator(request)
    if operator is None:
        back = quote(TENANTS_PATH, safe="/")
        return context, Redirect(f"/auth/login?next={back}", status_code=HTTP_303_SEE_OTHER)
    token, cookies = csrf.issue(request)
    done_key = request.query_params.get(NOTICE_PARAMETER, "")
    context.update(
        csrf_field=csrf.FIELD,
        csrf_token=token,
        _cookies=cookies,
        operator=operator,
        lang_chosen="lang" in request.query_params,
        notice=context["t"].get(f"done_{done_key}") if done_key.isidentifier() else None,
        when=when(_UTC),
        signed_in_by_browser=principal_of(request) is None,
    )
    if not operator.platform_admin:
        message = context["t"]["platform_needs_role"]
        return context, _refused(request, context, message, HTTP_403_FORBIDDEN)
    return context, None


def _refused(
    request: Request[Any, Any, Any], context: dict[str, Any], message: str, status: int
) -> Template:
    return render_staff(
        request, "platform_problem.html", {**context, "message": message}, status=status
    )


async def _tenants_page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    query = f"?lang={context['lang']}" if context.get("lang_chosen") else ""
    context.update(
        tenants=await provisioning.list_tenants(None),
        errors=errors or {},
        typed=typed or {},
        query=query,
    )
    return render_staff(request, "platform_tenants.html", context, status=status)


@get(TENANTS_PATH, include_in_schema=False)
async def platform_tenants(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Every tenant with its state, and the actions an operator can take on it."""
    context, refusal = await _platform_page(request)
    if refusal is not None:
        return refusal
    return await _tenants_page(request, context)


async def _act(request: Request[Any, Any, Any], slug: str, action: str) -> Template | Redirect:
    context, refusal = await _platform_page(request)
    if refusal is not None:
        return refusal
    try:
        form = await checked_form(request)
    except PageRefusal as problem:
        return _refused(request, context, context["t"][problem.message], problem.status)
    if not _SLUG.match(slug):
        return _refused(request, context, context["t"]["platform_no_tenant"], HTTP_404_NOT_FOUND)
    operator: Principal = context["operator"]
    actor = f"platform:{operator.subject}"
    reason = text(form, "reason")
    try:
        if action == "suspend":
            await lifecycle.suspend(slug, reason, actor=actor)
        else:
            await lifecycle.resume(slug, actor=actor)
    except NotFound:
        return _refused(request, context, context["t"]["platform_no_tenant"], HTTP_404_NOT_FOUND)
    except InvalidInput:
        errors = {slug: context["t"]["platform_reason_needed"]}
        return await _tenants_page(
            request, context, errors=errors, typed={slug: reason}, status=HTTP_400_BAD_REQUEST
        )
    except Conflict:
        errors = {slug: context["t"][f"platform_cannot_{action}"]}
        return await _tenants_page(request, context, errors=errors, status=HTTP_409_CONFLICT)
    notice = "tenant_suspended" if action == "suspend" else "tenant_resumed"
    return done(TENANTS_PATH, notice, request)


@post(f"{TENANTS_PATH}/{{slug:str}}/suspend", include_in_schema=False, status_code=303)
async def suspend_tenant(
    request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    """Make a tenant read-only, with the reason its audit log keeps."""
    return await _act(request, slug, "suspend")


@post(f"{TENANTS_PATH}/{{slug:str}}/resume", include_in_schema=False, status_code=303)
async def resume_tenant(
    request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    """Serve a suspended tenant again."""
    return await _act(request, slug, "resume")
