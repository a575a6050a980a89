"""The healthcare plugin sets the deadlines and flags of the NHS and CMS rules on a case.

Expected dates are the worked examples of the sector rules, counted by hand from
the regulations and the England bank holidays of 2026 (Good Friday 3 April,
Easter Monday 6 April), never from the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.healthcare
from core.sdk import CaseView, DeadlineRule, RiskFlag, TenantView
from plugins.healthcare.deadlines import (
    ACCOUNTING_EXTENSION_DAYS,
    GRIEVANCE_EXTENSION_DAYS,
    complaint_time_limit,
    extended,
    filing_window_ends,
    response_period_ends,
)
from tests.unit.plugins.views import case_view, tenant_view

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def tenant(**settings: Any) -> TenantView:
    return tenant_view("healthcare", "healthcare", **settings)


def us_tenant(**settings: Any) -> TenantView:
    return replace(tenant(jurisdiction="us", **settings), timezone="America/New_York")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def new_york(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def end_of(day: date, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


def deadlines(view: TenantView, case: CaseView) -> dict[str, DeadlineRule]:
    found = plugins.healthcare.querela_register_deadlines(tenant=view, case=case)
    rules = {rule.kind: rule for rule in found}
    assert len(rules) == len(found), "one rule per kind"
    return rules


def flags(view: TenantView, case: CaseView) -> dict[str, RiskFlag]:
    return {f.code: f for f in plugins.healthcare.querela_register_risk_flags(view, case)}


def oral(case: CaseView, channel: str = "phone") -> CaseView:
    return replace(case, channel=channel)


# -- England: acknowledgement and response -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "acknowledge_by"),
    [
        # Worked example: Thursday 2 April 2026 -> Thursday 9 April (Good Friday and Easter
        # Monday are not working days).
        pytest.param(london(2026, 4, 2, 10), date(2026, 4, 9), id="worked-example-easter"),
        pytest.param(london(2026, 1, 5, 9), date(2026, 1, 8), id="monday-to-thursday"),
        # Received on Saturday: the day of receipt is never counted -> Mon, Tue, Wed.
        pytest.param(london(2026, 1, 10, 12), date(2026, 1, 14), id="saturday"),
        # Christmas Day, Boxing Day (observed Monday 28) are not working days.
        pytest.param(london(2026, 12, 23, 15), date(2026, 12, 30), id="christmas"),
        # 23:30 UTC on 1 April is 00:30 on 2 April in London.
        pytest.param(datetime(2026, 4, 1, 23, 30, tzinfo=UTC), date(2026, 4, 9), id="london-date"),
    ],
)
def test_an_nhs_complaint_is_acknowledged_by_the_3rd_working_day(
    received: datetime, acknowledge_by: date
) -> None:
    rule = deadlines(tenant(), case_view(received))["acknowledgement"]

    assert rule.due_at == end_of(acknowledge_by)
    assert rule.citation == "SI 2009/309 reg. 13"
    assert "3rd working day" in rule.counting
    assert (rule.watched, rule.pausable, tuple(rule.met_by)) == (True, False, ("acknowledgement",))


@pytest.mark.parametrize(
    ("received", "period_ends"),
    [
        # Worked example: received 5 January 2026 -> end of 4 July 2026.
        pytest.param(date(2026, 1, 5), date(2026, 7, 4), id="worked-example"),
        pytest.param(date(2026, 3, 1), date(2026, 8, 31), id="first-of-month"),
        # No 31 February: the 6 months beginning on 31 August run to the end of February.
        pytest.param(date(2026, 8, 31), date(2027, 2, 28), id="month-end"),
        pytest.param(date(2027, 8, 30), date(2028, 2, 29), id="leap-year"),
    ],
)
def test_the_six_months_begin_on_the_day_of_receipt(received: date, period_ends: date) -> None:
    assert response_period_ends(received) == period_ends


def test_the_nhs_response_is_due_at_the_end_of_the_six_months_and_never_paused() -> None:
    rule = deadlines(tenant(), case_view(london(2026, 1, 5, 9)))["final_response"]

    assert rule.due_at == end_of(date(2026, 7, 4))
    assert rule.citation == "SI 2009/309 reg. 14"
    assert rule.watched and not rule.pausable
    # A holding letter does not answer the complaint: only the response meets the limit.
    assert tuple(rule.met_by) == ("final_response",)
    assert "extension" in rule.counting


@pytest.mark.parametrize("settings", [{}, {"jurisdiction": "england"}], ids=["default", "set"])
def test_england_is_the_default_jurisdiction(settings: dict[str, Any]) -> None:
    assert set(deadlines(tenant(**settings), case_view())) == {"acknowledgement", "final_response"}


@pytest.mark.parametrize("channel", ["phone", "in_person"])
def test_an_oral_complaint_resolved_next_working_day_is_shown_but_not_chased(channel: str) -> None:
    case = oral(case_view(london(2026, 4, 2, 10), resolved_next_working_day=True), channel)
    rules = deadlines(tenant(), case)

    assert set(rules) == {"acknowledgement", "final_response"}
    for rule in rules.values():
        assert not rule.watched
        assert "reg. 8(1)(c)" in rule.label and "not required" in rule.label
    assert rules["acknowledgement"].due_at == end_of(date(2026, 4, 9))


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case_view(resolved_next_working_day=True), id="written-web-complaint"),
        pytest.param(oral(case_view(resolved_next_working_day=False)), id="not-resolved"),
        pytest.param(oral(case_view()), id="not-recorded"),
    ],
)
def test_other_complaints_stay_under_the_regulations(case: CaseView) -> None:
    assert all(rule.watched for rule in deadlines(tenant(), case).values())


# -- England: the 12-month time limit ------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "aware", "limit"),
    [
        # Worked example: event 10 March 2025, noticed 1 June 2025 -> limit 1 June 2026.
        pytest.param(date(2025, 3, 10), date(2025, 6, 1), date(2026, 6, 1), id="worked-example"),
        pytest.param(date(2025, 3, 10), None, date(2026, 3, 10), id="event-only"),
        pytest.param(None, date(2025, 6, 1), date(2026, 6, 1), id="aware-only"),
        # Noticed "before" the event (a typing slip): the later date still counts.
        pytest.param(date(2025, 6, 1), date(2025, 3, 10), date(2026, 6, 1), id="later-wins"),
        pytest.param(date(2024, 2, 29), None, date(2025, 2, 28), id="29-february"),
        pytest.param(None, None, None, id="unknown"),
    ],
)
def test_the_time_limit_runs_12_months_from_the_later_date(
    event: date | None, aware: date | None, limit: date | None
) -> None:
    assert complaint_time_limit(event, aware) == limit


NOTICED_LATE = {"event_date": "2025-03-10", "aware_date": "2025-06-01"}


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param(london(2026, 6, 15, 10), True, id="worked-example-late"),
        pytest.param(london(2026, 6, 1, 23), False, id="on-the-last-day"),
        pytest.param(london(2026, 6, 2, 0, 1), True, id="a-day-late"),
        # 23:30 UTC on 1 June is 00:30 on 2 June in London.
        pytest.param(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), True, id="london-date"),
    ],
)
def test_a_late_complaint_asks_for_the_recorded_decision(received: datetime, late: bool) -> None:
    found = flags(tenant(), case_view(received, **NOTICED_LATE))

    assert ("late_complaint" in found) is late
    if late:
        flag = found["late_complaint"]
        assert flag.urgency == "notice"
        assert "SI 2009/309 reg. 12" in flag.message
        assert "1 June 2026" in flag.message and "10 March 2025" in flag.message
        assert "late_decision" in flag.message and "late_decision_reason" in flag.message


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case_view(london(2026, 6, 15), late_decision="accepted", **NOTICED_LATE),
            id="decision-recorded",
        ),
        pytest.param(
            oral(case_view(london(2026, 6, 15), resolved_next_working_day=True, **NOTICED_LATE)),
            id="outside-the-regulations",
        ),
        pytest.param(case_view(london(2026, 6, 15)), id="no-dates"),
        pytest.param(case_view(london(2026, 6, 15), event_date="not a date"), id="bad-date"),
    ],
)
def test_no_late_flag_when_there_is_nothing_to_decide(case: CaseView) -> None:
    assert flags(tenant(), case) == {}


def test_the_time_limit_is_not_a_deadline_on_the_case() -> None:
    # A date already past (or running while the complaint is handled) would only be
    # noise among the deadlines; the flag carries it when it matters.
    case = case_view(london(2026, 6, 15), **NOTICED_LATE)

    assert set(deadlines(tenant(), case)) == {"acknowledgement", "final_response"}


# -- US: Medicare grievances ---------------------------------------------------------------------


def test_a_medicare_grievance_is_decided_within_30_days() -> None:
    # Worked example: received 6 March 2026 -> due 5 April 2026, end of day, tenant's zone.
    rule = deadlines(us_tenant(), case_view(new_york(2026, 3, 6, 14)))["final_response"]

    assert rule.due_at == end_of(date(2026, 4, 5), NEW_YORK)
    assert rule.citation == "42 CFR 422.564(e)"
    assert "America/New_York" in rule.counting and "14 days" in rule.counting
    assert (rule.watched, rule.pausable, tuple(rule.met_by)) == (True, False, ("final_response",))


def test_the_14_day_extension_reaches_19_april() -> None:
    # The core's extension takes any later date with a reason; this is the rule's limit.
    due = end_of(date(2026, 4, 5), NEW_YORK)

    assert extended(due, GRIEVANCE_EXTENSION_DAYS, "America/New_York") == end_of(
        date(2026, 4, 19), NEW_YORK
    )


def test_us_due_dates_are_the_tenants_own() -> None:
    # 03:00 UTC on 7 March is 22:00 on 6 March in New York: day 30 is 5 April there.
    rule = deadlines(us_tenant(), case_view(datetime(2026, 3, 7, 3, tzinfo=UTC)))["final_response"]

    assert rule.due_at == end_of(date(2026, 4, 5), NEW_YORK)


@pytest.mark.parametrize(
    ("received", "roll_forward", "due"),
    [
        # 5 April 2026 is a Sunday: moved to Monday 6 April only when the tenant asks.
        pytest.param(new_york(2026, 3, 6, 9), False, date(2026, 4, 5), id="sunday-kept"),
        pytest.param(new_york(2026, 3, 6, 9), True, date(2026, 4, 6), id="sunday-rolled"),
        # 25 May 2026 is Memorial Day.
        pytest.param(new_york(2026, 4, 25, 9), True, date(2026, 5, 26), id="holiday-rolled"),
        pytest.param(new_york(2026, 3, 9, 9), True, date(2026, 4, 8), id="weekday-unmoved"),
    ],
)
def test_roll_forward_is_a_tenant_option(received: datetime, roll_forward: bool, due: date) -> None:
    view = us_tenant(roll_forward_to_business_day=roll_forward)
    rule = deadlines(view, case_view(received))["final_response"]

    assert rule.due_at == end_of(due, NEW_YORK)
    assert ("federal holidays" in rule.counting) is roll_forward


@pytest.mark.parametrize(
    ("plan_type", "fields", "expedited", "flag"),
    [
        pytest.param(None, {"expedited": True}, True, "expedited_grievance", id="ma"),
        pytest.param(
            "medicare_advantage",
            {"expedited": True, "drug_obtained": True},
            True,
            "expedited_grievance",
            id="ma-ignores-drug",
        ),
        pytest.param("part_d", {"expedited": True}, True, "expedited_grievance", id="part-d"),
        pytest.param(
            "part_d",
            {"expedited": True, "drug_obtained": False},
            True,
            "expedited_grievance",
            id="part-d-drug-not-obtained",
        ),
        pytest.param(
            "part_d",
            {"expedited": True, "drug_obtained": True},
            False,
            "not_expedited_drug_obtained",
            id="part-d-drug-obtained",
        ),
        pytest.param(None, {"expedited": False}, False, None, id="standard"),
    ],
)
def test_an_expedited_grievance_is_answered_in_24_hours_and_pages(
    plan_type: str | None, fields: dict[str, Any], expedited: bool, flag: str | None
) -> None:
    view = us_tenant(**({"plan_type": plan_type} if plan_type else {}))
    # Worked example: received 6 March 2026 14:00 -> 7 March 2026 14:00.
    case = case_view(new_york(2026, 3, 6, 14), **fields)
    rule = deadlines(view, case)["final_response"]
    found = flags(view, case)

    part = "423" if plan_type == "part_d" else "422"
    if expedited:
        assert rule.due_at == new_york(2026, 3, 7, 14)
        assert rule.due_at - case.received_at == timedelta(hours=24)
        assert rule.citation == f"42 CFR {part}.564(f)"
        assert found["expedited_grievance"].urgency == "page"
        assert "7 March 2026, 14:00" in found["expedited_grievance"].message
    else:
        assert rule.due_at == end_of(date(2026, 4, 5), NEW_YORK)
        assert rule.citation == f"42 CFR {part}.564(e)"
        assert "expedited_grievance" not in found
    assert set(found) == ({flag} if flag else set())
    if flag == "not_expedited_drug_obtained":
        assert found[flag].urgency == "notice"
        assert "423.564(f)" in found[flag].message and "obtained" in found[flag].message


@pytest.mark.parametrize(
    ("event", "received", "late"),
    [
        # Worked example: event 10 January 2026 -> file by 11 March 2026.
        pytest.param("2026-01-10", new_york(2026, 3, 11, 23), False, id="last-day"),
        pytest.param("2026-01-10", new_york(2026, 3, 12, 9), True, id="a-day-late"),
        pytest.param(None, new_york(2027, 1, 1, 9), False, id="no-event-date"),
    ],
)
def test_a_grievance_filed_after_60_days_gets_a_notice(
    event: str | None, received: datetime, late: bool
) -> None:
    found = flags(us_tenant(), case_view(received, **({"event_date": event} if event else {})))

    assert ("late_grievance" in found) is late
    if late:
        assert found["late_grievance"].urgency == "notice"
        assert "42 CFR 422.564(d)" in found["late_grievance"].message
        assert "11 March 2026" in found["late_grievance"].message


def test_the_filing_window_is_60_days_after_the_event() -> None:
    assert filing_window_ends(date(2026, 1, 10)) == date(2026, 3, 11)


# -- US: HIPAA accounting of disclosures -----------------------------------------------------------

ACCOUNTING = {"request_type": "accounting_of_disclosures"}


def test_an_accounting_of_disclosures_is_acted_on_within_60_days() -> None:
    # Worked example: request 2 February 2026 -> act by 3 April 2026.
    rule = deadlines(us_tenant(), case_view(new_york(2026, 2, 2, 10), **ACCOUNTING))[
        "final_response"
    ]

    assert rule.due_at == end_of(date(2026, 4, 3), NEW_YORK)
    assert "accounting of disclosures" in rule.label
    assert rule.citation == "45 CFR 164.528(c)(1)"
    assert "30 days" in rule.counting and not rule.pausable


def test_the_one_30_day_extension_reaches_3_may() -> None:
    due = end_of(date(2026, 4, 3), NEW_YORK)

    assert extended(due, ACCOUNTING_EXTENSION_DAYS, "America/New_York") == end_of(
        date(2026, 5, 3), NEW_YORK
    )


def test_an_accounting_request_is_no_grievance() -> None:
    # Neither expedited nor late: the grievance rules do not apply to it.
    case = case_view(
        new_york(2026, 6, 2, 10), expedited=True, event_date="2026-01-10", **ACCOUNTING
    )

    assert flags(us_tenant(), case) == {}
    assert deadlines(us_tenant(), case)["final_response"].due_at == end_of(
        date(2026, 8, 1), NEW_YORK
    )


@pytest.mark.parametrize("request_type", [None, "grievance"])
def test_a_request_is_a_grievance_unless_it_says_otherwise(request_type: str | None) -> None:
    fields = {"request_type": request_type} if request_type else {}
    rule = deadlines(us_tenant(), case_view(new_york(2026, 3, 6, 14), **fields))["final_response"]

    assert rule.citation == "42 CFR 422.564(e)"


# -- what the core can store ---------------------------------------------------------------------

EVERY_CASE = [
    (tenant(), oral(case_view(resolved_next_working_day=True))),
    (tenant(), case_view()),
    (us_tenant(roll_forward_to_business_day=True), case_view(**ACCOUNTING)),
    (us_tenant(roll_forward_to_business_day=True), case_view()),
    (us_tenant(plan_type="part_d"), case_view(expedited=True)),
]


@pytest.mark.parametrize(("view", "case"), EVERY_CASE)
def test_labels_citations_and_counting_fit_the_deadline_table(
    view: TenantView, case: CaseView
) -> None:
    long_zone = replace(view, timezone="America/Argentina/ComodRivadavia")
    for rule in deadlines(long_zone, case).values():
        assert rule.due_at.tzinfo is not None
        assert all(len(text) <= 200 for text in (rule.label, rule.citation, rule.counting))
        assert all(len(kind) <= 40 for kind in rule.met_by)


def test_a_jurisdiction_the_plugin_does_not_know_gets_nothing() -> None:
    view = tenant(jurisdiction="scotland")

    assert plugins.healthcare.querela_register_deadlines(view, case_view()) == ()
    assert plugins.healthcare.querela_register_risk_flags(view, case_view()) == ()
