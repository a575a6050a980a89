"""Every filing gets a receipt, and the answers say what comes next, as the rules ask."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

import plugins.prisons
from core.letters.services import KINDS, VARIABLES
from core.sdk import LetterTemplate, TenantView
from tests.unit.plugins.views import case_view, tenant_view

ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
VALUES: dict[str, Any] = {name: f"<{name}>" for name in VARIABLES}


def tenant(jurisdiction: str) -> TenantView:
    return tenant_view("prisons", "prisons", jurisdiction=jurisdiction)


def letters(jurisdiction: str) -> dict[str, LetterTemplate]:
    found = plugins.prisons.querela_register_letter_templates(tenant(jurisdiction))
    return {t.kind: t for t in found}


def render(template: LetterTemplate, **values: Any) -> str:
    variables = {**VALUES, **values}
    return " ".join(
        ENV.from_string(text).render(variables) for text in (template.subject, template.body)
    )


@pytest.mark.parametrize("jurisdiction", ["us", "england-wales"])
def test_each_jurisdiction_offers_a_receipt_and_its_answers_in_the_cores_kinds(
    jurisdiction: str,
) -> None:
    found = letters(jurisdiction)

    assert set(found) == {"acknowledgement", "final_response", "appeal_response"}
    assert set(found) <= set(KINDS)
    for template in found.values():
        # Only the core's variables: anything else fails under StrictUndefined.
        assert render(template)
        assert template.language == "en"
    receipt = render(found["acknowledgement"])
    assert "<reference>" in receipt and "<received_date>" in receipt


def test_a_jurisdiction_the_plugin_does_not_know_gets_no_letters() -> None:
    assert letters("scotland") == {}


def test_the_us_receipt_says_silence_is_a_denial_and_the_answers_name_the_next_level() -> None:
    found = letters("us")

    assert "542.18" in render(found["acknowledgement"])
    assert "BP-10" in render(found["final_response"])
    assert "within 20 calendar days" in render(found["final_response"])
    # The core passes the level as a number; a preview passes it as text.
    for level in (1, "1"):
        assert "BP-11" in render(found["appeal_response"], appeal_level=level)
    assert "final decision of the agency" in render(found["appeal_response"], appeal_level=2)


def test_the_e_and_w_final_reply_meets_the_ombudsman_wording_the_plugin_requires() -> None:
    view = tenant("england-wales")
    appealed = replace(case_view(), appeal_level=1)
    text = re.sub(r"\s+", " ", render(letters("england-wales")["appeal_response"])).casefold()

    required = plugins.prisons.querela_register_required_content(view, appealed, "appeal")

    assert required
    for rule in required:
        assert any(phrase.casefold() in text for phrase in rule.phrases), rule.code
