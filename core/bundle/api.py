"""The appeal bundle API: one PDF with everything an appeal needs about a case."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from core.attachments.api import content_disposition
from core.auth.guards import principal_of, staff_required
from core.bundle import services

#: A bundle is personal data: never cached, never sniffed into something else.
_HEADERS = {
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
}


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "the staff_required guard lets no anonymous request in"
    return principal.actor


class AppealBundleController(Controller):
    """Export a case of the request's tenant as its appeal bundle."""

    path = "/cases/{key:str}/appeal-bundle"
    tags = ["lifecycle"]
    guards = [staff_required]

    @get(summary="Export the appeal bundle as a PDF", media_type="application/pdf")
    async def export(self, request: Request[Any, Any, Any], key: FromPath[str]) -> Response[bytes]:
        """One PDF with everything an appeal needs; the export is audited with its SHA-256.

        The case and its parties, the chronology, correspondence, investigation,
        decisions, appeals and the evidence index. Sent whole, not streamed: the
        tenant transaction holds a response back until it commits, and a streamed
        response waits for the client to finish first.
        """
        bundle = await services.export_bundle(key, actor=_actor(request))
        return Response(
            bundle.pdf,
            media_type="application/pdf",
            headers={
                **_HEADERS,
                "content-disposition": content_disposition(bundle.filename),
                "x-querela-sha256": bundle.sha256,
            },
        )
