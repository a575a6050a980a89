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
    FollowUpTask,
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
    INFORMAL,
    INFORMAL_NOT_TRIED,
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
#: 542.18: the Regional Director may extend once by 30 days, the General Counsel by 20.
APPEAL_EXTENSION_DAYS = {
    "BP-10 appeal to the Regional Director": 30,
    "BP-11 appeal to the General Counsel": 20,
}
APPEAL_CITATION = "28 CFR 542.15, 542.18"
#: The Regional Director's time to answer (542.18): for a BP-10, and for a sensitive
#: Request filed with the region directly (542.14(d)(1)).
REGIONAL_RESPONSE_DAYS = 30

EMERGENCY_FLAG = "prea_emergency"
VICTIM_AGREEMENT_MISSING_FLAG = "victim_agreement_missing"
VICTIM_DECLINED_FLAG = "victim_declined"
LATE_FILING_FLAG = "late_filing"
RETALIATION_WATCH_FLAG = "retaliation_watch"
NO_INFORMAL_RESOLUTION_FLAG = "no_informal_resolution"
FILED_FOR_ANOTHER_FLAG = "filed_for_another"
RETALIATION_CITATION = "28 CFR 115.67(c)"
#: 115.67(c): monitoring "for at least 90 days"; checks every 30 days.
RETALIATION_CHECK_DAYS = (30, 60, 90)

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
    through the core's extension with a written reason, within the limits set here:
    70 days in all for PREA (115.52(d)(3)), once by 20 (or 30 at the region) under
    542.18, none for an emergency.
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
                max_extensions=0,
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
                max_extensions=0,
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
                max_extension_days=PREA_EXTENSION_DAYS,
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
                max_extension_days=REGIONAL_RESPONSE_DAYS,
                max_extensions=1,
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
            max_extension_days=BOP_EXTENSION_DAYS,
            max_extensions=1,
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
            max_extension_days=APPEAL_EXTENSION_DAYS[name],
            max_extensions=1,
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
    found.extend(_bop_request_notices(case))
    if watched_for_retaliation(case):
        found.append(
            RiskFlag(
                code=RETALIATION_WATCH_FLAG,
                message="Retaliation watch: "
                + (
                    "the grievance names a member of staff."
                    if named_staff(case) is not None
                    else "the grievance reports sexual abuse or sexual harassment."
                )
                + " Monitor the inmate, and anyone who cooperated, for at least 90 days for"
                " retaliation (28 CFR 115.67(c)): checks at 30, 60 and 90 days are on the"
                " case's tasks.",
                urgency="notice",
            )
        )
    return tuple(found)


def watched_for_retaliation(case: CaseView) -> bool:
    """A grievance against staff, or one reporting sexual abuse (115.67(a))."""
    return named_staff(case) is not None or is_prea(case)


def follow_up_tasks(case: CaseView, timezone: str) -> tuple[FollowUpTask, ...]:
    """The retaliation checks of 115.67(c): at 30, 60 and 90 days after the grievance.

    Each is due at the end of its day (tenant's zone). The last asks whether the
    monitoring goes on: it must where the checks show a continuing need.
    """
    if not watched_for_retaliation(case):
        return ()
    checks = []
    for day in RETALIATION_CHECK_DAYS:
        last = day == RETALIATION_CHECK_DAYS[-1]
        checks.append(
            FollowUpTask(
                title=f"Retaliation check, day {day}: disciplinary reports, housing and"
                " program changes of the inmate; reassignments or negative reviews of staff"
                " who reported" + ("; decide whether monitoring must continue" if last else ""),
                due_at=days_after_receipt(case.received_at, day, timezone),
                citation=RETALIATION_CITATION,
            )
        )
    return tuple(checks)


def _bop_request_notices(case: CaseView) -> list[RiskFlag]:
    """A Request that skipped informal resolution, or that someone else filed (not PREA).

    28 CFR 542.13(a): staff first try to resolve the issue informally (the Warden may
    waive it, 542.13(b)); 542.16(a): an inmate may not submit a Request on behalf of
    another, though others may help the inmate prepare it (542.16(b)).
    """
    if is_prea(case) or is_sensitive(case):
        return []
    notices = []
    if case.fields.get(INFORMAL) == INFORMAL_NOT_TRIED:
        notices.append(
            RiskFlag(
                code=NO_INFORMAL_RESOLUTION_FLAG,
                message="No informal resolution was attempted before this Request: staff"
                " first try to resolve the issue informally (BP-8, 28 CFR 542.13(a)), unless"
                " the Warden waives it (542.13(b)). Record the waiver or the attempt.",
                urgency="notice",
            )
        )
    if filed_by_third_party(case):
        notices.append(
            RiskFlag(
                code=FILED_FOR_ANOTHER_FLAG,
                message="Filed by someone other than the inmate: a Request is the inmate's own"
                " (28 CFR 542.16(a)); others may help prepare it (542.16(b)). Confirm the"
                " inmate submits it. PREA grievances are different: third parties may file them"
                " (115.52(e)).",
                urgency="notice",
            )
        )
    return notices


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
