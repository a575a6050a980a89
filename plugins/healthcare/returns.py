"""The KO41a return: written complaints about NHS hospital and community health services.

Every NHS organisation, and every provider of NHS services, reports its written
complaints to NHS England once a year on the KO41a (published as "Data on
Written Complaints in the NHS"), for the financial year 1 April - 31 March. Any
other period is refused.

How a case is counted (London dates, the year's first and last day included):

- brought forward: received before the year and not answered (or closed) before
  it;
- new: received in the year;
- resolved: its response was sent in the year. KO41a counts a complaint as
  resolved when it was investigated and upheld, partially upheld or not upheld;
  the response is what says which;
- upheld / partly upheld / not upheld: resolved in the year, by the approved
  outcome (a resolved case without one counts as resolved only);
- withdrawn: closed in the year without a response (withdrawn, or closed for
  another reason), so that brought forward + new = resolved + withdrawn +
  carried forward;
- carried forward: received by the end of the year and neither answered nor
  closed by it.

Each row has all of these. The first row is the total, where each complaint
counts once. Then a section per KO41a breakdown, one row per term (zero rows
included) and a "not recorded" row when some case lacks the field or holds a code
the return does not know: patient age band, complainant status, service area and
profession, whose rows add up to the total; and subject area, where a complaint
with several aspects counts once under each aspect (KO41a guidance), so those rows
add up to more than the total.

Oral complaints resolved to the complainant's satisfaction by the next working
day are outside the regulations (SI 2009/309 reg. 8(1)(c)) and left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from core.sdk import CaseView, Counts, ReportDefinition, ReportOutput, TaxonomyEntry
from plugins.healthcare.deadlines import london_date
from plugins.healthcare.handling import (
    ASPECTS,
    COMPLAINANT_STATUS,
    PATIENT_AGE_BAND,
    PROFESSION,
    SERVICE_AREA,
)
from plugins.healthcare.intake import outside_regulations
from plugins.healthcare.reporting import long_date, report_period
from plugins.healthcare.taxonomy import (
    AGE_BANDS,
    COMPLAINANT_STATUSES,
    PROFESSIONS,
    SERVICE_AREAS,
    SUBJECTS,
)

CODE = "ko41a-return"
CITATION = "NHS England KO41a collection (Data on Written Complaints in the NHS)"
NOT_RECORDED = "not_recorded"
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")

#: The KO41a breakdowns: section, the case field it reads, its terms. The subject area is
#: a list (every aspect of the complaint); the others hold one code.
SECTIONS: tuple[tuple[str, str, tuple[TaxonomyEntry, ...]], ...] = (
    ("age_band", PATIENT_AGE_BAND, AGE_BANDS),
    ("complainant_status", COMPLAINANT_STATUS, COMPLAINANT_STATUSES),
    ("service_area", SERVICE_AREA, SERVICE_AREAS),
    ("profession", PROFESSION, PROFESSIONS),
    ("subject", ASPECTS, SUBJECTS),
)


@dataclass(frozen=True, slots=True)
class Tally(Counts):
    """What one case, or a row's cases, add to the return. Field order is column order."""

    brought_forward: int = 0
    new: int = 0
    resolved: int = 0
    upheld: int = 0
    partly_upheld: int = 0
    not_upheld: int = 0
    withdrawn: int = 0
    carried_forward: int = 0


COUNTED = Tally.columns()
COLUMNS = ("section", "code", "label", *COUNTED)


def check_financial_year(start: date, end: date) -> None:
    """Refuse, with ``ValueError`` in words, a period that is not 1 April - 31 March."""
    if start != date(start.year, 4, 1) or end != date(start.year + 1, 3, 31):
        raise ValueError(
            "the KO41a return covers a financial year, 1 April to 31 March of the next year;"
            f" {start} to {end} is not one"
        )


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else london_date(moment)


