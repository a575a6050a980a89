"""My plugin against a real Querela core, through the fixtures of Querela's pytest plugin."""

from __future__ import annotations

from collections.abc import Sequence

import my_plugin
import pytest

from tenants.testing import RegisterCase


@pytest.fixture
def querela_plugins() -> Sequence[object]:
    """The plugins the test tenant has installed and enabled."""
    return [my_plugin]


async def test_a_complaint_mentioning_a_solicitor_is_flagged(
    querela_register_case: RegisterCase,
) -> None:
    """The flag appears on the registered case, attributed to the plugin."""
    case = await querela_register_case(description="My solicitor will be in touch.")

    [flag] = case.flags
    assert (flag.kind, flag.source, flag.code) == ("risk", "my_plugin", "my_plugin.legal_action")


async def test_an_ordinary_complaint_is_not_flagged(querela_register_case: RegisterCase) -> None:
    """Nothing is flagged when there is nothing to flag."""
    case = await querela_register_case(description="The parcel arrived damaged.")

    assert case.flags == []
