"""Quality review: draw closed cases at random, score how each was handled, tell the handler.

A supervisor draws a sample of closed cases of a period that nobody has reviewed
yet, leaving out cases they handled themselves and cases they may not see
(``core.access.visible``). Each drawn case gets one scorecard: a score from 1 to
5 (or "not applicable") per criterion, an overall comment, and comments for the
handler. The scorecard may be changed until it is marked final; then the handler
is told, and reads the scores and the comments meant for them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import UUID

from piccolo.querystring import QueryString

from core import clock
from core.access import services as access
from core.audit import services as audit
from core.auth.principal import Principal
from core.auth.staff import staff_names
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.ids import uuid7
from core.notify.services import notify
from core.quality.schemas import (
    HandlerReviewList,
    HandlerReviewOut,
    ReviewIn,
    ReviewList,
    ReviewOut,
    SampleIn,
)
from core.quality.tables import QualityReview
from core.tenancy.context import current_tenant

#: Who draws samples and scores them.
REVIEWERS = ("supervisor", "tenant-admin")
#: What a scorecard scores, in the order it is shown.
CRITERIA = (
    "acknowledged_on_time",
    "investigation_thorough",
    "decision_reasoned",
    "response_clear",
    "deadlines_kept",
    "record_keeping",
)
PERIOD_DAYS = {"30d": 30, "90d": 90, "365d": 365}
#: The most reviews one list returns; older ones stay stored.
LIST_LIMIT = 200

_REVIEW_COLUMNS = """
    r.id, r.case_id, cases.reference, cases.subject, cases.category, cases.received_at,
    cases.closed_at, r.sampled_at, r.sampled_by, r.handler_staff_id, r.reviewer_staff_id,
    r.state, r.scores, r.comment, r.handler_comment, r.reviewed_at
"""


def _reviewer(viewer: Principal) -> UUID:
    if viewer.staff_id is None or not viewer.holds(*REVIEWERS):
        raise Forbidden(f"quality review needs one of the roles: {', '.join(REVIEWERS)}")
    return viewer.staff_id


def _seen() -> QueryString:
    seen = access.visible()
    return seen.querystring if seen is not None else QueryString("true")


async def draw_sample(sample: SampleIn, viewer: Principal) -> ReviewList:
    """Draw up to ``sample.size`` closed cases of the period at random; return the new reviews.

    Left out: cases already drawn, cases the reviewer handled (assigned to them, or
    whose decision they proposed), and cases they may not see. Fewer are drawn
    when fewer are left.
    """
    me = _reviewer(viewer)
    since = clock.now() - timedelta(days=PERIOD_DAYS[sample.period])
    candidates = await QualityReview.raw(
        """
        SELECT cases.id, cases.assignee_staff_id FROM cases
         WHERE cases.status = 'closed' AND cases.closed_at >= {}
           AND cases.assignee_staff_id IS DISTINCT FROM {}
           AND NOT EXISTS (SELECT 1 FROM case_decision d
                            WHERE d.case_id = cases.id AND d.proposed_by = {})
           AND NOT EXISTS (SELECT 1 FROM quality_review q WHERE q.case_id = cases.id)
           AND ({})
         ORDER BY random() LIMIT {}
        """,
        since,
        me,
        viewer.actor,
        _seen(),
        sample.size,
    )
    drawn: list[UUID] = []
    if candidates:
        rows = await QualityReview.raw(
            """
            INSERT INTO quality_review (tenant_id, id, case_id, sampled_by, sampled_at,
                                        handler_staff_id)
            SELECT {}, x.id, x.case_id, {}, {}, x.handler
              FROM unnest({}::uuid[], {}::uuid[], {}::uuid[]) AS x (id, case_id, handler)
            ON CONFLICT (tenant_id, case_id) DO NOTHING
            RETURNING id
            """,
            current_tenant().id,
            viewer.actor,
            clock.now(),
            [uuid7() for _ in candidates],
            [row["id"] for row in candidates],
            [row["assignee_staff_id"] for row in candidates],
        )
        drawn = [row["id"] for row in rows]
    await audit.record(
        "quality.sampled",
        actor=viewer.actor,
        detail={"period": sample.period, "asked": sample.size, "drawn": len(drawn)},
    )
    if not drawn:
        return ReviewList(items=[])
    return ReviewList(items=await _reviews(QueryString("r.id = ANY({})", drawn)))


async def list_reviews(viewer: Principal, *, state: str | None = None) -> ReviewList:
    """Reviews of cases the reviewer may see, newest sample first; ``state`` narrows them."""
    _reviewer(viewer)
    if state is not None and state not in ("draft", "final"):
        raise InvalidInput("state", "is draft or final")
    where = QueryString("r.state = {}", state) if state else QueryString("true")
    return ReviewList(items=await _reviews(where))


async def read_review(review_id: UUID, viewer: Principal) -> ReviewOut:
    """One review and its case; reading a restricted or sealed case's review is audited."""
    _reviewer(viewer)
    found = await _reviews(QueryString("r.id = {}", review_id))
    if not found:
        raise NotFound("no such review")
    await access.checked(found[0].case_id, "quality review")
    return found[0]


