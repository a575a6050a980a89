"""One tenant transaction per request, committed only if the response is a success.

The response is held back until the commit has succeeded: a client that was
told its complaint is registered can rely on it being stored. A response with an
error status rolls everything back, so a failed request writes nothing.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotFoundException, PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import trace

from core.tenancy.context import tenant_transaction
from core.tenancy.resolution import TENANT_HEADER, AmbiguousTenant, resolve_slug

log = logging.getLogger(__name__)

TENANT_SPAN_ATTRIBUTE = "querela.tenant_id"
#: What a suspended tenant still answers.
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _reads_only(scope: Scope) -> bool:
    """Whether the request changes nothing: a safe method, or a route marked ``read_only``.

    Some reads are POSTs so that secrets stay out of URLs (a receipt, for instance).
    """
    if scope.get("method") in _READ_METHODS:
        return True
    handler = scope.get("route_handler")
    return bool(handler is not None and handler.opt.get("read_only"))


def header(scope: Scope, name: bytes) -> str | None:
    """The value of request header ``name`` (lower-case bytes), if present."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class TenantTransactionMiddleware:
    """Resolve the tenant, open its transaction, and commit or roll back by status.

    With ``required=False`` a request that names no tenant passes through
    without a transaction (the platform's own pages); one that names an unknown
    tenant is still a 404.
    """

    def __init__(self, app: ASGIApp, *, base_domain: str, required: bool = True) -> None:
        self.app = app
        self.base_domain = base_domain
        self.required = required

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        try:
            slug = resolve_slug(
                header(scope, b"host"), header(scope, TENANT_HEADER.encode()), self.base_domain
            )
        except AmbiguousTenant as exc:
            raise ClientException(str(exc)) from None
        if slug is None:
            if self.required:
                raise NotFoundException("No tenant is served at this address.")
            await self.app(scope, receive, send)
            return

        async with tenant_transaction(slug=slug) as (tenant, transaction):
            if tenant is None:
                await transaction.rollback()  # type: ignore[no-untyped-call]
                raise NotFoundException("No tenant is served at this address.")
            if tenant.read_only and not _reads_only(scope):
                await transaction.rollback()  # type: ignore[no-untyped-call]
                raise PermissionDeniedException(
                    f"The service of {tenant.name} is suspended: nothing can be submitted"
                    " or changed until it is resumed."
                )
            trace.get_current_span().set_attribute(TENANT_SPAN_ATTRIBUTE, str(tenant.id))
            scope.setdefault("state", {})["tenant"] = tenant

            held: list[Message] = []
            status = 500

            async def hold(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                held.append(message)

            try:
                await self.app(scope, receive, hold)
            except BaseException:
                await transaction.rollback()  # type: ignore[no-untyped-call]
                raise
            if status >= 400:
                await transaction.rollback()  # type: ignore[no-untyped-call]
            else:
                try:
                    await transaction.commit()  # type: ignore[no-untyped-call]
                except Exception:
                    log.exception("commit failed for tenant %s", tenant.id)
                    # PostgreSQL has ended the transaction; keep Piccolo from trying again.
                    transaction._rolled_back = True
                    await _send_unavailable(send)
                    return
        for message in held:
            await send(message)


async def _send_unavailable(send: Send) -> None:
    body: dict[str, Any] = {
        "status_code": 503,
        "detail": "The change could not be saved and nothing was recorded. Please try again.",
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"retry-after", b"5"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload, "more_body": False})
