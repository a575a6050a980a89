"""The religious bodies' annual safeguarding statistics, per diocese, province or region.

``safeguarding-statistics``: the safeguarding concerns received in one calendar
year (1 January - 31 December; any other period is refused), one row per
diocese, province or region (the ``diocese`` recorded at intake, as written,
spaces trimmed), a "Not recorded" row for concerns without one, and first the
total. Church of England dioceses report their year to the National
Safeguarding Team (the calendar year; verify against the current request).
Every column counts safeguarding concerns (``concern_type`` "safeguarding"; a
case without a type is a complaint) received in the year, in the tenant's time
zone, both days included:

- concerns: every one; immediate risk: ``immediate_risk`` ticked;
- victim group: child, vulnerable adult, adult, or not known (recorded as not
  known, or not recorded); the four add up to the concerns;
- abuse type: once under each type recorded, so a concern with several counts
  once in the concerns and once under each of its types; "not recorded" when no
  known type is; the types add up to more than the concerns;
- about a member of the organisation: ``accused_staff`` recorded (a sensitive
  field: only that it holds a value is seen, never whom); by accused role:
  clergy, religious, lay minister, employee, volunteer, and other or not
  recorded, which add up to the concerns;
- referred to the statutory authorities: ``referred_statutory_on`` recorded and
  dated by 31 December (a value that is not a date counts, undated). Of those,
  in time / late: against the case's ``statutory_referral`` deadline as it
  stands. The referral's date (the day it was made, however late it was
  recorded) on or before the due time's day in the tenant's zone is in time;
  without a date, a deadline marked met at or before its ``due_at`` is. Without
  that deadline, or with neither to compare, the timing is not known. In time + late + not known =
  referred;
- referred to the DSA: ``referred_dsa_on`` recorded and dated by 31 December;
- closed: closed by 31 December; open at the end: not closed by then. Closed +
  open at the end = concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from core.sdk import CaseView, Counts, ReportDefinition, ReportOutput, long_date, report_period
from plugins.religious.intake import (
    ACCUSED_STAFF,
    REFERRED_DSA_ON,
    REFERRED_STATUTORY_ON,
    in_immediate_danger,
    is_safeguarding,
)
from plugins.religious.reading import (
    NOT_RECORDED_LABEL,
    TIMING_NOT_KNOWN,
    abuse_types,
    accused_role,
    diocese,
    local_day,
    received_in,
    referral_timing,
    referred_by,
    victim_group,
)

STATISTICS_CODE = "safeguarding-statistics"
STATISTICS_CITATION = (
    "Church of England: diocesan safeguarding return to the National Safeguarding Team (verify)"
)


@dataclass(frozen=True, slots=True)
class Tally(Counts):
    """What one concern, or a row's concerns, add to the year. Field order is column order."""

    concerns: int = 0
    immediate_risk: int = 0
    victim_child: int = 0
    victim_vulnerable_adult: int = 0
    victim_adult: int = 0
    victim_not_known: int = 0
    abuse_physical: int = 0
    abuse_sexual: int = 0
    abuse_emotional: int = 0
    abuse_neglect: int = 0
    abuse_spiritual: int = 0
    abuse_domestic: int = 0
    abuse_financial: int = 0
    abuse_online: int = 0
    abuse_other: int = 0
    abuse_not_recorded: int = 0
    about_member: int = 0
    accused_clergy: int = 0
    accused_religious: int = 0
    accused_lay_minister: int = 0
    accused_employee: int = 0
    accused_volunteer: int = 0
    accused_other_or_not_recorded: int = 0
    referred_statutory: int = 0
    referred_in_time: int = 0
    referred_late: int = 0
    referral_timing_not_known: int = 0
    referred_dsa: int = 0
    closed: int = 0
    open_at_end: int = 0


STATISTICS_COLUMNS = ("section", "diocese", *Tally.columns())
TOTAL, DIOCESE_ROW, NOT_RECORDED = "total", "diocese", "not_recorded"
COUNTED_ROLES = ("clergy", "religious", "lay_minister", "employee", "volunteer")


def check_calendar_year(start: date, end: date) -> None:
    """Refuse, with ``ValueError`` in words, a period that is not 1 January - 31 December."""
    if start != date(start.year, 1, 1) or end != date(start.year, 12, 31):
        raise ValueError(
            "the safeguarding statistics cover a calendar year, 1 January to 31 December;"
            f" {start} to {end} is not one"
        )


def tally_concern(case: CaseView, start: date, end: date, zone: ZoneInfo) -> Tally:
    """What ``case`` adds to the year (nothing unless a safeguarding concern received in it)."""
    if not is_safeguarding(case) or not received_in(case, start, end, zone):
        return Tally()
    counts = {"concerns": 1, f"victim_{victim_group(case)}": 1}
    counts["immediate_risk"] = int(in_immediate_danger(case))
    kinds = abuse_types(case)
    counts.update({f"abuse_{kind}": 1 for kind in kinds} or {"abuse_not_recorded": 1})
    counts["about_member"] = int(ACCUSED_STAFF in case.recorded)
    role = accused_role(case)
    counts[f"accused_{role}" if role in COUNTED_ROLES else "accused_other_or_not_recorded"] = 1
    if referred_by(case, REFERRED_STATUTORY_ON, end):
        counts["referred_statutory"] = 1
        timing = referral_timing(case, zone)
        known = timing != TIMING_NOT_KNOWN
        counts[f"referred_{timing}" if known else "referral_timing_not_known"] = 1
    counts["referred_dsa"] = int(referred_by(case, REFERRED_DSA_ON, end))
    closed = case.closed_at is not None and local_day(case.closed_at, zone) <= end
    counts["closed" if closed else "open_at_end"] = 1
    return Tally(**counts)


