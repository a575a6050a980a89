"""The FCA complaints return, counted from a UK insurer's cases, and when it is due.

DISP 1.10 asks a firm for a complaints return every half year (DISP 1 Annex 1R),
due within 30 business days of the period's end (DISP 1.10.5). Until the end of
2026 the half years end on the firm's accounting reference date and six months
before it; from 1 January 2027 one consolidated return (FCA PS25/19) covers fixed
half years (1 January - 30 June, 1 July - 31 December) and adds two vulnerability
data points.

How a case is counted (London dates, the period's first and last day included):

- opened: received in the period;
- outstanding at start: received before the period and not answered before it;
- closed: its written answer (the final response, or the summary resolution
  communication) was sent in the period. That answer is what closes a complaint
  for DISP. Closed within 3 business days: sent by close of business (17:00) on
  the 3rd business day after receipt (England and Wales bank holidays, the
  tenant's out-of-hours setting applied, as for the DISP 1.5 window); within 8
  weeks: by the end of the day 8 weeks after receipt; else after 8 weeks;
- upheld: closed in the period with the outcome upheld or partly upheld (the FCA
  return counts a partly upheld complaint as upheld);
- redress paid: the whole pounds recorded on the cases closed in the period;
- customer vulnerable (from 2027): opened in the period, the customer recorded
  as in vulnerable circumstances;
- vulnerability failure (from 2027): closed in the period, upheld, and recorded
  as caused by a failure to consider the customer's vulnerability. Whether a
  failure caused the complaint is what the investigation finds, so a complaint
  is counted when it is decided, and one not upheld found no failure.

Each case counts once under its product grouping, once under its cause and once
in the total; a case without a known grouping or cause counts as "unclassified".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice, pairwise

from core.sdk import (
    CaseView,
    Counts,
    ReportDefinition,
    ReportDue,
    ReportOutput,
    add_months,
    long_date,
    report_period,
)
from plugins.insurance.deadlines import (
    ENGLAND_AND_WALES,
    LONDON,
    final_response_due,
    src_due,
)
from plugins.insurance.handling import (
    CAUSE,
    CUSTOMER_VULNERABLE,
    PRODUCT,
    REDRESS_PAID,
    VULNERABILITY_FAILURE,
)
from plugins.insurance.taxonomy import UK_CAUSES, UK_PRODUCTS

CODE = "disp-1.10-return"
#: The first day of the first period of the consolidated return (FCA PS25/19).
CONSOLIDATED_FROM = date(2027, 1, 1)
#: DISP 1.10.5: the return is due within 30 business days of the period's end.
DUE_BUSINESS_DAYS = 30
#: The accounting reference date a tenant that gave none is taken to have ("MM-DD").
DEFAULT_ACCOUNTING_REFERENCE_DATE = "12-31"
UPHELD_OUTCOMES = frozenset({"upheld", "partly_upheld"})
UNCLASSIFIED = "unclassified"

BEFORE_2027 = "DISP 1.10 complaints return (rules before 2027)"
FROM_2027 = "Consolidated complaints return (FCA PS25/19, periods from 1 January 2027)"

DEFINITION_TITLE = "FCA complaints return"
DEFINITION_DESCRIPTION = (
    "Complaints opened, outstanding at the start, closed within 3 business days, within"
    " 8 weeks and after, upheld, and redress paid, by product grouping and cause, for a"
    " half-year reporting period. From 2027 the consolidated return adds the two"
    " vulnerability data points."
)
CITATION = "FCA DISP 1.10, DISP 1 Annex 1R; FCA PS25/19 from 2027"

_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Tally(Counts):
    """What one case, or a row's cases, add to the return. Field order is column order."""

    outstanding_at_start: int = 0
    opened: int = 0
    closed_within_3_business_days: int = 0
    closed_within_8_weeks: int = 0
    closed_after_8_weeks: int = 0
    upheld: int = 0
    redress_paid_gbp: int = 0
    customer_vulnerable: int = 0
    vulnerability_failure: int = 0


#: The counted columns: the consolidated return has all of them, the earlier one all but
#: the two vulnerability data points, which come last.
COUNTED = Tally.columns()
COLUMNS_FROM_2027 = ("section", "code", "label", *COUNTED)
COLUMNS_BEFORE_2027 = COLUMNS_FROM_2027[:-2]


def london_date(moment: datetime) -> date:
    """The date of ``moment`` in London, where DISP's days are counted."""
    return moment.astimezone(LONDON).date()


