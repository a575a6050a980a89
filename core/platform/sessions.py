"""Browser sign-in of the platform's operators, on the platform's own host.

A staff sign-in belongs to a tenant; an operator's does not. It follows the
same authorization code flow with PKCE through Keycloak (``core.auth.oidc``),
but asks for no organisation, and opens a session on the platform host only.
The session records whether the token carried the realm role
``platform-admin``; the platform pages let only those sessions in. Secrets that
pass through the browser (the state, the cookie) are stored as their SHA-256.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

from core.auth.oidc import ATTEMPT_LIFETIME, KeycloakSignIn, SignInFailed, safe_next
from core.auth.principal import PLATFORM_ADMIN, Principal
from core.auth.sessions import ABSOLUTE_LIMIT, IDLE_LIMIT, digest
from core.platform.tables import PlatformLoginAttempt, PlatformSession

log = logging.getLogger(__name__)

PLATFORM_SESSION_COOKIE = "querela_platform_session"
#: Where an operator lands after signing in, unless they were on their way elsewhere.
HOME = "/platform/tenants"
#: How stale ``last_seen_at`` may get before a request refreshes it.
_TOUCH_AFTER = timedelta(minutes=1)


def safe_platform_next(path: str | None) -> str:
    """``path`` if it stays on this host, else the platform's home page."""
    return safe_next(path, HOME)[:2000]


async def begin(sign_in: KeycloakSignIn, next_path: str | None) -> str:
    """Record an operator's sign-in attempt; return Keycloak's login URL."""
    # No organisation scope: an operator belongs to the platform, not to a tenant.
    challenge = sign_in.challenge("openid profile email")
    now = datetime.now(UTC)
    await PlatformLoginAttempt.delete().where(PlatformLoginAttempt.expires_at < now)
    await PlatformLoginAttempt.insert(
        PlatformLoginAttempt(
            id=digest(challenge.state),
            code_verifier=challenge.verifier,
            nonce=challenge.nonce,
            next_path=safe_platform_next(next_path),
            created_at=now,
            expires_at=now + ATTEMPT_LIFETIME,
        )
    )
    return challenge.url


async def is_platform_attempt(state: str) -> bool:
    """Whether Keycloak's answer belongs to an operator's sign-in (not a tenant's)."""
    found = await PlatformLoginAttempt.exists().where(PlatformLoginAttempt.id == digest(state))
    return bool(found)


async def complete(sign_in: KeycloakSignIn, *, state: str, code: str) -> tuple[str, str]:
    """Check Keycloak's answer and open a session; return (cookie value, where to go next)."""
    rows = (
        await PlatformLoginAttempt.delete()
        .where(PlatformLoginAttempt.id == digest(state))
        .where(PlatformLoginAttempt.expires_at > datetime.now(UTC))
        .returning(
            PlatformLoginAttempt.code_verifier,
            PlatformLoginAttempt.nonce,
            PlatformLoginAttempt.next_path,
        )
    )
    if not rows:
        raise SignInFailed("This sign-in link has expired. Please sign in again.")
    attempt = rows[0]
    tokens, access = await sign_in.verified(code, attempt["code_verifier"], attempt["nonce"])
    secret = await start(
        subject=access.subject,
        email=access.email if access.email_verified else None,
        name=access.name,
        platform_admin=PLATFORM_ADMIN in access.realm_roles,
        id_token=tokens["id_token"],
    )
    return secret, str(attempt["next_path"])


async def start(
    *,
    subject: str,
    email: str | None,
    name: str | None,
    platform_admin: bool,
    id_token: str | None,
) -> str:
    """Open an operator's session; return the cookie value."""
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await PlatformSession.delete().where(PlatformSession.expires_at < now)
    await PlatformSession.insert(
        PlatformSession(
            id=digest(secret),
            subject=subject,
            email=email,
            display_name=name,
            platform_admin=platform_admin,
            id_token=id_token,
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_LIMIT,
        )
    )
    log.info("platform sign-in of %s (platform admin: %s)", subject, platform_admin)
    return secret


async def principal(secret: str) -> Principal | None:
    """Who holds this platform session cookie, or None."""
    now = datetime.now(UTC)
    row = (
        await PlatformSession.select()
        .where(PlatformSession.id == digest(secret))
        .where(PlatformSession.expires_at > now)
        .where(PlatformSession.last_seen_at > now - IDLE_LIMIT)
        .first()
    )
    if row is None:
        return None
    if now - row["last_seen_at"] > _TOUCH_AFTER:
        await PlatformSession.update({PlatformSession.last_seen_at: now}).where(
            PlatformSession.id == row["id"]
        )
    return Principal(
        subject=row["subject"],
        email=row["email"],
        name=row["display_name"],
        via="session",
        platform_admin=row["platform_admin"],
    )


async def end(secret: str) -> str | None:
    """Close the session; return its ID token (for Keycloak's sign-out), if any."""
    rows = (
        await PlatformSession.delete()
        .where(PlatformSession.id == digest(secret))
        .returning(PlatformSession.id_token)
    )
    return rows[0]["id_token"] if rows else None
