"""Public pages and the staff start page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_403_FORBIDDEN

from core.auth.guards import principal_of
from core.cases.services import list_cases
from frontend.i18n import page_context


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template:
    """The tenant's public page on its host; the platform's page on the bare domain."""
    context = page_context(request)
    if context["tenant"] is None:
        return Template("platform_home.html", context=context)
    context["signed_out"] = request.query_params.get("signed_out") == "1"
    return Template("tenant_home.html", context=context)


@get("/staff", include_in_schema=False)
async def staff_home(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The signed-in staff member's start page: who they are and the newest cases."""
    context = page_context(request)
    if context["tenant"] is None:
        return Redirect("/", status_code=HTTP_303_SEE_OTHER)
    principal = principal_of(request)
    if principal is None:
        return Redirect("/auth/login?next=/staff", status_code=HTTP_303_SEE_OTHER)
    if principal.staff_id is None:
        return Template(
            "signin_problem.html",
            context={
                **context,
                "message": context["t"]["no_role"].format(name=context["tenant"].name),
            },
            status_code=HTTP_403_FORBIDDEN,
        )
    context["cases"] = (await list_cases(limit=20)).items
    return Template("staff_home.html", context=context)
