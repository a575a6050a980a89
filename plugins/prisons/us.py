"""What PREA and the Bureau of Prisons' remedy rules set on a US grievance.

PREA, 28 CFR 115.52 (grievances alleging sexual abuse; the plugin applies it to
sexual harassment too, as many agencies' policies do):

- (b)(1) no time limit on filing: no late flag, however old the incident;
- (c) never referred to the staff member who is its subject: excluded, and the
  case sealed (with 115.61(b): what is reported is shared only as far as
  treatment, investigation and security decisions need);
- (d) a final agency decision within 90 days of filing; the time the inmate
  spends preparing an appeal is not counted (staff put the case on hold for it);
  up to 70 days more with written notice; no answer in time may be taken as a
  denial at that level;
- (e) third parties may file; the facility may make the alleged victim's
  agreement a condition of processing, and documents a refusal;
- (f) an emergency grievance (substantial risk of imminent sexual abuse): an
  initial response within 48 hours, a final decision within 5 calendar days.

28 CFR 115.67: whoever reports is monitored for retaliation for at least 90 days.

Other grievances follow the Bureau of Prisons' administrative remedy program
(28 CFR 542): a Request (BP-9) is filed within 20 calendar days of the event
(542.14(a)) and answered within 20 calendar days (542.18, once extendable by 20).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.sdk import (
    AppealLevel,
    CaseView,
    ConfidentialityMinimum,
    DeadlineRule,
    RiskFlag,
    StaffExclusion,
    date_field,
    long_date,
)
from plugins.prisons.deadlines import (
    BOP_EXTENSION_DAYS,
    PREA_DECISION_DAYS,
    PREA_EXTENSION_DAYS,
    bop_filing_window_ends,
    bop_response_due,
    days_after_receipt,
    emergency_decision_due,
    emergency_initial_response_due,
    local_date,
    prea_decision_due,
)
from plugins.prisons.intake import (
    INCIDENT_DATE,
    filed_by_third_party,
    is_emergency,
    is_prea,
    is_sensitive,
    named_staff,
    victim_agreement,
)

PREA_DECISION_CITATION = "28 CFR 115.52(d)"
PREA_EMERGENCY_CITATION = "28 CFR 115.52(f)"
BOP_RESPONSE_CITATION = "28 CFR 542.18"

#: The Bureau of Prisons' appeal ladder, 28 CFR 542.15 and 542.18: BP-10 to the Regional
#: Director within 20 days of the Warden's answer, answered in 30 days; BP-11 to the
#: General Counsel within 30 days, answered in 40 days (calendar days). (name, window
#: days, response days, counting, handler role)
APPEAL_LEVELS = (
    ("BP-10 appeal to the Regional Director", 20, 30, "calendar", "supervisor"),
    ("BP-11 appeal to the General Counsel", 30, 40, "calendar", "tenant-admin"),
)
APPEAL_CITATION = "28 CFR 542.15, 542.18"
#: The Regional Director's time to answer (542.18): for a BP-10, and for a sensitive
#: Request filed with the region directly (542.14(d)(1)).
REGIONAL_RESPONSE_DAYS = 30

EMERGENCY_FLAG = "prea_emergency"
VICTIM_AGREEMENT_MISSING_FLAG = "victim_agreement_missing"
VICTIM_DECLINED_FLAG = "victim_declined"
LATE_FILING_FLAG = "late_filing"
RETALIATION_WATCH_FLAG = "retaliation_watch"

SEALED_REASON = (
    "PREA grievance alleging sexual abuse or sexual harassment: never referred to the staff"
    " member it concerns (28 CFR 115.52(c)); information shared only as far as treatment,"
    " investigation and security decisions need (28 CFR 115.61(b))"
)
EXCLUSION_REASON = (
    "the PREA grievance is about them: it is not referred to the staff member who is its"
    " subject (28 CFR 115.52(c)(2))"
)


def deadlines(
    case: CaseView, timezone: str, *, roll_forward: bool = False
) -> tuple[DeadlineRule, ...]:
    """The answer deadlines of a PREA, PREA emergency or Bureau of Prisons grievance.

    Each sets the core's ``final_response``, so it replaces the organisation's
    generic one and is met when the answer is sent. The PREA 90 days are
    pausable: the time the inmate spends preparing an appeal is excluded
    (115.52(d)(2)) by putting the case on hold with that reason. Extensions go
    through the core's extension with a written reason; the core cannot cap them,
    so the 70 days of 115.52(d)(3) and the 20 days of 542.18 are the handler's to keep.
    """
    rolled = "; moved off weekends and federal holidays" if roll_forward else ""
    if is_emergency(case):
        return (
            DeadlineRule(
                kind="initial_response",
                label="Initial response to the PREA emergency grievance: is the inmate at"
                " substantial risk of imminent sexual abuse, and what was done",
                due_at=emergency_initial_response_due(case.received_at),
                citation=PREA_EMERGENCY_CITATION + "(2)",
                counting="48 hours after receipt, to the minute",
                pausable=False,
                met_by=("holding_response", "final_response"),
            ),
            DeadlineRule(
                kind="final_response",
                label="Final agency decision on the PREA emergency grievance (no decision in"
                " time may be taken as a denial at that level, 115.52(d)(4))",
                due_at=emergency_decision_due(case.received_at, timezone),
                citation=PREA_EMERGENCY_CITATION + "(2)",
                counting=f"end of the 5th calendar day after receipt ({timezone}); never"
                " rolled forward",
                pausable=False,
                met_by=("final_response",),
                deemed_denial=True,
            ),
        )
    if is_prea(case):
        return (
            DeadlineRule(
                kind="final_response",
                label="Final agency decision on the PREA grievance (no decision in time may be"
                " taken as a denial at that level, 115.52(d)(4))",
                due_at=prea_decision_due(case.received_at, timezone, roll_forward=roll_forward),
                citation=PREA_DECISION_CITATION,
                counting=f"end of the 90th day after filing ({timezone}){rolled}; appeal"
                f" preparation excluded (put on hold); up to {PREA_EXTENSION_DAYS} days more"
                " with written notice",
                pausable=True,
                met_by=("final_response",),
                deemed_denial=True,
            ),
        )
    if is_sensitive(case):
        return (
            DeadlineRule(
                kind="final_response",
                label="Regional Director's response to the sensitive Request filed directly"
                " with the region (542.14(d)(1)); no response in time may be taken as a denial"
                " at that level (542.18)",
                due_at=days_after_receipt(
                    case.received_at, REGIONAL_RESPONSE_DAYS, timezone, roll_forward=roll_forward
                ),
                citation="28 CFR 542.14(d)(1), 542.18",
                counting=f"end of the {REGIONAL_RESPONSE_DAYS}th calendar day after the Request"
                f" was logged ({timezone}){rolled}; one extension of {REGIONAL_RESPONSE_DAYS}"
                " days with written notice to the inmate",
                pausable=False,
                met_by=("final_response",),
                deemed_denial=True,
            ),
        )
    return (
        DeadlineRule(
            kind="final_response",
            label="Warden's response to the Request for Administrative Remedy (BP-9); no"
            " response in time may be taken as a denial at that level (542.18)",
            due_at=bop_response_due(case.received_at, timezone, roll_forward=roll_forward),
            citation=BOP_RESPONSE_CITATION,
            counting=f"end of the 20th calendar day after the Request was logged"
            f" ({timezone}){rolled}; one extension of {BOP_EXTENSION_DAYS} days with written"
            " notice to the inmate",
            pausable=False,
            met_by=("final_response",),
            deemed_denial=True,
        ),
    )


def appeal_levels(case: CaseView, timezone: str) -> tuple[AppealLevel, ...]:
    """The appeals left to a US grievance, each open once its level is deemed denied.

    A sensitive Request was answered by the Regional Director (542.14(d)(1)): only
    the BP-11 is left. A PREA grievance's final agency decision is due within 90 days
    of filing, not counting the time the inmate spends preparing an appeal
    (115.52(d)(1), (2)): each appeal level is given the days of the 90 that the
    levels before it left, if fewer than its own (counted from the day each level
    opened to the day it was answered, or deemed denied).
    """
    rungs = APPEAL_LEVELS[1:] if is_sensitive(case) and not is_prea(case) else APPEAL_LEVELS
    left = prea_days_left(case, timezone) if is_prea(case) else None
    return tuple(
        AppealLevel(
            name=name,
            window_days=window,
            response_days=max(1, min(response, left)) if left is not None else response,
            counting="calendar",
            handler_role=role,
            citation=APPEAL_CITATION if left is None else f"{APPEAL_CITATION}; 115.52(d)",
            deemed_denial=True,
        )
        for name, window, response, _counting, role in rungs
    )


def prea_days_left(case: CaseView, timezone: str) -> int:
    """The days of the PREA 90 not used by the levels decided so far.

    A level uses the calendar days (in ``timezone``) from the day it opened to the
    day it was answered or deemed denied; the days between an answer and the next
    appeal are the inmate's preparation and are not counted.
    """
    used = 0
    for level in case.levels:
        ended = level.answered_at or level.deemed_denied_at
        if ended is not None:
            opened = local_date(level.opened_at, timezone)
            used += (local_date(ended, timezone) - opened).days
    return PREA_DECISION_DAYS - used


def flags(case: CaseView, timezone: str) -> tuple[RiskFlag, ...]:
    """A page for a PREA emergency; notices: third-party filing, late BP-9, named officer."""
    found: list[RiskFlag] = []
    if is_emergency(case):
        initial = emergency_initial_response_due(case.received_at)
        decision = emergency_decision_due(case.received_at, timezone)
        found.append(
            RiskFlag(
                code=EMERGENCY_FLAG,
                message="Substantial risk of imminent sexual abuse: the duty supervisor acts now."
                " Forward it at once to where immediate corrective action can be taken; initial"
                f" response by {_local(initial, timezone)}, final decision by the end of"
                f" {long_date(decision.date())} ({PREA_EMERGENCY_CITATION}).",
                urgency="page",
            )
        )
    if is_prea(case) and filed_by_third_party(case):
        agrees = victim_agreement(case)
        if agrees is None:
            found.append(
                RiskFlag(
                    code=VICTIM_AGREEMENT_MISSING_FLAG,
                    message="Filed by a third party on the alleged victim's behalf: record"
                    " whether the alleged victim agrees to have it processed (victim_agrees;"
                    " 28 CFR 115.52(e)(2)).",
                    urgency="notice",
                )
            )
        elif agrees is False:
            found.append(
                RiskFlag(
                    code=VICTIM_DECLINED_FLAG,
                    message="The alleged victim does not agree to this third-party filing:"
                    " document their decision (28 CFR 115.52(e)(3)). Where the facility makes"
                    " the victim's agreement a condition of processing (115.52(e)(2)), the"
                    " grievance is not processed further unless the victim agrees.",
                    urgency="notice",
                )
            )
    late = _late_filing(case, timezone)
    if late is not None:
        found.append(late)
    if named_staff(case) is not None:
        found.append(
            RiskFlag(
                code=RETALIATION_WATCH_FLAG,
                message="Retaliation watch: the grievance names a member of staff. Monitor the"
                " inmate, and anyone who cooperated, for at least 90 days for retaliation (28"
                " CFR 115.67(c)); Querela does not create the follow-up task yet.",
                urgency="notice",
            )
        )
    return tuple(found)


def _late_filing(case: CaseView, timezone: str) -> RiskFlag | None:
    """A notice on a Request received more than 20 calendar days after the incident.

    Never on a PREA grievance: it has no time limit (115.52(b)(1)).
    """
    incident = date_field(case.fields, INCIDENT_DATE)
    if incident is None or is_prea(case):
        return None
    received = local_date(case.received_at, timezone)
    last_day = bop_filing_window_ends(incident)
    if received <= last_day:
        return None
    return RiskFlag(
        code=LATE_FILING_FLAG,
        message="Filed after the 20 calendar days of 28 CFR 542.14(a): the incident was on"
        f" {long_date(incident)}, so the Request was due by {long_date(last_day)}; it was"
        f" received on {long_date(received)}. A valid reason for the delay may extend the time"
        " (542.14(b)): record it on the case.",
        urgency="notice",
    )


def confidentiality(case: CaseView) -> tuple[ConfidentialityMinimum, ...]:
    """A PREA grievance is sealed; others keep the level the case has."""
    return (ConfidentialityMinimum("sealed", SEALED_REASON),) if is_prea(case) else ()


def exclusions(case: CaseView) -> tuple[StaffExclusion, ...]:
    """The member of staff a PREA grievance names never handles or sees it (115.52(c)(2))."""
    email = named_staff(case)
    if email is None or not is_prea(case):
        return ()
    return (StaffExclusion(email=email, reason=EXCLUSION_REASON),)


def _local(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{long_date(local.date())}, {local:%H:%M} ({timezone})"
