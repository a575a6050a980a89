"""Reports under Vos estis lux mundi (Catholic Church; definitive text of 25 March 2023).

Universal Church law, so it applies to a Catholic body in either jurisdiction:

- art. 4 §3: no obligation to keep silent may be imposed on anyone about the
  contents of their report: the plugin's acknowledgement says so, positively;
- the report is kept confidential (art. 2) and the person it concerns is not told
  at the outset, only when the competent Dicastery asks (art. 12): the case is
  sealed and the accused (``accused_staff``) is excluded from it entirely;
- a report concerning the metropolitan, or where the metropolitan has a conflict
  of interest, goes to the senior suffragan bishop by promotion (art. 8 §2), and a
  conflicted authority recuses itself and tells the Dicastery (art. 12): the case
  is routed to the tenant's "next authority" team and flagged;
- the Dicastery gives its instructions within 30 days (art. 10 §2): a deadline
  shown, not chased (it is the Dicastery's to meet);
- the investigation is completed within 90 days or the term the instructions set
  (art. 14): a watched deadline, extended as the instructions allow; a status
  report goes to the Dicastery every 30 days (art. 12): tasks at days 30 and 60,
  and at 90 the conclusion, the acts and the votum (art. 17).

Days run from the report's receipt, the only day the organisation knows; strictly
the 30 days run from the Dicastery's receipt of the request and the 90 from the
assignment: extend the deadline to the term the instructions give. Article
numbers other than art. 4 §3 follow the 2019 text's numbering, which the 2023 text
is understood to keep: verify them against the definitive text.
"""

from __future__ import annotations

from core.sdk import (
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    FollowUpTask,
    RiskFlag,
    RouteSuggestion,
    ticked,
)
from plugins.religious.deadlines import days_after_receipt
from plugins.religious.intake import CONFLICT_OF_INTEREST, is_vel_report

VELM = "Vos estis lux mundi (2023)"
NO_SILENCE_CITATION = f"{VELM} art. 4 §3"
CONFIDENTIAL_CITATION = f"{VELM} art. 2 §2, art. 12 (verify article numbers)"
CONFLICT_CITATION = f"{VELM} art. 8 §2, art. 12 (verify article numbers)"
INSTRUCTIONS_CITATION = f"{VELM} art. 10 §2 (verify article number)"
INVESTIGATION_CITATION = f"{VELM} art. 14 (verify article number)"
STATUS_CITATION = f"{VELM} art. 12 (status report every 30 days; verify article number)"
CONCLUSION_CITATION = f"{VELM} art. 14, art. 17 (verify article numbers)"

DICASTERY_INSTRUCTIONS = "dicastery_instructions"
VEL_INVESTIGATION = "vel_investigation"
INSTRUCTIONS_DAYS = 30
INVESTIGATION_DAYS = 90
STATUS_REPORT_DAYS = (30, 60)

CONFLICT_FLAG = "vel_conflict_of_interest"

SEALED_REASON = (
    "report under Vos estis lux mundi: kept confidential, and the person it concerns is not"
    f" told at the outset ({CONFIDENTIAL_CITATION})"
)
EXCLUSION_REASON = (
    "the Vos estis report concerns them: the person under investigation is not told at the"
    f" outset, only when the competent Dicastery asks ({CONFIDENTIAL_CITATION})"
)
CONFLICT_REASON = (
    "Vos estis report: the authority who would receive it is the person accused or has a"
    " conflict of interest; it withdraws, and the next authority (the senior suffragan bishop"
    f" by promotion) receives the report ({CONFLICT_CITATION})"
)
STATUS_TASK = (
    "Vos estis status report to the Dicastery, day {day}: where the investigation stands and"
    " what is still to be done"
)
CONCLUSION_TASK = (
    "Vos estis investigation, day 90: conclude it and send the acts and the votum to the"
    " Dicastery, or ask it to extend the term"
)


def confidentiality(case: CaseView) -> tuple[ConfidentialityMinimum, ...]:
    """A Vos estis report is sealed."""
    return (ConfidentialityMinimum("sealed", SEALED_REASON),) if is_vel_report(case) else ()


def has_conflict(case: CaseView) -> bool:
    """A Vos estis report whose receiving authority is accused or conflicted."""
    return is_vel_report(case) and ticked(case, CONFLICT_OF_INTEREST)


def conflict_route(case: CaseView, team: str) -> RouteSuggestion | None:
    """A conflicted report goes to the next authority's team."""
    return RouteSuggestion(team=team, reason=CONFLICT_REASON) if has_conflict(case) else None


def flags(case: CaseView, team: str) -> tuple[RiskFlag, ...]:
    """A notice on a conflicted report, in case the tenant's own routing sent it elsewhere.

    The tenant's routing rules come before the plugin's suggestion.
    """
    if not has_conflict(case):
        return ()
    return (
        RiskFlag(
            code=CONFLICT_FLAG,
            message=f"Conflict of interest: {CONFLICT_REASON}. It belongs with the team"
            f" {team!r}; if it is anywhere else, move it there. Nobody who is conflicted handles"
            " it, and the Dicastery is told.",
            urgency="notice",
        ),
    )


def deadlines(case: CaseView, timezone: str) -> tuple[DeadlineRule, ...]:
    """The Dicastery's 30 days (shown) and the 90-day investigation (watched, extendable)."""
    if not is_vel_report(case):
        return ()
    return (
        DeadlineRule(
            kind=DICASTERY_INSTRUCTIONS,
            label="The Dicastery gives its instructions on how to proceed",
            due_at=days_after_receipt(case.received_at, INSTRUCTIONS_DAYS, timezone),
            citation=INSTRUCTIONS_CITATION,
            counting=f"end of the {INSTRUCTIONS_DAYS}th calendar day after receipt ({timezone})",
            pausable=False,
            # The Dicastery's time, not the organisation's: shown, never chased.
            watched=False,
        ),
        DeadlineRule(
            kind=VEL_INVESTIGATION,
            label="Complete the Vos estis investigation (90 days, or the term the Dicastery's"
            " instructions set: extend it to that term)",
            due_at=days_after_receipt(case.received_at, INVESTIGATION_DAYS, timezone),
            citation=INVESTIGATION_CITATION,
            counting=f"end of the {INVESTIGATION_DAYS}th calendar day after receipt ({timezone});"
            " extended as the Dicastery's instructions or its extension allow",
            pausable=False,
            max_extensions=None,
        ),
    )


def follow_up_tasks(case: CaseView, timezone: str) -> tuple[FollowUpTask, ...]:
    """Status reports to the Dicastery at days 30 and 60, and the conclusion at day 90."""
    if not is_vel_report(case):
        return ()
    reports = tuple(
        FollowUpTask(
            title=STATUS_TASK.format(day=day),
            due_at=days_after_receipt(case.received_at, day, timezone),
            citation=STATUS_CITATION,
        )
        for day in STATUS_REPORT_DAYS
    )
    conclusion = FollowUpTask(
        title=CONCLUSION_TASK,
        due_at=days_after_receipt(case.received_at, INVESTIGATION_DAYS, timezone),
        citation=CONCLUSION_CITATION,
    )
    return (*reports, conclusion)
