"""The appeal bundle API: one PDF with everything an appeal needs about a case."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from core.attachments.api import content_disposition
from core.auth.guards import principal_of, staff_required
from core.auth.principal import Principal
from core.bundle import services
from core.bundle.audiences import AUDIENCES

#: A bundle is personal data: never cached, never sniffed into something else.
_HEADERS = {
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
}


def _viewer(request: Request[Any, Any, Any]) -> Principal:
    principal = principal_of(request)
    assert principal is not None, "the staff_required guard lets no anonymous request in"
    return principal


class AppealBundleController(Controller):
    """Export a case of the request's tenant as its appeal bundle."""

    path = "/cases/{key:str}/appeal-bundle"
    tags = ["lifecycle"]
    guards = [staff_required]

    @get(summary="Export the appeal bundle as a PDF", media_type="application/pdf")
    async def export(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        audience: Annotated[
            str,
            QueryParameter(
                max_length=20,
                enum=list(AUDIENCES),
                description="Who the bundle is for: what of the case it holds"
                " (core/bundle/audiences.py). Internal by default.",
            ),
        ] = "internal",
    ) -> Response[bytes]:
        """One PDF with what an appeal needs, for its audience; audited with its SHA-256.

        The case and its parties, the chronology, correspondence, investigation,
        decisions, appeals and the evidence index, as much of each as the audience
        (internal, regulator, complainant) may see; the cover says which. Any member
        of staff exports the internal bundle; handlers and supervisors the others.
        Sent whole, not streamed: the tenant transaction holds a response back until
        it commits, and a streamed response waits for the client to finish first.
        """
        bundle = await services.export_bundle(key, viewer=_viewer(request), audience=audience)
        return Response(
            bundle.pdf,
            media_type="application/pdf",
            headers={
                **_HEADERS,
                "content-disposition": content_disposition(bundle.filename),
                "x-querela-sha256": bundle.sha256,
            },
        )
