"""Checking Keycloak's tokens: signature against a cached JWKS, then every claim we rely on.

Keys are fetched once and refetched when a token names a key id we have not
seen (Keycloak rotated its keys). A flood of forged key ids cannot become a
flood of JWKS requests: refetches are at least ``min_refresh`` seconds apart,
and a key id that was still unknown after a refetch is refused without another
one for ``negative_ttl`` seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from core.settings import Settings

#: Asymmetric algorithms only: "none" and HMAC (which a public key could forge) never pass.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")


class InvalidToken(Exception):
    """The token is not one we accept; the message says why (safe to log, not to show)."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a verified access token says about its bearer."""

    subject: str
    email: str | None
    email_verified: bool
    name: str | None
    #: Aliases of the Keycloak Organizations the token was issued for.
    organizations: tuple[str, ...]
    realm_roles: frozenset[str]
    expires_at: int
    raw: dict[str, Any] = field(repr=False, compare=False)


class JwksCache:
    """The realm's signing keys, by key id."""

    def __init__(
        self,
        jwks_url: str,
        *,
        min_refresh: float = 1.0,
        negative_ttl: float = 60.0,
        timeout: float = 5.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.min_refresh = min_refresh
        self.negative_ttl = negative_ttl
        self.timeout = timeout
        self.fetches = 0
        self._keys: dict[str, jwt.PyJWK] = {}
        self._unknown: dict[str, float] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK:
        """Return the key ``kid``, refetching the key set if it is new to us."""
        if kid in self._keys:
            return self._keys[kid]
        now = time.monotonic()
        if now - self._unknown.get(kid, float("-inf")) < self.negative_ttl:
            raise InvalidToken(f"unknown signing key {kid!r}")
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self.min_refresh:
                await self._fetch()
        if kid not in self._keys:
            if len(self._unknown) > 10_000:
                self._unknown.clear()
            self._unknown[kid] = time.monotonic()
            raise InvalidToken(f"unknown signing key {kid!r}")
        return self._keys[kid]

    async def _fetch(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.get(self.jwks_url)
                response.raise_for_status()
        except httpx.HTTPError as exc:
            raise InvalidToken(f"signing keys unavailable: {type(exc).__name__}") from exc
        keys: dict[str, jwt.PyJWK] = {}
        for entry in response.json().get("keys", []):
            if entry.get("use", "sig") != "sig" or "kid" not in entry:
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry)
            except jwt.PyJWKError:
                continue  # a key type we do not use (e.g. for encryption)
        self._keys = keys
        self._fetched_at = time.monotonic()
        self.fetches += 1


class TokenVerifier:
    """Verifies access tokens for the API audience and ID tokens for the web client."""

    def __init__(self, settings: Settings, jwks: JwksCache | None = None) -> None:
        self.issuer = settings.issuer
        self.api_audience = settings.api_audience
        self.web_client_id = settings.web_client_id
        self.leeway = settings.token_leeway
        realm = f"{settings.keycloak_url}/realms/{settings.keycloak_realm}"
        self.jwks = jwks or JwksCache(f"{realm}/protocol/openid-connect/certs")

    async def access_token(self, token: str) -> AccessClaims:
        """Verify a bearer token meant for the Querela API."""
        claims = await self._decode(token, audience=self.api_audience)
        if claims.get("typ", "Bearer") != "Bearer":
            raise InvalidToken(f"a {claims.get('typ')} token is not an access token")
        return _access_claims(claims)

    async def id_token(self, token: str, *, nonce: str) -> dict[str, Any]:
        """Verify the ID token the web client received at sign-in, nonce included."""
        claims = await self._decode(token, audience=self.web_client_id)
        if claims.get("nonce") != nonce:
            raise InvalidToken("ID token nonce does not match the sign-in attempt")
        return claims

    async def _decode(self, token: str, *, audience: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise InvalidToken("malformed token") from exc
        algorithm = header.get("alg")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise InvalidToken(f"algorithm {algorithm!r} is not accepted")
        key = await self.jwks.key(str(header.get("kid", "")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[algorithm],
                audience=audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"{type(exc).__name__}: {exc}") from exc
        return claims


def _access_claims(claims: dict[str, Any]) -> AccessClaims:
    organizations = claims.get("organization", [])
    if isinstance(organizations, dict):  # the map form Keycloak can be configured to emit
        organizations = list(organizations)
    if not isinstance(organizations, list):
        organizations = []
    realm_roles = claims.get("realm_access", {}).get("roles", [])
    return AccessClaims(
        subject=str(claims["sub"]),
        email=claims.get("email"),
        email_verified=bool(claims.get("email_verified", False)),
        name=claims.get("name"),
        organizations=tuple(str(o) for o in organizations),
        realm_roles=frozenset(str(r) for r in realm_roles),
        expires_at=int(claims["exp"]),
        raw=claims,
    )
