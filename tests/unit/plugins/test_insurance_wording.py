"""The insurer's letters carry what DISP 1.6.2R requires, and the check finds it missing."""

from __future__ import annotations

import re

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from plugins.insurance.wording import FOS_WEBSITE, TEMPLATES, required_content

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


def test_a_uk_final_response_needs_the_ombudsman_its_website_and_the_time_limit():
    codes = {r.code for r in required_content("uk", "final")}
    assert codes == {"fos_referral_right", "fos_website", "fos_time_limit"}
    assert _meets("We have looked at your complaint and reject it.", "final") == [
        "fos_referral_right",
        "fos_website",
        "fos_time_limit",
    ]


def test_other_jurisdictions_and_kinds_need_none_of_it():
    assert required_content("us", "final") == ()
    assert required_content("uk", "appeal") == ()


def test_the_plugins_final_response_letter_meets_its_own_requirements():
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    [final] = [t for t in TEMPLATES if t.kind == "final_response"]
    letter = env.from_string(final.subject).render(VALUES) + "\n"
    letter += env.from_string(final.body).render(VALUES)
    assert _meets(letter, "final") == []
    assert FOS_WEBSITE in letter and "We will pay the claim." in letter


def test_the_acknowledgement_states_the_eight_week_timetable():
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    [ack] = [t for t in TEMPLATES if t.kind == "acknowledgement"]
    assert "eight weeks" in env.from_string(ack.body).render(VALUES)
