"""The insurer's letters carry what DISP 1.6.2R requires, and the check finds it missing."""

from __future__ import annotations

import re

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from plugins.insurance.wording import FOS_WEBSITE, TEMPLATES, required_content

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

VALUES = {
    "reference": "INS-2026-000001",
    "complainant": "Ada Example",
    "organisation": "Example Insurance",
    "received_date": "2026-01-05",
    "subject": "Claim refused",
    "outcome": "upheld",
    "redress": "We will pay the claim.",
    "actions": "",
    "response": "We looked again at your claim.",
}


def _meets(text: str, kind: str) -> list[str]:
    folded = re.sub(r"\s+", " ", text).casefold()
    return [
        r.code
        for r in required_content("uk", kind)
        if not any(p.casefold() in folded for p in r.phrases)
    ]


def _letter(kind: str) -> str:
    [template] = [t for t in TEMPLATES if t.kind == kind]
    return (
        ENV.from_string(template.subject).render(VALUES)
        + "\n"
        + ENV.from_string(template.body).render(VALUES)
    )


@pytest.mark.parametrize("kind", ["final", "holding", "summary_resolution"])
def test_a_uk_answer_needs_the_ombudsman_its_website_and_the_time_limit(kind: str) -> None:
    codes = {r.code for r in required_content("uk", kind)}
    assert codes == {"fos_referral_right", "fos_website", "fos_time_limit"}
    assert _meets("We have looked at your complaint and reject it.", kind) == [
        "fos_referral_right",
        "fos_website",
        "fos_time_limit",
    ]


def test_each_requirement_cites_its_rule() -> None:
    cited = {
        kind: {r.code: r.description for r in required_content("uk", kind)}
        for kind in ("final", "summary_resolution")
    }
    assert "DISP 1.6.2R" in cited["final"]["fos_referral_right"]
    assert "DISP 1.5.4R" in cited["summary_resolution"]["fos_referral_right"]
    assert "DISP 1 Annex 3" in cited["summary_resolution"]["fos_time_limit"]


def test_other_jurisdictions_and_kinds_need_none_of_it() -> None:
    assert required_content("us", "final") == ()
    assert required_content("us", "holding") == ()
    assert required_content("uk", "appeal") == ()


@pytest.mark.parametrize(
    ("kind", "response_kind"),
    [
        ("final_response", "final"),
        ("holding_response", "holding"),
        ("summary_resolution", "summary_resolution"),
    ],
)
def test_the_plugins_letters_meet_their_own_requirements(kind: str, response_kind: str) -> None:
    letter = _letter(kind)
    assert _meets(letter, response_kind) == []
    assert FOS_WEBSITE in letter and "We looked again at your claim." in letter


def test_the_final_response_carries_the_redress() -> None:
    assert "We will pay the claim." in _letter("final_response")


def test_the_holding_response_says_why_when_and_that_the_ombudsman_is_open_now() -> None:
    letter = re.sub(r"\s+", " ", _letter("holding_response"))
    assert "Why we need more time, and when we expect to send our final response" in letter
    assert "You may refer your complaint now to the Financial Ombudsman Service" in letter


def test_the_summary_resolution_says_the_complaint_is_resolved() -> None:
    letter = re.sub(r"\s+", " ", _letter("summary_resolution"))
    assert "we now consider your complaint INS-2026-000001 resolved" in letter
    assert "within six months of the date of this letter" in letter


def test_every_letter_is_english_and_uk_coded() -> None:
    assert {(t.kind, t.language) for t in TEMPLATES} == {
        ("acknowledgement", "en"),
        ("final_response", "en"),
        ("holding_response", "en"),
        ("summary_resolution", "en"),
    }
    assert all(t.code.startswith("insurance-") and t.code.endswith("-uk") for t in TEMPLATES)


def test_the_acknowledgement_states_the_eight_week_timetable() -> None:
    assert "eight weeks" in _letter("acknowledgement")
