"""Grievances by facility and the PREA data count every case right.

Expected numbers are counted by hand from the rules on the small sets of cases
below, never from the code. US tenants are in New York, where daylight saving
time began on 8 March 2026; 1 March 2026 was a Sunday. Answer deadlines, from
the plugin's rules: a BP-9 by the end of the 20th calendar day after receipt, a
PREA grievance the 90th day, a PREA emergency the 5th calendar day; in England
and Wales the 5th working day after receipt (London). A case given its own
``final_response`` deadline (as holds and extensions moved it) is counted
against that; the rules count only the cases without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.prisons
from core.sdk import CaseView, DeadlineView, LevelView, ReportOutput, TenantView
from plugins.prisons.prea_data import (
    ANNUAL_COLUMNS,
    INCIDENT_COLUMNS,
    annual_data,
    annual_due,
    incident_data,
)
from plugins.prisons.reports import (
    COLUMNS,
    england_wales_target,
    grievances_by_facility,
    us_target,
)
from tests.unit.plugins.views import case_view, tenant_view

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
OFFICER = "j.smith@facility.example.gov"


def ny(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def london(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def end_of(year: int, month: int, day: int) -> datetime:
    """The last moment of a New York day, where the US deadlines end."""
    return datetime.combine(date(year, month, day), time.max, tzinfo=NEW_YORK)


def appeal(opened_at: datetime) -> LevelView:
    return LevelView(level=1, name="BP-10 appeal to the Regional Director", opened_at=opened_at)


def final_response(due_at: datetime, moved_from: datetime | None = None) -> DeadlineView:
    """The case's own answer deadline; ``moved_from`` its first due time, if it was moved."""
    return DeadlineView(kind="final_response", due_at=due_at, original_due_at=moved_from)


def case(
    reference: str,
    received_at: datetime,
    answered_at: datetime | None = None,
    outcome: str | None = None,
    *,
    closed_at: datetime | None = None,
    appeals: Sequence[LevelView] = (),
    deemed_at: datetime | None = None,
    deadlines: Sequence[DeadlineView] = (),
    withheld: Sequence[str] = (),
    **fields: Any,
) -> CaseView:
    """A case as a report sees it: ``deemed_at`` its first level deemed denied, ``deadlines``
    its own, ``withheld`` sensitive fields recorded whose values the report is not given."""
    view = case_view(
        received_at,
        reference=reference,
        answered_at=answered_at,
        closed_at=closed_at,
        outcome=outcome,
        appeals=appeals,
        **fields,
    )
    first = replace(view.levels[0], deemed_denied_at=deemed_at)
    recorded = {name for name, value in fields.items() if value not in (None, "")}
    return replace(
        view,
        channel="letter",
        appeal_level=len(appeals),
        levels=(first, *view.levels[1:]),
        deadlines=tuple(deadlines),
        recorded=frozenset(recorded | set(withheld)),
    )


def tenant(jurisdiction: str, timezone: str = "Europe/London", **settings: Any) -> TenantView:
    view = tenant_view("prisons", "prisons", jurisdiction=jurisdiction, **settings)
    return replace(view, timezone=timezone)


def us(**settings: Any) -> TenantView:
    return tenant("us", "America/New_York", **settings)


def ew(**settings: Any) -> TenantView:
    return tenant("england-wales", **settings)


def rows(output: ReportOutput) -> dict[tuple[str, str], list[Any]]:
    return {(row[0], row[1]): list(row[2:]) for row in output.rows}


# -- grievances by facility (US) -----------------------------------------------------------------

ALPHA = "FCI Alpha"
BETA = "FCI Beta"