def diocese_rows(counted: Iterable[tuple[str | None, Tally]]) -> list[list[object]]:
    """The total, one row per diocese (by name), then "Not recorded" when used."""
    total, unrecorded = Tally(), Tally()
    dioceses: dict[str, Tally] = {}
    for name, tally in counted:
        if not tally.concerns:
            continue
        total += tally
        if name is None:
            unrecorded += tally
        else:
            dioceses[name] = dioceses.get(name, Tally()) + tally
    rows: list[list[object]] = [[TOTAL, "Total", *total.counts()]]
    for name in sorted(dioceses, key=lambda n: (n.casefold(), n)):
        rows.append([DIOCESE_ROW, name, *dioceses[name].counts()])
    if unrecorded.concerns:
        rows.append([NOT_RECORDED, NOT_RECORDED_LABEL, *unrecorded.counts()])
    return rows


def safeguarding_statistics(
    cases: Iterable[CaseView], start: date, end: date, timezone: str
) -> ReportOutput:
    """The safeguarding statistics of the calendar year ``start`` to ``end``, per diocese.

    Raises ``ValueError`` for a period that is not 1 January - 31 December.
    """
    check_calendar_year(start, end)
    zone = ZoneInfo(timezone)
    rows = diocese_rows((diocese(c), tally_concern(c, start, end, zone)) for c in cases)
    return ReportOutput(
        code=STATISTICS_CODE,
        columns=STATISTICS_COLUMNS,
        rows=rows,
        title=f"Safeguarding statistics, {start.year}",
        notes=_statistics_notes(start, end, timezone),
    )


def _statistics_notes(start: date, end: date, timezone: str) -> tuple[str, ...]:
    return (
        f"Safeguarding statistics: safeguarding concerns received {long_date(start)} to"
        f" {long_date(end)}, dates in {timezone}, both days included. Every column counts those"
        " concerns; complaints, clergy conduct cases and Vos estis reports are not counted.",
        "One row per diocese, province or region recorded on the concern, as written (spaces"
        " trimmed, so spellings that differ make separate rows); 'Not recorded': none. The first"
        " row is the total.",
        "Immediate risk: recorded as at immediate risk when the concern was registered.",
        "Victim group: child, vulnerable adult, adult, or not known (recorded as not known, or"
        " not recorded). They add up to the concerns.",
        "Abuse type: a concern with several types counts once in the concerns and once under"
        " each type, so the types add up to more than the concerns; 'not recorded': no known"
        " type recorded.",
        "About a member of the organisation: a member of the organisation is recorded as the"
        " person the concern is about. Querela passes reports only that one is recorded, never"
        " who. Accused role: the role recorded; 'other or not recorded' holds both, so the roles"
        " add up to the concerns.",
        "Referred to the statutory authorities: a referral to the police or social services is"
        " recorded, dated by 31 December. In time / late: against the case's own statutory"
        " referral deadline as it stands, by day: the referral's date (the day it was made, however"
        " late it was recorded) on or before the day the deadline fell due, in the organisation's"
        " time zone, is in time; without a date, a deadline marked met at or before its due time"
        " is. Timing not known: the case has no such deadline, or neither to compare. In time +"
        " late + timing not known = referred.",
        "Referred to the DSA: a referral to the Diocesan Safeguarding Adviser is recorded, dated"
        " by 31 December.",
        "Closed: closed by 31 December. Open at the end: not closed by then. Closed + open at"
        " the end = concerns.",
        "Each concern counts in the year it was received: concerns received in earlier years"
        " and still open are not counted here (see those years' reports).",
        "The National Safeguarding Team's own return may ask for other breakdowns or another"
        " period: check the current request (verify).",
    )


def definition() -> ReportDefinition:
    """The safeguarding statistics as the reports page lists them."""
    return ReportDefinition(
        code=STATISTICS_CODE,
        title="Safeguarding statistics",
        description="Safeguarding concerns received in a calendar year, per diocese, province or"
        " region and in total: immediate risk, victim group, abuse type, whether about a member"
        " of the organisation and their role, referrals to the statutory authorities (in time or"
        " late) and to the DSA, closed and still open.",
        citation=STATISTICS_CITATION,
    )


def report(
    cases: Sequence[CaseView], parameters: Mapping[str, object], timezone: str
) -> ReportOutput:
    """The statistics for the year in ``parameters`` ("from" 1 January, "to" 31 December)."""
    start, end = report_period(parameters)
    return safeguarding_statistics(cases, start, end, timezone)
