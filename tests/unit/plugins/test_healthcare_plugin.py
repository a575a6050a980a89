"""What the healthcare plugin gives English and US tenants: settings, fields, terms, privacy."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

import plugins.healthcare
from core.plugins.host import PluginHost
from core.plugins.services import settings_schema, validate_settings
from core.sdk import IntakeField, IntakeSubmission, TenantView
from tests.unit.plugins.views import case_view, tenant_view

LANGUAGES = {"de", "ru", "et"}
STAFF_CHANNELS = {"phone", "letter", "in_person", "email", "api"}
CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
KIND = re.compile(r"[a-z][a-z_]{0,39}")


def tenant(**settings: Any) -> TenantView:
    return tenant_view("healthcare", "healthcare", **settings)


# -- settings ------------------------------------------------------------------------------------


def test_the_new_settings_have_no_defaults_so_leaving_them_out_keeps_the_old_ones() -> None:
    host = PluginHost(autoload=False)
    host.register(plugins.healthcare)
    schema = settings_schema(host, "healthcare")

    assert validate_settings(schema, {}) == {"jurisdiction": "england"}
    chosen = {"jurisdiction": "us", "plan_type": "part_d", "roll_forward_to_business_day": True}
    assert validate_settings(schema, chosen) == chosen
    settings = {s.name: s for s in schema}
    assert tuple(settings["plan_type"].choices) == ("medicare_advantage", "part_d")
    assert "Medicare Advantage" in settings["plan_type"].help
    assert "off" in settings["roll_forward_to_business_day"].help


# -- fields --------------------------------------------------------------------------------------


def fields(**settings: Any) -> dict[str, IntakeField]:
    found = plugins.healthcare.querela_register_intake_fields(tenant(**settings))
    names = [f.name for f in found]
    assert len(names) == len(set(names)), Counter(names)
    return {f.name: f for f in found}


#: name: (type, asked at intake, channels (empty: all), sensitive)
ENGLAND = {
    "event_date": ("date", True, set(), False),
    "aware_date": ("date", True, set(), False),
    "resolved_next_working_day": ("boolean", True, {"phone", "in_person"}, False),
    "patient_identifier": ("string", True, STAFF_CHANNELS, True),
    "clinical_details": ("text", True, STAFF_CHANNELS, True),
    "service_area": ("choice", False, set(), False),
    "subjects": ("multichoice", False, set(), False),
    "profession": ("choice", False, set(), False),
    "complainant_status": ("choice", False, set(), False),
    "patient_age_band": ("choice", False, set(), False),
    "referred_to_ombudsman": ("boolean", False, set(), False),
    "late_decision": ("choice", False, set(), False),
    "late_decision_reason": ("text", False, set(), True),
}
US = {
    "request_type": ("choice", True, set(), False),
    "event_date": ("date", True, set(), False),
    "expedited": ("boolean", True, set(), False),
    "patient_identifier": ("string", True, STAFF_CHANNELS, True),
    "clinical_details": ("text", True, STAFF_CHANNELS, True),
    "grievance_type": ("choice", False, set(), False),
}
PART_D = {**US, "drug_obtained": ("boolean", True, set(), False)}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param({}, ENGLAND, id="england-default"),
        pytest.param({"jurisdiction": "us"}, US, id="us-medicare-advantage"),
        pytest.param({"jurisdiction": "us", "plan_type": "part_d"}, PART_D, id="us-part-d"),
    ],
)
def test_each_jurisdiction_asks_and_records_its_own_fields(
    settings: dict[str, Any], expected: dict[str, tuple[str, bool, set[str], bool]]
) -> None:
    found = fields(**settings)

    assert {
        name: (f.type, f.at_intake, set(f.channels), f.sensitive) for name, f in found.items()
    } == expected
    assert not any(f.required for f in found.values())
    # Asked fields come first, as the form shows them, then what staff record.
    asked = [f.at_intake for f in found.values()]
    assert asked == sorted(asked, reverse=True)


@pytest.mark.parametrize("settings", [{}, {"jurisdiction": "us", "plan_type": "part_d"}])
def test_every_field_speaks_four_languages(settings: dict[str, Any]) -> None:
    for field in fields(**settings).values():
        assert set(field.labels) == LANGUAGES, field.name
        assert set(field.helps) == LANGUAGES, field.name
        assert all(field.label_in(language) != field.label for language in LANGUAGES)
        assert field.help and all(field.helps.values())
        if field.choices:
            assert set(field.choice_labels) == {"en", *LANGUAGES}, field.name
            for language, words in field.choice_labels.items():
                assert list(words) == list(field.choices), (field.name, language)
                assert all(words.values()), (field.name, language)


def test_the_patient_identifier_is_named_for_the_jurisdiction() -> None:
    assert fields()["patient_identifier"].label == "NHS number"
    assert fields(jurisdiction="us")["patient_identifier"].label == "Member ID"
    assert fields(jurisdiction="us")["patient_identifier"].label_in("de") == "Mitgliedsnummer"


@pytest.mark.parametrize(
    ("settings", "name", "choices"),
    [
        ({}, "late_decision", ["accepted", "not_accepted"]),
        ({}, "complainant_status", ["patient", "relative_carer", "other"]),
        ({}, "patient_age_band", ["0_17", "18_64", "65_plus", "not_known"]),
        ({"jurisdiction": "us"}, "request_type", ["grievance", "accounting_of_disclosures"]),
    ],
)
def test_choices_are_the_plugins_codes(
    settings: dict[str, Any], name: str, choices: list[str]
) -> None:
    assert list(fields(**settings)[name].choices) == choices


def test_the_choice_fields_offer_the_taxonomy_terms() -> None:
    terms = plugins.healthcare.querela_register_taxonomy(tenant())
    by_kind: dict[str, list[str]] = {}
    for term in terms:
        by_kind.setdefault(term.kind, []).append(term.code)
    found = fields()

    assert list(found["service_area"].choices) == by_kind["service_area"]
    assert list(found["subjects"].choices) == by_kind["subject"]
    assert list(found["profession"].choices) == by_kind["profession"]
    assert list(found["complainant_status"].choices) == by_kind["complainant_status"]
    assert list(found["patient_age_band"].choices) == by_kind["age_band"]
    us_terms = plugins.healthcare.querela_register_taxonomy(tenant(jurisdiction="us"))
    assert list(fields(jurisdiction="us")["grievance_type"].choices) == [t.code for t in us_terms]


# -- taxonomy ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "kinds"),
    [
        ("england", {"age_band", "complainant_status", "service_area", "subject", "profession"}),
        ("us", {"grievance_type"}),
    ],
)
def test_the_taxonomy_is_the_returns_own(jurisdiction: str, kinds: set[str]) -> None:
    terms = list(plugins.healthcare.querela_register_taxonomy(tenant(jurisdiction=jurisdiction)))

    assert {t.kind for t in terms} == kinds
    assert all(CODE.fullmatch(t.code) and KIND.fullmatch(t.kind) for t in terms)
    assert all(t.label and t.parent is None for t in terms)
    pairs = [(t.kind, t.code) for t in terms]
    assert len(pairs) == len(set(pairs))
    # Every section lets staff say "other" or "not known" rather than force a wrong term.
    for kind in kinds:
        assert {"other", "not_known"} & {t.code for t in terms if t.kind == kind}, kind


def test_the_us_grievance_types_include_the_cms_categories_the_rules_name() -> None:
    terms = plugins.healthcare.querela_register_taxonomy(tenant(jurisdiction="us"))

    assert {"quality_of_care", "access", "customer_service"} <= {t.code for t in terms}


def test_the_ko41a_subject_areas_include_the_most_common() -> None:
    terms = plugins.healthcare.querela_register_taxonomy(tenant())
    subjects = {t.code: t.label for t in terms if t.kind == "subject"}

    assert subjects["patient_care"] == "Patient care, including nutrition and hydration"
    assert subjects["communications"] == "Communications"
    assert subjects["values_behaviours"] == "Values and behaviours (staff)"


# -- privacy -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "rules"),
    [
        ("england", ["UK GDPR Art. 9", "Caldicott", "minimum necessary", "need-to-know"]),
        ("us", ["45 CFR 164.502(b)", "minimum necessary", "45 CFR 164.312(b)"]),
    ],
)
def test_every_case_is_at_least_restricted_for_minimum_necessary(
    jurisdiction: str, rules: list[str]
) -> None:
    for case in (case_view(), case_view(request_type="accounting_of_disclosures")):
        [minimum] = plugins.healthcare.querela_register_confidentiality_minimums(
            tenant(jurisdiction=jurisdiction), case
        )
        assert minimum.level == "restricted"
        assert all(rule in minimum.reason for rule in rules), minimum.reason


# -- intake problems -----------------------------------------------------------------------------


def submission(channel: str = "phone", **fields: Any) -> IntakeSubmission:
    return IntakeSubmission(
        channel=channel,
        subject="Discharged too early",
        description="My father was sent home the same day.",
        category=None,
        severity="normal",
        language="en",
        received_at=datetime(2026, 4, 2, 10, tzinfo=UTC),
        fields=fields,
    )


@pytest.mark.parametrize(
    ("settings", "fields", "problems"),
    [
        pytest.param({}, {"patient_identifier": "943 476 5919"}, [], id="valid-nhs-number"),
        pytest.param({}, {"patient_identifier": "9434765918"}, ["check digit"], id="bad-check"),
        pytest.param({}, {"patient_identifier": "12345"}, ["10-digit"], id="too-short"),
        pytest.param({}, {"patient_identifier": "ABC4765919"}, ["10-digit"], id="letters"),
        pytest.param(
            {"jurisdiction": "us"}, {"patient_identifier": "1EG4-TE5-MK73"}, [], id="member-id"
        ),
        pytest.param({}, {"event_date": "2026-04-02"}, [], id="event-today"),
        pytest.param({}, {"event_date": "2026-04-03"}, ["later than"], id="event-tomorrow"),
        pytest.param({}, {"aware_date": "2027-01-01"}, ["later than"], id="aware-future"),
        pytest.param(
            {"jurisdiction": "us"}, {"event_date": "2026-04-03"}, ["later than"], id="us-future"
        ),
    ],
)
def test_impossible_values_are_refused_with_the_field_named(
    settings: dict[str, Any], fields: dict[str, Any], problems: list[str]
) -> None:
    found = plugins.healthcare.querela_register_intake_problems(
        tenant(**settings), submission(**fields)
    )

    assert [p.field for p in found] == [f"fields.{name}" for name in fields][: len(problems)]
    assert len(found) == len(problems)
    for issue, words in zip(found, problems, strict=True):
        assert words in issue.message


# -- reports -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "codes"),
    [
        ({}, ["ko41a-return", "annual-complaints-report"]),
        ({"jurisdiction": "us"}, ["medicare-grievance-log"]),
    ],
)
def test_each_jurisdiction_lists_its_reports_only(
    settings: dict[str, Any], codes: list[str]
) -> None:
    found = plugins.healthcare.querela_register_reports(tenant(**settings))

    assert [d.code for d in found] == codes
    assert all(d.title and d.description and d.citation for d in found)


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({}, "medicare-grievance-log"),
        ({"jurisdiction": "us"}, "ko41a-return"),
        ({"jurisdiction": "us"}, "annual-complaints-report"),
        ({}, "disp-1.10-return"),
    ],
)
def test_other_reports_are_left_to_other_plugins(settings: dict[str, Any], code: str) -> None:
    period = {"from": date(2026, 4, 1), "to": date(2027, 3, 31)}

    assert plugins.healthcare.querela_report_for_cases(tenant(**settings), code, [], period) is None


@pytest.mark.parametrize(
    ("settings", "code", "period", "words"),
    [
        ({}, "ko41a-return", {"from": date(2026, 1, 1), "to": date(2026, 12, 31)}, "1 April"),
        ({}, "ko41a-return", {"from": "2026-04-01"}, "'to'"),
        ({}, "annual-complaints-report", {"from": "2026-04-01", "to": "2026-03-31"}, "before"),
        ({"jurisdiction": "us"}, "medicare-grievance-log", {"from": "x", "to": "y"}, "a date"),
    ],
)
def test_a_period_a_report_cannot_cover_comes_back_as_its_problem(
    settings: dict[str, Any], code: str, period: dict[str, Any], words: str
) -> None:
    output = plugins.healthcare.querela_report_for_cases(tenant(**settings), code, [], period)

    assert output is not None
    assert output.code == code and output.rows == ()
    assert words in output.problem