async def save_review(review_id: UUID, data: ReviewIn, viewer: Principal) -> ReviewOut:
    """Save the scorecard; marked final, it is closed and the handler is told. Audited."""
    me = _reviewer(viewer)
    rows = await QualityReview.raw(
        """
        SELECT r.id, r.case_id, r.state, r.handler_staff_id, cases.reference
          FROM quality_review r JOIN cases ON cases.id = r.case_id
         WHERE r.id = {} AND ({})
           FOR UPDATE OF r
        """,
        review_id,
        _seen(),
    )
    if not rows:
        raise NotFound("no such review")
    row = rows[0]
    if row["state"] == "final":
        raise Conflict("the review is final and is no longer changed")
    if row["handler_staff_id"] == me:
        raise Forbidden("no one reviews a case they handled")
    scores = checked_scores(data.scores, final=data.final)
    state = "final" if data.final else "draft"
    now = clock.now()
    await QualityReview.update(
        {
            QualityReview.scores: json.dumps(scores),
            QualityReview.comment: data.comment.strip(),
            QualityReview.handler_comment: data.handler_comment.strip(),
            QualityReview.state: state,
            QualityReview.reviewer_staff_id: me,
            QualityReview.reviewed_at: now,
        }
    ).where(QualityReview.id == review_id)
    await audit.record(
        "quality.reviewed",
        actor=viewer.actor,
        case_id=row["case_id"],
        detail={"review_id": str(review_id), "state": state, "scores": scores},
    )
    if state == "final" and row["handler_staff_id"] is not None:
        await notify(
            recipients=[row["handler_staff_id"]],
            kind="quality_review",
            subject=f"Quality review of {row['reference']}",
            body=(
                f"A supervisor has reviewed how {row['reference']} was handled."
                " The scores and the comments for you are on /staff/reviews."
            ),
            case_id=row["case_id"],
            actor=viewer.actor,
        )
    return (await _reviews(QueryString("r.id = {}", review_id)))[0]


def checked_scores(scores: Mapping[str, int | None], *, final: bool) -> dict[str, int | None]:
    """The scores in the criteria's order; a final scorecard must score every criterion."""
    unknown = sorted(set(scores) - set(CRITERIA))
    if unknown:
        raise InvalidInput("scores", f"{unknown[0]} is not a criterion; they are {CRITERIA}")
    for name, score in scores.items():
        if score is not None and not 1 <= score <= 5:
            raise InvalidInput(f"scores.{name}", "is 1 to 5, or null for not applicable")
    missing = [c for c in CRITERIA if c not in scores]
    if final and missing:
        raise InvalidInput(f"scores.{missing[0]}", "a final review scores every criterion")
    return {c: scores[c] for c in CRITERIA if c in scores}


async def my_reviews(viewer: Principal) -> HandlerReviewList:
    """The final scorecards of cases the reader handled, newest first; any member of staff."""
    if viewer.staff_id is None:
        raise Forbidden("reviews are read by the staff member they were written for")
    reviews = await _reviews(
        QueryString("r.handler_staff_id = {} AND r.state = 'final'", viewer.staff_id),
        newest="reviewed_at",
    )
    return HandlerReviewList(
        items=[
            HandlerReviewOut(
                id=r.id,
                case_id=r.case_id,
                reference=r.reference,
                subject=r.subject,
                reviewer_name=r.reviewer_name,
                scores=r.scores,
                handler_comment=r.handler_comment,
                reviewed_at=r.reviewed_at,
            )
            for r in reviews
        ]
    )


async def _reviews(where: QueryString, *, newest: str = "sampled_at") -> list[ReviewOut]:
    rows = await QualityReview.raw(
        f"""
        SELECT {_REVIEW_COLUMNS}
          FROM quality_review r JOIN cases ON cases.id = r.case_id
         WHERE ({{}}) AND ({{}})
         ORDER BY r.{newest} DESC NULLS LAST, r.id DESC
         LIMIT {LIST_LIMIT}
        """,
        where,
        _seen(),
    )
    names = await staff_names(
        i for row in rows for i in (row["handler_staff_id"], row["reviewer_staff_id"])
    )
    return [
        ReviewOut(
            **{k: v for k, v in row.items() if k != "scores"},
            scores=_scores(row["scores"]),
            handler_name=names.get(row["handler_staff_id"]),
            reviewer_name=names.get(row["reviewer_staff_id"]),
        )
        for row in rows
    ]


def _scores(value: Any) -> dict[str, int | None]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})
