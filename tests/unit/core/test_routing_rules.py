"""What a routing rule's conditions mean, case by case, without a database."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from core.routing.rules import CaseFacts, matches
from core.routing.schemas import Conditions

CASE = CaseFacts(
    category="motor",
    channel="letter",
    severity="high",
    language="de",
    subject="Wagen gestohlen",
    description="My car was STOLEN from the depot.",
    flags=frozenset({"legal_threat"}),
)


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({}, True),  # a rule without conditions catches every case
        ({"categories": ["home", "motor"]}, True),
        ({"categories": ["home"]}, False),
        ({"channels": ["letter"], "severities": ["high", "critical"]}, True),
        ({"channels": ["letter"], "severities": ["low"]}, False),  # every list must hold
        ({"languages": ["de"]}, True),
        ({"keywords": ["stolen"]}, True),  # case does not matter
        ({"keywords": ["GESTOHLEN"]}, True),  # the subject counts too
        ({"keywords": ["fire", "flood"]}, False),
        ({"flags": ["legal_threat", "media"]}, True),
        ({"flags": ["media"]}, False),
    ],
)
def test_conditions(conditions: dict[str, Any], expected: bool) -> None:
    assert matches(msgspec.convert(conditions, Conditions), CASE) is expected


def test_a_case_without_category_matches_no_category_condition() -> None:
    uncategorised = CaseFacts(**{**_fields(CASE), "category": None})
    assert not matches(Conditions(categories=["motor"]), uncategorised)


def _fields(facts: CaseFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in CaseFacts.__slots__}
