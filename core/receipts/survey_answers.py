"""Answers to the satisfaction survey: with the receipt, or with the token of an e-mailed link.

Either way there is one answer per case (``answer_survey`` keeps to that), and
answering ends every survey link of the case; see ``core.receipts.survey``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from core.audit import services as audit
from core.lifecycle.schemas import SurveyIn
from core.lifecycle.services import answer_survey
from core.receipts.guessing import RefusedSecret
from core.receipts.services import (
    PUBLIC_ACTOR,
    FollowUp,
    ReceiptText,
    case_as_seen,
    open_receipt,
)
from core.receipts.survey import INVITATION_VALID_FOR, survey_token_hash
from core.receipts.tables import SurveyInvitation
from core.tenancy.context import current_tenant
from core.text import text

THANKS = "Thank you for telling us how we did."

Score = Annotated[int, msgspec.Meta(ge=1, le=5)]
Comment = Annotated[str, text(max_length=5_000)]
#: Room for a token and stray spaces; anything longer is refused before any lookup.
TokenText = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class UnknownSurveyLink(RefusedSecret):
    """No open survey of this tenant matches the link (wrong, used, expired or malformed)."""

    def __init__(self) -> None:
        super().__init__("This survey link does not work (any more). It can be used only once.")


class ReceiptSurveyIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An answer to the survey, sent with the receipt."""

    receipt: ReceiptText
    score: Score
    comment: Comment = ""


class LinkSurveyIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An answer to the survey, sent with the token of an e-mailed link."""

    token: TokenText
    score: Score
    comment: Comment = ""


class SurveyAnswered(msgspec.Struct, kw_only=True):
    """The answer to a survey sent through a link; it says nothing about the case."""

    message: str = THANKS


async def answer_with_receipt(answer: ReceiptSurveyIn) -> FollowUp:
    """Record the survey answer of the receipt's case; return the case as its complainant sees it.

    ``Conflict`` while the case is open and once the survey is answered.
    """
    holder = await open_receipt(answer.receipt)
    await _answer(holder.case_id, answer.score, answer.comment, through="receipt")
    return await case_as_seen(holder)


async def answer_with_link(answer: LinkSurveyIn) -> SurveyAnswered:
    """Record the survey answer sent with an e-mailed link's token; the link then ends.

    Raises ``UnknownSurveyLink`` for a wrong, used or expired token.
    """
    invitation = (
        await SurveyInvitation.select(SurveyInvitation.case_id)
        .where(
            (SurveyInvitation.tenant_id == current_tenant().id)
            & (SurveyInvitation.token_hash == survey_token_hash(answer.token))
            & SurveyInvitation.used_at.is_null()
            & (SurveyInvitation.created_at > datetime.now(UTC) - INVITATION_VALID_FOR)
        )
        .first()
    )
    if invitation is None:
        raise UnknownSurveyLink()
    await _answer(invitation["case_id"], answer.score, answer.comment, through="link")
    return SurveyAnswered()


async def _answer(
    case_id: UUID, score: int, comment: str, *, through: Literal["receipt", "link"]
) -> None:
    """Record the answer, then end the case's links: one answer per case, whichever way."""
    # Two answers racing meet at the survey's unique key: the second gets ``Conflict``.
    await answer_survey(case_id, SurveyIn(score=score, comment=comment), actor=PUBLIC_ACTOR)
    ended = await (
        SurveyInvitation.update({SurveyInvitation.used_at: datetime.now(UTC)})
        .where((SurveyInvitation.case_id == case_id) & SurveyInvitation.used_at.is_null())
        .returning(SurveyInvitation.id)
    )
    if ended:
        await audit.record(
            "case.survey_links_ended",
            actor=PUBLIC_ACTOR,
            case_id=case_id,
            detail={"through": through, "invitations": [str(row["id"]) for row in ended]},
        )
