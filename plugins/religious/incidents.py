"""The religious bodies' serious incident reports: drafts for the trustees' report.

``serious-incident-reports``: for any period, one line per case marked
``serious_incident`` received in it, oldest first: a draft the trustees complete
and send to the Charity Commission ("How to report a serious incident in your
charity"). It holds what Querela records, no names and no narrative: what kind of
incident, who is affected (the victim group), whether the police were told and a
crime reference is recorded (yes or no: ``police_reference`` is sensitive, its
value never reaches a report), the statutory and DSA referral dates, and the
case's status and outcome; columns Querela does not hold are left empty for the
trustees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from core.sdk import CaseView, ReportDefinition, ReportOutput, long_date, report_period, ticked
from plugins.religious.intake import (
    ACCUSED_STAFF,
    CONCERN_TYPE,
    POLICE_REFERENCE,
    REFERRED_DSA_ON,
    REFERRED_STATUTORY_ON,
    SERIOUS_INCIDENT,
    in_immediate_danger,
)
from plugins.religious.reading import (
    ABUSE_TYPES,
    ACCUSED_ROLES,
    NOT_RECORDED_LABEL,
    VICTIM_GROUPS,
    abuse_types,
    accused_role,
    diocese,
    is_recorded,
    local_day,
    received_in,
    recorded_date,
    victim_group,
)
from plugins.religious.safeguarding import POLICE_CONTACT
from plugins.religious.taxonomy import COMPLAINT

INCIDENTS_CODE = "serious-incident-reports"
INCIDENTS_CITATION = "Charity Commission: How to report a serious incident in your charity"

# The codes are the rules' (taxonomy.py); the labels are the drafts' own, shorter than the
# taxonomy's ("Complaint about a member of the clergy's conduct"). An unknown code is printed
# "Not recorded", where the rules would read it as a complaint.
CONCERN_TYPES = {
    "safeguarding": "Safeguarding concern",
    "clergy_conduct": "Clergy conduct",
    "vel_report": "Vos estis lux mundi report",
    "complaint": "Complaint",
}
OUTCOMES = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}

#: Columns Querela does not hold, left empty for the trustees to complete.
BY_HAND = (
    "what_happened",
    "trustees_informed_on",
    "reported_to_commission_on",
    "other_regulators_insurers_funders_told",
    "media_interest",
)
INCIDENT_COLUMNS = (
    "reference",
    "date_received",
    "diocese",
    "concern_type",
    "abuse_types",
    "victim_group",
    "immediate_risk",
    "about_member_of_organisation",
    "accused_role",
    "police_informed",
    "police_informed_on",
    "crime_reference_recorded",
    "statutory_referral_on",
    "dsa_referral_on",
    "status",
    "outcome",
    "closed_on",
    *BY_HAND,
)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _referral_on(case: CaseView, name: str) -> str:
    """The referral's date; "recorded" for a value that is not a date; empty for none."""
    day = recorded_date(case, name)
    if day is not None:
        return day.isoformat()
    return "recorded" if is_recorded(case, name) else ""


def incident_line(case: CaseView, zone: ZoneInfo) -> list[str]:
    """The case's draft line: what Querela records of it, as it is now; no names."""
    police = case.deadline(POLICE_CONTACT)
    told_on = police.met_at if police is not None else None
    crime_reference = POLICE_REFERENCE in case.recorded
    kind = case.fields.get(CONCERN_TYPE) or COMPLAINT
    role = accused_role(case)
    kinds = abuse_types(case)
    return [
        case.reference,
        local_day(case.received_at, zone).isoformat(),
        diocese(case) or NOT_RECORDED_LABEL,
        CONCERN_TYPES.get(str(kind), NOT_RECORDED_LABEL),
        "; ".join(ABUSE_TYPES[k] for k in kinds) or NOT_RECORDED_LABEL,
        VICTIM_GROUPS[victim_group(case)],
        _yes(in_immediate_danger(case)),
        _yes(ACCUSED_STAFF in case.recorded),
        ACCUSED_ROLES[role] if role else NOT_RECORDED_LABEL,
        "yes" if told_on is not None or crime_reference else NOT_RECORDED_LABEL.lower(),
        "" if told_on is None else local_day(told_on, zone).isoformat(),
        _yes(crime_reference),
        _referral_on(case, REFERRED_STATUTORY_ON),
        _referral_on(case, REFERRED_DSA_ON),
        case.status,
        OUTCOMES.get(str(case.outcome), ""),
        "" if case.closed_at is None else local_day(case.closed_at, zone).isoformat(),
        *("" for _ in BY_HAND),
    ]


