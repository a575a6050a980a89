"""Staff sign-in with Keycloak: authorization code flow with PKCE.

Keycloak returns to the service's one callback address (its redirect URIs
cannot name every tenant's host). The callback checks the answer, then hands
the browser back to the tenant's host with a one-time ticket, where the
session cookie is set. Every secret that passes through the browser (state,
ticket) is stored only as its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID

import httpx

from core.auth.sessions import digest
from core.auth.tokens import AccessClaims, InvalidToken, TokenVerifier
from core.db.engine import DB
from core.settings import Settings
from core.tenancy.context import current_tenant
from core.tenancy.tables import LoginAttempt, Tenant

#: Time a person has to get through Keycloak's login page.
ATTEMPT_LIFETIME = timedelta(minutes=15)
#: Time the browser has to carry the ticket from the callback to the tenant's host.
TICKET_LIFETIME = timedelta(seconds=60)


class SignInFailed(Exception):
    """The sign-in cannot be completed; the message is safe to show."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Identity established at the callback, redeemed on the tenant's host."""

    tenant_id: UUID
    subject: str
    email: str | None
    name: str | None
    id_token: str | None
    next_path: str


def safe_next(path: str | None, home: str = "/staff") -> str:
    """Return ``path`` if it stays on this host, else ``home``."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return home


@dataclass(frozen=True, slots=True)
class Challenge:
    """The secrets of one sign-in attempt, and Keycloak's login address that carries them."""

    state: str
    verifier: str
    nonce: str
    url: str


