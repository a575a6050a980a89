"""An appeal opens from an unanswered level only when silence counts as a denial there."""

from __future__ import annotations

import pytest

from core.lifecycle.machine import IllegalTransition, allowed_actions, check


@pytest.mark.parametrize(
    "status", ["received", "investigating", "decision_approved", "on_hold", "escalated", "appealed"]
)
def test_a_level_denied_by_silence_may_be_appealed_from_where_it_stands(status: str) -> None:
    assert "open_appeal" in allowed_actions(status, deemed=True)
    assert "open_appeal" not in allowed_actions(status)
    with pytest.raises(IllegalTransition):
        check("open_appeal", status)
    assert check("open_appeal", status, deemed=True).target == "appealed"


@pytest.mark.parametrize("status", ["withdrawn"])
def test_a_withdrawn_case_is_not_appealed_however_late_its_answer(status: str) -> None:
    assert "open_appeal" not in allowed_actions(status, deemed=True)


def test_an_answered_case_is_appealed_as_before() -> None:
    assert "open_appeal" in allowed_actions("responded")
    assert "open_appeal" in allowed_actions("closed")
