"""The public API of a tenant's host: submit a complaint, follow it up with the receipt.

Nothing here asks who the caller is. The routes sit under ``/public/v1`` on
routers of their own, with the tenant transaction but without the staff guards
of ``/api/v1``.

Every route that takes a receipt belongs on the follow-up router: its
``ReceiptGuard`` counts refused receipts against the guessing limits and
holds every answer, right or wrong, until the same moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from litestar import Controller, Request, Router, post
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from litestar.types import ASGIApp, Message, Middleware, Receive, Scope, Send

from core.receipts import services
from core.receipts.guessing import GuessLimiter, GuessLimits, TooManyGuesses
from core.receipts.services import (
    FollowUp,
    FollowUpMessageIn,
    PublicComplaint,
    ReceiptIn,
    SubmissionReceipt,
    UnknownReceipt,
)
from core.tenancy.resolution import TENANT_HEADER, AmbiguousTenant, resolve_slug

#: Every answer on the follow-up routes leaves no earlier than this after the request
#: arrived, so that the time taken says nothing about the receipt.
RESPONSE_FLOOR_SECONDS = 0.2

#: Set in the request's scope state when the request's receipt was refused.
_REFUSED = "querela.receipt_refused"


class ReceiptGuard:
    """Limits guessing at receipts and releases every answer at a fixed time after arrival.

    It runs outside the tenant transaction: counters must survive that
    transaction's rollback, and the wait holds no database connection.
    """

    def __init__(
        self, app: ASGIApp, *, limiter: GuessLimiter, floor: float = RESPONSE_FLOOR_SECONDS
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.floor = floor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        release_at = asyncio.get_running_loop().time() + self.floor
        client = scope.get("client")
        try:
            reservation = await self.limiter.reserve(
                client=client[0] if client else None, tenant=_tenant_slug(scope)
            )
        except TooManyGuesses as exc:
            await _sleep_until(release_at)
            raise TooManyRequestsException(
                "Too many wrong receipts were tried. Wait a while, then check your receipt.",
                headers={"Retry-After": str(exc.retry_after)},
            ) from None

        state = scope.setdefault("state", {})
        settled = False

        async def settle() -> None:
            nonlocal settled
            settled = True
            await self.limiter.settle(reservation, refused=bool(state.get(_REFUSED)))
            await _sleep_until(release_at)

        async def release(message: Message) -> None:
            # The tenant middleware sends nothing before its transaction has ended, so by
            # now the outcome is known and no connection is held while waiting.
            if message["type"] == "http.response.start" and not settled:
                await settle()
            await send(message)

        try:
            await self.app(scope, receive, release)
        except Exception:
            if not settled:
                await settle()
            raise


class PublicComplaintController(Controller):
    """Complaints from people without an account."""

    path = "/complaints"
    tags = ["public"]

    @post(status_code=HTTP_201_CREATED, summary="Submit a complaint")
    async def submit(self, data: JSONBody[PublicComplaint]) -> SubmissionReceipt:
        """Register the complaint and return its reference and receipt (shown only here)."""
        return await services.submit_complaint(data)


class FollowUpController(Controller):
    """What a complainant does with their receipt; it travels in the body, never the URL."""

    path = "/followup"
    tags = ["public"]

    @post(status_code=HTTP_200_OK, summary="Read a complaint's status and replies", read_only=True)
    async def read(self, request: Request[Any, Any, Any], data: JSONBody[ReceiptIn]) -> FollowUp:
        """Return the case's status and the correspondence its complainant may see."""
        with _counting_refusal(request.scope):
            return await services.follow_up(data.receipt)

    @post("/messages", status_code=HTTP_201_CREATED, summary="Send a further message")
    async def add_message(
        self, request: Request[Any, Any, Any], data: JSONBody[FollowUpMessageIn]
    ) -> FollowUp:
        """Add the complainant's message to the case and return the case as they see it."""
        with _counting_refusal(request.scope):
            return await services.add_message(data.receipt, data.message)


def public_router(
    middleware: Sequence[Middleware],
    *,
    limits: GuessLimits | None = None,
    floor: float = RESPONSE_FLOOR_SECONDS,
) -> Router:
    """Build the ``/public/v1`` routes.

    ``middleware`` opens the tenant transaction: pass ``core.app.request_middleware``.
    """
    guard = DefineMiddleware(ReceiptGuard, limiter=GuessLimiter(limits), floor=floor)
    return Router(
        path="/public/v1",
        route_handlers=[
            Router(path="/", route_handlers=[PublicComplaintController], middleware=middleware),
            Router(path="/", route_handlers=[FollowUpController], middleware=[guard, *middleware]),
        ],
    )


@contextmanager
def _counting_refusal(scope: Scope) -> Iterator[None]:
    try:
        yield
    except UnknownReceipt:
        scope.setdefault("state", {})[_REFUSED] = True
        raise


def _tenant_slug(scope: Scope) -> str | None:
    """The tenant the request names, as the tenant middleware will resolve it."""
    try:
        return resolve_slug(
            _first_header(scope, b"host"),
            _first_header(scope, TENANT_HEADER.encode()),
            scope["app"].state["settings"].base_domain,
        )
    except AmbiguousTenant:  # the tenant middleware refuses it; nothing to count against
        return None


def _first_header(scope: Scope, name: bytes) -> str | None:
    # The first occurrence, as the tenant middleware reads it: a second Host header must
    # not move the attempt into another tenant's bucket.
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _sleep_until(deadline: float) -> None:
    delay = deadline - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)