GRIEVANCES = [
    # Open at the start; a BP-9 due by the end of 12 March, answered on 5 March: in time.
    case("P-01", ny(2026, 2, 20, 10), ny(2026, 3, 5, 10), "not_upheld", facility=ALPHA),
    # Due by the end of Sunday 22 March, answered on Monday 23 March: late.
    case("P-02", ny(2026, 3, 2), ny(2026, 3, 23), "upheld", facility=ALPHA),
    # 03:00 UTC on 1 March is 22:00 on 28 February in New York: open at the start and end.
    case("P-03", utc(2026, 3, 1, 3), facility=BETA),
    # 03:30 UTC on 1 April is 23:30 on 31 March in New York: received in the period.
    case("P-04", utc(2026, 4, 1, 3, 30), facility=BETA),
    # 04:30 UTC on 1 April is 00:30 on 1 April in New York: after the period, no row.
    case("P-05", utc(2026, 4, 1, 4, 30), facility="FCI Gamma"),
    # PREA emergency due by the end of 15 March, answered at 23:30 that day; appealed on 25
    # March. The facility written with spaces around it.
    case("P-06", ny(2026, 3, 10, 14), ny(2026, 3, 15, 23, 30), "partly_upheld",
         appeals=[appeal(ny(2026, 3, 25))], facility="  FCI Alpha ", emergency=True),
    # PREA, no facility, withdrawn on 20 March: closed unanswered.
    case("P-07", ny(2026, 3, 3), closed_at=ny(2026, 3, 20), prea=True),
    # No facility; due by the end of Sunday 29 March, answered 03:30 UTC on 1 April (23:30 on
    # 31 March in New York): answered in the period, late; appealed after the period.
    case("P-08", ny(2026, 3, 9), utc(2026, 4, 1, 3, 30), "upheld",
         appeals=[appeal(ny(2026, 4, 10))], facility=""),
    # Answered in time without a recorded outcome.
    case("P-09", ny(2026, 3, 16), ny(2026, 3, 20), facility=BETA),
    # Answered before the period, closed in it: counted nowhere.
    case("P-10", ny(2026, 1, 10), ny(2026, 2, 1), "upheld", closed_at=ny(2026, 3, 10),
         facility=ALPHA),
    # Open at the start, answered after the period: open at the end.
    case("P-11", ny(2026, 2, 25), ny(2026, 4, 2), "upheld", facility=BETA),
    # Due by the end of 1 April, answered on 20 March; appealed on 28 March.
    case("P-12", ny(2026, 3, 12), ny(2026, 3, 20), "not_upheld",
         appeals=[appeal(ny(2026, 3, 28))], facility=ALPHA),
    # Due by the end of Sunday 22 March by the rule; its own deadline extended by 20 days
    # (542.18) to the end of 11 April; answered on 30 March: in time.
    case("P-13", ny(2026, 3, 2), ny(2026, 3, 30), "not_upheld",
         deadlines=[final_response(end_of(2026, 4, 11), moved_from=end_of(2026, 3, 22))],
         facility=BETA),
    # Due by the end of 24 March, no answer: the BP-10 opened on 26 March records the denial,
    # dated at the due time. Deemed denied and appealed; not open at the end.
    case("P-14", ny(2026, 3, 4), deemed_at=end_of(2026, 3, 24),
         appeals=[appeal(ny(2026, 3, 26))], deadlines=[final_response(end_of(2026, 3, 24))],
         facility=ALPHA),
    # Due by the end of 21 February, deemed denied then (appealed 25 February): never
    # answered nor closed, so the core gives it to the report, but it counts nothing.
    case("P-15", ny(2026, 2, 1), deemed_at=end_of(2026, 2, 21),
         appeals=[appeal(ny(2026, 2, 25))], facility=ALPHA),
]  # fmt: skip

#: open at start, received, answered, upheld, partly upheld, not upheld, answered in time,
#: answered late, deemed denied, appealed, closed unanswered, open at end
BY_FACILITY = {
    ("total", "All facilities"): [3, 9, 7, 2, 1, 3, 5, 2, 1, 3, 1, 3],
    ("facility", ALPHA): [1, 4, 4, 1, 1, 2, 3, 1, 1, 3, 0, 0],  # P-01 P-02 P-06 P-12 P-14
    ("facility", BETA): [2, 3, 2, 0, 0, 1, 2, 0, 0, 0, 0, 3],  # P-03 P-04 P-09 P-11 P-13
    ("not_recorded", "Not recorded"): [0, 2, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0],  # P-07 P-08
}


