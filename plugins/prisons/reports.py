"""Grievance volumes and outcomes per facility, for US and England and Wales establishments.

One row per facility (the ``facility`` recorded at intake, as written, spaces
trimmed), a "Not recorded" row for grievances without one, and first the total.
How a case is counted, in the tenant's time zone, the period's first and last
day included:

- open at start: received before the period, its first level (level 0) neither
  answered, deemed denied nor closed before it;
- received: received in the period;
- answered: the first answer (level 0) was sent in the period; upheld, partly
  upheld and not upheld split them by the approved outcome of that answer (an
  answer without one counts as answered only);
- answered in time / late: answered in the period at or before / after the
  case's own answer deadline (``final_response``) as it stands, moved by holds
  and extensions. Only for a case that has none is the deadline the plugin sets
  worked out again from the case's fields and the tenant's settings as they are now;
- deemed denied: the answer deadline passed in the period without an answer and
  that was taken as a denial at level 0 (28 CFR 542.18, 115.52(d)(4)): the
  inmate appealed on that ground (the core records it then, dated at the due
  time). Not "no decision". A grievance answered late after it counts as
  answered (late) instead, where the answer falls;
- appealed: answered or deemed denied in the period and appealed by the
  period's end;
- closed unanswered: closed in the period without an answer or a deemed denial
  (withdrawn, or closed for another reason);
- open at end: received by the period's end, its first level neither answered,
  deemed denied nor closed by it.

So open at start + received = answered + deemed denied + closed unanswered + open at end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.sdk import (
    CaseView,
    Counts,
    DeadlineRule,
    ReportDefinition,
    ReportOutput,
    long_date,
    report_period,
)
from plugins.prisons import englandwales, us
from plugins.prisons.intake import FACILITY

CODE = "grievances-by-facility"
#: The core's kind for the first answer's deadline, which the plugin's rules set.
FINAL_RESPONSE = "final_response"
TOTAL = "total"
FACILITY_ROW = "facility"
NOT_RECORDED = "not_recorded"
ALL_FACILITIES = "All facilities"
NOT_RECORDED_LABEL = "Not recorded"
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
OUTCOME_LABELS = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}

T = TypeVar("T", bound=Counts)


def own_answer_due(case: CaseView) -> datetime | None:
    """When the case's own first answer (level 0, ``final_response``) is due, as it stands.

    Moved by holds (once they end) and extensions; None for a case that has no such deadline.
    """
    own = case.deadline(FINAL_RESPONSE)
    return own.due_at if own is not None and own.level == 0 else None


def deemed_denial(case: CaseView) -> datetime | None:
    """When no answer in time was taken as a denial at level 0 (28 CFR 542.18, 115.52(d)(4)).

    The due time that passed, recorded once the next level was appealed to on that
    ground; None while it was not. The answer may still have been sent after it.
    """
    return next((lv.deemed_denied_at for lv in case.levels if lv.level == 0), None)


@dataclass(frozen=True, slots=True)
class Target:
    """The answer deadline the plugin's rules set on a case, and how they count it, in words."""

    deadlines: Callable[[CaseView], Sequence[DeadlineRule]]
    words: str

    def due(self, case: CaseView) -> datetime | None:
        """When the case's first answer is due: its own deadline, else the plugin's rule now."""
        return own_answer_due(case) or self.rule_due(case)

    def rule_due(self, case: CaseView) -> datetime | None:
        """When the first answer is due (``final_response``) by the plugin's rule, as of now."""
        return next((r.due_at for r in self.deadlines(case) if r.kind == FINAL_RESPONSE), None)


