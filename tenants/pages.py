"""The self-service signup page for organisations (works without JavaScript)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT

from core.errors import Conflict, InvalidInput
from frontend.i18n import page_context
from tenants import provisioning
from tenants.api import keycloak_client, settings_of

FORM_FIELDS = ("name", "slug", "admin_email", "sector")


def _form(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    error: str | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    return {
        **page_context(request),
        "values": values,
        "sectors": provisioning.SECTORS,
        "error": error,
        "error_field": field,
        "base_domain": settings_of(request.app.state).base_domain,
    }


@get("/join", include_in_schema=False)
async def join_form(request: Request[Any, Any, Any]) -> Template:
    """The signup form."""
    return Template("join.html", context=_form(request, {}))


@post("/join", include_in_schema=False, status_code=200)
async def join(
    request: Request[Any, Any, Any],
    state: State,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """Sign the organisation up, or show the form again with what to correct."""
    values = {name: str(data.get(name, "")).strip() for name in FORM_FIELDS}
    try:
        info = await provisioning.signup(
            values["name"],
            values["slug"],
            values["admin_email"],
            values["sector"],
            keycloak=keycloak_client(state),
        )
    except InvalidInput as exc:
        return Template(
            "join.html",
            context=_form(request, values, exc.reason, exc.field),
            status_code=HTTP_400_BAD_REQUEST,
        )
    except Conflict as exc:
        return Template(
            "join.html",
            context=_form(request, values, str(exc), "slug"),
            status_code=HTTP_409_CONFLICT,
        )
    context = {
        **page_context(request),
        "organisation": info.name,
        "email": values["admin_email"].lower(),
        "url": settings_of(state).tenant_url(info.slug),
        "complete": info.status == "active",
    }
    return Template("join_done.html", context=context)