def test_grievances_are_counted_per_facility_in_the_tenants_zone() -> None:
    output = grievances_by_facility(
        GRIEVANCES, *MARCH, "America/New_York", us_target("America/New_York", roll_forward=False)
    )

    assert output.code == "grievances-by-facility"
    assert list(output.columns) == list(COLUMNS)
    assert list(COLUMNS) == [
        "section",
        "facility",
        "open_at_start",
        "received",
        "answered",
        "upheld",
        "partly_upheld",
        "not_upheld",
        "answered_in_time",
        "answered_late",
        "deemed_denied",
        "appealed",
        "closed_unanswered",
        "open_at_end",
    ]
    assert rows(output) == BY_FACILITY
    assert [row[1] for row in output.rows] == ["All facilities", ALPHA, BETA, "Not recorded"]
    for counts in BY_FACILITY.values():
        start, received, answered, *_, deemed, _appealed, closed, end = counts
        assert start + received == answered + deemed + closed + end


def test_the_hook_moves_us_due_dates_off_weekends_when_the_tenant_asks() -> None:
    parameters = {"from": "2026-03-01", "to": "2026-03-31"}
    plain = plugins.prisons.querela_report_for_cases(
        us(), "grievances-by-facility", GRIEVANCES, parameters
    )
    rolled = plugins.prisons.querela_report_for_cases(
        us(roll_forward_to_business_day=True), "grievances-by-facility", GRIEVANCES, parameters
    )

    assert plain is not None and rows(plain) == BY_FACILITY
    assert rolled is not None
    # P-02's Sunday 22 March moves to Monday 23 March: in time. P-08's Sunday 29 March moves
    # to Monday 30 March: still late on 31 March. P-13 keeps its own deadline: in time.
    assert rows(rolled)[("facility", ALPHA)][6:8] == [4, 0]
    assert rows(rolled)[("facility", BETA)][6:8] == [2, 0]
    assert rows(rolled)[("not_recorded", "Not recorded")][6:8] == [0, 1]
    assert rows(rolled)[("total", "All facilities")][6:8] == [6, 1]
    assert any("weekends and federal holidays" in note for note in rolled.notes)


def test_the_notes_say_how_each_column_is_counted_and_what_is_not_seen() -> None:
    notes = " ".join(
        grievances_by_facility([], *MARCH, "UTC", us_target("UTC", roll_forward=False)).notes
    )

    assert "1 March 2026 to 31 March 2026, dates in UTC, both days included" in notes
    assert "28 CFR 115.52(f)" in notes and "542.18" in notes
    assert "own answer deadline (final_response) as it stands" in notes
    assert "moved by holds (once they end) and extensions" in notes
    assert "Only for a case that has no such deadline is it worked out again" in notes
    assert "are not seen" not in notes
    assert "taken as a denial at the first level (28 CFR 542.18, 115.52(d)(4))" in notes
    assert (
        "Open at start + received = answered + deemed denied + closed unanswered + open at end"
        in notes
    )
    assert "'Not recorded'" in notes


def test_the_cases_own_deadline_decides_what_is_late_and_the_rule_only_without_one() -> None:
    target = us_target("America/New_York", roll_forward=False)
    extended = next(c for c in GRIEVANCES if c.reference == "P-13")
    # P-09, received 16 March and answered 20 March, in time by the rule (the end of 5
    # April); registered before the plugin was enabled, it keeps the organisation's 3 days.
    organisations = replace(
        next(c for c in GRIEVANCES if c.reference == "P-09"),
        deadlines=(final_response(end_of(2026, 3, 19)),),
    )

    def in_time_and_late(view: CaseView) -> list[int]:
        output = grievances_by_facility([view], *MARCH, "America/New_York", target)
        return rows(output)[("facility", BETA)][6:8]

    # P-13, answered 30 March: before its extended end of 11 April, after the rule's 22 March.
    assert in_time_and_late(extended) == [1, 0]
    assert in_time_and_late(replace(extended, deadlines=())) == [0, 1]
    assert in_time_and_late(organisations) == [0, 1]
    assert in_time_and_late(replace(organisations, deadlines=())) == [1, 0]


