"""The annual complaints report a responsible body in England prepares (SI 2009/309 reg. 18).

Reg. 18(1) asks for the number of complaints received, the number the body
decided were well-founded, the number it has been told were referred to the
Parliamentary and Health Service Ombudsman, and a summary of their subject
matter, of matters of general importance, and of the action taken or to be
taken to improve services. The regulations' year runs to 31 March (verify); the
report is made for any period asked for.

How a case is counted (London dates, the period's first and last day included):

- received: received in the period;
- decided: its response was sent in the period (the response gives the decision);
- well-founded: decided in the period and upheld or partly upheld;
- referred to the ombudsman: decided in the period and recorded as referred
  (``referred_to_ombudsman``). The core passes a report only the cases still open
  at the start of the period, so a referral is counted with the period the
  complaint was decided in; run the report again once referrals are known.

The first row is the total; then one row per subject area, where a complaint
with several aspects counts once under each (so the rows add up to more than the
total), and a "not recorded" row for complaints without one. The matters of
general importance and the actions are words, not counts: people write them;
the decided and well-founded counts by subject show where to look. Oral
complaints resolved by the next working day are outside the regulations (reg.
8(1)(c)) and left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from core.sdk import CaseView, Counts, ReportDefinition, ReportOutput
from plugins.healthcare.deadlines import london_date
from plugins.healthcare.handling import ASPECTS, REFERRED_TO_OMBUDSMAN
from plugins.healthcare.intake import outside_regulations
from plugins.healthcare.reporting import long_date, report_period
from plugins.healthcare.returns import NOT_RECORDED, recorded_codes
from plugins.healthcare.taxonomy import SUBJECTS

CODE = "annual-complaints-report"
CITATION = "SI 2009/309 reg. 18"
WELL_FOUNDED = frozenset({"upheld", "partly_upheld"})


@dataclass(frozen=True, slots=True)
class Tally(Counts):
    """What one case, or a row's cases, add to the report. Field order is column order."""

    received: int = 0
    decided: int = 0
    well_founded: int = 0
    referred_to_ombudsman: int = 0


COLUMNS = ("section", "code", "label", *Tally.columns())


def tally_case(case: CaseView, start: date, end: date) -> Tally:
    """What ``case`` adds to the report for ``start`` to ``end`` (see the module's rules)."""
    received = london_date(case.received_at)
    decided = case.answered_at is not None and start <= london_date(case.answered_at) <= end
    return Tally(
        received=int(start <= received <= end),
        decided=int(decided),
        well_founded=int(decided and case.outcome in WELL_FOUNDED),
        referred_to_ombudsman=int(decided and case.fields.get(REFERRED_TO_OMBUDSMAN) is True),
    )


def annual_report(cases: Iterable[CaseView], start: date, end: date) -> ReportOutput:
    """The counts of the reg. 18 report for ``start`` to ``end``, by subject area."""
    total = Tally()
    subjects = {e.code: Tally() for e in SUBJECTS}
    unrecorded = Tally()
    left_out = 0
    for case in cases:
        tally = tally_case(case, start, end)
        if not any(tally.counts()):
            continue
        if outside_regulations(case):
            left_out += 1
            continue
        total += tally
        codes = recorded_codes(case, ASPECTS, subjects)
        for code in codes:
            subjects[code] += tally
        if not codes:
            unrecorded += tally
    rows: list[list[object]] = [["total", "total", "All complaints", *total.counts()]]
    rows += [["subject", e.code, e.label, *subjects[e.code].counts()] for e in SUBJECTS]
    if any(unrecorded.counts()):
        rows.append(["subject", NOT_RECORDED, "Not recorded", *unrecorded.counts()])
    return ReportOutput(
        code=CODE,
        columns=COLUMNS,
        rows=rows,
        title=f"Annual complaints report, {long_date(start)} to {long_date(end)}",
        notes=(
            f"Annual complaints report ({CITATION}): {long_date(start)} to {long_date(end)},"
            " London dates, both days included.",
            "Received: received in the period. Decided: the response was sent in the period.",
            "Well-founded: decided in the period and upheld or partly upheld.",
            "Referred to the ombudsman: decided in the period and recorded as referred to the"
            " Parliamentary and Health Service Ombudsman by the time the report was made.",
            "Subject area: a complaint with several aspects counts once under each aspect, so"
            " the subject rows add up to more than the total.",
            "Reg. 18 also asks for a summary of matters of general importance and of the action"
            " taken or to be taken to improve services: those are written by people; the"
            " decided and well-founded counts by subject show where to look.",
            "Left out: oral complaints resolved to the complainant's satisfaction by the next"
            f" working day (SI 2009/309 reg. 8(1)(c)): {left_out}.",
        ),
    )


def definition() -> ReportDefinition:
    """The report as the reports page lists it."""
    return ReportDefinition(
        code=CODE,
        title="Annual complaints report (reg. 18)",
        description="Complaints received, decided, well-founded and referred to the"
        " Parliamentary and Health Service Ombudsman, in total and by subject area, for the"
        " report the regulations ask for each year.",
        citation=CITATION,
    )


def report(cases: Sequence[CaseView], parameters: dict[str, object]) -> ReportOutput:
    """The report for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return annual_report(cases, start, end)
