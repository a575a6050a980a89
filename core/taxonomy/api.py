"""The taxonomy API: staff read it, tenant admins add, rename and retire terms."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, put
from litestar.params import FromPath, JSONBody, QueryParameter

from core.auth.guards import principal_of, roles_required, staff_required
from core.errors import InvalidInput
from core.taxonomy.services import KIND_PATTERN, KINDS, TermIn, TermOut, save_term, taxonomy


class TaxonomyController(Controller):
    """Categories, causes and products the tenant files its cases under."""

    path = "/taxonomy"
    tags = ["taxonomy"]
    guards = [staff_required]

    @get(summary="The tenant's taxonomy")
    async def read(
        self,
        kind: Annotated[
            str | None,
            QueryParameter(
                max_length=40,
                pattern=KIND_PATTERN,
                description="category, cause, product, or a kind a plugin offers (function)",
            ),
        ] = None,
    ) -> list[TermOut]:
        """Every term, the tenant's own first, then those its plugins offer.

        ``kind``: category, cause, product, or a kind a plugin offers (e.g. function);
        a kind nobody offers is refused, naming those there are.
        """
        terms = await taxonomy(kind)
        if kind is not None and kind not in KINDS and not terms:
            offered = sorted({*KINDS, *(t.kind for t in await taxonomy())})
            raise InvalidInput(
                "kind", f"no taxonomy of kind {kind!r}; there are: {', '.join(offered)}"
            )
        return terms

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
