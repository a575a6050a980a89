"""The tenant-admin webhook API: register endpoints, list them, read their delivery log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from core.auth.guards import principal_of, roles_required
from core.webhooks import services
from core.webhooks.schemas import DeliveryList, NewWebhook, WebhookCreated, WebhookList, WebhookOut

#: Role that may manage the tenant's webhooks.
ADMIN_ROLE = "tenant-admin"


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = principal_of(request)
    assert principal is not None, "the roles_required guard lets no anonymous request in"
    return principal.actor


class WebhookController(Controller):
    """The request's tenant's webhook endpoints, for its administrators."""

    path = "/webhooks"
    tags = ["webhooks"]
    guards = [roles_required(ADMIN_ROLE)]

    @post(status_code=HTTP_201_CREATED, summary="Register a webhook endpoint")
    async def register(
        self, request: Request[Any, Any, Any], data: JSONBody[NewWebhook]
    ) -> WebhookCreated:
        """Register an endpoint; its signing ``secret`` is in this response only."""
        return await services.register_endpoint(data, actor=_actor(request))

    @get(summary="List webhook endpoints, newest first")
    async def list_endpoints(self) -> WebhookList:
        """Return every endpoint with its events; secrets are never shown again."""
        return await services.list_endpoints()

    @post("/{webhook_id:uuid}/disable", status_code=HTTP_200_OK, summary="Disable an endpoint")
    async def disable(
        self, request: Request[Any, Any, Any], webhook_id: FromPath[UUID]
    ) -> WebhookOut:
        """Stop sending to the endpoint at once; it stays listed as disabled."""
        return await services.disable_endpoint(webhook_id, actor=_actor(request))

    @get("/{webhook_id:uuid}/deliveries", summary="The endpoint's delivery log")
    async def deliveries(self, webhook_id: FromPath[UUID]) -> DeliveryList:
        """Return the newest deliveries with each attempt's status code, error and duration."""
        return await services.deliveries(webhook_id)
