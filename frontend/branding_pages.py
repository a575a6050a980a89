"""A tenant's branding: the administrator's page, and the stylesheet and logo its public pages load.

The stylesheet holds custom properties only, written from colours that were
checked when they were stored; the logo is served as the image type its bytes
showed, never sniffed again by the browser. Both are public on the tenant's
host and cacheable, with an ETag that changes with every change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_304_NOT_MODIFIED, HTTP_400_BAD_REQUEST

from core.attachments.upload import FORM_OVERHEAD
from core.branding import services as branding
from core.errors import InvalidInput
from core.tenancy.context import TenantContext
from frontend.admin_pages import admin_form, admin_page
from frontend.public import text
from frontend.staff_common import done, render_staff

BRANDING_PATH = "/staff/admin/branding"
#: Browsers may keep the stylesheet and the logo this long before asking again (seconds).
_MAX_AGE = 300
_FIELDS = ("display_name", "primary_colour", "accent_colour")


async def remember_branding(request: Request[Any, Any, Any]) -> None:
    """Put the tenant's branding beside the tenant for the page (``before_request``).

    The branding is read through a short per-process cache, so most requests
    cost no query.
    """
    state = request.scope.get("state", {})
    if state.get("tenant") is not None:
        state["branding"] = await branding.page_branding()


def _tenant(request: Request[Any, Any, Any]) -> TenantContext:
    tenant: TenantContext | None = request.scope.get("state", {}).get("tenant")
    if tenant is None:
        raise NotFoundException("Branding belongs to an organisation's own address.")
    return tenant


def _cached(request: Request[Any, Any, Any], etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    return etag in {tag.strip() for tag in sent.split(",")}


@get("/branding.css", include_in_schema=False)
async def branding_css(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The tenant's colours as CSS custom properties (``--brand``, ``--accent``)."""
    _tenant(request)
    found = await branding.page_branding()
    css = branding.stylesheet(found).encode()
    etag = f'"{hashlib.sha256(css).hexdigest()[:32]}"'
    headers = {
        "etag": etag,
        "cache-control": f"public, max-age={_MAX_AGE}",
        "x-content-type-options": "nosniff",
    }
    if _cached(request, etag):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(css, media_type="text/css; charset=utf-8", headers=headers)


@get("/branding/logo", include_in_schema=False)
async def branding_logo(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The tenant's logo, as the image type its bytes showed when it was stored."""
    tenant = _tenant(request)
    found = await branding.logo()
    if found is None:
        raise NotFoundException(f"{tenant.name} has no logo.")
    content, media_type, version = found
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}-{version}"'
    headers = {
        "etag": etag,
        "cache-control": f"public, max-age={_MAX_AGE}",
        "x-content-type-options": "nosniff",
        "content-disposition": "inline",
        "content-security-policy": "default-src 'none'; sandbox",
    }
    if _cached(request, etag):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


# -- the administrator's page ----------------------------------------------------------------


def _problem(t: dict[str, str], problem: InvalidInput) -> str:
    if isinstance(problem, branding.LowContrast):
        return t["branding_error_contrast"].format(
            ratio=branding.shown_ratio(problem.ratio), needed=branding.MIN_CONTRAST
        )
    key = {
        "display_name": "branding_error_name",
        "primary_colour": "branding_error_colour",
        "accent_colour": "branding_error_colour",
    }.get(problem.field)
    if problem.field == "file":
        if "PNG" in problem.reason:
            key = "branding_error_logo_type"
        elif "KiB" in problem.reason:
            key = "branding_error_logo_size"
        elif "empty" in problem.reason:
            key = "branding_error_logo_empty"
        else:
            key = "branding_error_logo_missing"
    return t[key or "setup_error_other"].format(
        limit=branding.NAME_MAX, size=branding.LOGO_MAX_BYTES // 1024
    )


async def _page(
    request: Request[Any, Any, Any],
    context: dict[str, Any],
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    current = await branding.branding()
    query = f"?lang={context['lang']}" if context.get("lang_chosen") else ""
    context.update(
        current=current,
        values=typed
        if typed is not None
        else {name: getattr(current, name) or "" for name in _FIELDS},
        errors=errors or {},
        action=BRANDING_PATH + query,
        logo_action=f"{BRANDING_PATH}/logo{query}",
        min_contrast=branding.MIN_CONTRAST,
        logo_kib=branding.LOGO_MAX_BYTES // 1024,
    )
    return render_staff(request, "admin_branding.html", context, status=status)


@get(BRANDING_PATH, include_in_schema=False)
async def admin_branding(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The tenant's name, colours and logo on its public pages."""
    context, refusal = admin_page(request, BRANDING_PATH)
    if refusal is not None:
        return refusal
    return await _page(request, context)


@post(BRANDING_PATH, include_in_schema=False, status_code=303)
async def save_branding(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Store the name and colours; a colour too light for white is refused with its ratio."""
    context, form, refusal = await admin_form(request, BRANDING_PATH)
    if refusal is not None:
        return refusal
    typed = {}
    for name in _FIELDS:
        value = form.get(name)
        typed[name] = value if isinstance(value, str) else ""
    try:
        await branding.save_branding(
            display_name=typed["display_name"],
            primary_colour=typed["primary_colour"],
            accent_colour=typed["accent_colour"],
            remove_logo=text(form, "remove_logo") == "on",
            principal=context["principal"],
        )
    except InvalidInput as refused:
        found = refused.problems if isinstance(refused, branding.BrandingRefused) else [refused]
        errors = {p.field: _problem(context["t"], p) for p in found}
        return await _page(request, context, typed=typed, errors=errors, status=400)
    return done(BRANDING_PATH, "branding_saved", request)


@post(
    f"{BRANDING_PATH}/logo",
    include_in_schema=False,
    status_code=303,
    request_max_body_size=branding.LOGO_MAX_BYTES + FORM_OVERHEAD,
)
async def upload_logo(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Store the logo: a PNG, JPEG or WebP by its bytes, never SVG, at most 512 KiB."""
    context, form, refusal = await admin_form(request, BRANDING_PATH)
    if refusal is not None:
        return refusal
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise InvalidInput("file", "choose a file to upload")
        branding.checked_file_name(upload.filename)
        content = await upload.read(branding.LOGO_MAX_BYTES + 1)
        await branding.save_logo(content, principal=context["principal"])
    except InvalidInput as problem:
        errors = {"file": _problem(context["t"], problem)}
        return await _page(request, context, errors=errors, status=HTTP_400_BAD_REQUEST)
    return done(BRANDING_PATH, "logo_saved", request)
