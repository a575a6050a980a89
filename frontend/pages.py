"""Public pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from core.tenancy.context import TenantContext
from frontend.i18n import LANGUAGES, negotiate
from frontend.messages import MESSAGES


@get("/", include_in_schema=False)
async def home(request: Request[Any, Any, Any], lang: FromQuery[str | None] = None) -> Template:
    """The tenant's public page on its host; the platform's page on the bare domain."""
    language = negotiate(lang, request.headers.get("accept-language"))
    tenant: TenantContext | None = request.scope.get("state", {}).get("tenant")
    text = MESSAGES[language]
    context = {
        "lang": language,
        "languages": LANGUAGES,
        "t": text,
        "tenant": tenant,
    }
    if tenant is None:
        return Template("platform_home.html", context=context)
    return Template("tenant_home.html", context=context)
