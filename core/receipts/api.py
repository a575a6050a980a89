"""The public API of a tenant's host: submit a complaint, follow it up with the receipt.

Nothing here asks who the caller is. The routes sit under ``/public/v1`` on
routers of their own, with the tenant transaction but without the staff guards
of ``/api/v1``.

Every route that takes a receipt or a survey link's token goes behind the
``ReceiptGuard``: it counts refused secrets against the guessing limits and
holds every answer, right or wrong, until the same moment. The page an
e-mailed survey link opens (``/s/<token>``) is registered here too, beside
``/public/v1``, because the core's own mail points at it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Router, post
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import DefineMiddleware
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from litestar.types import ASGIApp, Message, Middleware, Receive, Scope, Send

from core.attachments.api import content_length, file_refusals
from core.attachments.upload import check_form, read_file
from core.receipts import files, services, survey_answers
from core.receipts.guessing import (
    REFUSED,
    GuessLimiter,
    GuessLimits,
    TooManyGuesses,
    counting_refusal,
)
from core.receipts.services import (
    AppealIn,
    EscalationIn,
    FollowUp,
    FollowUpMessageIn,
    PublicComplaint,
    ReceiptIn,
    SubmissionReceipt,
)
from core.receipts.survey import SURVEY_PAGE
from core.receipts.survey_answers import LinkSurveyIn, ReceiptSurveyIn, SurveyAnswered
from core.receipts.survey_page import survey_answer, survey_form
from core.settings import Settings
from core.tenancy.resolution import TENANT_HEADER, AmbiguousTenant, resolve_slug

#: Every answer on the follow-up routes leaves no earlier than this after the request
#: arrived, so that the time taken says nothing about the receipt.
RESPONSE_FLOOR_SECONDS = 0.2


class ReceiptGuard:
    """Limits guessing at receipts and survey links; releases every answer at a fixed time.

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
            await self.limiter.settle(reservation, refused=bool(state.get(REFUSED)))
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


