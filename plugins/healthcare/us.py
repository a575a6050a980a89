"""What CMS grievance rules and HIPAA set on a US case: its deadlines and flags.

A Medicare Advantage plan (42 CFR 422.564) or a Part D plan (42 CFR 423.564)
decides a grievance within 30 days of receipt, extendable by up to 14 days
with written reasons; an expedited grievance is answered within 24 hours (for
Part D only while the drug has not been obtained); a grievance is filed within
60 days of the event. A request for an accounting of disclosures (45 CFR
164.528) is not a grievance: it is acted on within 60 days, extendable once by
up to 30 days with a written statement.

Which rules apply is read from the intake fields when the case is registered.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.sdk import CaseView, DeadlineRule, RiskFlag, date_field
from plugins.healthcare.deadlines import (
    ACCOUNTING_EXTENSION_DAYS,
    GRIEVANCE_EXTENSION_DAYS,
    accounting_due,
    expedited_response_due,
    filing_window_ends,
    grievance_response_due,
)
from plugins.healthcare.intake import (
    EVENT_DATE,
    asks_expedited,
    drug_obtained,
    is_accounting_request,
)
from plugins.healthcare.reporting import long_date

MEDICARE_ADVANTAGE = "medicare_advantage"
PART_D = "part_d"
PLAN_TYPES = (MEDICARE_ADVANTAGE, PART_D)
ACCOUNTING_CITATION = "45 CFR 164.528(c)(1)"

EXPEDITED_FLAG = "expedited_grievance"
NOT_EXPEDITED_FLAG = "not_expedited_drug_obtained"
LATE_FILING_FLAG = "late_grievance"


def citation(plan_type: str, paragraph: str) -> str:
    """The grievance rule of the plan's part: "42 CFR 422.564(f)" or "42 CFR 423.564(f)"."""
    part = "423" if plan_type == PART_D else "422"
    return f"42 CFR {part}.564({paragraph})"


def is_expedited(case: CaseView, plan_type: str) -> bool:
    """A grievance registered as expedited, unless (Part D) the drug has been obtained."""
    if is_accounting_request(case) or not asks_expedited(case):
        return False
    return plan_type != PART_D or not drug_obtained(case)


def deadlines(
    case: CaseView, plan_type: str, timezone: str, *, roll_forward: bool = False
) -> tuple[DeadlineRule, ...]:
    """The one answer deadline the case has: the accounting, the expedited or the standard one.

    Each is of the core's kind "final_response", so it replaces the
    organisation's generic one and is met when the answer is sent. None is
    pausable: the rules have no clock stop. An extension the rules allow is given
    through the core's extension, with its reason, within the limit set here: one
    of up to 30 days for an accounting (164.528(c)(2)), up to 14 days for a
    grievance (422.564(e)(2), 423.564(e)(2)), none for an expedited one.
    """
    rolled = "; moved off weekends and federal holidays" if roll_forward else ""
    if is_accounting_request(case):
        rule = DeadlineRule(
            kind="final_response",
            label="Provide the accounting of disclosures (HIPAA)",
            due_at=accounting_due(case.received_at, timezone, roll_forward=roll_forward),
            citation=ACCOUNTING_CITATION,
            counting=f"end of the 60th day after receipt ({timezone}){rolled}; one extension of"
            f" up to {ACCOUNTING_EXTENSION_DAYS} days with a written statement of reasons and"
            " date",
            pausable=False,
            met_by=("final_response",),
            max_extension_days=ACCOUNTING_EXTENSION_DAYS,
            max_extensions=1,
        )
    elif is_expedited(case, plan_type):
        rule = DeadlineRule(
            kind="final_response",
            label="Respond to the expedited grievance",
            due_at=expedited_response_due(case.received_at),
            citation=citation(plan_type, "f"),
            counting="24 hours after receipt, to the minute",
            pausable=False,
            met_by=("final_response",),
            max_extensions=0,
        )
    else:
        rule = DeadlineRule(
            kind="final_response",
            label="Notify the enrollee of the decision on the grievance",
            due_at=grievance_response_due(case.received_at, timezone, roll_forward=roll_forward),
            citation=citation(plan_type, "e"),
            counting=f"end of the 30th day after receipt ({timezone}){rolled}; up to"
            f" {GRIEVANCE_EXTENSION_DAYS} days more with written reasons to the enrollee",
            pausable=False,
            met_by=("final_response",),
            max_extension_days=GRIEVANCE_EXTENSION_DAYS,
        )
    return (rule,)


def flags(case: CaseView, plan_type: str, timezone: str) -> tuple[RiskFlag, ...]:
    """A page for an expedited grievance; notices for a refused expedite and a late filing."""
    if is_accounting_request(case):
        return ()
    found: list[RiskFlag] = []
    if is_expedited(case, plan_type):
        due = expedited_response_due(case.received_at)
        found.append(
            RiskFlag(
                code=EXPEDITED_FLAG,
                message="Expedited grievance: respond within 24 hours of receipt, by"
                f" {_local(due, timezone)} ({citation(plan_type, 'f')}).",
                urgency="page",
            )
        )
    elif asks_expedited(case):
        found.append(
            RiskFlag(
                code=NOT_EXPEDITED_FLAG,
                message="Registered as expedited, but the enrollee has already obtained the drug:"
                f" under {citation(plan_type, 'f')} a Part D grievance is expedited only while"
                " the drug has not been obtained. It runs on the standard 30 days.",
                urgency="notice",
            )
        )
    event = date_field(case.fields, EVENT_DATE)
    received = case.received_at.astimezone(ZoneInfo(timezone)).date()
    if event is not None and received > filing_window_ends(event):
        found.append(
            RiskFlag(
                code=LATE_FILING_FLAG,
                message=f"Filed after the 60-day window ({citation(plan_type, 'd')}): the event"
                f" was on {long_date(event)}, so the grievance was due by"
                f" {long_date(filing_window_ends(event))}; it was received on"
                f" {long_date(received)}.",
                urgency="notice",
            )
        )
    return tuple(found)


def _local(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{long_date(local.date())}, {local:%H:%M} ({timezone})"
