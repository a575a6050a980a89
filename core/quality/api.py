"""The quality review API: draw samples, score them, and read the reviews of one's own cases."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from core.auth.guards import guarded_principal, roles_required, staff_required
from core.quality import services
from core.quality.schemas import (
    HandlerReviewList,
    ReviewIn,
    ReviewList,
    ReviewOut,
    SampleIn,
)

_REVIEWERS = [roles_required(*services.REVIEWERS)]


class QualityController(Controller):
    """``/quality``: samples of closed cases, their scorecards, and each handler's own."""

    path = "/quality"
    tags = ["quality"]
    guards = [staff_required]

    @get("/reviews", guards=_REVIEWERS, summary="List reviews, newest sample first")
    async def list_reviews(
        self,
        request: Request[Any, Any, Any],
        # ``state`` is a name Litestar keeps for the application state.
        review_state: Annotated[
            Literal["draft", "final"] | None,
            QueryParameter(name="state", description="Only drafts, or only final."),
        ] = None,
    ) -> ReviewList:
        """Reviews of the cases the caller may see."""
        return await services.list_reviews(guarded_principal(request), state=review_state)

    @post(
        "/samples",
        guards=_REVIEWERS,
        status_code=HTTP_201_CREATED,
        summary="Draw closed cases at random for review",
    )
    async def draw(self, request: Request[Any, Any, Any], data: JSONBody[SampleIn]) -> ReviewList:
        """Draw up to ``size`` closed cases of the period nobody has reviewed yet.

        Cases the caller handled, or may not see, are never drawn. Audited.
        """
        return await services.draw_sample(data, guarded_principal(request))

    @get("/reviews/{review_id:uuid}", guards=_REVIEWERS, summary="Read one review")
    async def read(self, request: Request[Any, Any, Any], review_id: FromPath[UUID]) -> ReviewOut:
        """The review and its case."""
        return await services.read_review(review_id, guarded_principal(request))

    @put("/reviews/{review_id:uuid}", guards=_REVIEWERS, summary="Save a scorecard")
    async def save(
        self, request: Request[Any, Any, Any], review_id: FromPath[UUID], data: JSONBody[ReviewIn]
    ) -> ReviewOut:
        """Save the scores and comments; ``final`` closes the review and tells the handler."""
        return await services.save_review(review_id, data, guarded_principal(request))

    @get("/my-reviews", summary="Reviews of cases I handled")
    async def mine(self, request: Request[Any, Any, Any]) -> HandlerReviewList:
        """The final scorecards of the caller's cases: scores and the comments for them."""
        return await services.my_reviews(guarded_principal(request))