def tally_case(case: CaseView, start: date, end: date) -> Tally:
    """What ``case`` adds to the return for ``start`` to ``end`` (see the module's rules)."""
    received = london_date(case.received_at)
    answered = _day(case.answered_at)
    closed = _day(case.closed_at)
    ended = min((d for d in (answered, closed) if d is not None), default=None)
    resolved = answered is not None and start <= answered <= end
    return Tally(
        brought_forward=int(received < start and (ended is None or ended >= start)),
        new=int(start <= received <= end),
        resolved=int(resolved),
        upheld=int(resolved and case.outcome == "upheld"),
        partly_upheld=int(resolved and case.outcome == "partly_upheld"),
        not_upheld=int(resolved and case.outcome == "not_upheld"),
        withdrawn=int(answered is None and closed is not None and start <= closed <= end),
        carried_forward=int(received <= end and (ended is None or ended > end)),
    )


def recorded_codes(case: CaseView, name: str, known: Iterable[str]) -> list[str]:
    """The codes of ``known`` the case records in field ``name``, each once, in field order.

    A list field (the subject areas) may give several; a single-choice field one.
    Nothing, or only codes the return does not know, gives none.
    """
    value = case.fields.get(name)
    values = value if isinstance(value, list | tuple) else [value]
    allowed = set(known)
    found: list[str] = []
    for code in values:
        if isinstance(code, str) and code in allowed and code not in found:
            found.append(code)
    return found


def ko41a_return(cases: Iterable[CaseView], start: date, end: date) -> ReportOutput:
    """The KO41a return for the financial year ``start`` to ``end``.

    Raises ``ValueError`` for a period that is not 1 April - 31 March.
    """
    check_financial_year(start, end)
    total = Tally()
    rows = {section: {e.code: Tally() for e in terms} for section, _, terms in SECTIONS}
    unrecorded = {section: Tally() for section, _, _ in SECTIONS}
    left_out = 0
    for case in cases:
        tally = tally_case(case, start, end)
        if not any(tally.counts()):
            continue
        if outside_regulations(case):
            left_out += 1
            continue
        total += tally
        for section, name, _ in SECTIONS:
            codes = recorded_codes(case, name, rows[section])
            for code in codes:
                rows[section][code] += tally
            if not codes:
                unrecorded[section] += tally

    table: list[list[object]] = [["total", "total", "All complaints", *total.counts()]]
    for section, _, terms in SECTIONS:
        table += [[section, e.code, e.label, *rows[section][e.code].counts()] for e in terms]
        if any(unrecorded[section].counts()):
            table.append([section, NOT_RECORDED, "Not recorded", *unrecorded[section].counts()])
    return ReportOutput(
        code=CODE,
        columns=COLUMNS,
        rows=table,
        title=f"KO41a return, {long_date(start)} to {long_date(end)}",
        notes=_notes(start, end, left_out),
    )


def _notes(start: date, end: date, left_out: int) -> tuple[str, ...]:
    return (
        f"KO41a: written complaints, {long_date(start)} to {long_date(end)}, London dates,"
        " both days included.",
        "Brought forward: received before the year, not answered or closed before it.",
        "New: received in the year.",
        "Resolved: the response was sent in the year; upheld, partly upheld and not upheld"
        " split the resolved complaints by their approved outcome.",
        "Withdrawn: closed in the year without a response.",
        "Carried forward: received by the end of the year, neither answered nor closed by it."
        " Brought forward + new = resolved + withdrawn + carried forward.",
        "Age band, complainant status, service area and profession: each complaint counts"
        " once, so each section adds up to the total.",
        "Subject area: a complaint with several aspects counts once in the total and once"
        " under each aspect, so the subject rows add up to more than the total.",
        "'Not recorded' rows hold complaints without the field, or with a code the KO41a"
        " does not know.",
        "Left out: oral complaints resolved to the complainant's satisfaction by the next"
        f" working day (SI 2009/309 reg. 8(1)(c)): {left_out}.",
    )


def definition() -> ReportDefinition:
    """The return as the reports page lists it."""
    return ReportDefinition(
        code=CODE,
        title="KO41a complaints return",
        description="Written complaints brought forward, new, resolved (upheld, partly upheld,"
        " not upheld), withdrawn and carried forward, by patient age, complainant status,"
        " service area, profession and subject area, for a financial year (1 April - 31"
        " March).",
        citation=CITATION,
    )


def report(cases: Sequence[CaseView], parameters: dict[str, object]) -> ReportOutput:
    """The return for the year in ``parameters`` ("from" 1 April, "to" 31 March)."""
    start, end = report_period(parameters)
    return ko41a_return(cases, start, end)
