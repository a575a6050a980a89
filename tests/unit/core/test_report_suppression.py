"""The regulator's report: counts below five suppressed, and none to be worked back out."""

from __future__ import annotations

from core.reports.schemas import Count
from core.reports.services import suppressed


def lists(**counts: int) -> dict[str, list[Count]]:
    return {"channel": [Count(value=v, count=n) for v, n in counts.items()]}


def shown(result: dict[str, list[Count]]) -> dict[str | None, int | None]:
    return {c.value: c.count for c in result["channel"]}


def test_counts_of_five_and_more_are_shown():
    total, result = suppressed(Count(value="all", count=11), lists(web=6, letter=5))

    assert total.count == 11
    assert shown(result) == {"web": 6, "letter": 5}


def test_a_lone_small_count_takes_the_next_smallest_with_it():
    total, result = suppressed(Count(value="all", count=19), lists(web=9, letter=7, email=3))

    assert total.count == 19
    assert shown(result) == {"web": 9, "letter": None, "email": None}
    assert [c.suppressed for c in result["channel"]] == [False, True, True]


def test_two_small_counts_need_no_more():
    _, result = suppressed(Count(value="all", count=15), lists(web=10, letter=3, email=2))

    assert shown(result) == {"web": 10, "letter": None, "email": None}


def test_a_small_total_hides_everything():
    total, result = suppressed(Count(value="all", count=4), lists(web=3, letter=1))

    assert (total.count, total.suppressed) == (None, True)
    assert shown(result) == {"web": None, "letter": None}


def test_nothing_to_count_is_zero_not_suppressed():
    total, result = suppressed(Count(value="all", count=0), {"channel": []})

    assert (total.count, total.suppressed) == (0, False)
    assert result == {"channel": []}
