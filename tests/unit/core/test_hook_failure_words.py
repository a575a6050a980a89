"""What staff read on a case when a plugin's answer could not be used: the cause in words."""

from __future__ import annotations

from core.plugins.host import DUPLICATE_DEADLINE, UNKNOWN_TEAM, HookFailure


def test_a_route_to_a_missing_team_names_it_and_says_what_to_do() -> None:
    failure = HookFailure(
        "religious", "querela_route_for_case", "error", f"{UNKNOWN_TEAM}: Safeguarding"
    )

    words = failure.describe()

    assert "the team 'Safeguarding'" in words
    assert "create the team under Teams" in words


def test_a_deadline_two_plugins_set_says_which_was_kept() -> None:
    failure = HookFailure(
        "insurance",
        "querela_register_deadlines",
        "error",
        f"{DUPLICATE_DEADLINE}: final_response (prisons)",
    )

    words = failure.describe()

    assert words.startswith("Plugin insurance sets the deadline 'final_response'")
    assert "plugin prisons already set: the first is kept" in words


def test_other_failures_keep_their_plain_words() -> None:
    assert HookFailure("x", "hook", "timeout", "").describe() == (
        "Plugin x did not answer in time during hook."
    )
    assert HookFailure("x", "hook", "error", "ValueError").describe() == (
        "Plugin x failed with ValueError during hook."
    )
