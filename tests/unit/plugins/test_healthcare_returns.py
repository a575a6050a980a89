"""The KO41a return, the reg. 18 annual report and the grievance log count every case right.

Expected numbers are counted by hand from the rules on the small set of cases
below, never from the code. The year is the financial year 2026-27 (1 April
2026 - 31 March 2027); British Summer Time began on 29 March 2026 and begins on
28 March 2027.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.healthcare
from core.sdk import CaseView, LevelView, ReportOutput, TenantView
from plugins.healthcare.annual import annual_report
from plugins.healthcare.grievance_log import grievance_log
from plugins.healthcare.returns import COLUMNS, ko41a_return
from tests.unit.plugins.views import case_view, tenant_view

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
YEAR = (date(2026, 4, 1), date(2027, 3, 31))


def london(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def case(
    reference: str,
    received_at: datetime,
    answered_at: datetime | None = None,
    outcome: str | None = None,
    *,
    closed_at: datetime | None = None,
    channel: str = "letter",
    appeals: Sequence[LevelView] = (),
    complainant: str | None = None,
    **fields: Any,
) -> CaseView:
    view = case_view(
        received_at,
        reference=reference,
        answered_at=answered_at,
        closed_at=closed_at or answered_at,
        outcome=outcome,
        appeals=appeals,
        complainant=complainant,
        **fields,
    )
    return replace(view, channel=channel)


OLDER = {"patient_age_band": "65_plus", "complainant_status": "patient"}

CASES = [
    # Brought forward and resolved (upheld) on the year's first day; two aspects.
    case("A", london(2026, 3, 10), london(2026, 4, 1, 9), "upheld", **OLDER,
         service_area="inpatient", profession="medical",
         subjects=["patient_care", "communications"]),
    # Brought forward and still open: carried forward.
    case("B", london(2026, 2, 1), patient_age_band="18_64", complainant_status="relative_carer",
         service_area="outpatient", profession="nursing_midwifery_health_visiting",
         subjects=["appointments"], referred_to_ombudsman=True),
    # Answered at 23:59 London on 31 March 2026, before the year: counted nowhere.
    case("C", london(2026, 3, 1), utc(2026, 3, 31, 22, 59), "upheld", **OLDER),
    # New, resolved partly upheld; three aspects; referred to the Ombudsman.
    case("D", london(2026, 4, 15), london(2026, 6, 1), "partly_upheld",
         patient_age_band="0_17", complainant_status="relative_carer", service_area="maternity",
         profession="medical",
         subjects=["clinical_treatment", "communications", "values_behaviours"],
         referred_to_ombudsman=True),
    # New, resolved not upheld; no age recorded.
    case("E", london(2026, 7, 1), london(2026, 8, 1), "not_upheld", complainant_status="patient",
         service_area="accident_emergency", profession="nursing_midwifery_health_visiting",
         subjects=["waiting_times"]),
    # New and open at the end: carried forward; nothing recorded.
    case("F", london(2027, 1, 10)),
    # 23:30 UTC on 31 March 2027 is 00:30 on 1 April in London: after the year.
    case("G", utc(2027, 3, 31, 23, 30)),
    # An oral complaint resolved the next working day: outside the regulations, left out.
    case("H", london(2026, 5, 5), london(2026, 5, 6), "upheld", channel="phone",
         resolved_next_working_day=True, subjects=["communications"], **OLDER),
    # New, closed without a response: withdrawn.
    case("I", london(2026, 9, 1), closed_at=london(2026, 9, 20)),
    # New, answered after the year: carried forward, not resolved.
    case("J", london(2026, 12, 1), london(2027, 4, 2), "upheld", patient_age_band="65_plus",
         complainant_status="other", service_area="mental_health",
         profession="allied_health_professionals"),
    # New, resolved without a recorded outcome; an aspect the KO41a does not know.
    case("K", london(2026, 10, 10), london(2026, 10, 20), subjects=["parking"]),
    # The tick counts only for an oral complaint: this written one stays in.
    case("L", london(2026, 11, 1), resolved_next_working_day=True),
    # Answered on the year's last day: resolved, not carried forward.
    case("M", london(2027, 2, 1), london(2027, 3, 31, 16), "not_upheld"),
]  # fmt: skip


def rows(output: ReportOutput) -> dict[tuple[str, str], list[Any]]:
    return {(row[0], row[1]): list(row[3:]) for row in output.rows}


# -- KO41a ---------------------------------------------------------------------------------------

#: brought forward, new, resolved, upheld, partly upheld, not upheld, withdrawn, carried forward
#: BF: A, B; new: D E F I J K L M; resolved: A D E K M; withdrawn: I; CF: B F J L
TOTAL = [2, 8, 5, 1, 1, 2, 1, 4]

SUBJECT_ROWS = {
    "patient_care": [1, 0, 1, 1, 0, 0, 0, 0],  # A
    "communications": [1, 1, 2, 1, 1, 0, 0, 0],  # A, D
    "appointments": [1, 0, 0, 0, 0, 0, 0, 1],  # B
    "clinical_treatment": [0, 1, 1, 0, 1, 0, 0, 0],  # D
    "values_behaviours": [0, 1, 1, 0, 1, 0, 0, 0],  # D
    "waiting_times": [0, 1, 1, 0, 0, 1, 0, 0],  # E
    "not_recorded": [0, 6, 2, 0, 0, 1, 1, 3],  # F, I, J, K (unknown aspect), L, M
}

AGE_ROWS = {
    "0_17": [0, 1, 1, 0, 1, 0, 0, 0],  # D
    "18_64": [1, 0, 0, 0, 0, 0, 0, 1],  # B
    "65_plus": [1, 1, 1, 1, 0, 0, 0, 1],  # A, J
    "not_known": [0] * 8,
    "not_recorded": [0, 6, 3, 0, 0, 2, 1, 2],  # E, F, I, K, L, M
}


def test_the_ko41a_counts_the_year_once_per_complaint_in_the_total() -> None:
    output = ko41a_return(CASES, *YEAR)

    assert output.code == "ko41a-return"
    assert list(output.columns) == list(COLUMNS)
    assert list(COLUMNS[3:]) == [
        "brought_forward",
        "new",
        "resolved",
        "upheld",
        "partly_upheld",
        "not_upheld",
        "withdrawn",
        "carried_forward",
    ]
    assert output.rows[0][:3] == ["total", "total", "All complaints"]
    assert rows(output)[("total", "total")] == TOTAL
    brought, new, resolved, upheld, partly, not_upheld, withdrawn, carried = TOTAL
    assert brought + new == resolved + withdrawn + carried
    assert upheld + partly + not_upheld == resolved - 1  # K has no recorded outcome


def test_a_complaint_with_several_aspects_counts_under_each() -> None:
    found = rows(ko41a_return(CASES, *YEAR))
    subjects = {code: counts for (section, code), counts in found.items() if section == "subject"}

    assert {code: c for code, c in subjects.items() if any(c)} == SUBJECT_ROWS
    # So the subject rows add up to more than the total: 10 new aspects for 8 new complaints.
    assert sum(counts[1] for counts in subjects.values()) == 10


def test_each_single_choice_section_adds_up_to_the_total() -> None:
    found = rows(ko41a_return(CASES, *YEAR))

    assert {code: c for (s, code), c in found.items() if s == "age_band"} == AGE_ROWS
    assert found[("profession", "medical")] == [1, 1, 2, 1, 1, 0, 0, 0]  # A, D
    assert found[("complainant_status", "relative_carer")] == [1, 1, 1, 0, 1, 0, 0, 1]  # B, D
    for section in ("age_band", "complainant_status", "service_area", "profession"):
        counts = [c for (s, _), c in found.items() if s == section]
        assert [sum(column) for column in zip(*counts, strict=True)] == TOTAL, section


def test_every_term_is_listed_and_not_recorded_only_when_used() -> None:
    empty = rows(ko41a_return([], *YEAR))
    complete = rows(ko41a_return([CASES[0]], *YEAR))

    # total, 4 age bands, 3 statuses, 10 service areas, 7 professions, 22 subject areas
    assert len(empty) == 1 + 4 + 3 + 10 + 7 + 22
    assert all(counts == [0] * 8 for counts in empty.values())
    assert not any(code == "not_recorded" for _, code in complete)


def test_the_notes_say_how_it_was_counted_and_what_was_left_out() -> None:
    notes = ko41a_return(CASES, *YEAR).notes

    assert notes[0].startswith("KO41a: written complaints, 1 April 2026 to 31 March 2027")
    assert any("add up to more than the total" in note for note in notes)
    assert any("reg. 8(1)(c)" in note and note.endswith(": 1.") for note in notes)
    assert any("Brought forward + new = resolved + withdrawn + carried forward" in n for n in notes)


@pytest.mark.parametrize(
    "period",
    [
        pytest.param((date(2026, 1, 1), date(2026, 12, 31)), id="calendar-year"),
        pytest.param((date(2026, 4, 1), date(2027, 3, 30)), id="a-day-short"),
        pytest.param((date(2026, 4, 1), date(2028, 3, 31)), id="two-years"),
        pytest.param((date(2026, 4, 1), date(2026, 6, 30)), id="a-quarter"),
    ],
)
def test_a_period_that_is_not_a_financial_year_is_refused(period: tuple[date, date]) -> None:
    start, end = period
    output = plugins.healthcare.querela_report_for_cases(
        tenant_view("healthcare", "healthcare"),
        "ko41a-return",
        CASES,
        {"from": start.isoformat(), "to": end},
    )

    assert output is not None and output.rows == ()
    assert "financial year, 1 April to 31 March" in output.problem
    assert start.isoformat() in output.problem and end.isoformat() in output.problem


def test_the_hook_produces_the_return_for_an_english_tenant() -> None:
    output = plugins.healthcare.querela_report_for_cases(
        tenant_view("healthcare", "healthcare"),
        "ko41a-return",
        CASES,
        {"from": "2026-04-01", "to": "2027-03-31"},
    )

    assert output is not None and not output.problem
    assert rows(output)[("total", "total")] == TOTAL


# -- the annual complaints report (reg. 18) ------------------------------------------------------

#: received, decided, well-founded, referred to the ombudsman
ANNUAL = {
    ("total", "total"): [8, 5, 2, 1],  # received D E F I J K L M; decided A D E K M; D referred
    ("subject", "patient_care"): [0, 1, 1, 0],  # A
    ("subject", "communications"): [1, 2, 2, 1],  # A, D
    ("subject", "clinical_treatment"): [1, 1, 1, 1],  # D
    ("subject", "values_behaviours"): [1, 1, 1, 1],  # D
    ("subject", "waiting_times"): [1, 1, 0, 0],  # E
    ("subject", "not_recorded"): [6, 2, 0, 0],  # F, I, J, K, L, M
}


def test_the_annual_report_counts_received_well_founded_and_referred() -> None:
    output = annual_report(CASES, *YEAR)
    found = rows(output)

    assert list(output.columns) == [
        "section",
        "code",
        "label",
        "received",
        "decided",
        "well_founded",
        "referred_to_ombudsman",
    ]
    assert {key: counts for key, counts in found.items() if any(counts)} == ANNUAL
    # B was referred but not decided in the period: the referral counts with its decision.
    assert found[("subject", "appointments")] == [0, 0, 0, 0]
    assert len(found) == 1 + 22 + 1


def test_the_annual_report_leaves_the_narrative_to_people() -> None:
    notes = annual_report(CASES, *YEAR).notes

    assert notes[0].startswith("Annual complaints report (SI 2009/309 reg. 18)")
    assert any("written by people" in note for note in notes)
    assert any("reg. 8(1)(c)" in note and note.endswith(": 1.") for note in notes)


def test_the_annual_report_takes_any_period() -> None:
    output = plugins.healthcare.querela_report_for_cases(
        tenant_view("healthcare", "healthcare"),
        "annual-complaints-report",
        CASES,
        {"from": date(2026, 7, 1), "to": date(2026, 7, 31)},
    )

    assert output is not None and not output.problem
    assert rows(output)[("total", "total")] == [1, 0, 0, 0]  # E received; nothing decided


# -- the grievance log (US) ----------------------------------------------------------------------


def new_york(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=NEW_YORK)


GRIEVANCES = [
    case("G-2", new_york(3, 6, 14), new_york(3, 7, 10), "upheld", expedited=True,
         grievance_type="quality_of_care", complainant="Ada Lovelace"),
    # The member asked not to be named.
    case("G-1", new_york(3, 6, 9), grievance_type="customer_service", complainant=""),
    # An accounting of disclosures is no grievance.
    case("G-3", new_york(3, 10, 9), request_type="accounting_of_disclosures"),
    # 03:00 UTC on 1 April is 23:00 on 31 March in New York; a type the plugin does not know.
    case("G-4", utc(2026, 4, 1, 3), closed_at=new_york(4, 2, 9), grievance_type="billing"),
    case("G-5", new_york(2, 28, 9), grievance_type="access"),
    # Part D, expedited, but the drug was obtained: not expedited there. Not upheld, then
    # appealed: the appeal's decision approved on 1 May (after midnight UTC, still
    # 30 April in New York) and sent on 4 May.
    case("G-6", new_york(3, 20, 9), new_york(4, 10, 9), "not_upheld", expedited=True,
         drug_obtained=True, grievance_type="access", complainant="Grace Hopper",
         appeals=[LevelView(level=1, name="Plan appeal", opened_at=new_york(4, 20, 9),
                            reviewed_at=utc(2026, 5, 1, 2), answered_at=new_york(5, 4, 9),
                            outcome="partly_upheld")]),
    # Decided and approved on 27 March, the answer not sent yet.
    replace(case("G-7", new_york(3, 25, 9), grievance_type="access", complainant="Alan Turing"),
            levels=(LevelView(level=0, opened_at=new_york(3, 25, 9),
                              reviewed_at=new_york(3, 27, 16), outcome="upheld"),)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("plan_type", "g6_expedited"), [("medicare_advantage", "yes"), ("part_d", "no")]
)
def test_the_grievance_log_has_a_line_per_level_of_each_grievance_received(
    plan_type: str, g6_expedited: str
) -> None:
    march = (date(2026, 3, 1), date(2026, 3, 31))
    output = grievance_log(GRIEVANCES, *march, "America/New_York", plan_type)

    assert list(output.columns) == [
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
    ]
    access = "Access to providers, pharmacies or services"
    assert [list(row) for row in output.rows] == [
        ["G-1", "Withheld", "Customer service", "2026-03-06", "no",
         "Grievance", "2026-03-06", "", "", ""],
        ["G-2", "Ada Lovelace", "Quality of care", "2026-03-06", "yes",
         "Grievance", "2026-03-06", "2026-03-07", "Upheld", "2026-03-07"],
        ["G-6", "Grace Hopper", access, "2026-03-20", g6_expedited,
         "Grievance", "2026-03-20", "2026-04-10", "Not upheld", "2026-04-10"],
        ["G-6", "Grace Hopper", access, "2026-03-20", g6_expedited,
         "Plan appeal", "2026-04-20", "2026-04-30", "Partly upheld", "2026-05-04"],
        ["G-7", "Alan Turing", access, "2026-03-25", "no",
         "Grievance", "2026-03-25", "2026-03-27", "", ""],
        ["G-4", "", "billing", "2026-03-31", "no",
         "Grievance", "2026-03-31", "", "Closed without a decision", "2026-04-02"],
    ]  # fmt: skip


def test_a_case_closed_without_a_decision_on_appeal_shows_it_at_that_level() -> None:
    appealed = case(
        "G-8",
        new_york(3, 2, 9),
        new_york(3, 20, 9),
        "not_upheld",
        closed_at=new_york(4, 30, 9),
        appeals=[LevelView(level=1, name="", opened_at=new_york(4, 1, 9))],
    )

    output = grievance_log([appealed], date(2026, 3, 1), date(2026, 3, 31), "America/New_York", "")

    assert [row[5:] for row in output.rows] == [
        ["Grievance", "2026-03-02", "2026-03-20", "Not upheld", "2026-03-20"],
        ["Appeal 1", "2026-04-01", "", "Closed without a decision", "2026-04-30"],
    ]


def test_the_grievance_log_says_how_it_reads() -> None:
    notes = " ".join(grievance_log([], date(2026, 3, 1), date(2026, 3, 31), "UTC", "").notes)

    assert "42 CFR 438.416(b)" in notes
    assert '"Withheld" where the member is anonymous' in notes
    assert "one for each appeal" in notes
    assert "accounting of disclosures" in notes


def test_the_log_asks_for_the_members_names() -> None:
    definition = plugins.healthcare.grievance_log.definition()

    assert definition.complainant_names


def test_the_hook_produces_the_log_in_the_tenants_zone_and_plan() -> None:
    view: TenantView = replace(
        tenant_view("healthcare", "healthcare", jurisdiction="us", plan_type="part_d"),
        timezone="America/New_York",
    )
    output = plugins.healthcare.querela_report_for_cases(
        view, "medicare-grievance-log", GRIEVANCES, {"from": "2026-03-01", "to": "2026-03-31"}
    )

    assert output is not None and not output.problem
    assert [row[0] for row in output.rows] == ["G-1", "G-2", "G-6", "G-6", "G-7", "G-4"]
    assert output.rows[2][4] == "no"
