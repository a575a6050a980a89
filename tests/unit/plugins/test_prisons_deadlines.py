"""The prisons plugin sets the deadlines of PREA, the BOP remedy rules and the E&W framework.

Expected dates are the worked examples of the sector rules, counted by hand from
the rules, the US calendar of 2026 and the England and Wales bank holidays of
2026 (Good Friday 3 April, Easter Monday 6 April), never from the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.prisons
from core.sdk import CaseView, DeadlineRule, LevelView, RiskFlag, TenantView
from plugins.prisons.deadlines import (
    bop_filing_window_ends,
    ombudsman_window_ends,
    prea_decision_due,
    reply_due,
)
from tests.unit.plugins.views import case_view, tenant_view

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def us_tenant(**settings: Any) -> TenantView:
    return replace(
        tenant_view("prisons", "prisons", jurisdiction="us", **settings),
        timezone="America/New_York",
    )


def ew_tenant(**settings: Any) -> TenantView:
    return tenant_view("prisons", "prisons", jurisdiction="england-wales", **settings)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def new_york(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def end_of(day: date, zone: ZoneInfo = NEW_YORK) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


def deadlines(view: TenantView, case: CaseView) -> dict[str, DeadlineRule]:
    found = plugins.prisons.querela_register_deadlines(tenant=view, case=case)
    rules = {rule.kind: rule for rule in found}
    assert len(rules) == len(found), "one rule per kind"
    return rules


def flags(view: TenantView, case: CaseView) -> dict[str, RiskFlag]:
    return {f.code: f for f in plugins.prisons.querela_register_risk_flags(view, case)}


# -- PREA emergency (28 CFR 115.52(f)) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "received", "initial", "decision"),
    [
        # Worked example: received 6 March 2026 14:00 -> initial response 8 March 14:00, final
        # decision by the end of 11 March (London: no change of clocks in between).
        pytest.param(
            tenant_view("prisons", "prisons"),
            london(2026, 3, 6, 14),
            london(2026, 3, 8, 14),
            end_of(date(2026, 3, 11), LONDON),
            id="worked-example",
        ),
        # New York puts its clocks forward on 8 March 2026 at 02:00: 48 elapsed hours end at
        # 15:00 local time.
        pytest.param(
            us_tenant(),
            new_york(2026, 3, 6, 14),
            new_york(2026, 3, 8, 15),
            end_of(date(2026, 3, 11)),
            id="new-york-dst",
        ),
        # Emergency deadlines never move, even when the tenant asks for roll-forward: the
        # initial response falls on Saturday 4 July (Independence Day) and stays there.
        pytest.param(
            us_tenant(roll_forward_to_business_day=True),
            new_york(2026, 7, 2, 9),
            new_york(2026, 7, 4, 9),
            end_of(date(2026, 7, 7)),
            id="never-rolled",
        ),
    ],
)
def test_a_prea_emergency_runs_on_48_hours_and_5_calendar_days(
    view: TenantView, received: datetime, initial: datetime, decision: datetime
) -> None:
    rules = deadlines(view, case_view(received, emergency=True))

    assert set(rules) == {"initial_response", "final_response"}
    assert rules["initial_response"].due_at == initial
    assert rules["initial_response"].due_at - received == timedelta(hours=48)
    assert rules["final_response"].due_at == decision
    for rule in rules.values():
        assert rule.citation == "28 CFR 115.52(f)(2)"
        assert rule.watched and not rule.pausable
    assert set(rules["initial_response"].met_by) == {"holding_response", "final_response"}
    assert tuple(rules["final_response"].met_by) == ("final_response",)
    assert "denial" in rules["final_response"].label


def test_a_prea_emergency_pages_the_duty_supervisor() -> None:
    case = case_view(london(2026, 3, 6, 14), emergency=True)
    found = flags(tenant_view("prisons", "prisons"), case)

    flag = found["prea_emergency"]
    assert flag.urgency == "page"
    assert "substantial risk of imminent sexual abuse: the duty supervisor acts now" in (
        flag.message.lower()
    )
    assert "8 March 2026, 14:00 (Europe/London)" in flag.message
    assert "11 March 2026" in flag.message and "115.52(f)" in flag.message


# -- PREA standard (28 CFR 115.52(d)) ------------------------------------------------------------


@pytest.mark.parametrize("prea", [{"prea": True}, {"prea": True, "emergency": False}])
def test_a_prea_grievance_is_decided_within_90_days_and_pauses(prea: dict[str, Any]) -> None:
    # Worked example: filed 15 January 2026 -> end of 15 April 2026.
    rules = deadlines(us_tenant(), case_view(new_york(2026, 1, 15, 10), **prea))

    assert set(rules) == {"final_response"}
    rule = rules["final_response"]
    assert rule.due_at == end_of(date(2026, 4, 15))
    assert rule.citation == "28 CFR 115.52(d)"
    assert rule.watched and tuple(rule.met_by) == ("final_response",)
    # Appeal preparation is excluded by the core's hold: the rule must stop with the case.
    assert rule.pausable
    # Worked example: 10 days on hold for appeal preparation -> the core adds the hold's
    # length on resume, giving the end of 25 April 2026.
    assert rule.due_at + timedelta(days=10) == end_of(date(2026, 4, 25))
    assert "denial" in rule.label and "115.52(d)(4)" in rule.label
    assert "appeal preparation excluded" in rule.counting
    assert "70 days" in rule.counting


def test_the_90_days_are_the_tenants_calendar_days() -> None:
    # 03:00 UTC on 16 January is 22:00 on 15 January in New York.
    assert prea_decision_due(datetime(2026, 1, 16, 3, tzinfo=UTC), "America/New_York") == end_of(
        date(2026, 4, 15)
    )


@pytest.mark.parametrize(
    ("received", "roll_forward", "due"),
    [
        # 90 days after 6 January 2026 is Monday 6 April: nothing to move.
        pytest.param(new_york(2026, 1, 6, 9), True, date(2026, 4, 6), id="weekday-unmoved"),
        # 90 days after 2 February 2026 is Sunday 3 May.
        pytest.param(new_york(2026, 2, 2, 9), False, date(2026, 5, 3), id="sunday-kept"),
        pytest.param(new_york(2026, 2, 2, 9), True, date(2026, 5, 4), id="sunday-rolled"),
        # 90 days after 24 February 2026 is Monday 25 May, Memorial Day.
        pytest.param(new_york(2026, 2, 24, 9), True, date(2026, 5, 26), id="holiday-rolled"),
    ],
)
def test_roll_forward_of_the_90_days_is_a_tenant_option(
    received: datetime, roll_forward: bool, due: date
) -> None:
    rule = deadlines(
        us_tenant(roll_forward_to_business_day=roll_forward), case_view(received, prea=True)
    )["final_response"]

    assert rule.due_at == end_of(due)
    assert ("federal holidays" in rule.counting) is roll_forward


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"prea": True, "incident_date": "2019-06-01"}, id="worked-example-2019"),
        pytest.param({"emergency": True, "incident_date": "2001-01-01"}, id="emergency"),
    ],
)
def test_a_prea_grievance_has_no_filing_time_limit(fields: dict[str, Any]) -> None:
    # Worked example: a 2019 incident is accepted, with no late flag (115.52(b)(1)).
    found = flags(us_tenant(), case_view(new_york(2026, 1, 15, 10), **fields))

    assert "late_filing" not in found


# -- Bureau of Prisons (28 CFR 542) --------------------------------------------------------------


def test_a_bp9_request_is_answered_within_20_calendar_days() -> None:
    rules = deadlines(us_tenant(), case_view(new_york(2026, 3, 6, 14)))

    assert set(rules) == {"final_response"}
    rule = rules["final_response"]
    assert rule.due_at == end_of(date(2026, 3, 26))
    assert rule.citation == "28 CFR 542.18"
    assert "America/New_York" in rule.counting and "20 days" in rule.counting
    assert "denial" in rule.label
    assert (rule.watched, rule.pausable, tuple(rule.met_by)) == (True, False, ("final_response",))


def test_a_bp9_due_date_rolls_forward_only_when_asked() -> None:
    # 20 days after 15 March 2026 is Saturday 4 April.
    case = case_view(new_york(2026, 3, 15, 9))

    assert deadlines(us_tenant(), case)["final_response"].due_at == end_of(date(2026, 4, 4))
    rolled = deadlines(us_tenant(roll_forward_to_business_day=True), case)["final_response"]
    assert rolled.due_at == end_of(date(2026, 4, 6))


@pytest.mark.parametrize(
    ("incident", "received", "late"),
    [
        # Incident 1 February 2026 -> the Request is due by 21 February.
        pytest.param("2026-02-01", new_york(2026, 2, 21, 23), False, id="last-day"),
        pytest.param("2026-02-01", new_york(2026, 2, 22, 9), True, id="a-day-late"),
        # 02:00 UTC on 22 February is 21:00 on 21 February in New York: still in time.
        pytest.param("2026-02-01", datetime(2026, 2, 22, 2, tzinfo=UTC), False, id="local-date"),
        pytest.param(None, new_york(2027, 1, 1, 9), False, id="no-incident-date"),
        pytest.param("not a date", new_york(2027, 1, 1, 9), False, id="bad-date"),
    ],
)
def test_a_request_filed_after_20_days_gets_a_notice(
    incident: str | None, received: datetime, late: bool
) -> None:
    fields = {"incident_date": incident} if incident else {}
    found = flags(us_tenant(), case_view(received, **fields))

    assert ("late_filing" in found) is late
    if late:
        flag = found["late_filing"]
        assert flag.urgency == "notice"
        assert "28 CFR 542.14(a)" in flag.message and "542.14(b)" in flag.message
        assert "1 February 2026" in flag.message and "21 February 2026" in flag.message


def test_the_bp9_filing_window_is_20_days_after_the_incident() -> None:
    assert bop_filing_window_ends(date(2026, 2, 1)) == date(2026, 2, 21)


# -- England and Wales ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "reply_by"),
    [
        # Worked example: COMP1 Thursday 2 April 2026 -> Monday 13 April (Good Friday and
        # Easter Monday are not working days).
        pytest.param(london(2026, 4, 2, 10), date(2026, 4, 13), id="worked-example-easter"),
        pytest.param(london(2026, 1, 5, 9), date(2026, 1, 12), id="monday-to-monday"),
        # Received on Saturday: the day of receipt is never counted -> Mon to Fri.
        pytest.param(london(2026, 1, 10, 12), date(2026, 1, 16), id="saturday"),
        # Christmas Day, Boxing Day (observed Monday 28) and New Year's Day do not count.
        pytest.param(london(2026, 12, 23, 15), date(2027, 1, 4), id="christmas"),
        # 23:30 UTC on 1 April is 00:30 on 2 April in London.
        pytest.param(datetime(2026, 4, 1, 23, 30, tzinfo=UTC), date(2026, 4, 13), id="london"),
    ],
)
def test_a_comp1_is_answered_within_5_working_days(received: datetime, reply_by: date) -> None:
    rule = deadlines(ew_tenant(), case_view(received))["final_response"]

    assert rule.due_at == end_of(reply_by, LONDON)
    assert reply_due(received) == rule.due_at
    assert rule.citation == "Prisoner Complaints Policy Framework (E&W)"
    assert "5th working day" in rule.counting and "COMP1" in rule.label
    assert (rule.watched, rule.pausable, tuple(rule.met_by)) == (True, False, ("final_response",))


def test_the_reply_target_is_the_same_for_a_comp2() -> None:
    rule = deadlines(ew_tenant(), case_view(london(2026, 4, 2, 10), form="comp2"))["final_response"]

    assert rule.due_at == end_of(date(2026, 4, 13), LONDON)
    assert "COMP2" in rule.label


@pytest.mark.parametrize(
    ("setting", "reply_by", "ordinal"),
    [
        ({"reply_working_days": 1}, date(2026, 4, 7), "1st"),
        ({"reply_working_days": 3}, date(2026, 4, 9), "3rd"),
        ({"reply_working_days": 11}, date(2026, 4, 21), "11th"),
        ({}, date(2026, 4, 13), "5th"),
        # Stored by an older version, or by hand: read as the default.
        ({"reply_working_days": 0}, date(2026, 4, 13), "5th"),
        ({"reply_working_days": True}, date(2026, 4, 13), "5th"),
    ],
)
def test_the_reply_target_is_a_tenant_setting(
    setting: dict[str, Any], reply_by: date, ordinal: str
) -> None:
    rule = deadlines(ew_tenant(**setting), case_view(london(2026, 4, 2, 10)))["final_response"]

    assert rule.due_at == end_of(reply_by, LONDON)
    assert f"{ordinal} working day" in rule.counting


@pytest.mark.parametrize(
    ("replied", "window_ends"),
    [
        pytest.param(london(2026, 4, 20, 15), date(2026, 7, 20), id="three-months"),
        pytest.param(london(2026, 11, 30, 15), date(2027, 2, 28), id="month-end-clamps"),
        # 23:30 UTC on 31 May is 00:30 on 1 June in London.
        pytest.param(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), date(2026, 9, 1), id="london"),
    ],
)
def test_the_ombudsman_window_is_3_months_after_the_final_reply(
    replied: datetime, window_ends: date
) -> None:
    assert ombudsman_window_ends(replied) == end_of(window_ends, LONDON)


def answer_deadlines(view: TenantView, case: CaseView) -> dict[str, DeadlineRule]:
    return {r.kind: r for r in plugins.prisons.querela_register_answer_deadlines(view, case)}


def test_a_comp2_reply_opens_the_ombudsman_window() -> None:
    # A COMP2 needs no appeal: its reply is the final reply.
    case = case_view(london(2026, 4, 2), answered_at=london(2026, 4, 20, 15), form="comp2")
    rule = answer_deadlines(ew_tenant(), case)["ombudsman_window"]

    assert rule.due_at == end_of(date(2026, 7, 20), LONDON)
    assert "Prisons and Probation Ombudsman" in rule.label
    assert not rule.watched and not rule.pausable and not rule.met_by


def test_a_comp1_reply_is_not_final_until_the_comp1a_answer() -> None:
    case = case_view(london(2026, 4, 2), answered_at=london(2026, 4, 10, 15))

    assert answer_deadlines(ew_tenant(), case) == {}
    # The COMP1A answer, sent on 24 April; the case's answered_at is still the COMP1 reply's.
    comp1a = LevelView(
        level=1, opened_at=london(2026, 4, 14), answered_at=datetime(2026, 4, 24, 11, tzinfo=UTC)
    )
    appealed = replace(case, appeal_level=1, levels=(*case.levels, comp1a))
    rule = answer_deadlines(ew_tenant(), appealed)["ombudsman_window"]
    assert rule.due_at == end_of(date(2026, 7, 24), LONDON)
    # Opened but not answered yet: no window.
    pending = replace(appealed, levels=(*case.levels, replace(comp1a, answered_at=None)))
    assert answer_deadlines(ew_tenant(), pending) == {}


@pytest.mark.parametrize(
    ("view", "case"),
    [
        pytest.param(us_tenant(), case_view(answered_at=london(2026, 4, 20)), id="us"),
        pytest.param(ew_tenant(), case_view(form="comp2"), id="not-answered"),
    ],
)
def test_no_ombudsman_window_elsewhere(view: TenantView, case: CaseView) -> None:
    assert answer_deadlines(view, case) == {}


# -- what the core can store ---------------------------------------------------------------------

EVERY_CASE = [
    (us_tenant(roll_forward_to_business_day=True), case_view(emergency=True)),
    (us_tenant(roll_forward_to_business_day=True), case_view(prea=True)),
    (us_tenant(roll_forward_to_business_day=True), case_view()),
    (ew_tenant(reply_working_days=12), case_view(form="comp2")),
]


@pytest.mark.parametrize(("view", "case"), EVERY_CASE)
def test_labels_citations_and_counting_fit_the_deadline_table(
    view: TenantView, case: CaseView
) -> None:
    long_zone = replace(view, timezone="America/Argentina/ComodRivadavia")
    comp1a = LevelView(level=1, opened_at=london(2026, 4, 14), answered_at=london(2026, 4, 20))
    answered = replace(
        case, answered_at=london(2026, 4, 20), appeal_level=1, levels=(*case.levels, comp1a)
    )
    rules = [
        *deadlines(long_zone, case).values(),
        *answer_deadlines(long_zone, answered).values(),
    ]
    assert rules
    for rule in rules:
        assert rule.due_at.tzinfo is not None
        assert len(rule.kind) <= 60
        assert all(len(text) <= 200 for text in (rule.label, rule.citation, rule.counting))
        assert all(len(kind) <= 40 for kind in rule.met_by)


def test_a_jurisdiction_the_plugin_does_not_know_gets_nothing() -> None:
    view = tenant_view("prisons", "prisons", jurisdiction="scotland")
    case = case_view(prea=True, emergency=True, staff_named="officer@example.org")

    assert plugins.prisons.querela_register_deadlines(view, case) == ()
    assert plugins.prisons.querela_register_risk_flags(view, case) == ()
    assert plugins.prisons.querela_register_confidentiality_minimums(view, case) == ()
    assert plugins.prisons.querela_register_excluded_staff(view, case) == ()


@pytest.mark.parametrize(
    ("form", "met_by"), [("comp1", ("appeal_response",)), ("comp2", ("final_response",))]
)
def test_after_6_weeks_without_a_final_reply_the_prisoner_may_go_to_the_ombudsman(
    form: str, met_by: tuple[str, ...]
) -> None:
    # Received Thursday 2 April 2026: 6 weeks -> the end of Thursday 14 May (London).
    rule = deadlines(ew_tenant(), case_view(london(2026, 4, 2, 10), form=form))[
        "ombudsman_without_reply"
    ]

    assert rule.due_at == end_of(date(2026, 5, 14), LONDON)
    assert not rule.watched  # the prisoner's route: shown, never chased
    assert tuple(rule.met_by) == met_by  # met by the final reply only
    assert "Prisons and Probation Ombudsman" in rule.label
