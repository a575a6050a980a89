"""What the NHS complaints regulations (England) set on a case: its deadlines and flags.

SI 2009/309: the acknowledgement within 3 working days (reg. 13), the response
within 6 months (reg. 14), the 12-month time limit for complaining (reg. 12),
and the oral complaint resolved by the next working day, which is outside the
regulations (reg. 8(1)(c)). The dates come from ``deadlines.py``; the facts from
the intake fields (``intake.py``), read when the case is registered.
"""

from __future__ import annotations

from core.sdk import CaseView, DeadlineRule, RiskFlag, date_field
from plugins.healthcare.deadlines import (
    acknowledgement_due,
    complaint_time_limit,
    london_date,
    response_due,
)
from plugins.healthcare.handling import LATE_DECISION
from plugins.healthcare.intake import AWARE_DATE, EVENT_DATE, outside_regulations
from plugins.healthcare.reporting import long_date

REGULATIONS = "SI 2009/309"
ACKNOWLEDGEMENT_CITATION = f"{REGULATIONS} reg. 13"
RESPONSE_CITATION = f"{REGULATIONS} reg. 14"
TIME_LIMIT_CITATION = f"{REGULATIONS} reg. 12"
OUTSIDE_CITATION = f"{REGULATIONS} reg. 8(1)(c)"
LATE_FLAG = "late_complaint"

_OUTSIDE = " (not required: oral complaint resolved by the next working day, reg. 8(1)(c))"


def deadlines(case: CaseView) -> tuple[DeadlineRule, ...]:
    """The acknowledgement and the 6-month response; shown unwatched for a case outside the rules.

    Both are the core's own kinds, so they replace the organisation's generic
    deadlines; the core marks them met when the acknowledgement, or the answer,
    is sent. The regulations have no clock stop, so neither is pausable. An oral
    complaint resolved by the next working day (reg. 8(1)(c)) keeps both for
    reference, unwatched, with a label that says why.
    """
    outside = outside_regulations(case)
    suffix = _OUTSIDE if outside else ""
    return (
        DeadlineRule(
            kind="acknowledgement",
            label="Acknowledge the complaint and offer to discuss its handling" + suffix,
            due_at=acknowledgement_due(case.received_at),
            citation=ACKNOWLEDGEMENT_CITATION,
            counting="end of the 3rd working day after the day of receipt (England: weekends,"
            " Christmas Day, Good Friday and bank holidays do not count)",
            pausable=False,
            watched=not outside,
            met_by=("acknowledgement",),
        ),
        DeadlineRule(
            kind="final_response",
            label="Send the response signed by the responsible person" + suffix,
            due_at=response_due(case.received_at),
            citation=RESPONSE_CITATION,
            counting="end of the 6 months beginning on the day of receipt (London); a longer"
            " period agreed with the complainant before then is an extension with a reason",
            pausable=False,
            watched=not outside,
            met_by=("final_response",),
        ),
    )


def flags(case: CaseView) -> tuple[RiskFlag, ...]:
    """A notice on a complaint made after the 12-month limit, until the decision is recorded.

    Not raised for a complaint outside the regulations, nor when neither date is
    known, nor once staff have recorded the decision (``late_decision``).
    """
    if outside_regulations(case) or case.fields.get(LATE_DECISION):
        return ()
    event, aware = date_field(case.fields, EVENT_DATE), date_field(case.fields, AWARE_DATE)
    limit = complaint_time_limit(event, aware)
    if limit is None or london_date(case.received_at) <= limit:
        return ()
    known = [f"the event ({long_date(event)})"] if event else []
    if aware and (event is None or aware > event):
        known.append(f"when it came to the complainant's notice ({long_date(aware)})")
    return (
        RiskFlag(
            code=LATE_FLAG,
            message=f"Made after the 12-month time limit ({TIME_LIMIT_CITATION}): the limit was"
            f" {long_date(limit)}, 12 months after {' or, later, '.join(known)}. Decide whether"
            " to accept it (the complainant had good reasons for the delay and it can still be"
            " investigated effectively and fairly) and record the decision and its reasons"
            " (late_decision, late_decision_reason).",
            urgency="notice",
        ),
    )
