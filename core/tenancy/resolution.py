"""Which tenant a request is for: from its host name, or from a header for API clients."""

from __future__ import annotations

import re

TENANT_HEADER = "x-querela-tenant"

_SLUG = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class AmbiguousTenant(ValueError):
    """The host and the tenant header name different tenants."""


def slug_from_host(host: str, base_domain: str) -> str | None:
    """Return the tenant slug in ``<slug>.<base_domain>[:port]``, or None."""
    name = host.strip().lower()
    if name.startswith("["):  # an IPv6 literal never names a tenant
        return None
    name = name.rsplit(":", 1)[0].rstrip(".")
    suffix = "." + base_domain
    if not name.endswith(suffix):
        return None
    label = name[: -len(suffix)]
    return label if _SLUG.match(label) else None


def resolve_slug(host: str | None, header: str | None, base_domain: str) -> str | None:
    """Return the slug a request names, preferring the host; None when it names none.

    A header that contradicts the host is refused rather than silently ignored.
    """
    from_host = slug_from_host(host, base_domain) if host else None
    from_header = header.strip().lower() if header else None
    if from_header is not None and not _SLUG.match(from_header):
        from_header = "-invalid-"  # matches no tenant, so the request ends in a 404
    if from_host and from_header and from_host != from_header:
        raise AmbiguousTenant("the X-Querela-Tenant header names another tenant than the host")
    return from_host or from_header
