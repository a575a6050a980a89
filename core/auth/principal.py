"""Who is making a request, and what they may do in the tenant they address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

#: Roles a person can hold within one tenant.
TENANT_ROLES = ("handler", "investigator", "supervisor", "tenant-admin", "auditor")
#: Keycloak realm role of the service's own operators (not bound to any tenant).
PLATFORM_ADMIN = "platform-admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated person, or another system holding one of the tenant's API keys.

    ``staff_id`` and ``roles`` are set only when the person is a staff member of
    the tenant the request addresses. An API key is never staff: it has no
    roles, only ``scopes``, and its ``subject`` is the key's id.
    """

    subject: str
    email: str | None
    name: str | None
    via: Literal["bearer", "session", "api_key"]
    staff_id: UUID | None = None
    roles: frozenset[str] = frozenset()
    platform_admin: bool = False
    #: What an API key may do (see ``core.apikeys.schemas.SCOPES``); empty for people.
    scopes: frozenset[str] = frozenset()

    @property
    def actor(self) -> str:
        """How the audit log names this person or key."""
        if self.via == "api_key":
            return f"api-key:{self.subject}"
        return f"staff:{self.staff_id}" if self.staff_id else f"user:{self.subject}"

    def holds(self, *roles: str) -> bool:
        """Whether the person holds at least one of ``roles`` in this tenant."""
        return bool(self.roles.intersection(roles))
