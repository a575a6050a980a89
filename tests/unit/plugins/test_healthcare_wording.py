"""A health provider's answers name the Ombudsman (England) or the QIO (US) where the rules ask."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

import plugins.healthcare
from core.letters.services import KINDS, VARIABLES
from core.sdk import CaseView, LetterTemplate, TenantView
from tests.unit.plugins.views import case_view, tenant_view

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

VALUES = {
    "reference": "NHS-2026-000001",
    "complainant": "Ada Example",
    "organisation": "Example NHS Foundation Trust",
    "received_date": "2026-01-05",
    "subject": "Discharged too early",
    "outcome": "partly upheld",
    "redress": "",
    "actions": "Discharge checklists are now signed by a senior nurse.",
    "response": "We spoke to the ward staff and read the notes.",
    "appeal_level": "",
    "survey_link": "",
}


def tenant(**settings: Any) -> TenantView:
    return tenant_view("healthcare", "healthcare", **settings)


def required(view: TenantView, case: CaseView, response_kind: str = "final") -> dict[str, Any]:
    found = plugins.healthcare.querela_register_required_content(view, case, response_kind)
    return {r.code: r for r in found}


def unmet(view: TenantView, case: CaseView, text: str, response_kind: str = "final") -> list[str]:
    """The codes a letter saying ``text`` leaves unmet, checked as the core checks them."""
    folded = re.sub(r"\s+", " ", text).casefold()
    return [
        code
        for code, r in required(view, case, response_kind).items()
        if not any(re.sub(r"\s+", " ", p).casefold() in folded for p in r.phrases)
    ]


def letters(view: TenantView) -> dict[str, LetterTemplate]:
    found = plugins.healthcare.querela_register_letter_templates(view)
    return {t.kind: t for t in found}


def render(template: LetterTemplate, **values: str) -> str:
    variables = {**VALUES, **values}
    return (
        ENV.from_string(template.subject).render(variables)
        + "\n"
        + ENV.from_string(template.body).render(variables)
    )


# -- England -------------------------------------------------------------------------------------


def test_an_english_final_response_names_the_ombudsman_and_its_website() -> None:
    found = required(tenant(), case_view())

    assert set(found) == {"phso_referral_right", "phso_website"}
    assert "SI 2009/309 reg. 14" in found["phso_referral_right"].description
    assert unmet(tenant(), case_view(), "We have looked into it and found nothing wrong.") == [
        "phso_referral_right",
        "phso_website",
    ]
    assert (
        unmet(
            tenant(),
            case_view(),
            "You may go to the Parliamentary and Health  Service Ombudsman: www.ombudsman.org.uk",
        )
        == []
    )


@pytest.mark.parametrize("response_kind", ["appeal", "holding", "acknowledgement"])
def test_nothing_is_asked_of_other_english_letters(response_kind: str) -> None:
    # The NHS has no internal appeal; the Ombudsman comes with the response.
    assert required(tenant(), case_view(), response_kind) == {}


def test_a_complaint_outside_the_regulations_needs_no_ombudsman_paragraph() -> None:
    case = replace(case_view(resolved_next_working_day=True), channel="phone")

    assert required(tenant(), case) == {}


def test_the_english_letters_meet_their_own_requirements() -> None:
    offered = letters(tenant())

    assert unmet(tenant(), case_view(), render(offered["final_response"])) == []


def test_the_english_acknowledgement_offers_to_discuss_and_names_the_period() -> None:
    letter = re.sub(r"\s+", " ", render(letters(tenant())["acknowledgement"]))

    assert "discuss with you" in letter and "how we will handle your complaint" in letter
    assert "within six months of the day we received your complaint" in letter


def test_the_english_response_gives_conclusions_actions_and_the_signatory() -> None:
    letter = re.sub(r"\s+", " ", render(letters(tenant())["final_response"]))

    assert "We spoke to the ward staff and read the notes." in letter
    assert "your complaint is partly upheld" in letter
    assert "Discharge checklists are now signed by a senior nurse." in letter
    assert "The responsible person for complaints" in letter
    assert "To put things right" not in letter  # no redress given, no empty line for it


def test_the_english_delay_notice_gives_the_reason() -> None:
    letter = re.sub(r"\s+", " ", render(letters(tenant())["holding_response"]))

    assert "within six months of that day" in letter
    assert "Why our response is delayed: We spoke to the ward staff" in letter


# -- US ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "fields", "codes", "cited"),
    [
        pytest.param(
            {},
            {"grievance_type": "quality_of_care"},
            {"qio_complaint_right"},
            "422.564(e)",
            id="ma-quality",
        ),
        pytest.param(
            {"plan_type": "part_d"},
            {"grievance_type": "quality_of_care"},
            {"qio_complaint_right"},
            "423.564(e)",
            id="part-d-quality",
        ),
        pytest.param({}, {"grievance_type": "customer_service"}, set(), None, id="service"),
        pytest.param({}, {}, set(), None, id="type-not-recorded"),
        pytest.param(
            {},
            {"grievance_type": "quality_of_care", "request_type": "accounting_of_disclosures"},
            set(),
            None,
            id="accounting-request",
        ),
    ],
)
def test_a_us_quality_of_care_answer_names_the_qio(
    settings: dict[str, Any], fields: dict[str, Any], codes: set[str], cited: str | None
) -> None:
    view = tenant(jurisdiction="us", **settings)
    found = required(view, case_view(**fields))

    assert set(found) == codes
    if cited:
        assert cited in found["qio_complaint_right"].description
        assert tuple(found["qio_complaint_right"].phrases) == ("Quality Improvement Organization",)


def test_the_qio_is_asked_only_of_the_final_answer() -> None:
    case = case_view(grievance_type="quality_of_care")

    assert required(tenant(jurisdiction="us"), case, "holding") == {}


def test_the_us_decision_letter_meets_the_qio_requirement() -> None:
    view = tenant(jurisdiction="us")
    letter = render(letters(view)["final_response"])

    assert unmet(view, case_view(grievance_type="quality_of_care"), letter) == []
    assert "1-800-MEDICARE" in letter


def test_the_us_extension_notice_gives_reasons_and_the_date() -> None:
    letter = re.sub(r"\s+", " ", render(letters(tenant(jurisdiction="us"))["holding_response"]))

    assert "Why we need more time, and the date by which we will send you our answer" in letter
    assert "up to 14 more days" in letter and "up to 30 more days, once" in letter


# -- every letter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "kinds"),
    [
        ({}, {"acknowledgement", "final_response", "holding_response"}),
        ({"jurisdiction": "us"}, {"final_response", "holding_response"}),
    ],
)
def test_letters_are_offered_for_kinds_the_core_sends(
    settings: dict[str, Any], kinds: set[str]
) -> None:
    found = plugins.healthcare.querela_register_letter_templates(tenant(**settings))
    jurisdiction = settings.get("jurisdiction", "england")

    assert {t.kind for t in found} == kinds
    assert kinds <= set(KINDS)
    assert all(t.language == "en" for t in found)
    assert all(t.code.startswith("healthcare-") for t in found)
    assert all(t.code.endswith(f"-{jurisdiction}") for t in found)


@pytest.mark.parametrize("jurisdiction", ["england", "us"])
def test_every_letter_uses_only_the_cores_variables(jurisdiction: str) -> None:
    # Rendering with exactly the core's variables under StrictUndefined fails on any other.
    strict = {name: f"<{name}>" for name in VARIABLES}
    for template in plugins.healthcare.querela_register_letter_templates(
        tenant(jurisdiction=jurisdiction)
    ):
        assert ENV.from_string(template.body).render(strict), template.code
        assert ENV.from_string(template.subject).render(strict), template.code
