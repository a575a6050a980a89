"""A plugin field's value checked against its type: the several-choices type in particular."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.plugins.fieldvalues import checked_value

ASPECTS = ("clinical", "communication", "waiting_times", "staff_attitude")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (["communication"], ["communication"]),
        # The field's own order, each once: the same aspects are the same value.
        (["staff_attitude", "clinical", "clinical"], ["clinical", "staff_attitude"]),
        (list(reversed(ASPECTS)), list(ASPECTS)),
    ],
)
def test_several_choices_are_kept_in_the_fields_order_each_once(
    given: list[str], kept: list[str]
) -> None:
    assert checked_value("fields.aspects", "multichoice", given, choices=ASPECTS) == kept


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ([], "one or more"),
        ("clinical", "a list"),
        (["clinical", "parking"], "'parking'"),
        ([1], "choose from"),
        (None, "a list"),
    ],
)
def test_a_value_that_is_not_a_list_of_known_choices_is_refused(given: object, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked_value("fields.aspects", "multichoice", given, choices=ASPECTS)

    assert refused.value.field == "fields.aspects" and says in refused.value.reason
