"""Establishes who makes each request: from a bearer token, an API key or a session cookie.

It runs inside the tenant's transaction (after ``TenantTransactionMiddleware``)
and only identifies; guards decide what is allowed. A token that fails any
check is refused outright rather than treated as anonymous, so a client learns
at once that its credentials are wrong.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie

from litestar.exceptions import NotAuthorizedException
from litestar.types import ASGIApp, Receive, Scope, Send

from core.access.viewer import viewing_as
from core.apikeys.services import KeyRefused, key_principal
from core.auth.principal import PLATFORM_ADMIN, Principal
from core.auth.sessions import SESSION_COOKIE, session_principal
from core.auth.staff import staff_for_identity
from core.auth.tokens import InvalidToken, TokenVerifier
from core.tenancy.context import TenantContext
from core.tenancy.middleware import header

log = logging.getLogger(__name__)

_BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
_API_KEY_CHALLENGE = {"WWW-Authenticate": "ApiKey"}


def _names_api_key(authorization: str | None) -> bool:
    return authorization is not None and authorization.partition(" ")[0].lower() == "apikey"


class AuthenticationMiddleware:
    """Puts a ``Principal`` (or None) into ``scope["state"]["principal"]``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def _verifier(scope: Scope) -> TokenVerifier:
        # Looked up per request: Litestar copies middleware arguments per route, and
        # every route must share one key cache.
        verifier: TokenVerifier = scope["app"].state["security"].verifier
        return verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Identify the caller, then pass the request on."""
        state = scope.setdefault("state", {})
        tenant: TenantContext | None = state.get("tenant")
        authorization = header(scope, b"authorization")
        api_key = header(scope, b"x-api-key")
        principal: Principal | None = None
        if api_key is not None or _names_api_key(authorization):
            principal = await self._from_api_key(authorization, api_key, tenant)
        elif authorization is not None:
            principal = await self._from_bearer(self._verifier(scope), authorization, tenant)
        elif tenant is not None:
            principal = await self._from_cookie(scope)
        state["principal"] = principal
        with viewing_as(principal):  # what the caller may see of cases
            await self.app(scope, receive, send)

    async def _from_bearer(
        self, verifier: TokenVerifier, authorization: str, tenant: TenantContext | None
    ) -> Principal:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException(
                "Send the access token as 'Authorization: Bearer <token>',"
                " or an API key as 'Authorization: ApiKey <key>'.",
                headers=_BEARER_CHALLENGE,
            )
        try:
            claims = await verifier.access_token(token.strip())
        except InvalidToken as exc:
            log.info("refused token: %s", exc)
            raise NotAuthorizedException(
                "The access token is not valid.", headers=_BEARER_CHALLENGE
            ) from None
        platform_admin = PLATFORM_ADMIN in claims.realm_roles
        if tenant is None:
            return Principal(
                subject=claims.subject,
                email=claims.email,
                name=claims.name,
                via="bearer",
                platform_admin=platform_admin,
            )
        if tenant.slug not in claims.organizations:
            raise NotAuthorizedException(
                "The access token was not issued for this organisation.",
                headers=_BEARER_CHALLENGE,
            )
        staff = await staff_for_identity(
            subject=claims.subject,
            email=claims.email,
            email_verified=claims.email_verified,
            name=claims.name,
        )
        return Principal(
            subject=claims.subject,
            email=claims.email,
            name=claims.name,
            via="bearer",
            staff_id=staff["id"] if staff else None,
            roles=frozenset(staff["roles"]) if staff else frozenset(),
            platform_admin=platform_admin,
        )

    @staticmethod
    async def _from_api_key(
        authorization: str | None, api_key: str | None, tenant: TenantContext | None
    ) -> Principal:
        if authorization is not None and api_key is not None:
            raise NotAuthorizedException(
                "Send one credential: 'Authorization' or 'X-Api-Key', not both.",
                headers=_API_KEY_CHALLENGE,
            )
        if tenant is None:
            # A key belongs to one tenant; the platform's own routes take none.
            raise NotAuthorizedException(
                "API keys work only at the address of the organisation that issued them.",
                headers=_API_KEY_CHALLENGE,
            )
        secret = api_key if api_key is not None else (authorization or "").partition(" ")[2]
        if not secret.strip():
            raise NotAuthorizedException(
                "Send the API key as 'Authorization: ApiKey <key>' or 'X-Api-Key: <key>'.",
                headers=_API_KEY_CHALLENGE,
            )
        try:
            return await key_principal(secret.strip())
        except KeyRefused as exc:
            log.info("refused API key: %s", exc)
            raise NotAuthorizedException(str(exc), headers=_API_KEY_CHALLENGE) from None

    async def _from_cookie(self, scope: Scope) -> Principal | None:
        raw = header(scope, b"cookie")
        if not raw:
            return None
        cookie = SimpleCookie()
        try:
            cookie.load(raw)
        except Exception:  # a malformed Cookie header means no session, nothing worse
            return None
        morsel = cookie.get(SESSION_COOKIE)
        if morsel is None or not morsel.value:
            return None
        return await session_principal(morsel.value)
