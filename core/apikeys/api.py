"""The tenant-admin API-key API: issue, list and revoke the keys integrations use."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.apikeys import services
from core.apikeys.schemas import ApiKeyIssued, ApiKeyList, ApiKeyOut, NewApiKey
from core.auth.guards import principal_of, roles_required

#: Role that may issue and revoke the tenant's API keys.
ADMIN_ROLE = "tenant-admin"


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "the roles_required guard lets no anonymous request in"
    return principal.actor


class ApiKeyController(Controller):
    """The request's tenant's API keys, for its administrators (never for a key itself)."""

    path = "/api-keys"
    tags = ["api-keys"]
    guards = [roles_required(ADMIN_ROLE)]

    @post(status_code=HTTP_201_CREATED, summary="Issue an API key")
    async def issue(
        self, request: Request[Any, Any, Any], data: JSONBody[NewApiKey]
    ) -> ApiKeyIssued:
        """Issue a key; its ``secret`` is in this response only, so store it now."""
        return await services.issue_key(data, actor=_actor(request))

    @get(summary="List API keys, newest first")
    async def list_keys(self) -> ApiKeyList:
        """Return every key with its scopes and state; secrets are never shown again."""
        return await services.list_keys()

    @post("/{key_id:uuid}/revoke", status_code=HTTP_200_OK, summary="Revoke an API key")
    async def revoke(self, request: Request[Any, Any, Any], key_id: FromPath[UUID]) -> ApiKeyOut:
        """Stop a key from working at once; it stays listed as revoked."""
        return await services.revoke_key(key_id, actor=_actor(request))
