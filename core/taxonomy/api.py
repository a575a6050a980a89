"""The taxonomy API: staff read it, tenant admins add, rename and retire terms."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, put
from litestar.params import FromPath, FromQuery, JSONBody

from core.auth.guards import principal_of, roles_required, staff_required
from core.taxonomy.services import AnyKind, TermIn, TermOut, save_term, taxonomy


class TaxonomyController(Controller):
    """Categories, causes and products the tenant files its cases under."""

    path = "/taxonomy"
    tags = ["taxonomy"]
    guards = [staff_required]

    @get(summary="The tenant's taxonomy")
    async def read(self, kind: FromQuery[AnyKind | None] = None) -> list[TermOut]:
        """Every term, the tenant's own first, then those its plugins offer.

        ``kind``: category, cause, product, or a kind a plugin offers (e.g. function).
        """
        return await taxonomy(kind)

    @put(
        "/{kind:str}/{code:str}",
        summary="Add or change a term",
        guards=[roles_required("tenant-admin")],
    )
    async def save(
        self,
        request: Request[Any, Any, Any],
        kind: FromPath[str],
        code: FromPath[str],
        data: JSONBody[TermIn],
    ) -> TermOut:
        """Add a term, or change its label or parent, or retire it with ``active: false``."""
        principal = principal_of(request)
        assert principal is not None, "the staff_required guard lets no anonymous request in"
        return await save_term(kind, code, data, actor=principal.actor)
