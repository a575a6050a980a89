"""The insurance plugin's DISP time limits, against the worked examples of the sector rules.

Expected times are written out from the rules (and the 2026 English bank holidays:
Good Friday 3 April, Easter Monday 6 April, early May 4 May), never from the code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.insurance
from core.sdk import TenantView
from plugins.insurance.deadlines import (
    ENGLAND_AND_WALES,
    final_response_due,
    fos_outer_limit_ok,
    fos_referral_by,
    fos_referral_due,
    src_due,
)
from tests.unit.plugins.views import case_view, tenant_view

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), time.max, tzinfo=LONDON)


SRC = [
    # received, out-of-hours setting, close of business on
    pytest.param(london(2026, 1, 2, 10), False, london(2026, 1, 7, 17), id="worked-example"),
    pytest.param(london(2026, 1, 2, 10), True, london(2026, 1, 7, 17), id="worked-example-ooh-on"),
    pytest.param(london(2026, 4, 2, 11), False, london(2026, 4, 9, 17), id="easter-not-counted"),
    pytest.param(london(2026, 1, 2, 18, 30), False, london(2026, 1, 7, 17), id="evening-ooh-off"),
    pytest.param(london(2026, 1, 2, 18, 30), True, london(2026, 1, 8, 17), id="evening-ooh-on"),
    pytest.param(london(2026, 1, 3, 9), False, london(2026, 1, 7, 17), id="saturday-ooh-off"),
    pytest.param(london(2026, 1, 3, 9), True, london(2026, 1, 8, 17), id="saturday-ooh-on"),
    pytest.param(london(2026, 4, 3, 10), False, london(2026, 4, 9, 17), id="good-friday-ooh-off"),
    pytest.param(london(2026, 4, 3, 10), True, london(2026, 4, 10, 17), id="good-friday-ooh-on"),
    pytest.param(london(2026, 4, 2, 16, 59), True, london(2026, 4, 9, 17), id="just-in-hours"),
    pytest.param(london(2026, 4, 2, 17, 0), True, london(2026, 4, 10, 17), id="at-close"),
    # 23:30 UTC on Thursday is 00:30 on Friday in London (BST): Friday is the receipt day.
    pytest.param(
        datetime(2026, 6, 4, 23, 30, tzinfo=UTC), False, london(2026, 6, 10, 17), id="london-date"
    ),
]


@pytest.mark.parametrize(("received", "out_of_hours", "due"), SRC)
def test_summary_resolution_window(received: datetime, out_of_hours: bool, due: datetime) -> None:
    assert src_due(received, ENGLAND_AND_WALES, out_of_hours) == due


FINAL_RESPONSE = [
    pytest.param(london(2026, 1, 5, 9), end_of(2026, 3, 2), id="worked-example"),
    pytest.param(london(2026, 1, 5, 23, 59), end_of(2026, 3, 2), id="late-on-the-day"),
    # Calendar weeks: the due day is not moved off the early May bank holiday.
    pytest.param(london(2026, 3, 9, 12), end_of(2026, 5, 4), id="across-clock-change"),
    pytest.param(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), end_of(2026, 7, 27), id="london-date"),
]


@pytest.mark.parametrize(("received", "due"), FINAL_RESPONSE)
def test_final_response_within_8_weeks(received: datetime, due: datetime) -> None:
    assert final_response_due(received) == due


@pytest.mark.parametrize(
    ("final_response", "refer_by"),
    [
        pytest.param(date(2026, 3, 2), date(2026, 9, 2), id="worked-example"),
        pytest.param(date(2026, 8, 31), date(2027, 2, 28), id="worked-example-month-end"),
        pytest.param(date(2027, 8, 31), date(2028, 2, 29), id="leap-year"),
    ],
)
def test_ombudsman_referral_window(final_response: date, refer_by: date) -> None:
    assert fos_referral_by(final_response) == refer_by


@pytest.mark.parametrize(
    ("answered", "refer_by"),
    [
        pytest.param(london(2026, 3, 2, 15), end_of(2026, 9, 2), id="worked-example"),
        pytest.param(london(2026, 8, 31, 9), end_of(2027, 2, 28), id="worked-example-month-end"),
        # 23:30 UTC on 1 March is 23:30 in London (GMT): still 1 March.
        pytest.param(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), end_of(2026, 9, 1), id="gmt"),
        # 23:30 UTC on 30 April is 00:30 on 1 May in London (BST).
        pytest.param(datetime(2026, 4, 30, 23, 30, tzinfo=UTC), end_of(2026, 11, 1), id="bst"),
    ],
)
def test_ombudsman_referral_ends_with_the_london_day(
    answered: datetime, refer_by: datetime
) -> None:
    assert fos_referral_due(answered) == refer_by


@pytest.mark.parametrize(
    ("event", "aware", "complained", "in_time"),
    [
        pytest.param(
            date(2019, 5, 10), date(2024, 2, 1), date(2026, 6, 1), True, id="worked-example"
        ),
        pytest.param(date(2019, 5, 10), None, date(2026, 6, 1), False, id="six-years-passed"),
        pytest.param(date(2019, 5, 10), None, date(2025, 5, 10), True, id="six-years-to-the-day"),
        pytest.param(date(2019, 5, 10), None, date(2025, 5, 11), False, id="day-after-six-years"),
        pytest.param(
            date(2019, 5, 10), date(2024, 2, 1), date(2027, 2, 1), True, id="three-years-aware"
        ),
        pytest.param(
            date(2019, 5, 10), date(2024, 2, 1), date(2027, 2, 2), False, id="aware-too-long"
        ),
        pytest.param(
            date(2020, 1, 1), date(2020, 6, 1), date(2025, 12, 31), True, id="six-years-is-later"
        ),
    ],
)
def test_ombudsman_outer_limit(
    event: date, aware: date | None, complained: date, in_time: bool
) -> None:
    assert fos_outer_limit_ok(event, aware, complained) is in_time


def test_a_receipt_time_without_a_zone_is_refused() -> None:
    naive = datetime(2026, 1, 5, 9)
    with pytest.raises(ValueError, match="time zone"):
        src_due(naive, ENGLAND_AND_WALES, out_of_hours=False)
    with pytest.raises(ValueError, match="time zone"):
        final_response_due(naive)
    with pytest.raises(ValueError, match="answered_at needs a time zone"):
        fos_referral_due(naive)


# -- the hook ------------------------------------------------------------------------------


def tenant(**settings: Any) -> TenantView:
    return tenant_view("insurance", "insurance", **settings)


def rules(view: TenantView, received_at: datetime) -> dict[str, Any]:
    answer = plugins.insurance.querela_register_deadlines(tenant=view, case=case_view(received_at))
    return {rule.kind: rule for rule in answer}


@pytest.mark.parametrize(
    ("settings", "received", "final", "src"),
    [
        pytest.param(
            {}, london(2026, 1, 2, 10), end_of(2026, 2, 27), london(2026, 1, 7, 17), id="defaults"
        ),
        pytest.param(
            {"jurisdiction": "uk", "out_of_hours_receipt_next_business_day": True},
            london(2026, 1, 2, 18, 30),
            end_of(2026, 2, 27),
            london(2026, 1, 8, 17),
            id="out-of-hours-moves-only-the-summary-resolution-window",
        ),
    ],
)
def test_a_uk_tenant_gets_the_8_week_final_response_and_the_summary_resolution_window(
    settings: dict[str, Any], received: datetime, final: datetime, src: datetime
) -> None:
    found = rules(tenant(**settings), received)

    assert sorted(found) == ["final_response", "summary_resolution"]
    assert found["final_response"].due_at == final
    assert found["final_response"].citation == "FCA DISP 1.6.2R"
    assert not found["final_response"].pausable
    assert found["final_response"].watched
    # Passing the summary resolution window is no breach: it is shown, never chased.
    assert found["summary_resolution"].due_at == src
    assert not found["summary_resolution"].watched


def test_a_us_tenant_gets_no_disp_deadlines() -> None:
    assert rules(tenant(jurisdiction="us"), london(2026, 1, 2, 10)) == {}


@pytest.mark.parametrize(
    ("received", "fifteen", "thirty_five"),
    [
        # Monday 5 January 2026: the 15th business day after is Monday 26 January, the 35th
        # Monday 23 February (counted on a calendar by hand).
        (datetime(2026, 1, 5, 9, tzinfo=UTC), date(2026, 1, 26), date(2026, 2, 23)),
        # Monday 30 March 2026: Good Friday (3 April) and Easter Monday (6 April) are skipped.
        (datetime(2026, 3, 30, 9, tzinfo=UTC), date(2026, 4, 22), date(2026, 5, 21)),
    ],
)
def test_a_payment_service_complaint_runs_on_15_and_35_business_days(
    received: datetime, fifteen: date, thirty_five: date
) -> None:
    tenant = tenant_view("insurance", "insurance", jurisdiction="uk")
    case = case_view(received, payment_service=True)

    rules = {r.kind: r for r in plugins.insurance.querela_register_deadlines(tenant, case)}

    assert rules["final_response"].due_at == end_of(fifteen.year, fifteen.month, fifteen.day)
    assert "holding_response" in rules["final_response"].met_by
    last = end_of(thirty_five.year, thirty_five.month, thirty_five.day)
    assert rules["payment_service_final"].due_at == last
    assert rules["payment_service_final"].watched
    assert "summary_resolution" in rules  # the short route is open to these complaints too
