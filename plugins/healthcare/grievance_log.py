"""The grievance log a US health plan keeps: one line per grievance received.

The record follows 42 CFR 438.416(b), the minimum record of a grievance (a
general description of its reason, the date received, the date of each review,
the resolution and the date of resolution at each level, and the name of the
person it was filed for); Medicare plans keep grievance records under 42 CFR
422.564(g) and 423.564(g) (verify). The log carries what a case view holds:

- reference: the case's reference. The member's name stays on the case, behind
  the case's confidentiality; the reference leads to it;
- grievance_type: the CMS category staff recorded, as its label (the general
  reason);
- date_received: the tenant's own date;
- expedited: "yes" when the grievance ran on the 24-hour clock;
- date_resolved: when the decision was sent (else, for a case closed without one,
  when it was closed); empty while open;
- resolution: the approved outcome, or "Closed without a decision".

Not in the log: the dates of each review, and whether the time was extended
(both are on the case). A request for an accounting of disclosures is not a
grievance and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from core.sdk import CaseView, ReportDefinition, ReportOutput
from plugins.healthcare.handling import GRIEVANCE_TYPE
from plugins.healthcare.intake import is_accounting_request
from plugins.healthcare.reporting import label_of, long_date, report_period
from plugins.healthcare.taxonomy import GRIEVANCE_TYPES, labels
from plugins.healthcare.us import is_expedited

CODE = "medicare-grievance-log"
CITATION = "42 CFR 438.416(b); 42 CFR 422.564(g), 423.564(g)"
COLUMNS = (
    "reference",
    "grievance_type",
    "date_received",
    "expedited",
    "date_resolved",
    "resolution",
)
RESOLUTIONS = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}
CLOSED_WITHOUT_DECISION = "Closed without a decision"


def resolution(case: CaseView, zone: ZoneInfo) -> tuple[str, str]:
    """The date resolved (ISO) and what the resolution was; both empty while open."""
    if case.answered_at is not None:
        return case.answered_at.astimezone(zone).date().isoformat(), label_of(
            RESOLUTIONS, case.outcome
        )
    if case.closed_at is not None:
        return case.closed_at.astimezone(zone).date().isoformat(), CLOSED_WITHOUT_DECISION
    return "", ""


def grievance_log(
    cases: Iterable[CaseView], start: date, end: date, timezone: str, plan_type: str
) -> ReportOutput:
    """The grievances received from ``start`` to ``end`` (in ``timezone``), oldest first."""
    zone = ZoneInfo(timezone)
    names = labels(GRIEVANCE_TYPES)

    def received(case: CaseView) -> date:
        return case.received_at.astimezone(zone).date()

    grievances = sorted(
        (c for c in cases if start <= received(c) <= end and not is_accounting_request(c)),
        key=lambda c: (received(c), c.reference),
    )
    rows = [
        [
            case.reference,
            label_of(names, case.fields.get(GRIEVANCE_TYPE)),
            received(case).isoformat(),
            "yes" if is_expedited(case, plan_type) else "no",
            *resolution(case, zone),
        ]
        for case in grievances
    ]
    return ReportOutput(
        code=CODE,
        columns=COLUMNS,
        rows=rows,
        title=f"Grievance log, {long_date(start)} to {long_date(end)}",
        notes=(
            f"Grievance log ({CITATION}): grievances received {long_date(start)} to"
            f" {long_date(end)}, dates in {timezone}, both days included.",
            "Reference: the member's name stays on the case; the reference leads to it.",
            "Grievance type: the CMS category recorded on the case (the general reason).",
            "Date resolved: when the decision was sent, else when the case was closed;"
            " resolution: the approved outcome.",
            "Not shown: the dates of each review and whether the time was extended; both are"
            " on the case.",
            "Requests for an accounting of disclosures (45 CFR 164.528) are not grievances and"
            " are left out.",
        ),
    )


def definition() -> ReportDefinition:
    """The log as the reports page lists it."""
    return ReportDefinition(
        code=CODE,
        title="Grievance log",
        description="Every grievance received in the period: its reference, type, date"
        " received, whether it was expedited, and its resolution and date.",
        citation=CITATION,
    )


def report(
    cases: Sequence[CaseView], parameters: dict[str, object], timezone: str, plan_type: str
) -> ReportOutput:
    """The log for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return grievance_log(cases, start, end, timezone, plan_type)