def test_a_deemed_denial_is_counted_as_such_not_as_open() -> None:
    target = us_target("America/New_York", roll_forward=False)
    deemed = next(c for c in GRIEVANCES if c.reference == "P-14")
    before = next(c for c in GRIEVANCES if c.reference == "P-15")
    # Not yet appealed, so not deemed denied: open at the end.
    undecided = case("P-14", ny(2026, 3, 4), deadlines=deemed.deadlines, facility=ALPHA)
    # The Warden's answer sent late on 30 March, after the denial: answered late instead.
    answered_late = replace(deemed, answered_at=ny(2026, 3, 30), outcome="not_upheld")

    def counts(view: CaseView) -> list[Any]:
        output = grievances_by_facility([view], *MARCH, "America/New_York", target)
        return [list(row[2:]) for row in output.rows]

    assert counts(deemed) == [[0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]] * 2
    assert counts(undecided) == [[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]] * 2
    assert counts(answered_late) == [[0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0]] * 2
    assert counts(before) == [[0] * 12]


def test_an_empty_period_has_a_total_row_only() -> None:
    output = grievances_by_facility(
        [], *MARCH, "America/New_York", us_target("America/New_York", roll_forward=False)
    )

    assert [list(row) for row in output.rows] == [["total", "All facilities", *[0] * 12]]


# -- grievances by facility (England and Wales) --------------------------------------------------

COMPLAINTS = [
    # COMP1 on Thursday 2 April: reply due by the end of Monday 13 April (Easter between).
    case("E-1", london(4, 2), london(4, 13, 17), "upheld", facility="HMP Alpha"),
    # Answered on 14 April: late; appealed on a COMP1A on 16 April.
    case("E-2", london(4, 2, 11), london(4, 14, 9), "not_upheld",
         appeals=[LevelView(level=1, name="COMP1A appeal", opened_at=london(4, 16))],
         facility="HMP Alpha"),
    # 23:30 UTC on 31 March is 00:30 on 1 April in London: received in April; still open.
    case("E-3", utc(2026, 3, 31, 23, 30), form="comp2"),
]  # fmt: skip

APRIL = {"from": date(2026, 4, 1), "to": date(2026, 4, 30)}


