"""What the control plane asks of Keycloak: organizations, their members, invitations.

One realm holds every tenant; each tenant is a Keycloak Organization whose
alias is the tenant's slug. Every operation here is idempotent, so a
provisioning run that stopped half-way can simply be run again.

The client is python-keycloak's ``KeycloakAdmin`` with the control plane's
service account (client credentials). Where python-keycloak has no method
(organization invitations), the REST endpoint is called through the same
connection and token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urljoin

import httpx
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakConnectionError, KeycloakError
from keycloak.openid_connection import KeycloakOpenIDConnection

from core.settings import Settings

T = TypeVar("T")

#: Seconds a single Keycloak call may take before the identity provider counts as down.
DEFAULT_TIMEOUT = 10


class IdentityProviderError(Exception):
    """Keycloak answered, but refused or failed the operation."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        #: The HTTP status Keycloak answered with, if it answered.
        self.status = status


class IdentityProviderUnavailable(IdentityProviderError):
    """Keycloak could not be reached, timed out, or answered with a server error."""


@dataclass(frozen=True, slots=True)
class Invitation:
    """A pending or expired invitation to join an organization."""

    id: str
    email: str
    status: str


@dataclass(slots=True)
class CallStats:
    """How many Keycloak calls this client made and how long they took in total."""

    calls: int = 0
    seconds: float = 0.0