class KeycloakSignIn:
    """The three legs of a staff sign-in."""

    def __init__(self, settings: Settings, verifier: TokenVerifier) -> None:
        self.settings = settings
        self.verifier = verifier
        realm = f"{settings.keycloak_url}/realms/{settings.keycloak_realm}"
        self.authorize_url = f"{realm}/protocol/openid-connect/auth"
        self.token_url = f"{realm}/protocol/openid-connect/token"
        self.logout_url = f"{realm}/protocol/openid-connect/logout"
        self.callback_url = f"{settings.public_url}/auth/callback"

    async def begin(self, next_path: str | None) -> str:
        """Record a sign-in attempt for the current tenant; return Keycloak's login URL."""
        tenant = current_tenant()
        # Ask for this tenant's organisation only, so the token names exactly one.
        challenge = self.challenge(f"openid profile email organization:{tenant.slug}")
        now = datetime.now(UTC)
        # Abandoned attempts would pile up otherwise; the expiry index makes this cheap.
        await purge_expired_attempts()
        await LoginAttempt.insert(
            LoginAttempt(
                id=digest(challenge.state),
                tenant_id=tenant.id,
                code_verifier=challenge.verifier,
                nonce=challenge.nonce,
                next_path=safe_next(next_path),
                created_at=now,
                expires_at=now + ATTEMPT_LIFETIME,
            )
        )
        return challenge.url

    def challenge(self, scope: str) -> Challenge:
        """Fresh state, PKCE verifier and nonce, and the login URL asking for ``scope``."""
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        nonce = secrets.token_urlsafe(24)
        code_challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        query = {
            "client_id": self.settings.web_client_id,
            "response_type": "code",
            "redirect_uri": self.callback_url,
            "scope": scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
        return Challenge(state, verifier, nonce, f"{self.authorize_url}?{urlencode(query)}")

    async def verified(
        self, code: str, verifier: str, nonce: str
    ) -> tuple[dict[str, str], AccessClaims]:
        """Trade Keycloak's code for tokens and check them; raise ``SignInFailed`` if wrong."""
        tokens = await self.exchange(code, verifier)
        try:
            identity = await self.verifier.id_token(tokens["id_token"], nonce=nonce)
            access = await self.verifier.access_token(tokens["access_token"])
        except (InvalidToken, KeyError) as exc:
            raise SignInFailed("Keycloak's answer could not be verified.") from exc
        if access.subject != identity["sub"]:
            raise SignInFailed("Keycloak's answer could not be verified.")
        return tokens, access

    async def callback(self, *, state: str, code: str) -> tuple[str, str]:
        """Exchange the code, check the tokens; return (tenant base URL, one-time ticket)."""
        now = datetime.now(UTC)
        async with DB.transaction():
            attempt = (
                await LoginAttempt.select()
                .where(LoginAttempt.id == digest(state))
                .where(LoginAttempt.ticket.is_null())
                .where(LoginAttempt.expires_at > now)
                .first()
            )
            if attempt is None:
                raise SignInFailed("This sign-in link has expired. Please sign in again.")
            tenant = (
                await Tenant.select(Tenant.slug).where(Tenant.id == attempt["tenant_id"]).first()
            )
            if tenant is None:
                raise SignInFailed("This organisation is no longer served here.")
            slug: str = tenant["slug"]
            tokens, access = await self.verified(code, attempt["code_verifier"], attempt["nonce"])
            if slug not in access.organizations:
                raise SignInFailed("Your account is not a member of this organisation.")
            ticket = secrets.token_urlsafe(32)
            await LoginAttempt.update(
                {
                    LoginAttempt.ticket: digest(ticket),
                    LoginAttempt.subject: access.subject,
                    LoginAttempt.email: access.email if access.email_verified else None,
                    LoginAttempt.display_name: access.name,
                    LoginAttempt.id_token: tokens["id_token"],
                    LoginAttempt.expires_at: now + TICKET_LIFETIME,
                }
            ).where(LoginAttempt.id == attempt["id"])
        return self.settings.tenant_url(slug), ticket

    async def redeem(self, ticket: str) -> SignedIn:
        """Consume a ticket on the tenant's host (inside its transaction)."""
        tenant = current_tenant()
        rows = (
            await LoginAttempt.delete()
            .where(LoginAttempt.ticket == digest(ticket))
            .where(LoginAttempt.tenant_id == tenant.id)
            .where(LoginAttempt.expires_at > datetime.now(UTC))
            .returning(
                LoginAttempt.subject,
                LoginAttempt.email,
                LoginAttempt.display_name,
                LoginAttempt.id_token,
                LoginAttempt.next_path,
            )
        )
        if not rows or not rows[0]["subject"]:
            raise SignInFailed("This sign-in link has expired. Please sign in again.")
        row = rows[0]
        return SignedIn(
            tenant_id=tenant.id,
            subject=row["subject"],
            email=row["email"],
            name=row["display_name"],
            id_token=row["id_token"],
            next_path=row["next_path"],
        )

    def end_session_url(self, id_token: str | None, slug: str) -> str:
        """Keycloak's sign-out address, returning to the service's signed-out page."""
        query = {
            "client_id": self.settings.web_client_id,
            "post_logout_redirect_uri": f"{self.settings.public_url}/auth/signed-out",
            "state": slug,
        }
        if id_token:
            query["id_token_hint"] = id_token
        return f"{self.logout_url}?{urlencode(query)}"

    async def exchange(self, code: str, verifier: str) -> dict[str, str]:
        """Trade the authorization code for tokens (staff and platform sign-in share it)."""
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                response = await http.post(
                    self.token_url,
                    data={
                        "grant_type": "authorization_code",
                        "client_id": self.settings.web_client_id,
                        "code": code,
                        "redirect_uri": self.callback_url,
                        "code_verifier": verifier,
                    },
                )
        except httpx.HTTPError as exc:
            raise SignInFailed("Keycloak cannot be reached. Please try again shortly.") from exc
        if response.status_code != 200:
            raise SignInFailed("Keycloak did not accept the sign-in. Please sign in again.")
        return dict(response.json())


async def purge_expired_attempts() -> int:
    """Delete sign-in attempts that can no longer be completed; return how many."""
    rows = (
        await LoginAttempt.delete()
        .where(LoginAttempt.expires_at < datetime.now(UTC))
        .returning(LoginAttempt.id)
    )
    return len(rows)
