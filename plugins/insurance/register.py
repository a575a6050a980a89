"""The complaint register a US insurer keeps, as Connecticut prescribes it.

Conn. Agencies Regs. 38a-819-53 to 38a-819-56 (the NAIC model's complaint
record): a record of every complaint, kept by calendar year, with the function
and reason it concerns, the line of insurance, its disposition, the dates it was
received and closed, whether it came from a department of insurance, and the
state it came from (ordinarily the complainant's state of residence).

Dates are the tenant's own (``TenantView.timezone``). The date closed is when
the written answer was first sent, or, for a case closed without one (withdrawn),
when it was closed. A disposition staff did not record is derived from the
approved outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from core.sdk import CaseView, ReportDefinition, ReportOutput, long_date, report_period
from plugins.insurance.handling import (
    DISPOSITION,
    FROM_DEPARTMENT,
    FUNCTION,
    LINE_OF_INSURANCE,
    REASON,
    STATE_OF_ORIGIN,
)
from plugins.insurance.taxonomy import US_DISPOSITIONS, US_FUNCTIONS, US_LINES, US_REASONS

CODE = "us-complaint-register"
CITATION = "Conn. Agencies Regs. 38a-819-53 to 38a-819-56"
COLUMNS = (
    "reference",
    "date_received",
    "date_closed",
    "function",
    "reason",
    "line_of_insurance",
    "disposition",
    "from_department",
    "state_of_origin",
)

#: The disposition an approved outcome stands for when staff recorded none: a complaint
#: not upheld leaves the company's position as it was; one upheld overturns it.
DISPOSITION_FOR_OUTCOME = {
    "not_upheld": "company_position_upheld",
    "partly_upheld": "compromised_settlement",
    "upheld": "company_position_overturned",
}

#: USPS codes of the states, the District of Columbia and the territories.
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH"
    " NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI"
)
US_STATES = frozenset(_STATE_CODES.split())

_LABELS: Mapping[str, Mapping[str, str]] = {
    FUNCTION: {e.code: e.label for e in US_FUNCTIONS},
    REASON: {e.code: e.label for e in US_REASONS},
    LINE_OF_INSURANCE: {e.code: e.label for e in US_LINES},
    DISPOSITION: {e.code: e.label for e in US_DISPOSITIONS},
}


def _label(field: str, value: object) -> str:
    """What a recorded choice says; a code the plugin does not know is printed as given."""
    if value is None or value == "":
        return ""
    return _LABELS[field].get(str(value), str(value))


def disposition(case: CaseView) -> str:
    """The disposition staff recorded, else the one the approved outcome stands for."""
    recorded = case.fields.get(DISPOSITION)
    if isinstance(recorded, str) and recorded:
        return recorded
    return DISPOSITION_FOR_OUTCOME.get(case.outcome or "", "")


def state_of_origin(case: CaseView) -> tuple[str, bool]:
    """The state code, upper-cased when it is a US one, and whether it is one.

    A value that is not a state code is kept as given, so that the register shows
    what was recorded rather than guessing.
    """
    value = case.fields.get(STATE_OF_ORIGIN)
    if value is None or value == "":
        return "", True
    code = str(value).strip().upper()
    return (code, True) if code in US_STATES else (str(value), False)


def date_closed(case: CaseView, zone: ZoneInfo) -> date | None:
    """When the complaint was disposed of: first answered, else closed; None while open."""
    moment = case.answered_at or case.closed_at
    return None if moment is None else moment.astimezone(zone).date()


def row(case: CaseView, zone: ZoneInfo) -> list[str]:
    """One case as a line of the register, in the order of ``COLUMNS``."""
    closed = date_closed(case, zone)
    return [
        case.reference,
        case.received_at.astimezone(zone).date().isoformat(),
        "" if closed is None else closed.isoformat(),
        _label(FUNCTION, case.fields.get(FUNCTION)),
        _label(REASON, case.fields.get(REASON)),
        _label(LINE_OF_INSURANCE, case.fields.get(LINE_OF_INSURANCE)),
        _label(DISPOSITION, disposition(case)),
        "yes" if case.fields.get(FROM_DEPARTMENT) is True else "no",
        state_of_origin(case)[0],
    ]


def complaint_register(
    cases: Iterable[CaseView], start: date, end: date, timezone: str
) -> ReportOutput:
    """The register of the complaints received from ``start`` to ``end`` (both included).

    One row per case received in the period (in ``timezone``), sorted by the date
    received, then the reference.
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    zone = ZoneInfo(timezone)
    received = sorted(
        (case for case in cases if start <= case.received_at.astimezone(zone).date() <= end),
        key=lambda case: (case.received_at.astimezone(zone).date(), case.reference),
    )
    unknown_states = [case.reference for case in received if not state_of_origin(case)[1]]
    notes = [
        f"Complaint register ({CITATION}).",
        f"Period: {long_date(start)} to {long_date(end)}, dates in {timezone}, both days included.",
        "One row per complaint received in the period. Date closed: when the written answer"
        " was first sent, else when the case was closed; empty while it is open.",
        "Disposition: as recorded; where none was, from the approved outcome (not upheld:"
        " company position upheld; partly upheld: compromised settlement; upheld: company"
        " position overturned).",
    ]
    if unknown_states:
        notes.append(
            "State of origin is not a US state code, printed as recorded: "
            + ", ".join(unknown_states)
            + "."
        )
    return ReportOutput(
        code=CODE,
        columns=COLUMNS,
        rows=[row(case, zone) for case in received],
        title="Complaint register (Conn. Agencies Regs. 38a-819-53)",
        notes=tuple(notes),
    )


def definition() -> ReportDefinition:
    """The register as the reports page lists it."""
    return ReportDefinition(
        code=CODE,
        title="Complaint register",
        description="Every complaint received in the period with its function, reason, line"
        " of insurance, disposition, dates received and closed, whether a department of"
        " insurance sent it, and its state of origin. Kept by calendar year.",
        citation=CITATION,
    )


def report(cases: Sequence[CaseView], parameters: dict[str, object], timezone: str) -> ReportOutput:
    """The register for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return complaint_register(cases, start, end, timezone)
