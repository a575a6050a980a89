"""Staff browser sessions, kept server-side: the cookie holds only a random key.

A session ends after ``IDLE_LIMIT`` without use or ``ABSOLUTE_LIMIT`` after
sign-in, whichever comes first, and at sign-out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.tables import StaffSession
from core.tenancy.context import current_tenant

SESSION_COOKIE = "querela_session"
IDLE_LIMIT = timedelta(minutes=60)
ABSOLUTE_LIMIT = timedelta(hours=12)
#: How stale ``last_seen_at`` may get before a request refreshes it (saves a write per request).
_TOUCH_AFTER = timedelta(minutes=1)


def digest(secret: str) -> str:
    """SHA-256 of a bearer secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def start_session(staff_id: UUID, *, id_token: str | None) -> str:
    """Open a session for a staff member of the current tenant; return the cookie value."""
    tenant = current_tenant()
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await StaffSession.insert(
        StaffSession(
            id=digest(secret),
            tenant_id=tenant.id,
            staff_id=staff_id,
            id_token=id_token,
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_LIMIT,
        )
    )
    await audit.record("staff.signed_in", actor=f"staff:{staff_id}")
    return secret


async def session_principal(secret: str) -> Principal | None:
    """Return who holds this session cookie in the current tenant, or None."""
    current_tenant()
    now = datetime.now(UTC)
    rows = await StaffSession.raw(
        """
        SELECT s.id AS session_id, s.last_seen_at, m.id AS staff_id, m.subject, m.email,
               m.display_name, m.roles
        FROM staff_session s JOIN staff_member m ON m.tenant_id = s.tenant_id AND m.id = s.staff_id
        WHERE s.id = {} AND s.expires_at > {} AND s.last_seen_at > {} AND m.active
        """,
        digest(secret),
        now,
        now - IDLE_LIMIT,
    )
    if not rows:
        return None
    row = rows[0]
    if now - row["last_seen_at"] > _TOUCH_AFTER:
        await StaffSession.update({StaffSession.last_seen_at: now}).where(
            StaffSession.id == row["session_id"]
        )
    return Principal(
        subject=row["subject"] or "",
        email=row["email"],
        name=row["display_name"],
        via="session",
        staff_id=row["staff_id"],
        roles=frozenset(row["roles"]),
    )


async def end_session(secret: str) -> str | None:
    """Close the session; return its ID token (for Keycloak's sign-out), if any."""
    current_tenant()
    rows = (
        await StaffSession.delete()
        .where(StaffSession.id == digest(secret))
        .returning(StaffSession.staff_id, StaffSession.id_token)
    )
    if not rows:
        return None
    await audit.record("staff.signed_out", actor=f"staff:{rows[0]['staff_id']}")
    id_token: str | None = rows[0]["id_token"]
    return id_token