class SubmissionThrottle:
    """Limits how many public complaints one address (and one tenant) sends per window.

    A complaint that was refused as bad input gives its count back: a person
    correcting a form is not flooding anyone.
    """

    def __init__(self, app: ASGIApp, *, limiter: GuessLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != ScopeType.HTTP or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        try:
            reservation = await self.limiter.reserve(
                client=client[0] if client else None, tenant=_tenant_slug(scope)
            )
        except TooManyGuesses as exc:
            raise TooManyRequestsException(
                "Too many complaints were sent from here in a short time. Please wait"
                f" {max(1, exc.retry_after // 60)} minute(s), or write or phone instead.",
                headers={"Retry-After": str(exc.retry_after)},
            ) from None
        kept = False

        async def watch(message: Message) -> None:
            nonlocal kept
            if message["type"] == "http.response.start":
                kept = message["status"] < 400
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            await self.limiter.settle(reservation, refused=kept)


class PublicComplaintController(Controller):
    """Complaints from people without an account."""

    path = "/complaints"
    tags = ["public"]

    @post(status_code=HTTP_201_CREATED, summary="Submit a complaint")
    async def submit(self, data: JSONBody[PublicComplaint]) -> SubmissionReceipt:
        """Register the complaint and return its reference and receipt (shown only here)."""
        return await services.submit_complaint(data)


class FollowUpController(Controller):
    """What a complainant does with their receipt; it travels in the body, never the URL.

    In a JSON body it is the field ``receipt``; in the upload form too, as the
    field before the file.
    """

    path = "/followup"
    tags = ["public"]

    @post(status_code=HTTP_200_OK, summary="Read a complaint's status and replies", read_only=True)
    async def read(self, request: Request[Any, Any, Any], data: JSONBody[ReceiptIn]) -> FollowUp:
        """Return the case's status and the correspondence its complainant may see."""
        with counting_refusal(request.scope):
            return await services.follow_up(data.receipt)

    @post("/messages", status_code=HTTP_201_CREATED, summary="Send a further message")
    async def add_message(
        self, request: Request[Any, Any, Any], data: JSONBody[FollowUpMessageIn]
    ) -> FollowUp:
        """Add the complainant's message to the case and return the case as they see it."""
        with counting_refusal(request.scope):
            return await services.add_message(data.receipt, data.message)

    @post(
        "/files",
        status_code=HTTP_201_CREATED,
        summary="Send a file",
        description=(
            "Send multipart/form-data with the field `receipt` first, then optionally"
            " `message` (a note on the file), then the file in the field `file`. The file is"
            " checked as staff uploads are: its content decides its type; programs, scripts,"
            " HTML and SVG are refused (415), and so are files over the public size limit"
            " (413)."
        ),
        # The size limit is enforced while the file streams, as for staff uploads.
        request_max_body_size=None,
    )
    async def add_file(self, request: Request[Any, Any, Any]) -> FollowUp:
        """Add the complainant's file to the case and return the case as they see it."""
        settings: Settings = request.app.state["settings"]
        policy = files.public_policy(settings)
        with counting_refusal(request.scope), file_refusals():
            boundary = check_form(
                request.headers.get("content-type"), content_length(request), policy.max_bytes
            )
            upload = await read_file(
                request.stream(), boundary, policy.max_bytes, fields=files.FORM_FIELDS
            )
            return await files.send_file(upload, policy=policy)

    @post("/appeal", status_code=HTTP_201_CREATED, summary="Appeal against the answer")
    async def appeal(self, request: Request[Any, Any, Any], data: JSONBody[AppealIn]) -> FollowUp:
        """Open the next level of appeal (409 before an answer, after the last level or window)."""
        with counting_refusal(request.scope):
            return await services.appeal(data)

    @post("/escalate", status_code=HTTP_200_OK, summary="Ask for a supervisor")
    async def escalate(
        self, request: Request[Any, Any, Any], data: JSONBody[EscalationIn]
    ) -> FollowUp:
        """Escalate the case to a supervisor with the complainant's reason (409 unless open)."""
        with counting_refusal(request.scope):
            return await services.escalate(data)

    @post("/survey", status_code=HTTP_201_CREATED, summary="Answer the satisfaction survey")
    async def answer_survey(
        self, request: Request[Any, Any, Any], data: JSONBody[ReceiptSurveyIn]
    ) -> FollowUp:
        """Record how satisfied the complainant is with a closed case (409 while open, or twice)."""
        with counting_refusal(request.scope):
            return await survey_answers.answer_with_receipt(data)


class SurveyLinkController(Controller):
    """The survey answered with the token of an e-mailed link instead of a receipt."""

    path = "/survey"
    tags = ["public"]

    @post(status_code=HTTP_201_CREATED, summary="Answer the survey with a link's token")
    async def answer(
        self, request: Request[Any, Any, Any], data: JSONBody[LinkSurveyIn]
    ) -> SurveyAnswered:
        """Record the answer; the link then stops working (404 for a wrong or used token)."""
        with counting_refusal(request.scope):
            return await survey_answers.answer_with_link(data)


def public_router(
    middleware: Sequence[Middleware],
    *,
    limits: GuessLimits | None = None,
    floor: float = RESPONSE_FLOOR_SECONDS,
    submissions_per_window: int = 5,
) -> Router:
    """Build the ``/public/v1`` routes and the survey link's page.

    ``middleware`` opens the tenant transaction: pass ``core.app.request_middleware``.
    """
    guard = DefineMiddleware(ReceiptGuard, limiter=GuessLimiter(limits), floor=floor)
    guarded = [guard, *middleware]
    throttle = DefineMiddleware(
        SubmissionThrottle,
        limiter=GuessLimiter(
            GuessLimits(
                per_client=submissions_per_window,
                per_tenant=submissions_per_window * 50,
                namespace="submit:",
            )
        ),
    )
    return Router(
        path="/",
        route_handlers=[
            Router(
                path="/public/v1",
                route_handlers=[
                    Router(
                        path="/",
                        route_handlers=[PublicComplaintController],
                        middleware=[throttle, *middleware],
                    ),
                    Router(
                        path="/",
                        route_handlers=[FollowUpController, SurveyLinkController],
                        middleware=guarded,
                    ),
                ],
            ),
            Router(path=SURVEY_PAGE, route_handlers=[survey_form], middleware=middleware),
            Router(path=SURVEY_PAGE, route_handlers=[survey_answer], middleware=guarded),
        ],
    )


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