def us_target(timezone: str, *, roll_forward: bool) -> Target:
    """The US decision deadlines: PREA emergency, PREA or BP-9."""
    moved = "; moved off weekends and federal holidays, as asked" if roll_forward else ""
    return Target(
        deadlines=lambda case: us.deadlines(case, timezone, roll_forward=roll_forward),
        words="the end of the 5th calendar day after receipt for a PREA emergency grievance"
        " (28 CFR 115.52(f)), of the 90th day for a PREA grievance (115.52(d)), of the 30th"
        " calendar day for a sensitive Request filed with the Regional Director (542.14(d)(1)),"
        f" of the 20th calendar day for a BP-9 Request (28 CFR 542.18), {timezone}{moved}",
    )


def england_wales_target(working_days: int) -> Target:
    """The England and Wales reply target of ``working_days`` working days."""
    return Target(
        deadlines=lambda case: englandwales.deadlines(case, working_days),
        words=f"the reply target: the end of working day {working_days} after the day of"
        f" receipt, London ({englandwales.FRAMEWORK})",
    )


@dataclass(frozen=True, slots=True)
class Tally(Counts):
    """What one case, or a row's cases, add to the report. Field order is column order."""

    open_at_start: int = 0
    received: int = 0
    answered: int = 0
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    answered_in_time: int = 0
    answered_late: int = 0
    deemed_denied: int = 0
    appealed: int = 0
    closed_unanswered: int = 0
    open_at_end: int = 0


COLUMNS = ("section", "facility", *Tally.columns())


def facility(case: CaseView) -> str | None:
    """The facility recorded on the case, spaces trimmed; None when there is none."""
    value = case.fields.get(FACILITY)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    """The date of ``moment`` in ``zone``; None for None."""
    return None if moment is None else moment.astimezone(zone).date()


def appealed_by(case: CaseView, end: date, zone: ZoneInfo) -> bool:
    """Whether an appeal against the first answer was opened by the end of ``end``.

    A view that does not list its appeal levels but is at one is taken as appealed.
    """
    opened = [step.opened_at for step in case.levels if step.level > 0]
    if not opened:
        return case.appeal_level > 0
    first = local_day(min(opened), zone)
    return first is not None and first <= end


def tally_case(
    case: CaseView, start: date, end: date, zone: ZoneInfo, due: datetime | None
) -> Tally:
    """What ``case`` adds for ``start`` to ``end``, its answer ``due`` then (see the module)."""
    received = case.received_at.astimezone(zone).date()
    answered = local_day(case.answered_at, zone)
    # A late answer after a deemed denial ends the first level instead: counted once.
    deemed = None if answered is not None else local_day(deemed_denial(case), zone)
    closed = local_day(case.closed_at, zone)
    ended = min((d for d in (answered, deemed, closed) if d is not None), default=None)
    in_period = answered is not None and start <= answered <= end
    deemed_in_period = deemed is not None and start <= deemed <= end
    timed = in_period and due is not None
    return Tally(
        open_at_start=int(received < start and (ended is None or ended >= start)),
        received=int(start <= received <= end),
        answered=int(in_period),
        upheld=int(in_period and case.outcome == "upheld"),
        partly_upheld=int(in_period and case.outcome == "partly_upheld"),
        not_upheld=int(in_period and case.outcome == "not_upheld"),
        answered_in_time=int(timed and _at_or_before(case.answered_at, due)),
        answered_late=int(timed and not _at_or_before(case.answered_at, due)),
        deemed_denied=int(deemed_in_period),
        appealed=int((in_period or deemed_in_period) and appealed_by(case, end, zone)),
        closed_unanswered=int(
            answered is None and deemed is None and closed is not None and start <= closed <= end
        ),
        open_at_end=int(received <= end and (ended is None or ended > end)),
    )


def _at_or_before(moment: datetime | None, due: datetime | None) -> bool:
    return moment is not None and due is not None and moment <= due


