"""The tenant-admin branding API: the name, colours and logo of the public pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.params import JSONBody

from core.attachments.api import content_length, file_refusals
from core.attachments.services import AttachmentTooLarge
from core.attachments.upload import check_form, read_file
from core.auth.guards import guarded_principal, roles_required
from core.branding import services


class BrandingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The branding in full: a field left out or null falls back to Querela's own look."""

    #: The organisation's name on its public pages (its registered name if none).
    display_name: str | None = None
    #: ``#rrggbb`` with a contrast of at least 4.5:1 against white.
    primary_colour: str | None = None
    accent_colour: str | None = None
    #: Drop the logo (a new one is uploaded with ``PUT /branding/logo``).
    remove_logo: bool = False


class BrandingOut(msgspec.Struct, kw_only=True):
    """The tenant's branding."""

    display_name: str | None
    primary_colour: str | None
    accent_colour: str | None
    #: The logo's media type; null when there is no logo.
    logo_type: str | None
    #: Where the public pages load the logo from (null without one).
    logo_url: str | None
    updated_at: datetime | None


def branding_out(branding: services.Branding) -> BrandingOut:
    """The branding as the API returns it."""
    return BrandingOut(
        display_name=branding.display_name,
        primary_colour=branding.primary_colour,
        accent_colour=branding.accent_colour,
        logo_type=branding.logo_type,
        logo_url=f"/branding/logo?v={branding.version}" if branding.has_logo else None,
        updated_at=branding.updated_at,
    )


class BrandingController(Controller):
    """The request's tenant's branding, for its administrators."""

    path = "/branding"
    tags = ["branding"]
    guards = [roles_required(services.ADMIN_ROLE)]

    @get(summary="Read the tenant's branding")
    async def read(self) -> BrandingOut:
        """Return the display name, colours and whether there is a logo."""
        return branding_out(await services.branding())

    @put(summary="Replace the tenant's display name and colours")
    async def replace(
        self, request: Request[Any, Any, Any], data: JSONBody[BrandingIn]
    ) -> BrandingOut:
        """Store the name and colours; a colour under 4.5:1 against white is refused."""
        return branding_out(
            await services.save_branding(
                display_name=data.display_name,
                primary_colour=data.primary_colour,
                accent_colour=data.accent_colour,
                remove_logo=data.remove_logo,
                principal=guarded_principal(request),
            )
        )

    @put(
        "/logo",
        summary="Upload the tenant's logo",
        description=(
            "Send the image as multipart/form-data in the field `file`: PNG, JPEG or WebP"
            f" of at most {services.LOGO_MAX_BYTES // 1024} KiB, judged by its bytes. SVG"
            " is refused: a browser runs scripts inside it."
        ),
        # The limit is the logo's own, checked while the form is read.
        request_max_body_size=None,
    )
    async def upload_logo(self, request: Request[Any, Any, Any]) -> BrandingOut:
        """Store the logo the public pages show."""
        limit = services.LOGO_MAX_BYTES
        with file_refusals():
            boundary = check_form(
                request.headers.get("content-type"), content_length(request), limit
            )
            upload = await read_file(request.stream(), boundary, limit)
            services.checked_file_name(upload.filename)
            content = bytearray()
            async for chunk in upload.chunks:
                content.extend(chunk)
                if len(content) > limit:
                    raise AttachmentTooLarge(limit)
        return branding_out(
            await services.save_logo(bytes(content), principal=guarded_principal(request))
        )
