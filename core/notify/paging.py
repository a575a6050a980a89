"""Paging supervisors about a risk on a case, the moment it is flagged.

A risk flag of urgency ``page`` means a supervisor must know now, not when they
next open the case: each flag becomes one urgent e-mail and one in-app notice
to every supervisor of the case, written in the transaction that raises the flag.
"""

from __future__ import annotations

from uuid import UUID

from core.audit import services as audit
from core.cases.tables import Case, CaseFlag
from core.errors import NotFound
from core.notify.services import notify

# A module import, not a name: routing imports the case services, which call us.
from core.routing import services as routing

#: The kind of notice a page is, in lists and in the outbox.
RISK_PAGE = "risk_page"


async def page_risk_flags(case_id: UUID) -> int:
    """Page the case's supervisors once for each open risk flag that asks for it.

    Called right after registration, in its transaction; returns the pages sent.
    """
    flags = (
        await CaseFlag.select(CaseFlag.source, CaseFlag.code, CaseFlag.message)
        .where(
            (CaseFlag.case_id == case_id)
            & (CaseFlag.kind == "risk")
            & (CaseFlag.urgency == "page")
            & CaseFlag.cleared_at.is_null()
        )
        .order_by(CaseFlag.raised_at)
        .order_by(CaseFlag.id)
    )
    if not flags:
        return 0
    case = await Case.select(Case.reference).where(Case.id == case_id).first()
    if case is None:
        raise NotFound("no such case")
    sent = 0
    for flag in flags:
        sent += await page_supervisors(
            case_id,
            reference=case["reference"],
            code=flag["code"],
            message=flag["message"],
            actor=f"plugin:{flag['source']}",
        )
    return sent


async def page_supervisors(
    case_id: UUID, *, reference: str, code: str, message: str, actor: str
) -> int:
    """Page the case's supervisors about the risk ``code``; return how many were reached."""
    supervisors = await routing.supervisors_of(case_id)
    reached = await notify(
        recipients=supervisors,
        kind=RISK_PAGE,
        subject=f"Risk on {reference}: {code}",
        body=f"{message}\n\nCase {reference} was flagged ({code}) and needs a supervisor now.",
        case_id=case_id,
        actor=actor,
        urgent=True,
    )
    await audit.record(
        "case.supervisors_paged",
        actor=actor,
        case_id=case_id,
        detail={"code": code, "reached": reached},
    )
    return reached