def facility_rows(counted: Iterable[tuple[str | None, T]], empty: T) -> list[list[object]]:
    """The total, one row per facility (by name), then "Not recorded" when used.

    ``counted`` gives each case's facility and what it adds; a case that adds
    nothing makes no row.
    """
    total = empty
    facilities: dict[str, T] = {}
    unrecorded = empty
    for name, tally in counted:
        if not any(tally.counts()):
            continue
        total += tally
        if name is None:
            unrecorded += tally
        else:
            facilities[name] = facilities.get(name, empty) + tally
    rows: list[list[object]] = [[TOTAL, ALL_FACILITIES, *total.counts()]]
    for name in sorted(facilities, key=lambda n: (n.casefold(), n)):
        rows.append([FACILITY_ROW, name, *facilities[name].counts()])
    if any(unrecorded.counts()):
        rows.append([NOT_RECORDED, NOT_RECORDED_LABEL, *unrecorded.counts()])
    return rows


def grievances_by_facility(
    cases: Iterable[CaseView], start: date, end: date, timezone: str, target: Target
) -> ReportOutput:
    """Grievance volumes and outcomes per facility from ``start`` to ``end`` (in ``timezone``)."""
    zone = ZoneInfo(timezone)
    rows = facility_rows(
        ((facility(c), tally_case(c, start, end, zone, target.due(c))) for c in cases), Tally()
    )
    return ReportOutput(
        code=CODE,
        columns=COLUMNS,
        rows=rows,
        title=f"Grievances by facility, {long_date(start)} to {long_date(end)}",
        notes=(
            f"Grievances by facility: {long_date(start)} to {long_date(end)}, dates in"
            f" {timezone}, both days included.",
            "Facility: the facility recorded when the grievance was registered, as written"
            " (spaces trimmed), so spellings that differ make separate rows; 'Not recorded':"
            " none recorded. The first row is the total.",
            "Open at start: received before the period, its first level (level 0) neither"
            " answered, deemed denied nor closed before it. Received: received in the period.",
            "Answered: the first answer (level 0) was sent in the period. Upheld, partly upheld"
            " and not upheld split them by the approved outcome of that answer; an answer"
            " without one counts as answered only.",
            f"Answered in time / late: answered in the period, at or before / after the case's"
            " own answer deadline (final_response) as it stands: moved by holds (once they"
            " end) and extensions, and set when the case was registered, so a field changed"
            f" after does not move it. The plugin sets it to {target.words}; a case registered"
            " before the plugin was enabled keeps the organisation's own. Only for a case that"
            " has no such deadline is it worked out again from the plugin's rules, the case's"
            " fields and the organisation's settings as they are now.",
            "Deemed denied: the answer deadline passed in the period without an answer and that"
            " was taken as a denial at the first level (28 CFR 542.18, 115.52(d)(4)): the"
            " grievance was appealed on that ground, perhaps after the period. It is counted"
            " here, not as open. One answered late after it counts as answered, when the answer"
            " was sent, instead.",
            "Appealed: answered or deemed denied in the period, and appealed by the period's end.",
            "Closed unanswered: closed in the period without an answer or a deemed denial"
            " (withdrawn, or closed for another reason).",
            "Open at end: received by the end of the period, its first level neither answered,"
            " deemed denied nor closed by it. Open at start + received = answered + deemed"
            " denied + closed unanswered + open at end.",
            "Appeals still open are not counted as open: the report is given only the"
            " grievances not answered or closed before the period began, so an appeal against"
            " an earlier answer is not seen.",
        ),
    )


def definition() -> ReportDefinition:
    """The report as the reports page lists it."""
    return ReportDefinition(
        code=CODE,
        title="Grievances by facility",
        description="Per facility: grievances open at the start, received, answered (upheld,"
        " partly upheld, not upheld; in time or late against the case's answer deadline),"
        " deemed denied for want of an answer in time, appealed, closed without an answer, and"
        " open at the end of the period.",
    )


def report(
    cases: Sequence[CaseView], parameters: dict[str, object], timezone: str, target: Target
) -> ReportOutput:
    """The report for the period in ``parameters`` ("from" and "to", both days included)."""
    start, end = report_period(parameters)
    return grievances_by_facility(cases, start, end, timezone, target)