def test_england_and_wales_complaints_are_counted_against_the_reply_target() -> None:
    output = plugins.prisons.querela_report_for_cases(
        ew(), "grievances-by-facility", COMPLAINTS, APRIL
    )

    assert output is not None and not output.problem
    assert rows(output) == {
        ("total", "All facilities"): [0, 3, 2, 1, 0, 1, 1, 1, 0, 1, 0, 1],
        ("facility", "HMP Alpha"): [0, 2, 2, 1, 0, 1, 1, 1, 0, 1, 0, 0],
        ("not_recorded", "Not recorded"): [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    }
    assert any("working day 5" in note and "London" in note for note in output.notes)


def test_the_tenants_reply_target_decides_what_is_late() -> None:
    # 7 working days after Thursday 2 April: 7, 8, 9, 10, 13, 14, 15 April. E-2 is in time.
    output = grievances_by_facility(
        COMPLAINTS, *APRIL.values(), "Europe/London", england_wales_target(7)
    )

    assert rows(output)[("facility", "HMP Alpha")][6:8] == [2, 0]


# -- PREA annual data ----------------------------------------------------------------------------

ALLEGATIONS = [
    # 03:00 UTC on 1 January 2026 is 22:00 on 31 December 2025 in New York: the year before.
    case("A-0", utc(2026, 1, 1, 3), prea=True, facility=ALPHA),
    # Emergency (prea not ticked) decided on 14 March: within 5 days (15 March) and 90.
    case("A-1", ny(2026, 3, 10, 14), ny(2026, 3, 14, 10), "upheld", emergency=True,
         grievance_type="prea_sexual_abuse", filed_by="self", facility=ALPHA),
    # Filed by family, the victim declines; 90 days end on 2 May, decided 5 May; appealed.
    case("A-2", ny(2026, 2, 1), ny(2026, 5, 5), "not_upheld", appeals=[appeal(ny(2026, 5, 20))],
         prea=True, grievance_type="prea_sexual_harassment", filed_by="family",
         victim_agrees=False, facility=ALPHA),
    # An advocate filed; no answer from the victim; a type that is not a PREA one; decided
    # after the year: open at its end.
    case("A-3", ny(2026, 12, 20), ny(2027, 1, 5), "upheld", prea=True,
         grievance_type="staff_conduct", filed_by="advocate"),
    # Closed without a decision.
    case("A-4", ny(2026, 6, 1), closed_at=ny(2026, 6, 10), prea=True, filed_by="self",
         facility=BETA),
    # 04:30 UTC on 1 January 2027 is 23:30 on 31 December 2026 in New York: in the year.
    case("A-5", utc(2027, 1, 1, 4, 30), prea=True, facility=BETA),
    # Not a PREA grievance: not counted.
    case("A-6", ny(2026, 4, 1), ny(2026, 4, 10), "upheld", facility=BETA),
    # 90 days end on 30 November; decided at noon that day: within.
    case("A-7", ny(2026, 9, 1), ny(2026, 11, 30, 12), "partly_upheld", prea=True,
         grievance_type="prea_sexual_abuse", facility=ALPHA),
    # Decided without a recorded outcome; appealed only after the year.
    case("A-8", ny(2026, 10, 1), ny(2026, 10, 20), appeals=[appeal(ny(2027, 1, 10))], prea=True,
         facility=ALPHA),
    # Emergency due by the end of 6 July, decided 8 July: not within 5 days, within 90.
    case("A-9", ny(2026, 7, 1), ny(2026, 7, 8), "not_upheld", emergency=True, facility=BETA),
    # Decided 03:00 UTC on 1 January 2027, 22:00 on 31 December in New York: in the year.
    case("A-10", ny(2026, 12, 1), utc(2027, 1, 1, 3), "upheld", prea=True, facility=BETA),
    # Names a member of staff: recorded, the address withheld from the report. 90 days end on
    # 30 June; 10 days on hold for appeal preparation moved its own deadline to the end of 10
    # July; decided 8 July: within.
    case("A-11", ny(2026, 4, 1), ny(2026, 7, 8), "upheld", prea=True,
         grievance_type="prea_sexual_abuse", withheld=["staff_named"], facility=ALPHA,
         deadlines=[final_response(end_of(2026, 7, 10), moved_from=end_of(2026, 6, 30))]),
    # Emergency (initial response due 5 August 10:00, decision by the end of 8 August), no
    # decision: deemed denied at the end of 8 August, recorded when appealed on 10 August.
    case("A-12", ny(2026, 8, 3, 10), deemed_at=end_of(2026, 8, 8),
         appeals=[appeal(ny(2026, 8, 10))], emergency=True, facility=BETA,
         deadlines=[DeadlineView(kind="initial_response", due_at=ny(2026, 8, 5, 10)),
                    final_response(end_of(2026, 8, 8))]),
]  # fmt: skip

#: allegations, emergency, sexual abuse, sexual harassment, type not recorded, staff named, no
#: staff named, third party, victim declined, victim agreement not recorded, upheld, partly
#: upheld, not upheld, outcome not recorded, deemed denied, closed without decision, open at
#: year end, decided within 90 days, emergency decided within 5 days, appealed
ANNUAL = {
    ("total", "All facilities"): [11, 3, 3, 1, 7, 1, 10, 2, 1, 1, 3, 1, 2, 1, 1, 1, 2, 6, 1, 2],
    # A-1 2 7 8 11
    ("facility", ALPHA): [5, 1, 3, 1, 1, 1, 4, 1, 1, 0, 2, 1, 1, 1, 0, 0, 0, 4, 1, 1],
    # A-4 5 9 10 12
    ("facility", BETA): [5, 2, 0, 0, 5, 0, 5, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 2, 0, 1],
    #
    ("not_recorded", "Not recorded"): [1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
}


def test_the_annual_data_counts_the_years_prea_grievances_per_facility() -> None:
    output = annual_data(ALLEGATIONS, *YEAR, "America/New_York", roll_forward=False)

    assert output.code == "prea-annual-data"
    assert list(output.columns) == list(ANNUAL_COLUMNS)
    assert list(ANNUAL_COLUMNS[2:]) == [
        "allegations",
        "emergency",
        "sexual_abuse",
        "sexual_harassment",
        "type_not_recorded",
        "staff_named",
        "no_staff_named",
        "third_party",
        "victim_declined",
        "victim_agreement_not_recorded",
        "upheld",
        "partly_upheld",
        "not_upheld",
        "outcome_not_recorded",
        "deemed_denied",
        "closed_without_decision",
        "open_at_year_end",
        "decided_within_90_days",
        "emergency_decided_within_5_days",
        "appealed",
    ]
    assert rows(output) == ANNUAL
    assert output.title == "PREA annual data, 2026"
    for total, _, abuse, harassment, untyped, named, unnamed, *rest in ANNUAL.values():
        assert abuse + harassment + untyped == total
        assert named + unnamed == total
        assert sum(rest[3:10]) == total  # the outcomes, deemed denied, closed and open add up


def test_the_annual_notes_say_what_querela_does_not_record() -> None:
    notes = " ".join(annual_data([], *YEAR, "America/New_York", roll_forward=False).notes)

    assert "28 CFR 115.87, 115.88" in notes
    assert "substantiated, unsubstantiated, unfounded" in notes
    assert "not recorded by Querela" in notes
    assert "Survey of Sexual Violence" in notes
    assert "staff-on-inmate from inmate-on-inmate" in notes
    assert "the nearest Querela records" in notes and "never who" in notes
    assert "own decision deadline (final_response) as it stands" in notes
    assert "moved by holds for appeal" in notes and "and by extensions" in notes
    assert "Only a grievance without a deadline is counted against the rule" in notes
    assert "are not seen" not in notes
    assert "taken as a denial at the first level (115.52(d)(4))" in notes


def test_a_hold_moves_the_prea_90_days_and_the_rule_counts_only_without_a_deadline() -> None:
    held = next(c for c in ALLEGATIONS if c.reference == "A-11")
    within = ANNUAL_COLUMNS.index("decided_within_90_days")
    due = INCIDENT_COLUMNS.index("decision_due")

    # By the rule worked out again, 90 days end on 30 June: 8 July is not within.
    unheld = replace(held, deadlines=())
    for view, counted, shown in ((held, 1, "2026-07-10"), (unheld, 0, "2026-06-30")):
        annual = annual_data([view], *YEAR, "America/New_York", roll_forward=False)
        incidents = incident_data([view], *YEAR, "America/New_York", roll_forward=False)
        assert annual.rows[0][within] == counted
        assert incidents.rows[0][due] == shown


def test_a_deemed_denial_counts_unless_a_decision_was_sent_by_the_years_end() -> None:
    deemed = next(c for c in ALLEGATIONS if c.reference == "A-12")
    late = replace(deemed, answered_at=ny(2026, 8, 20), outcome="not_upheld")
    next_year = replace(deemed, answered_at=ny(2027, 1, 5), outcome="not_upheld")
    columns = ("not_upheld", "deemed_denied", "open_at_year_end", "decided_within_90_days")
    picked = [ANNUAL_COLUMNS.index(name) for name in columns]

    def counts(view: CaseView) -> list[Any]:
        output = annual_data([view], *YEAR, "America/New_York", roll_forward=False)
        return [output.rows[0][i] for i in picked]

    assert counts(deemed) == [0, 1, 0, 0]
    # Decided 20 August, after its 5 days (8 August) but within the 90 worked out from filing.
    assert counts(late) == [1, 0, 0, 1]
    assert counts(next_year) == [0, 1, 0, 0]
    line = incident_data([late], *YEAR, "America/New_York", roll_forward=False).rows[0]
    assert list(line[9:12]) == ["2026-08-20", "2026-08-08", "Not upheld"]


def test_staff_named_is_counted_from_what_is_recorded_never_its_value() -> None:
    named = next(c for c in ALLEGATIONS if c.reference == "A-11")
    unnamed = replace(named, recorded=named.recorded - {"staff_named"})
    staff = ANNUAL_COLUMNS.index("staff_named")

    assert "staff_named" not in named.fields  # as the core gives a report view
    for view, counts, shown in ((named, [1, 0], "yes"), (unnamed, [0, 1], "no")):
        annual = annual_data([view], *YEAR, "America/New_York", roll_forward=False)
        incidents = incident_data([view], *YEAR, "America/New_York", roll_forward=False)
        assert list(annual.rows[0][staff : staff + 2]) == counts
        assert incidents.rows[0][INCIDENT_COLUMNS.index("staff_named")] == shown


@pytest.mark.parametrize(
    "period",
    [
        pytest.param((date(2026, 4, 1), date(2027, 3, 31)), id="financial-year"),
        pytest.param((date(2026, 1, 1), date(2026, 12, 30)), id="a-day-short"),
        pytest.param((date(2026, 1, 1), date(2027, 12, 31)), id="two-years"),
        pytest.param((date(2026, 1, 1), date(2026, 3, 31)), id="a-quarter"),
    ],
)
def test_a_period_that_is_not_a_calendar_year_is_refused(period: tuple[date, date]) -> None:
    start, end = period
    output = plugins.prisons.querela_report_for_cases(
        us(), "prea-annual-data", ALLEGATIONS, {"from": start.isoformat(), "to": end}
    )

    assert output is not None and output.rows == ()
    assert "calendar year, 1 January to 31 December" in output.problem
    assert start.isoformat() in output.problem and end.isoformat() in output.problem


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    output = plugins.prisons.querela_report_for_cases(
        ew(), "grievances-by-facility", COMPLAINTS, {"from": "2026-04-30", "to": "2026-04-01"}
    )

    assert output is not None and output.rows == ()
    assert "ends (2026-04-01) before it starts (2026-04-30)" in output.problem


def test_the_years_data_is_due_by_30_june_of_the_next() -> None:
    before = annual_due(date(2026, 3, 1))
    on_the_day = annual_due(date(2026, 6, 30))
    after = annual_due(date(2026, 7, 1))

    assert [(d.period_start, d.period_end, d.due_on) for d in before] == [
        (date(2025, 1, 1), date(2025, 12, 31), date(2026, 6, 30)),
        (date(2026, 1, 1), date(2026, 12, 31), date(2027, 6, 30)),
    ]
    assert [d.due_on for d in on_the_day] == [date(2026, 6, 30), date(2027, 6, 30)]
    assert [d.due_on for d in after] == [date(2027, 6, 30)]
    assert "30 June 2027 (28 CFR 115.87(f))" in after[0].label
    assert "on request" in after[0].label


# -- PREA incident data --------------------------------------------------------------------------


def test_the_incident_data_has_a_line_per_prea_grievance_received() -> None:
    output = incident_data(ALLEGATIONS, *YEAR, "America/New_York", roll_forward=False)

    assert list(output.columns) == list(INCIDENT_COLUMNS)
    assert list(INCIDENT_COLUMNS) == [
        "reference",
        "facility",
        "date_received",
        "emergency",
        "allegation_type",
        "staff_named",
        "third_party",
        "victim_agrees",
        "decision_due",
        "date_decided",
        "date_deemed_denied",
        "outcome",
        "appealed",
    ]
    assert [list(row) for row in output.rows] == [
        ["A-2", ALPHA, "2026-02-01", "no", "Sexual harassment", "no", "yes", "no",
         "2026-05-02", "2026-05-05", "", "Not upheld", "yes"],
        ["A-1", ALPHA, "2026-03-10", "yes", "Sexual abuse", "no", "no", "",
         "2026-03-15", "2026-03-14", "", "Upheld", "no"],
        ["A-11", ALPHA, "2026-04-01", "no", "Sexual abuse", "yes", "no", "",
         "2026-07-10", "2026-07-08", "", "Upheld", "no"],
        ["A-4", BETA, "2026-06-01", "no", "Not recorded", "no", "no", "",
         "2026-08-30", "", "", "Closed without a decision", "no"],
        ["A-9", BETA, "2026-07-01", "yes", "Not recorded", "no", "no", "",
         "2026-07-06", "2026-07-08", "", "Not upheld", "no"],
        ["A-12", BETA, "2026-08-03", "yes", "Not recorded", "no", "no", "",
         "2026-08-08", "", "2026-08-08", "Deemed denied", "yes"],
        ["A-7", ALPHA, "2026-09-01", "no", "Sexual abuse", "no", "no", "",
         "2026-11-30", "2026-11-30", "", "Partly upheld", "no"],
        ["A-8", ALPHA, "2026-10-01", "no", "Not recorded", "no", "no", "",
         "2026-12-30", "2026-10-20", "", "Outcome not recorded", "yes"],
        ["A-10", BETA, "2026-12-01", "no", "Not recorded", "no", "no", "",
         "2027-03-01", "2026-12-31", "", "Upheld", "no"],
        ["A-3", "Not recorded", "2026-12-20", "no", "Not recorded", "no", "yes", "not recorded",
         "2027-03-20", "2027-01-05", "", "Upheld", "no"],
        ["A-5", BETA, "2026-12-31", "no", "Not recorded", "no", "no", "",
         "2027-03-31", "", "", "", "no"],
    ]  # fmt: skip


def test_no_report_prints_the_named_member_of_staff() -> None:
    # The core withholds sensitive fields from reports; were one given, it stays out.
    named = [replace(c, fields={**c.fields, "staff_named": OFFICER}) for c in ALLEGATIONS]
    parameters = {"from": "2026-01-01", "to": "2026-12-31"}

    for code in ("grievances-by-facility", "prea-incident-data", "prea-annual-data"):
        output = plugins.prisons.querela_report_for_cases(us(), code, named, parameters)
        assert output is not None and output.rows, code
        assert not any(OFFICER in str(cell) for row in output.rows for cell in row), code


# -- the hooks -----------------------------------------------------------------------------------


def test_each_jurisdiction_is_offered_its_reports() -> None:
    offered_us = plugins.prisons.querela_register_reports(us())
    offered_ew = plugins.prisons.querela_register_reports(ew())

    assert [d.code for d in offered_us] == [
        "grievances-by-facility",
        "prea-incident-data",
        "prea-annual-data",
    ]
    assert [d.code for d in offered_ew] == ["grievances-by-facility"]
    assert plugins.prisons.querela_register_reports(tenant("scotland")) == ()
    annual = offered_us[2]
    assert annual.citation.startswith("28 CFR 115.87")
    assert annual.due and all((d.due_on.month, d.due_on.day) == (6, 30) for d in annual.due)
    assert all(not d.complainant_names for d in (*offered_us, *offered_ew))


@pytest.mark.parametrize(
    ("view", "code"),
    [
        pytest.param(us(), "ko41a-return", id="us-another-plugins-report"),
        pytest.param(ew(), "ko41a-return", id="ew-another-plugins-report"),
        pytest.param(ew(), "prea-annual-data", id="ew-prea-annual"),
        pytest.param(ew(), "prea-incident-data", id="ew-prea-incidents"),
        pytest.param(tenant("scotland"), "grievances-by-facility", id="unknown-jurisdiction"),
    ],
)
def test_a_report_the_tenant_is_not_offered_is_left_to_other_plugins(
    view: TenantView, code: str
) -> None:
    output = plugins.prisons.querela_report_for_cases(
        view, code, GRIEVANCES, {"from": "2026-01-01", "to": "2026-12-31"}
    )

    assert output is None


def test_the_hook_produces_the_prea_reports_in_the_tenants_zone() -> None:
    annual = plugins.prisons.querela_report_for_cases(
        us(), "prea-annual-data", ALLEGATIONS, {"from": date(2026, 1, 1), "to": "2026-12-31"}
    )
    incidents = plugins.prisons.querela_report_for_cases(
        us(), "prea-incident-data", ALLEGATIONS, {"from": "2026-01-01", "to": "2026-03-31"}
    )

    assert annual is not None and rows(annual) == ANNUAL
    assert incidents is not None and not incidents.problem
    # A-0 fell on 31 December 2025 in New York.
    assert [row[0] for row in incidents.rows] == ["A-2", "A-1"]