def serious_incidents(
    cases: Iterable[CaseView], start: date, end: date, timezone: str
) -> ReportOutput:
    """One draft line per serious incident received from ``start`` to ``end`` (in ``timezone``)."""
    zone = ZoneInfo(timezone)
    incidents = sorted(
        (c for c in cases if ticked(c, SERIOUS_INCIDENT) and received_in(c, start, end, zone)),
        key=lambda c: (local_day(c.received_at, zone), c.reference),
    )
    return ReportOutput(
        code=INCIDENTS_CODE,
        columns=INCIDENT_COLUMNS,
        rows=[incident_line(c, zone) for c in incidents],
        title=f"Serious incident reports (draft), {long_date(start)} to {long_date(end)}",
        notes=_incident_notes(start, end, timezone),
    )


def _incident_notes(start: date, end: date, timezone: str) -> tuple[str, ...]:
    return (
        f"Draft serious incident reports ({INCIDENTS_CITATION}): one line per case marked as a"
        f" serious incident received {long_date(start)} to {long_date(end)}, dates in"
        f" {timezone}, both days included; oldest first.",
        "The Commission asks the trustees for a prompt, full and frank report of what happened"
        " and how the charity is dealing with it, even when the police or another regulator has"
        " been told. Responsibility rests with the trustees; the report goes to the Commission"
        " on their authority. These lines are a starting point, not the report.",
        "No names and no narrative: Querela gives reports neither. Victim group: child,"
        " vulnerable adult, adult or not known. About a member of the organisation: a member is"
        " recorded as the person the concern is about (never who); accused role: their role.",
        "Police informed: 'yes' when the case's police contact deadline was met (police"
        " informed on: that day) or a crime reference is recorded; otherwise 'not recorded',"
        " which does not mean the police were not told. Crime reference recorded: yes or no"
        " only; the reference itself is sensitive and never printed.",
        "Statutory referral on / DSA referral on: the dates recorded of the referral to the"
        " police or social services and to the Diocesan Safeguarding Adviser; 'recorded' when"
        " the value is not a date.",
        "Status, outcome, closed on: the case as it stands when the report is made; outcome is"
        " the approved outcome of the first decision, empty while there is none.",
        "Left empty for the trustees, who hold what Querela does not: what happened (in words"
        " fit to send), trustees informed on, reported to the Commission on, other regulators,"
        " insurers or funders told, media interest; and the actions the charity is taking"
        " beyond the case's status.",
    )


def incidents_definition() -> ReportDefinition:
    """The serious incident drafts as the reports page lists them."""
    return ReportDefinition(
        code=INCIDENTS_CODE,
        title="Serious incident reports (draft)",
        description="One line per serious incident received in the period, for the trustees'"
        " report to the Charity Commission: kind of incident, who is affected, police and crime"
        " reference (yes or no), statutory and DSA referrals, status and outcome, and empty"
        " columns for what the trustees add. No names.",
        citation=INCIDENTS_CITATION,
    )


def incidents_report(
    cases: Sequence[CaseView], parameters: Mapping[str, object], timezone: str
) -> ReportOutput:
    """The drafts for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return serious_incidents(cases, start, end, timezone)
