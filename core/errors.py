"""Errors the services raise; the web layer turns each into one HTTP status."""

from __future__ import annotations


class QuerelaError(Exception):
    """Base class of the errors a caller is expected to handle."""


class InvalidInput(QuerelaError):
    """The input breaks a rule; ``field`` names the offending field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(QuerelaError):
    """Nothing by that name is visible to the caller (it may exist for someone else)."""


class Conflict(QuerelaError):
    """The change was based on a stale copy or clashes with existing data."""


class Forbidden(QuerelaError):
    """The person may not do this here, whoever they are in general."""


class NoTenant(QuerelaError):
    """Tenant work was attempted outside a tenant transaction."""
