"""The grievance log a US health plan keeps: one line per level of each grievance.

The record follows 42 CFR 438.416(b), the minimum record of a grievance or appeal:
(1) a general description of its reason, (2) the date received, (3) the date of each
review, (4) the resolution at each level, (5) the date of resolution at each level,
(6) the name of the person it was filed for. Medicare plans keep grievance records
under 42 CFR 422.564(g) and 423.564(g). A grievance has a line for its first
decision (level "Grievance") and one for each appeal against it:

- reference: the case's reference;
- member: the name of the person it was filed for (b)(6); "Withheld" when the member
  asked not to be named or is protected, the reference then leads to them;
- grievance_type: the CMS category staff recorded, as its label (b)(1);
- date_received: the tenant's own date (b)(2);
- expedited: "yes" when the grievance ran on the 24-hour clock;
- level: "Grievance", or the appeal level's name;
- level_opened: when the level began (the receipt, or the appeal's opening);
- date_reviewed: when the level's decision was reviewed and approved (b)(3);
- resolution and date_resolved: the approved outcome and when it was sent (b)(4),
  (b)(5); a case closed without a decision shows that, dated when it closed. Both
  are empty while the level is open.

A request for an accounting of disclosures is not a grievance and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.sdk import CaseView, LevelView, ReportDefinition, ReportOutput
from plugins.healthcare.handling import GRIEVANCE_TYPE
from plugins.healthcare.intake import is_accounting_request
from plugins.healthcare.reporting import label_of, long_date, report_period
from plugins.healthcare.taxonomy import GRIEVANCE_TYPES, labels
from plugins.healthcare.us import is_expedited

CODE = "medicare-grievance-log"
CITATION = "42 CFR 438.416(b); 42 CFR 422.564(g), 423.564(g)"
COLUMNS = (
    "reference",
    "member",
    "grievance_type",
    "date_received",
    "expedited",
    "level",
    "level_opened",
    "date_reviewed",
    "resolution",
    "date_resolved",
)
RESOLUTIONS = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}
CLOSED_WITHOUT_DECISION = "Closed without a decision"
FIRST_LEVEL = "Grievance"
WITHHELD = "Withheld"


def member(case: CaseView) -> str:
    """The name of the person the grievance was filed for, or why it is not shown."""
    for party in case.parties:
        if party.role == "complainant":
            return party.name or WITHHELD
    return ""


def levels(case: CaseView) -> tuple[LevelView, ...]:
    """The case's levels; a view without them has its first level only."""
    return case.levels or (
        LevelView(level=0, opened_at=case.received_at, answered_at=case.answered_at,
                  outcome=case.outcome),
    )  # fmt: skip


def level_lines(case: CaseView, zone: ZoneInfo) -> list[list[str]]:
    """The review, resolution and their dates at each level the case reached."""

    def day(moment: datetime | None) -> str:
        return moment.astimezone(zone).date().isoformat() if moment else ""

    reached = levels(case)
    lines = []
    for step in reached:
        if step.answered_at is not None:
            resolved = (label_of(RESOLUTIONS, step.outcome), day(step.answered_at))
        elif step is reached[-1] and case.closed_at is not None:
            resolved = (CLOSED_WITHOUT_DECISION, day(case.closed_at))
        else:
            resolved = ("", "")
        lines.append(
            [
                (step.name or f"Appeal {step.level}") if step.level else FIRST_LEVEL,
                day(step.opened_at),
                day(step.reviewed_at),
                *resolved,
            ]
        )
    return lines


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
            member(case),
            label_of(names, case.fields.get(GRIEVANCE_TYPE)),
            received(case).isoformat(),
            "yes" if is_expedited(case, plan_type) else "no",
            *line,
        ]
        for case in grievances
        for line in level_lines(case, zone)
    ]
    return ReportOutput(
        code=CODE,
        columns=COLUMNS,
        rows=rows,
        title=f"Grievance log, {long_date(start)} to {long_date(end)}",
        notes=(
            f"Grievance log ({CITATION}): grievances received {long_date(start)} to"
            f" {long_date(end)}, dates in {timezone}, both days included; a line for the"
            " first decision and one for each appeal against it.",
            f'Member: the person the grievance was filed for; "{WITHHELD}" where the member'
            " is anonymous or protected (the reference leads to the case).",
            "Grievance type: the CMS category recorded on the case (the general reason).",
            "Date reviewed: when the level's decision was reviewed and approved; resolution"
            " and date resolved: the approved outcome and when it was sent, or when a case"
            " closed without a decision.",
            "Requests for an accounting of disclosures (45 CFR 164.528) are not grievances and"
            " are left out.",
        ),
    )


def definition() -> ReportDefinition:
    """The log as the reports page lists it; it names each member, as the rule asks."""
    return ReportDefinition(
        code=CODE,
        title="Grievance log",
        description="Every grievance received in the period, a line per level: the member,"
        " its type, the date received, whether it was expedited, and the date of each"
        " review, the resolution and its date.",
        citation=CITATION,
        complainant_names=True,
    )


def report(
    cases: Sequence[CaseView], parameters: dict[str, object], timezone: str, plan_type: str
) -> ReportOutput:
    """The log for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return grievance_log(cases, start, end, timezone, plan_type)
