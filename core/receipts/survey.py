"""Survey invitations: a one-time link to a closed case's satisfaction survey, by e-mail.

Complainants who left an e-mail address get a link when their case closes
(those without one answer through their receipt). The
link has to carry its secret, and an e-mail link can carry it only in its URL,
which proxies and access logs keep. So the link is ``/s/<token>``:

- the page behind it is a plain form (no JavaScript) that holds the token in a
  hidden field; the answer is a POST to ``/s`` whose body carries it, so the
  token is in a URL only for that one page view;
- the token is single-use: answering the survey, through the link or through
  the receipt, ends every link of the case, so a link found in a log afterwards
  opens nothing; an unused link ends after ``INVITATION_VALID_FOR``;
- the token is 256 random bits and only its SHA-256 is stored, as with
  receipts; a wrong, used or expired token is one and the same 404, answered
  after the receipts' time floor and counted against their guessing limits.

Answers are taken in ``core.receipts.survey_answers``. This module imports no
lifecycle services, so the close step can import ``invite_to_survey`` from it.

The e-mail itself must not leave the token anywhere staff can read it, or the
staff could answer their own satisfaction survey: it is queued without
recording its text as correspondence, and the case's timeline gets a copy of
the letter with the link withheld.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from core.audit import services as audit
from core.cases.sealed_rows import add_correspondence, complainant_of
from core.cases.tables import Case
from core.errors import NotFound
from core.ids import uuid7
from core.letters.services import compose
from core.lifecycle.tables import CaseSurvey
from core.mail.outbox import queue_email
from core.receipts.tables import SurveyInvitation
from core.settings import Settings
from core.tenancy.context import current_tenant

#: The public page a survey link opens: ``<tenant host>/s/<token>``; its form posts to this path.
SURVEY_PAGE = "/s"
#: Random bytes in a survey token: 256 bits, as in a receipt.
TOKEN_BYTES = 32
#: How long an unused link works.
INVITATION_VALID_FOR = timedelta(days=90)
#: What the case's timeline shows in place of the link.
WITHHELD_LINK = "[personal survey link, not kept]"


def new_survey_token() -> str:
    """Return a fresh token for a survey link: 43 URL-safe characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def survey_token_hash(token: str) -> str:
    """Return the stored form of a survey token: the SHA-256 of its text."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


async def invite_to_survey(case_id: UUID, *, actor: str) -> bool:
    """E-mail the complainant a one-time link to the case's survey; return whether one went out.

    Nothing goes out when the complainant left no e-mail address or the survey
    has been answered already. Call it in the transaction that closes the case,
    so that the invitation goes with the close or not at all; it does not check
    the status itself, because the close step runs before the new status is
    written. A case closed again after an appeal gets a new link.
    """
    case = (
        await Case.select(Case.reference, Case.subject, Case.language, Case.received_at)
        .where(Case.id == case_id)
        .first()
    )
    if case is None:
        raise NotFound("no such case")
    if await CaseSurvey.exists().where(CaseSurvey.case_id == case_id):
        return False
    complainant = await complainant_of(case_id)
    if complainant is None or complainant["anonymous"] or not complainant["email"]:
        return False
    tenant = current_tenant()
    token = new_survey_token()
    invitation_id = uuid7()
    await SurveyInvitation.insert(
        SurveyInvitation(
            id=invitation_id,
            tenant_id=tenant.id,
            case_id=case_id,
            token_hash=survey_token_hash(token),
            created_at=datetime.now(UTC),
        )
    )
    link = f"{Settings.from_env().tenant_url(tenant.slug)}{SURVEY_PAGE}/{token}"
    letter = await compose(
        "survey_invitation", case["language"], _variables(case, complainant, link)
    )
    # Without a case id the outbox keeps the text out of the correspondence; see the module.
    outbox_id = await queue_email(
        kind="survey_invitation",
        to=complainant["email"],
        subject=letter.subject,
        body=letter.body,
        actor=actor,
    )
    kept = await compose(
        "survey_invitation", case["language"], _variables(case, complainant, WITHHELD_LINK)
    )
    now = datetime.now(UTC)
    await add_correspondence(
        case_id, direction="outbound", channel="email", body=kept.body, occurred_at=now
    )
    await audit.record(
        "case.survey_invited",
        actor=actor,
        case_id=case_id,
        detail={
            "invitation_id": str(invitation_id),
            "outbox_id": str(outbox_id),
            "language": letter.language,
        },
    )
    return True


def _variables(case: dict[str, Any], complainant: dict[str, Any], link: str) -> dict[str, Any]:
    tenant = current_tenant()
    return {
        "reference": case["reference"],
        "organisation": tenant.name,
        "complainant": complainant["display_name"] or "complainant",
        "received_date": case["received_at"].astimezone(tenant.zone).date().isoformat(),
        "subject": case["subject"],
        "survey_link": link,
    }
