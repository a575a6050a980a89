"""The taxonomy a tenant files its cases under: its own terms and its plugins' terms.

A tenant that has no taxonomy yet (no terms of its own, no plugin offering any)
may file cases under any category; as soon as it has one, a case's category
must be one of its active categories, so that reports count like with like.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from core.audit import services as audit
from core.errors import InvalidInput, NotFound
from core.ids import uuid7
from core.plugins.host import plugin_host
from core.plugins.services import tenant_plugins
from core.sdk import TaxonomyEntry
from core.taxonomy.tables import TaxonomyTerm
from core.tenancy.context import current_tenant
from core.text import line

Kind = Literal["category", "cause", "product"]
#: The kinds a tenant keeps terms of itself; plugins may offer terms of other kinds too
#: (a regulator's own terms, e.g. the NAIC "function" and "reason" codes).
KINDS: tuple[Kind, ...] = ("category", "cause", "product")
KIND_PATTERN = r"^[a-z][a-z_]{0,39}$"
CODE_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
Code = Annotated[str, Meta(pattern=CODE_PATTERN)]


class TermIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A term to add or change."""

    label: Annotated[str, line(min_length=1, max_length=200)]
    parent: Code | None = None
    active: bool = True


class TermOut(msgspec.Struct, kw_only=True):
    """A term of the taxonomy and where it comes from (``tenant`` or a plugin's name)."""

    kind: str
    code: str
    label: str
    parent: str | None
    active: bool
    source: str


async def taxonomy(kind: str | None = None) -> list[TermOut]:
    """The tenant's terms, then its plugins' terms (a tenant's own term wins on a clash).

    ``kind`` narrows them to one kind: one of ``KINDS`` or any kind a plugin offers.
    """
    query = TaxonomyTerm.select().order_by(TaxonomyTerm.kind).order_by(TaxonomyTerm.code)
    if kind is not None:
        query = query.where(TaxonomyTerm.kind == kind)
    terms = [
        TermOut(
            kind=row["kind"],
            code=row["code"],
            label=row["label"],
            parent=row["parent"],
            active=row["active"],
            source="tenant",
        )
        for row in await query
    ]
    seen = {(term.kind, term.code) for term in terms}
    for source, entry in await _plugin_terms():
        if (kind is None or entry.kind == kind) and (entry.kind, entry.code) not in seen:
            seen.add((entry.kind, entry.code))
            terms.append(
                TermOut(
                    kind=entry.kind,
                    code=entry.code,
                    label=entry.label,
                    parent=entry.parent,
                    active=True,
                    source=source,
                )
            )
    return terms


async def save_term(kind: str, code: str, term: TermIn, *, actor: str) -> TermOut:
    """Add a term to the tenant's taxonomy, or change its label, parent or whether it is active."""
    checked_kind = _kind(kind)
    if not re.fullmatch(CODE_PATTERN, code):
        raise InvalidInput("code", "use lower-case letters, digits, '_', '.' and '-' (up to 100)")
    label = term.label.strip()
    if not label:
        raise InvalidInput("label", "must not be blank")
    if term.parent is not None:
        if term.parent == code:
            raise InvalidInput("parent", "a term cannot be its own parent")
        known = {t.code for t in await taxonomy(checked_kind)}
        if term.parent not in known:
            raise InvalidInput("parent", f"is not a {checked_kind} of this organisation")
    rows = await TaxonomyTerm.raw(
        """
        INSERT INTO taxonomy_term (tenant_id, id, kind, code, label, parent, active, updated_by)
        VALUES ({}, {}, {}, {}, {}, {}, {}, {})
        ON CONFLICT (tenant_id, kind, code) DO UPDATE SET
            label = EXCLUDED.label, parent = EXCLUDED.parent, active = EXCLUDED.active,
            updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING (xmax = 0) AS created
        """,
        current_tenant().id,
        uuid7(),
        checked_kind,
        code,
        label,
        term.parent,
        term.active,
        actor,
    )
    await audit.record(
        "taxonomy.term_saved",
        actor=actor,
        detail={
            "kind": checked_kind,
            "code": code,
            "created": rows[0]["created"],
            "active": term.active,
        },
    )
    return TermOut(
        kind=checked_kind,
        code=code,
        label=label,
        parent=term.parent,
        active=term.active,
        source="tenant",
    )


async def check_category(code: str | None) -> None:
    """Refuse a category the tenant's taxonomy does not offer (when it has a taxonomy)."""
    if code is None:
        return
    terms = await taxonomy("category")
    if not terms:
        return
    active = sorted(t.code for t in terms if t.active)
    if code not in active:
        shown = ", ".join(active[:20]) + (", ..." if len(active) > 20 else "")
        raise InvalidInput("category", f"is not one of this organisation's categories: {shown}")


def _kind(kind: str) -> Kind:
    for known in KINDS:
        if kind == known:
            return known
    raise NotFound(f"no taxonomy of kind {kind!r}; there are: {', '.join(KINDS)}")


async def _plugin_terms() -> list[tuple[str, TaxonomyEntry]]:
    host = plugin_host()
    plugins = await tenant_plugins(host)
    if not plugins.enabled:
        return []
    outcome = await host.call("querela_register_taxonomy", plugins.enabled, tenant=plugins.view())
    terms: list[tuple[str, TaxonomyEntry]] = []
    for name, answer in outcome.results:
        values = answer if isinstance(answer, list | tuple) else [answer]
        terms.extend(
            (name, entry)
            for entry in values
            if isinstance(entry, TaxonomyEntry) and re.fullmatch(KIND_PATTERN, entry.kind)
        )
    return terms