def is_consolidated(start: date, end: date) -> bool:
    """Whether the period is reported on the consolidated return (it starts in 2027 or later).

    Such a period must be a fixed half year, 1 January - 30 June or 1 July - 31
    December (FCA PS25/19); any other raises ``ValueError`` naming the period.
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    if start < CONSOLIDATED_FROM:
        return False
    halves = (
        (date(start.year, 1, 1), date(start.year, 6, 30)),
        (date(start.year, 7, 1), date(start.year, 12, 31)),
    )
    if (start, end) not in halves:
        raise ValueError(
            "from 2027 the consolidated complaints return (FCA PS25/19) covers fixed half"
            f" years, 1 January to 30 June or 1 July to 31 December; {start} to {end} is not one"
        )
    return True


def answer_speed(case: CaseView, out_of_hours: bool) -> str | None:
    """How soon the written answer went out: "3_business_days", "8_weeks" or "later".

    By close of business on the 3rd business day after receipt (DISP 1.5, with the
    tenant's out-of-hours setting), else by the end of the day 8 weeks after
    receipt (DISP 1.6.2R), else later. None while the case is not answered.
    """
    if case.answered_at is None:
        return None
    if case.answered_at <= src_due(case.received_at, ENGLAND_AND_WALES, out_of_hours):
        return "3_business_days"
    if case.answered_at <= final_response_due(case.received_at):
        return "8_weeks"
    return "later"


def tally_case(case: CaseView, start: date, end: date, out_of_hours: bool) -> Tally:
    """What ``case`` adds to the return for ``start`` to ``end`` (see the module's rules)."""
    received = london_date(case.received_at)
    answered = None if case.answered_at is None else london_date(case.answered_at)
    opened = start <= received <= end
    closed = answered is not None and start <= answered <= end
    speed = answer_speed(case, out_of_hours) if closed else None
    upheld = closed and case.outcome in UPHELD_OUTCOMES
    return Tally(
        outstanding_at_start=int(received < start and (answered is None or answered >= start)),
        opened=int(opened),
        closed_within_3_business_days=int(speed == "3_business_days"),
        closed_within_8_weeks=int(speed == "8_weeks"),
        closed_after_8_weeks=int(speed == "later"),
        upheld=int(upheld),
        redress_paid_gbp=redress_paid(case) if closed else 0,
        customer_vulnerable=int(opened and case.fields.get(CUSTOMER_VULNERABLE) is True),
        vulnerability_failure=int(upheld and case.fields.get(VULNERABILITY_FAILURE) is True),
    )


def redress_paid(case: CaseView) -> int:
    """The whole pounds recorded as paid to the complainant; 0 when none are recorded."""
    value = case.fields.get(REDRESS_PAID)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def disp_return(
    cases: Iterable[CaseView], start: date, end: date, *, out_of_hours: bool = False
) -> ReportOutput:
    """The complaints return for ``start`` to ``end``, in the shape its period calls for.

    Rows: each product grouping, each cause (zero rows included), an
    "unclassified" product and cause row when some case lacks one, then the total.
    Raises ``ValueError`` for a period from 2027 that is not a fixed half year.
    """
    consolidated = is_consolidated(start, end)
    products = {e.code: Tally() for e in UK_PRODUCTS}
    causes = {e.code: Tally() for e in UK_CAUSES}
    unclassified = {PRODUCT: Tally(), CAUSE: Tally()}
    total = Tally()
    for case in cases:
        tally = tally_case(case, start, end, out_of_hours)
        for name, row in ((PRODUCT, products), (CAUSE, causes)):
            code = case.fields.get(name)
            if isinstance(code, str) and code in row:
                row[code] += tally
            else:
                unclassified[name] += tally
        total += tally

    columns = COLUMNS_FROM_2027 if consolidated else COLUMNS_BEFORE_2027
    width = len(columns) - 3  # the counted columns after section, code and label
    rows: list[list[object]] = []
    for section, entries, tallies in (
        (PRODUCT, UK_PRODUCTS, products),
        (CAUSE, UK_CAUSES, causes),
    ):
        rows += [[section, e.code, e.label, *tallies[e.code].counts()[:width]] for e in entries]
    for section, label in ((PRODUCT, "No product grouping"), (CAUSE, "No cause")):
        if any(unclassified[section].counts()[:width]):
            rows.append([section, UNCLASSIFIED, label, *unclassified[section].counts()[:width]])
    rows.append(["total", "total", "All complaints", *total.counts()[:width]])
    return ReportOutput(
        code=CODE,
        columns=columns,
        rows=rows,
        title="Consolidated complaints return (FCA PS25/19)"
        if consolidated
        else "Complaints return (FCA DISP 1.10)",
        notes=_notes(start, end, consolidated, out_of_hours),
    )


def _notes(start: date, end: date, consolidated: bool, out_of_hours: bool) -> tuple[str, ...]:
    receipt = (
        "a complaint received out of hours counted from the next business day"
        if out_of_hours
        else "counted from the day of receipt"
    )
    notes = [
        FROM_2027 if consolidated else BEFORE_2027,
        f"Period: {long_date(start)} to {long_date(end)}, London dates, both days included.",
        "Opened: received in the period.",
        "Outstanding at start: received before the period and not answered before it.",
        "Closed: the final response or summary resolution communication was sent in the period.",
        "Closed within 3 business days: by 17:00 London on the 3rd business day after receipt"
        f" (England and Wales bank holidays; {receipt}).",
        "Closed within 8 weeks: after that, by the end of the day 8 weeks after receipt.",
        "Upheld: closed in the period and upheld or partly upheld; partly upheld complaints"
        " count as upheld, as on the FCA return.",
        "Redress paid: whole pounds recorded on the complaints closed in the period.",
    ]
    if consolidated:
        notes += [
            "Customer vulnerable: opened in the period, the customer recorded as in vulnerable"
            " circumstances.",
            "Vulnerability failure: closed in the period, upheld, and recorded as caused by a"
            " failure to consider the customer's vulnerability.",
            "Rows use the DISP 1.10 product groupings and causes; map them to the consolidated"
            " return's categories when filing.",
        ]
    notes.append(
        "Each complaint counts once under its product grouping, once under its cause and once"
        " in the total; 'unclassified' rows hold complaints without one."
    )
    return tuple(notes)


# -- when the return is due ------------------------------------------------------------------


def accounting_reference_date(value: object) -> str:
    """The tenant's accounting reference date as "MM-DD", or 31 December for anything else.

    A day that exists in some year counts (29 February included: in other years
    it falls on the 28th). Anything else is read as 31 December, so that the
    coming returns are still listed rather than lost to a typing error.
    """
    if isinstance(value, str):
        match = _MONTH_DAY.fullmatch(value.strip())
        if match:
            month, day = int(match[1]), int(match[2])
            try:
                date(2000, month, day)  # a leap year, so that 02-29 counts
            except ValueError:
                return DEFAULT_ACCOUNTING_REFERENCE_DATE
            return f"{month:02d}-{day:02d}"
    return DEFAULT_ACCOUNTING_REFERENCE_DATE


def returns_due(today: date, ard: str, count: int = 2) -> list[ReportDue]:
    """The next ``count`` returns not yet due on ``today``, soonest first.

    Before 2027 the half years end on the accounting reference date ``ard``
    ("MM-DD") and six months before it; the months between the last of them and
    the end of 2026 form a last, shorter period (verify against PS25/19's
    transitional rules). From 2027 the half years are fixed. Each is due on the
    30th business day (England and Wales) after its end (DISP 1.10.5).
    """
    month, day = (int(part) for part in accounting_reference_date(ard).split("-"))
    coming = (due for due in map(_due, _periods(today.year - 1, month, day)) if due.due_on >= today)
    return list(islice(coming, count))


def _periods(first_year: int, month: int, day: int) -> Iterator[tuple[date, date, str]]:
    """Reporting periods and what is due for them, in order, from those ending in ``first_year``."""
    ends = sorted(
        end
        for year in range(first_year - 1, CONSOLIDATED_FROM.year + 1)
        for end in (_on(year, month, day), add_months(_on(year, month, day), -6))
        if end < CONSOLIDATED_FROM
    )
    for previous, end in pairwise(ends):
        if end.year >= first_year:
            yield previous + timedelta(days=1), end, "DISP 1.10 return"
    last = CONSOLIDATED_FROM - timedelta(days=1)
    if ends and ends[-1] < last and last.year >= first_year:
        yield ends[-1] + timedelta(days=1), last, "DISP 1.10 return (last, shorter period)"
    year = max(first_year, CONSOLIDATED_FROM.year)
    while True:
        yield date(year, 1, 1), date(year, 6, 30), "Consolidated complaints return"
        yield date(year, 7, 1), date(year, 12, 31), "Consolidated complaints return"
        year += 1


def _on(year: int, month: int, day: int) -> date:
    """``month``-``day`` in ``year``; 29 February falls on the 28th outside leap years."""
    return add_months(date(2000, month, day), 12 * (year - 2000))


def _due(period: tuple[date, date, str]) -> ReportDue:
    start, end, name = period
    return ReportDue(
        period_start=start,
        period_end=end,
        due_on=ENGLAND_AND_WALES.add_business_days(end, DUE_BUSINESS_DAYS),
        label=f"{name}, {long_date(start)} to {long_date(end)}",
    )


def definition(today: date, ard: str) -> ReportDefinition:
    """The return as the reports page lists it, with the next two periods due."""
    return ReportDefinition(
        code=CODE,
        title=DEFINITION_TITLE,
        description=DEFINITION_DESCRIPTION,
        due=returns_due(today, ard),
        citation=CITATION,
    )


def report(
    cases: Sequence[CaseView], parameters: dict[str, object], *, out_of_hours: bool
) -> ReportOutput:
    """The return for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return disp_return(cases, start, end, out_of_hours=out_of_hours)