class KeycloakControlPlane:
    """The control plane's async Keycloak client, for one realm.

    Use it as an async context manager, or call ``aclose`` when done: it keeps
    HTTP connections open between calls.
    """

    def __init__(
        self,
        *,
        server_url: str,
        realm: str,
        client_id: str,
        client_secret: str,
        timeout: int = DEFAULT_TIMEOUT,
    ) -> None:
        self.realm = realm
        self.stats = CallStats()
        self._connection = KeycloakOpenIDConnection(
            server_url=server_url.rstrip("/") + "/",
            realm_name=realm,
            client_id=client_id,
            client_secret_key=client_secret,
            grant_type="client_credentials",
            timeout=timeout,
            # Each request is attempted once: a retry belongs to the provisioning
            # run, which knows what has already been done.
            max_retries=0,
        )
        self._admin = KeycloakAdmin(connection=self._connection)

    @classmethod
    def from_settings(cls, settings: Settings, *, timeout: int = DEFAULT_TIMEOUT) -> Self:
        """Build a client for the realm and service account named in ``settings``."""
        return cls(
            server_url=settings.keycloak_url,
            realm=settings.keycloak_realm,
            client_id=settings.control_plane_client_id,
            client_secret=settings.control_plane_secret,
            timeout=timeout,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections (the admin API's and the token endpoint's)."""
        await self._connection.aclose()
        await self._connection.keycloak_openid.connection.aclose()

    # -- organizations -------------------------------------------------------------------

    async def ensure_organization(self, slug: str, name: str) -> str:
        """Return the id of the organization with alias ``slug``, creating it if needed.

        Keycloak requires both the alias and the name to be unique. When a
        create answers 409 the organization may already exist (an earlier run
        created it but stopped before recording the id), or another tenant may
        hold the same name. Keycloak's ``search`` matches names and domains, not
        aliases, so the existing organization is looked up by name and accepted
        only if its alias is ``slug``. A name held by another organization is
        made unique by appending the slug.
        """
        for candidate in (name, f"{name} ({slug})"):
            try:
                created = await self._call(
                    self._admin.a_create_organization({"name": candidate, "alias": slug})
                )
            except IdentityProviderError as exc:
                if exc.status != httpx.codes.CONFLICT:
                    raise
                found = await self._find_by_name(candidate, slug)
                if found is not None:
                    return found
                if "alias" in str(exc):
                    return await self._find_by_alias(slug)
                continue
            if created is None:
                raise IdentityProviderError("Keycloak created the organization but gave no id")
            return created
        return await self._find_by_alias(slug)

    async def get_organization(self, org_id: str) -> dict[str, Any] | None:
        """Return the organization's representation, or None if it does not exist."""
        response = await self._raw("GET", f"organizations/{org_id}")
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        self._check(response, "read organization")
        result: dict[str, Any] = response.json()
        return result

    async def delete_organization(self, org_id: str) -> None:
        """Delete the organization; one that is already gone counts as deleted."""
        response = await self._raw("DELETE", f"organizations/{org_id}")
        if response.status_code == httpx.codes.NOT_FOUND:
            return
        self._check(response, "delete organization")

    async def organizations_with_alias(self, alias: str) -> list[dict[str, Any]]:
        """Return every organization whose alias is ``alias`` (at most one, by Keycloak's rule).

        Lists all organizations: meant for checks and repairs, not for every request.
        """
        found: list[dict[str, Any]] = []
        first = 0
        page = 200
        while True:
            batch = await self._call(
                self._admin.a_get_organizations(
                    {"first": first, "max": page, "briefRepresentation": True}
                )
            )
            found.extend(org for org in batch if org.get("alias") == alias)
            if len(batch) < page:
                return found
            first += page

    async def _find_by_name(self, name: str, alias: str) -> str | None:
        matches = await self._call(
            self._admin.a_get_organizations(
                {"search": name, "exact": True, "briefRepresentation": True}
            )
        )
        for org in matches:
            if org.get("alias") == alias:
                return str(org["id"])
        return None

    async def _find_by_alias(self, alias: str) -> str:
        matches = await self.organizations_with_alias(alias)
        if not matches:
            raise IdentityProviderError(f"no organization with alias {alias!r} after a conflict")
        return str(matches[0]["id"])

    # -- members and invitations ---------------------------------------------------------

    async def invitations(self, org_id: str, email: str | None = None) -> list[Invitation]:
        """Return the organization's invitations, optionally only those to ``email``."""
        params = {"email": email} if email else {}
        response = await self._raw("GET", f"organizations/{org_id}/invitations", params=params)
        self._check(response, "list invitations")
        return [
            Invitation(id=str(item["id"]), email=str(item["email"]), status=str(item["status"]))
            for item in response.json()
            if email is None or str(item["email"]).lower() == email.lower()
        ]

    async def invite_admin(self, org_id: str, email: str) -> bool:
        """Invite the signing-up admin to join the organization; see ``invite_member``."""
        return await self.invite_member(org_id, email)

    async def invite_member(self, org_id: str, email: str) -> bool:
        """Invite ``email`` to join the organization; return False if nothing was sent.

        Nothing is sent when that person is already a member or already has a
        pending invitation: a retried run must not mail twice. A realm user with
        that address is invited as themself; anyone else gets an invitation to
        register. Keycloak mails the invitation itself.
        """
        if any(inv.status == "PENDING" for inv in await self.invitations(org_id, email)):
            return False
        user_id = await self.find_user_id(email)
        if user_id is not None:
            if await self.is_member(org_id, user_id):
                return False
            path, form = "members/invite-existing-user", {"id": user_id}
        else:
            path, form = "members/invite-user", {"email": email, "firstName": "", "lastName": ""}
        response = await self._form_post(f"organizations/{org_id}/{path}", form)
        if response.status_code == httpx.codes.CONFLICT and "pending" in response.text:
            # Another run got there between the check and this call.
            return False
        self._check(response, "send invitation")
        return True

    async def organization_id(self, alias: str, name: str) -> str | None:
        """Return the id of the organization with alias ``alias``, or None if there is none.

        Looked up by ``name`` first (one call); only when no organization of that
        name has the alias are all organizations listed.
        """
        found = await self._find_by_name(name, alias)
        if found is not None:
            return found
        matches = await self.organizations_with_alias(alias)
        return str(matches[0]["id"]) if matches else None

    async def find_user_id(self, email: str) -> str | None:
        """Return the id of the realm user with this e-mail address, if there is one."""
        users = await self._call(self._admin.a_get_users({"email": email, "exact": True}))
        for user in users:
            if str(user.get("email", "")).lower() == email.lower():
                return str(user["id"])
        return None

    async def is_member(self, org_id: str, user_id: str) -> bool:
        """Return whether the user belongs to the organization."""
        response = await self._raw("GET", f"organizations/{org_id}/members/{user_id}")
        if response.status_code == httpx.codes.NOT_FOUND:
            return False
        self._check(response, "read membership")
        return True

    async def create_staff_user(self, email: str, first: str, last: str, password: str) -> str:
        """Create an enabled user with a verified e-mail and a password; return the id.

        An existing user with that e-mail is returned as is (its password untouched).
        """
        existing = await self.find_user_id(email)
        if existing is not None:
            return existing
        payload = {
            "username": email,
            "email": email,
            "firstName": first,
            "lastName": last,
            "enabled": True,
            "emailVerified": True,
            "credentials": [{"type": "password", "value": password, "temporary": False}],
        }
        return str(await self._call(self._admin.a_create_user(payload, exist_ok=True)))

    async def add_member(self, org_id: str, user_id: str) -> None:
        """Make the user a member of the organization; a member already is one."""
        if await self.is_member(org_id, user_id):
            return
        response = await self._raw(
            "POST", f"organizations/{org_id}/members", content=json.dumps(user_id)
        )
        if response.status_code == httpx.codes.CONFLICT:
            return
        self._check(response, "add member")

    # -- transport -----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        base = str(self._connection.base_url)
        return urljoin(base, f"admin/realms/{self.realm}/{path}")

    async def _call(self, call: Awaitable[T]) -> T:
        """Await a python-keycloak call, counting it and translating its errors."""
        started = time.perf_counter()
        try:
            return await call
        except KeycloakConnectionError as exc:
            raise IdentityProviderUnavailable(f"Keycloak is unreachable: {exc.__cause__}") from exc
        except KeycloakError as exc:
            code = exc.response_code or 0
            error = IdentityProviderUnavailable if code >= 500 else IdentityProviderError
            body = exc.response_body.decode(errors="replace") if exc.response_body else ""
            raise error(
                f"Keycloak answered {code}: {body or exc.error_message!s}", status=code or None
            ) from exc
        finally:
            self.stats.calls += 1
            self.stats.seconds += time.perf_counter() - started

    async def _raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one admin REST request with the service account's token."""

        async def send(headers: dict[str, str]) -> httpx.Response:
            return await self._connection.async_s.request(
                method,
                self._url(path),
                headers=headers,
                timeout=self._connection.timeout,
                **kwargs,
            )

        return await self._with_token(send, {})

    async def _form_post(self, path: str, form: dict[str, str]) -> httpx.Response:
        # The connection sends JSON by default; the invitation endpoints take a form.
        async def send(headers: dict[str, str]) -> httpx.Response:
            return await self._connection.async_s.post(
                self._url(path), data=form, headers=headers, timeout=self._connection.timeout
            )

        return await self._with_token(send, {"Content-Type": "application/x-www-form-urlencoded"})

    async def _with_token(
        self,
        send: Callable[[dict[str, str]], Awaitable[httpx.Response]],
        extra_headers: dict[str, str],
    ) -> httpx.Response:
        async def attempt() -> httpx.Response:
            headers = {**(self._connection.headers or {}), **extra_headers}
            try:
                return await send(headers)
            except httpx.HTTPError as exc:
                raise KeycloakConnectionError("Can't connect to server") from exc

        async def request() -> httpx.Response:
            await self._connection.a__refresh_if_required()
            response = await attempt()
            if response.status_code == httpx.codes.UNAUTHORIZED:
                await self._connection.a_refresh_token()
                response = await attempt()
            return response

        return await self._call(request())

    @staticmethod
    def _check(response: httpx.Response, action: str) -> None:
        if response.is_success:
            return
        error = (
            IdentityProviderUnavailable if response.status_code >= 500 else IdentityProviderError
        )
        raise error(
            f"{action}: Keycloak answered {response.status_code}: {response.text[:300]}",
            status=response.status_code,
        )
