"""What the insurance plugin's hooks give a UK and a US tenant: deadlines, fields, reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import plugins.insurance
from core.sdk import CaseView, DeadlineRule, IntakeField, TenantView
from tests.unit.plugins.views import case_view, tenant_view

LONDON = ZoneInfo("Europe/London")
LANGUAGES = {"de", "ru", "et"}


def tenant(**settings: Any) -> TenantView:
    return tenant_view("insurance", "insurance", **settings)


def london(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), time.max, tzinfo=LONDON)


def answered(at: datetime | None, appeal_level: int = 0) -> CaseView:
    return replace(case_view(london(2026, 1, 5, 9)), answered_at=at, appeal_level=appeal_level)


def deadlines(view: TenantView, received_at: datetime) -> dict[str, DeadlineRule]:
    found = plugins.insurance.querela_register_deadlines(tenant=view, case=case_view(received_at))
    return {rule.kind: rule for rule in found}


# -- deadlines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "received", "src"),
    [
        # Worked example: Friday 2 January 2026 -> close of business Wednesday 7 January.
        pytest.param({}, london(2026, 1, 2, 10), london(2026, 1, 7, 17), id="worked-example"),
        pytest.param(
            {"jurisdiction": "uk", "out_of_hours_receipt_next_business_day": True},
            london(2026, 1, 2, 18),
            london(2026, 1, 8, 17),
            id="out-of-hours-counts-from-monday",
        ),
    ],
)
def test_a_uk_case_shows_the_summary_resolution_window_without_chasing_it(
    settings: dict[str, Any], received: datetime, src: datetime
) -> None:
    rule = deadlines(tenant(**settings), received)["summary_resolution"]

    assert rule.due_at == src
    assert rule.label == (
        "Summary resolution window (resolved by close of business on the 3rd business day)"
    )
    assert rule.citation == "FCA DISP 1.5"
    assert (rule.watched, rule.pausable) == (False, False)
    assert set(rule.met_by) == {"summary_resolution", "final_response"}
    assert ("next business day" in rule.counting) is bool(settings)


def test_the_8_weeks_are_met_by_a_final_or_a_holding_response() -> None:
    rule = deadlines(tenant(), london(2026, 1, 5, 9))["final_response"]

    assert rule.due_at == end_of(2026, 3, 2)
    assert rule.watched
    assert set(rule.met_by) == {"final_response", "holding_response"}


@pytest.mark.parametrize(
    ("answered_at", "refer_by"),
    [
        pytest.param(london(2026, 3, 2, 11), end_of(2026, 9, 2), id="worked-example"),
        pytest.param(london(2026, 8, 31, 11), end_of(2027, 2, 28), id="month-end-clamps"),
        # 23:30 UTC on 31 August is 00:30 on 1 September in London.
        pytest.param(
            datetime(2026, 8, 31, 23, 30, tzinfo=UTC), end_of(2027, 3, 1), id="london-date"
        ),
    ],
)
def test_the_answer_starts_the_six_months_to_go_to_the_ombudsman(
    answered_at: datetime, refer_by: datetime
) -> None:
    [rule] = plugins.insurance.querela_register_answer_deadlines(
        tenant=tenant(jurisdiction="uk"), case=answered(answered_at)
    )

    assert rule.kind == "fos_referral"
    assert rule.due_at == refer_by
    assert rule.label == (
        "The complainant may refer the complaint to the Financial Ombudsman Service until"
    )
    assert rule.citation == "FCA DISP 2.8.2R"
    assert rule.counting == "6 months after the final response (month end clamps)"
    assert (rule.watched, rule.pausable, tuple(rule.met_by)) == (False, False, ())


@pytest.mark.parametrize(
    ("settings", "case"),
    [
        pytest.param({"jurisdiction": "us"}, answered(london(2026, 3, 2, 11)), id="us"),
        pytest.param({}, answered(None), id="not-answered"),
        pytest.param({}, answered(london(2026, 3, 2, 11), appeal_level=1), id="appeal-answer"),
    ],
)
def test_no_ombudsman_window_when_the_rule_does_not_apply(
    settings: dict[str, Any], case: CaseView
) -> None:
    assert plugins.insurance.querela_register_answer_deadlines(tenant(**settings), case) == ()


# -- fields staff record -----------------------------------------------------------------------


def fields(jurisdiction: str) -> dict[str, IntakeField]:
    found = plugins.insurance.querela_register_intake_fields(tenant(jurisdiction=jurisdiction))
    return {field.name: field for field in found}


HANDLING = {
    "uk": {
        "product": "choice",
        "cause": "choice",
        "redress_paid": "integer",
        "customer_vulnerable": "boolean",
        "vulnerability_failure": "boolean",
    },
    "us": {
        "function": "choice",
        "reason": "choice",
        "line_of_insurance": "choice",
        "disposition": "choice",
        "from_department": "boolean",
        "state_of_origin": "string",
    },
}


@pytest.mark.parametrize("jurisdiction", ["uk", "us"])
def test_staff_record_the_reports_fields_of_their_jurisdiction_only(jurisdiction: str) -> None:
    found = fields(jurisdiction)
    handling = {name: f for name, f in found.items() if not f.at_intake}

    assert {name: f.type for name, f in handling.items()} == HANDLING[jurisdiction]
    asked = [name for name, f in found.items() if f.at_intake]
    payment = ["payment_service"] if jurisdiction == "uk" else []
    assert asked == ["staff_complained_about", *payment]
    assert not any(f.sensitive or f.required for f in handling.values())
    for field in handling.values():
        assert set(field.labels) == LANGUAGES, field.name
        assert all(field.label_in(language) != field.label for language in LANGUAGES)


@pytest.mark.parametrize(
    ("jurisdiction", "name", "choices"),
    [
        (
            "uk",
            "product",
            [
                "banking_credit_cards",
                "home_finance",
                "insurance_pure_protection",
                "decumulation_pensions",
                "investments",
            ],
        ),
        (
            "uk",
            "cause",
            [
                "advising_selling_arranging",
                "terms_disputed_sums",
                "general_admin",
                "arrears_related",
                "other",
            ],
        ),
        (
            "us",
            "function",
            ["underwriting", "marketing_sales", "claims", "policyholder_service", "miscellaneous"],
        ),
        (
            "us",
            "line_of_insurance",
            ["auto", "homeowners", "life", "health", "commercial", "other"],
        ),
    ],
)
def test_each_choice_is_labelled_in_every_language(
    jurisdiction: str, name: str, choices: list[str]
) -> None:
    field = fields(jurisdiction)[name]

    assert list(field.choices) == choices
    assert set(field.choice_labels) == {"en", *LANGUAGES}
    for language, words in field.choice_labels.items():
        assert list(words) == choices, language
        assert all(words.values()), language


def test_reason_and_disposition_choices_are_the_registers_codes() -> None:
    found = fields("us")

    assert "claims.denial" in found["reason"].choices
    assert found["disposition"].choice_in("company_position_upheld", "en") == (
        "Company position upheld"
    )
    assert found["disposition"].choice_in("withdrawn", "de") == "Beschwerde zurückgezogen"


# -- reports -----------------------------------------------------------------------------------


def test_a_uk_tenant_is_offered_the_fca_return_with_the_coming_periods() -> None:
    [definition] = plugins.insurance.querela_register_reports(
        tenant(accounting_reference_date="06-30")
    )

    assert definition.code == "disp-1.10-return"
    assert "DISP 1.10" in definition.citation
    assert definition.description
    assert len(definition.due) == 2
    first, second = definition.due
    assert first.due_on < second.due_on
    assert first.due_on >= datetime.now(LONDON).date()


def test_a_us_tenant_is_offered_the_complaint_register() -> None:
    [definition] = plugins.insurance.querela_register_reports(tenant(jurisdiction="us"))

    assert definition.code == "us-complaint-register"
    assert "38a-819" in definition.citation
    assert definition.due == ()


def test_the_return_is_produced_for_a_uk_tenant_with_its_out_of_hours_setting() -> None:
    # Friday 3 July 2026 18:00, answered Thursday 9 July: within 3 business days only when
    # out-of-hours receipt counts from Monday.
    late = replace(
        case_view(london(2026, 7, 3, 18)), answered_at=london(2026, 7, 9, 12), outcome="upheld"
    )
    period = {"from": date(2026, 7, 1), "to": date(2026, 12, 31)}

    def total(view: TenantView) -> list[Any]:
        output = plugins.insurance.querela_report_for_cases(
            view, "disp-1.10-return", [late], period
        )
        assert output is not None
        return list(output.rows[-1][3:8])

    assert total(tenant()) == [0, 1, 0, 1, 0]
    assert total(tenant(out_of_hours_receipt_next_business_day=True)) == [0, 1, 1, 0, 0]


def test_the_register_is_produced_for_a_us_tenant_in_its_own_time_zone() -> None:
    view = replace(tenant(jurisdiction="us"), timezone="America/Los_Angeles")
    # 05:00 UTC on 1 January 2027 is 21:00 on 31 December 2026 in Los Angeles.
    late = case_view(datetime(2027, 1, 1, 5, tzinfo=UTC))
    output = plugins.insurance.querela_report_for_cases(
        view, "us-complaint-register", [late], {"from": "2026-01-01", "to": "2026-12-31"}
    )

    assert output is not None
    assert [row[1] for row in output.rows] == ["2026-12-31"]


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({}, "us-complaint-register"),
        ({"jurisdiction": "us"}, "disp-1.10-return"),
        ({}, "ko41a"),
    ],
)
def test_other_reports_are_left_to_other_plugins(settings: dict[str, Any], code: str) -> None:
    period = {"from": date(2026, 7, 1), "to": date(2026, 12, 31)}

    assert plugins.insurance.querela_report_for_cases(tenant(**settings), code, [], period) is None


def test_a_2027_period_that_is_not_a_fixed_half_is_refused_with_a_reason() -> None:
    refused = plugins.insurance.querela_report_for_cases(
        tenant(), "disp-1.10-return", [], {"from": date(2027, 1, 1), "to": date(2027, 3, 31)}
    )

    assert refused is not None and refused.rows == ()
    assert "fixed half years" in refused.problem and "2027-03-31" in refused.problem


# -- settings ----------------------------------------------------------------------------------


def test_the_accounting_reference_date_is_a_setting() -> None:
    settings = {s.name: s for s in plugins.insurance.querela_register_settings()}

    assert settings["accounting_reference_date"].type == "string"
    assert "12-31" in settings["accounting_reference_date"].help
