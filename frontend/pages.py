"""Public pages (the staff workspace is in ``frontend.staff_pages``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from frontend.i18n import page_context


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template:
    """The tenant's public page on its host; the platform's page on the bare domain."""
    context = page_context(request)
    if context["tenant"] is None:
        return Template("platform_home.html", context=context)
    context["signed_out"] = request.query_params.get("signed_out") == "1"
    return Template("tenant_home.html", context=context)
