"""What the Prisoner Complaints Policy Framework (England and Wales) sets on a complaint.

- A complaint is made on a COMP1, answered on the reply target of 5 working days
  (marked (verify) in the sector rules: a tenant setting), and may be appealed
  on a COMP1A within 7 days; the appeal is answered on the same target.
- A COMP2 is confidential access to the Governor (or Director), for a serious
  or sensitive matter: the case is restricted to those handling it.
- The Prisons and Probation Ombudsman takes a complaint once the internal
  process is complete: after the COMP1A reply, or the COMP2 reply, which needs
  no appeal. The final reply names the Ombudsman and its website, and the
  prisoner has 3 months from it to complain there.
"""

from __future__ import annotations

from datetime import datetime

from core.sdk import CaseView, ConfidentialityMinimum, DeadlineRule, RequiredContent
from plugins.prisons.deadlines import (
    OMBUDSMAN_NO_REPLY_WEEKS,
    REPLY_WORKING_DAYS,
    ombudsman_window_ends,
    ombudsman_without_reply_from,
    reply_due,
)
from plugins.prisons.intake import COMP2, form

FRAMEWORK = "Prisoner Complaints Policy Framework (E&W)"
PPO = "Prisons and Probation Ombudsman"
PPO_WEBSITE = "ppo.gov.uk"

#: The appeal ladder: a COMP1 answer may be appealed on a COMP1A within 7 days,
#: answered on the reply target of 5 working days. (name, window days, response
#: days, counting, handler role)
APPEAL_LEVELS = (("COMP1A appeal", 7, 5, "business", "supervisor"),)

RESTRICTED_REASON = (
    "COMP2: confidential access to the Governor or Director on a serious or sensitive matter,"
    f" seen only by those handling it ({FRAMEWORK})"
)

#: What the final reply must carry: the Ombudsman and where to find it.
FINAL_REPLY_CONTENT = (
    RequiredContent(
        code="ppo_referral_right",
        description=f"the prisoner's right to complain to the {PPO} within 3 months of this"
        f" final reply ({FRAMEWORK})",
        phrases=(PPO,),
    ),
    RequiredContent(
        code="ppo_website",
        description=f"the Ombudsman's website, www.{PPO_WEBSITE}",
        phrases=(PPO_WEBSITE,),
    ),
)


def deadlines(case: CaseView, working_days: int = REPLY_WORKING_DAYS) -> tuple[DeadlineRule, ...]:
    """The reply to a COMP1 or COMP2, by the end of the 5th working day after receipt (London).

    The core's ``final_response``: it replaces the organisation's generic one and
    is met when the reply is sent. The framework has no clock stop.
    """
    name = "COMP2" if form(case) == COMP2 else "COMP1"
    return (
        DeadlineRule(
            kind="final_response",
            label=f"Reply to the {name} complaint (reply target)",
            due_at=reply_due(case.received_at, working_days),
            citation=FRAMEWORK,
            counting=f"end of the {_ordinal(working_days)} working day after the day of receipt"
            " (England and Wales: weekends, Good Friday, Christmas Day and bank holidays do not"
            " count; London)",
            pausable=False,
            met_by=("final_response",),
        ),
        DeadlineRule(
            kind="ombudsman_without_reply",
            label=f"No final reply by then: the prisoner may complain to the {PPO} without"
            " waiting for it",
            due_at=ombudsman_without_reply_from(case.received_at),
            citation=FRAMEWORK,
            counting=f"end of the London day {OMBUDSMAN_NO_REPLY_WEEKS} weeks after receipt; met"
            " by the final reply (a COMP2's reply, or the COMP1A answer)",
            pausable=False,
            # The prisoner's route, not the prison's target: shown, never chased.
            watched=False,
            met_by=("final_response",) if form(case) == COMP2 else ("appeal_response",),
        ),
    )


def confidentiality(case: CaseView) -> tuple[ConfidentialityMinimum, ...]:
    """A COMP2 is at least restricted; a COMP1 keeps the level the case has."""
    return (ConfidentialityMinimum("restricted", RESTRICTED_REASON),) if form(case) == COMP2 else ()


def ends_the_ladder(case: CaseView) -> bool:
    """Whether the case's current answer is the last the prison gives: the Ombudsman comes next.

    The COMP1A answer (the last appeal level) is; the first answer only to a COMP2,
    which needs no appeal before the Ombudsman.
    """
    return form(case) == COMP2 or case.appeal_level >= len(APPEAL_LEVELS)


def is_final_reply(case: CaseView, response_kind: str) -> bool:
    """Whether a reply of ``response_kind`` on ``case`` is the final reply."""
    return response_kind in ("final", "appeal") and ends_the_ladder(case)


def required_content(case: CaseView, response_kind: str) -> tuple[RequiredContent, ...]:
    """The Ombudsman's name and website in the final reply; nothing in any other."""
    return FINAL_REPLY_CONTENT if is_final_reply(case, response_kind) else ()


def reply_sent_at(case: CaseView) -> datetime | None:
    """When the reply of the case's current level was sent (None: not yet)."""
    for level in case.levels:
        if level.level == case.appeal_level:
            return level.answered_at
    return case.answered_at if case.appeal_level == 0 else None


def answer_deadlines(case: CaseView) -> tuple[DeadlineRule, ...]:
    """The prisoner's 3 months to go to the Ombudsman, once the final reply is sent.

    Started by the COMP1A answer (the appeal level that ends the ladder), or by
    the first answer to a COMP2. Shown, never chased: the prisoner's window.
    """
    replied_at = reply_sent_at(case)
    if not ends_the_ladder(case) or replied_at is None:
        return ()
    return (
        DeadlineRule(
            kind="ombudsman_window",
            label=f"The prisoner may complain to the {PPO} until",
            due_at=ombudsman_window_ends(replied_at),
            citation=FRAMEWORK,
            counting="end of the London day 3 months after the final reply (month ends clamp)",
            pausable=False,
            # The prisoner's window, not the prison's: nothing to chase.
            watched=False,
        ),
    )


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if number % 100 in (11, 12, 13) else suffix}"
